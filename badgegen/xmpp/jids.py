"""JIDs as XMPP defines them (RFC 7622), parsed by slixmpp; the rest of badgegen sees strings."""

from __future__ import annotations

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
    except InvalidJID as exc:
        raise ValueError(str(exc)) from exc
    return ParsedJid(str(jid.user), str(jid.domain), str(jid.resource))
