"""JIDs as XMPP servers compare them (RFC 6122's stringprep profiles), with the stdlib alone.

slixmpp's own parser would cost `badgegen check` the import of all of
slixmpp; this one applies the same profiles (nodeprep, nameprep, resourceprep
from Python's stringprep tables) and agrees with slixmpp's JID on what is
valid and how it is normalised (tests/unit/test_jids.py holds it to that).
"""

from __future__ import annotations

import encodings.idna
import ipaddress
import re
import stringprep
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

MAX_PART_BYTES = 1023
# Split only; each part is checked by its profile.
_SHAPE = re.compile(r"^(?:([^\"&'/:<>@]*)@)?([^/@]*)(?:/(.*))?$", re.DOTALL)
# nodeprep's own additions to the prohibited characters (RFC 6122, appendix A.5).
_NOT_IN_LOCAL = frozenset(" \"&'/:<>@")
_COMMON_PROHIBITED: tuple[Callable[[str], bool], ...] = (
    stringprep.in_table_c12,
    stringprep.in_table_c21,
    stringprep.in_table_c22,
    stringprep.in_table_c3,
    stringprep.in_table_c4,
    stringprep.in_table_c5,
    stringprep.in_table_c6,
    stringprep.in_table_c7,
    stringprep.in_table_c8,
    stringprep.in_table_c9,
)
_LOCAL_PROHIBITED = (stringprep.in_table_c11, *_COMMON_PROHIBITED)


@dataclass(frozen=True, slots=True)
class ParsedJid:
    """A JID's parts, normalised (a part that is absent is "")."""

    local: str
    domain: str
    resource: str

    @property
    def bare(self) -> str:
        """local@domain, or the domain alone."""
        return f"{self.local}@{self.domain}" if self.local else self.domain


def parse_jid(text: str) -> ParsedJid:
    """Split and normalise a JID.

    Args:
        text: the JID as written.

    Raises:
        ValueError: text is not a JID; the message says which part and why.
    """
    match = _SHAPE.match(text)
    if match is None:
        raise ValueError("it has more than one @ before the domain, or an @ after a /")
    local, domain, resource = match.groups()
    if local is not None and not local:
        raise ValueError("the part before @ is empty")
    if resource is not None and not resource:
        raise ValueError("the part after / is empty")
    return ParsedJid(
        _checked("local part", local, nodeprep) if local else "",
        parse_domain(domain),
        _checked("resource", resource, resourceprep) if resource else "",
    )


def _checked(part: str, text: str, profile: Callable[[str], str]) -> str:
    prepared = profile(text)
    if not prepared:
        raise ValueError(f"the {part} is empty once prepared")
    if len(prepared.encode("utf-8")) > MAX_PART_BYTES:
        raise ValueError(f"the {part} is longer than {MAX_PART_BYTES} bytes")
    return prepared


def nodeprep(text: str) -> str:
    """RFC 6122's nodeprep: case-folded, NFKC, without the characters a local part cannot hold.

    Raises:
        ValueError: a prohibited or unassigned character, or mixed directions.
    """
    return _stringprep(text, "local part", fold_case=True, prohibited=_LOCAL_PROHIBITED)


def resourceprep(text: str) -> str:
    """RFC 6122's resourceprep: NFKC, case kept.

    Raises:
        ValueError: a prohibited or unassigned character, or mixed directions.
    """
    return _stringprep(text, "resource", fold_case=False, prohibited=_COMMON_PROHIBITED)


def _stringprep(
    text: str, part: str, *, fold_case: bool, prohibited: tuple[Callable[[str], bool], ...]
) -> str:
    """RFC 3454's steps: map, normalise, prohibit, check bidi (unassigned code points refused)."""
    mapped = "".join(
        stringprep.map_table_b2(char) if fold_case else char
        for char in text
        if not stringprep.in_table_b1(char)
    )
    prepared = unicodedata.normalize("NFKC", mapped)
    for char in prepared:
        if (
            any(table(char) for table in prohibited)
            or stringprep.in_table_a1(char)
            or (fold_case and char in _NOT_IN_LOCAL)
        ):
            raise ValueError(f"the {part} holds {_shown(char)}, which a JID cannot hold there")
    _check_directions(prepared, part)
    return prepared


def _check_directions(text: str, part: str) -> None:
    """RFC 3454 section 6: right-to-left text must not mix in left-to-right, and frames itself."""
    if not any(stringprep.in_table_d1(char) for char in text):
        return
    if any(stringprep.in_table_d2(char) for char in text) or not (
        stringprep.in_table_d1(text[0]) and stringprep.in_table_d1(text[-1])
    ):
        raise ValueError(f"the {part} mixes right-to-left and left-to-right text")


def parse_domain(text: str) -> str:
    """A JID's domain part: an IP literal, or a domain name with its labels as U-labels.

    room@xn--bcher-kva.example and room@bücher.example are one room (RFC 7622).

    Raises:
        ValueError: not a domain name or IP literal.
    """
    if not text:
        raise ValueError("the domain is empty")
    if _is_ip_literal(text):
        return text
    text = unicodedata.normalize("NFKC", text)  # a fullwidth full stop separates labels too
    # RFC 7622, section 3.2: a final dot is stripped before a JID is compared or used.
    stripped = text[:-1] if text.endswith(".") and text != "." else text
    labels = [_label(label, text) for label in stripped.split(".")]
    _check_directions("".join(labels), "domain")  # a right-to-left domain is so throughout
    domain = ".".join(labels)
    if len(domain.encode("utf-8")) > MAX_PART_BYTES:
        raise ValueError(f"the domain is longer than {MAX_PART_BYTES} bytes")
    return domain


def _label(label: str, domain: str) -> str:
    """One label: nameprep'd, at most 63 bytes as an A-label, shown as a U-label."""
    if not label:
        raise ValueError(f'"{domain}" has an empty label (two dots in a row?)')
    try:
        prepared = encodings.idna.nameprep(label)
        encodings.idna.ToASCII(prepared)
        prepared = _from_a_label(prepared) if prepared[2:4] == "--" else prepared
    except UnicodeError as exc:
        raise ValueError(f'"{label}" is not a valid domain label: {exc}') from None
    if "-" in (prepared[0], prepared[-1]):
        raise ValueError(f'"{label}" starts or ends with a hyphen')
    if unicodedata.category(prepared[0]).startswith("M"):  # RFC 5891, section 4.2.3.2
        raise ValueError(f'"{label}" starts with a combining mark')
    for char in prepared:
        # Prosody's host name rules (STD3): letters, digits, "-"; and "_", as servers allow.
        if (ord(char) < 0x80 and not (char.isalnum() or char in "-_")) or char.isspace():
            raise ValueError(f'"{domain}" holds {_shown(char)}, which a domain cannot hold')
    return prepared


def _from_a_label(label: str) -> str:
    """An A-label (xn--...) as its U-label; "--" in third and fourth place is only for them.

    Raises:
        UnicodeError: not an A-label that decodes and encodes back to itself.
    """
    if label.startswith("xn--"):
        decoded = encodings.idna.ToUnicode(label)
        if decoded != label and encodings.idna.ToASCII(decoded).decode("ascii") == label:
            return decoded
    raise UnicodeError('"--" in third and fourth place is kept for A-labels (xn--...)')


def _is_ip_literal(text: str) -> bool:
    """An IPv4 address, or an IPv6 address in brackets."""
    bracketed = text.startswith("[") and text.endswith("]")
    try:
        address = ipaddress.ip_address(text[1:-1] if bracketed else text)
    except ValueError:
        return False
    return address.version == (6 if bracketed else 4)


def _shown(char: str) -> str:
    """ "' ' (U+0020)": a character as an error shows it, visible or not."""
    name = unicodedata.name(char, "")
    visible = char.isprintable() and not char.isspace()
    return (f'"{char}" ' if visible else "") + f"(U+{ord(char):04X}{' ' + name if name else ''})"
