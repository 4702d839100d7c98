"""JIDs as XMPP servers compare them (RFC 6122's stringprep profiles), with the stdlib alone.

slixmpp's own parser would cost `badgegen check` the import of all of
slixmpp; this one applies the same profiles (nodeprep, nameprep, resourceprep
from Python's stringprep tables) and agrees with slixmpp's JID on what is
valid and how it is normalised (tests/unit/test_jids.py holds it to that).
"""

from __future__ import annotations

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
# nameprep's (RFC 3491): space and the ASCII controls are the host name rules' to refuse.
_DOMAIN_PROHIBITED = _COMMON_PROHIBITED
MAX_LABEL_BYTES = 63
# RFC 5893's Bidi Rule: the directions a right-to-left or left-to-right label may hold.
_RIGHT_TO_LEFT = frozenset(("R", "AL", "AN"))
_NEUTRAL = frozenset(("ES", "CS", "ET", "ON", "BN", "NSM"))
_IN_RTL_LABEL = frozenset(("R", "AL", "AN", "EN")) | _NEUTRAL
_IN_LTR_LABEL = frozenset(("L", "EN")) | _NEUTRAL
_RTL_ENDINGS, _LTR_ENDINGS = frozenset(("R", "AL", "EN", "AN")), frozenset(("L", "EN"))


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
    prepared = _mapped(text, part, fold_case=fold_case, prohibited=prohibited)
    _check_directions(prepared, part)
    return prepared


def _mapped(
    text: str, part: str, *, fold_case: bool, prohibited: tuple[Callable[[str], bool], ...]
) -> str:
    """RFC 3454's first steps: map, normalise, prohibit (unassigned code points refused)."""
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
            or (prohibited is _LOCAL_PROHIBITED and char in _NOT_IN_LOCAL)
        ):
            raise ValueError(f"the {part} holds {_shown(char)}, which a JID cannot hold there")
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
    """A JID's domain part: an IP literal, or a domain name a server can reach, as U-labels.

    The whole domain is prepared as Prosody's util.jid and ejabberd's jid module
    prepare it (nameprep, right-to-left text checked across the whole domain);
    then each label must be one that both servers' IDNA conversion turns into a
    name DNS can look up (letters, digits and inner hyphens; "--" in third and
    fourth place only in an A-label; RFC 5893's Bidi Rule where a label is
    right-to-left). room@xn--bcher-kva.example and room@bücher.example are one
    room (RFC 7622 compares U-labels).

    Raises:
        ValueError: not a domain name or IP literal.
    """
    if not text:
        raise ValueError("the domain is empty")
    if _is_ip_literal(text):
        return text
    # RFC 7622, section 3.2: a final dot is stripped before any other step.
    text = text[:-1] if text.endswith(".") and text != "." else text
    prepared = _mapped(text, "domain", fold_case=True, prohibited=_DOMAIN_PROHIBITED)
    _check_directions(prepared, "domain")  # as servers check it: across the whole domain
    # A fullwidth full stop at the end, which nameprep made a dot, is one too.
    stripped = prepared[:-1] if prepared.endswith(".") and prepared != "." else prepared
    labels = [_label(label, text) for label in stripped.split(".")]
    check_bidi_rule(labels)
    domain = ".".join(labels)
    if len(domain.encode("utf-8")) > MAX_PART_BYTES:
        raise ValueError(f"the domain is longer than {MAX_PART_BYTES} bytes")
    return domain


def _label(label: str, domain: str) -> str:
    """One prepared label: at most 63 bytes as an A-label, host name rules, as a U-label."""
    if not label:
        raise ValueError(f'"{domain}" has an empty label (two dots in a row?)')
    if label[2:4] == "--":
        label = _from_a_label(label, domain)
    if "-" in (label[0], label[-1]):
        raise ValueError(f'"{label}" starts or ends with a hyphen')
    if unicodedata.category(label[0]).startswith("M"):  # RFC 5891, section 4.2.3.2
        raise ValueError(f'"{label}" starts with a combining mark')
    for char in label:
        # STD3's host name rules, which both servers' IDNA conversion applies: letters,
        # digits and "-" of ASCII.
        if ord(char) < 0x80 and not (char.isalnum() or char == "-"):
            raise ValueError(f'"{domain}" holds {_shown(char)}, which a domain cannot hold')
    if len(_a_label(label)) > MAX_LABEL_BYTES:
        raise ValueError(f'"{label}" is not a valid domain label: longer than 63 bytes')
    return label


def _a_label(label: str) -> bytes:
    """The label as DNS carries it: ASCII as it is, otherwise xn-- and its Punycode."""
    return label.encode("ascii") if label.isascii() else b"xn--" + label.encode("punycode")


def check_bidi_rule(labels: list[str]) -> None:
    """RFC 5893's Bidi Rule, for each label of a domain that has a right-to-left label.

    Raises:
        ValueError: a label breaks it (the message names the label).
    """
    if not any(_RIGHT_TO_LEFT & _directions(label) for label in labels):
        return
    for label in labels:
        directions = [unicodedata.bidirectional(char) for char in label]
        last = next((kind for kind in reversed(directions) if kind != "NSM"), "")
        if directions[0] in ("R", "AL"):  # a right-to-left label: rules 2, 3 and 4
            allowed, endings = _IN_RTL_LABEL, _RTL_ENDINGS
            ok = not {"EN", "AN"} <= set(directions)
        else:  # rules 1, 5 and 6
            allowed, endings, ok = _IN_LTR_LABEL, _LTR_ENDINGS, directions[0] == "L"
        if not (ok and set(directions) <= allowed and last in endings):
            raise ValueError(f'"{label}" breaks the Bidi Rule of a right-to-left domain (RFC 5893)')


def _directions(label: str) -> set[str]:
    return {unicodedata.bidirectional(char) for char in label}


def _from_a_label(label: str, domain: str) -> str:
    """An A-label (xn--...) as its U-label; "--" in third and fourth place is only for them.

    An A-label whose U-label nameprep would change (xn--zca is ß, which nameprep makes ss)
    names another domain than that U-label does: it stays as it is, as servers keep it.

    Raises:
        ValueError: not an A-label: its Punycode does not decode and encode back to it.
    """
    if not label.startswith("xn--"):
        shown = label if label in domain else f"{label}, {domain} once prepared,"
        raise ValueError(
            f'"{shown}" has "--" in third and fourth place, which only an A-label (xn--...)'
            " may have: no server can look it up"
        )
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except UnicodeError:
        decoded = ""
    if not decoded or decoded.isascii() or _a_label(decoded) != label.encode("ascii"):
        raise ValueError(f'"{label}" is not a valid A-label (xn-- and Punycode)')
    try:
        prepared = _mapped(decoded, "domain", fold_case=True, prohibited=_DOMAIN_PROHIBITED)
    except ValueError as exc:
        raise ValueError(f'"{label}" is not a valid A-label: {exc}') from None
    return decoded if prepared == decoded else label


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
