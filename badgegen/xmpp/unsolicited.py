"""Requests nobody asked for: answered within a small budget, the rest dropped, said once.

A room (or anyone who learns the counting client's full JID from a query)
can send it iq requests. The protocol wants an answer to each (an error, as
badgegen offers nothing), but every answer is bytes the account's rate limit
counts, and a flood of them would starve the run's own queries. So each
sender's domain gets ANSWERS_PER_DOMAIN answers and the run ANSWERS_IN_ALL;
past that, requests are dropped unanswered, and one warning per domain says
so. Only the account's own server itself (no local part: its pings keep the
session alive) always gets its answer: any other account, on that server too
(anyone may register one on a public server), is budgeted like the rest.
"""

from __future__ import annotations

import logging
from collections import Counter
from xml.etree.ElementTree import Element

from slixmpp import ClientXMPP

from badgegen.text.untrusted import clean_name

log = logging.getLogger(__name__)

IQ = "{jabber:client}iq"
ANSWERS_PER_DOMAIN = 8
ANSWERS_IN_ALL = 64
# What slixmpp is handed instead of a request dropped: no handler matches it.
_DROPPED = Element("{urn:x-badgegen}dropped")


class Unsolicited:
    """Sits in front of the client's incoming stanzas and budgets answers to requests."""

    def __init__(self, client: ClientXMPP, own_domain: str) -> None:
        self.own_domain = own_domain.lower()
        self.answered: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()
        self.next_filter = client.incoming_filter
        # slixmpp documents incoming_filter as meant to be overridden.
        client.incoming_filter = self._filter  # type: ignore[method-assign]

    def _filter(self, xml: Element) -> Element:
        if xml.tag == IQ and xml.get("type") in ("get", "set") and not self._may_answer(xml):
            return _DROPPED
        return self.next_filter(xml)

    def _may_answer(self, request: Element) -> bool:
        sender = request.get("from", "")
        bare = sender.partition("/")[0].lower()
        if not bare or bare == self.own_domain:  # the server itself
            return True
        domain = bare.rpartition("@")[2]
        within = (
            self.answered[domain] < ANSWERS_PER_DOMAIN
            and sum(self.answered.values()) < ANSWERS_IN_ALL
        )
        if within:
            self.answered[domain] += 1
            return True
        if not self.dropped[domain]:
            shown = clean_name(domain) or "(no name)"
            log.warning(
                "%s sends requests nobody asked for: answered %d, dropping the rest",
                shown,
                self.answered[domain],
            )
        self.dropped[domain] += 1
        return False

    def report(self) -> None:
        """Say, once per domain, how many requests were dropped in all."""
        for domain, dropped in self.dropped.most_common():
            shown = clean_name(domain) or "(no name)"
            log.warning("dropped %d requests from %s unanswered", dropped, shown)
