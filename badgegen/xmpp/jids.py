"""JIDs as XMPP defines them (RFC 7622), parsed by slixmpp; the rest of badgegen sees strings."""

from __future__ import annotations

import encodings.idna
from dataclasses import dataclass


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
        ValueError: text is not a JID; the message says why.
    """
    # slixmpp's import is slow; only the commands that read JIDs pay for it.
    from slixmpp.jid import JID, InvalidJID

    try:
        jid = JID(text)
        domain = unicode_domain(str(jid.domain))
        if domain != jid.domain:
            jid.domain = domain  # validated and normalised again by slixmpp
    except (InvalidJID, UnicodeError) as exc:
        raise ValueError(str(exc)) from exc
    return ParsedJid(str(jid.user), str(jid.domain), str(jid.resource))


def unicode_domain(domain: str) -> str:
    """The domain with its A-labels (xn--...) as U-labels, as RFC 7622 compares JIDs.

    room@xn--bcher-kva.example and room@bücher.example are one room.

    Raises:
        UnicodeError: a label is not valid punycode.
    """
    labels = domain.split(".")
    if not any(label.startswith("xn--") for label in labels):
        return domain
    return ".".join(encodings.idna.ToUnicode(label) for label in labels)
