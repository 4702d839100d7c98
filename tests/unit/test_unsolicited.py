"""Requests nobody asked for: only the account's own server bypasses the answer budget."""

from __future__ import annotations

import logging
from typing import Any
from xml.etree.ElementTree import Element

import pytest

from badgegen.xmpp.unsolicited import ANSWERS_IN_ALL, ANSWERS_PER_DOMAIN, Unsolicited


class Stream:
    """What Unsolicited needs of a client: the incoming filter it sits in front of."""

    def incoming_filter(self, xml: Any) -> Any:
        return xml


def request(sender: str) -> Element:
    return Element("{jabber:client}iq", {"type": "get", "from": sender, "id": "x"})


def answered(budget: Unsolicited, sender: str, times: int) -> int:
    """How many of `times` requests from sender get through to be answered."""
    return sum(budget._filter(request(sender)).tag.endswith("}iq") for _ in range(times))


def test_the_server_itself_is_always_answered() -> None:
    """Its pings keep the session alive: no budget for the account's own domain, bare."""
    budget = Unsolicited(Stream(), "example.org")  # type: ignore[arg-type]
    assert answered(budget, "example.org", 500) == 500
    assert answered(budget, "", 10) == 10  # no from: the server too


def test_another_account_of_the_same_server_is_budgeted(caplog: pytest.LogCaptureFixture) -> None:
    """mallory@ the counter's own domain floods it: a few answers, then dropped, said once."""
    budget = Unsolicited(Stream(), "example.org")  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="badgegen"):
        got = answered(budget, "mallory@example.org/flood", 3000)
        budget.report()
    assert got == ANSWERS_PER_DOMAIN
    said = [record.getMessage() for record in caplog.records]
    assert sum("sends requests nobody asked for" in line for line in said) == 1
    assert said[-1] == f"dropped {3000 - ANSWERS_PER_DOMAIN} requests from example.org unanswered"


def test_the_run_answers_at_most_its_budget_in_all() -> None:
    """Many domains: each its share, the run ANSWERS_IN_ALL at most."""
    budget = Unsolicited(Stream(), "example.org")  # type: ignore[arg-type]
    got = sum(answered(budget, f"x@d{number}.example", 20) for number in range(30))
    assert got == ANSWERS_IN_ALL
