"""Counting against a real Prosody: exact counts by disco#info and by joining."""

from __future__ import annotations

import dataclasses
import os
import re

import pytest

from badgegen.config import Room
from badgegen.config.login import Login, Secret
from badgegen.core.connection import Connection
from badgegen.core.counts import Problem
from badgegen.demo.occupants import Occupants
from badgegen.demo.server import free_port
from badgegen.errors import XmppError
from sandbox.ejabberd import started_version
from sandbox.servers import SandboxServer
from tests.integration.counts import counts_of

from .conftest import EXPECTED, MEMBERS_ONLY, Account


def options(sandbox: SandboxServer, **changes: object) -> Connection:
    """Connect to the test server, trusting its CA, with short limits."""
    settings: dict[str, object] = {
        "server": f"127.0.0.1:{sandbox.port}",
        "ca_file": sandbox.ca_file,
        "timeout": 5.0,
        "deadline": 30.0,
        **changes,
    }
    return Connection(**settings)  # type: ignore[arg-type]


def login(account: Account) -> Login:
    """The refreshing account's login."""
    return Login(account.jid, Secret(account.password))


def rooms(occupants: Occupants, method: str) -> list[Room]:
    """Every sample room plus one that does not exist, counted by method."""
    names = [*EXPECTED, "missing"]
    return [Room(occupants.room_jid(name), method=method) for name in names]  # type: ignore[arg-type]


@pytest.mark.parametrize("method", ["disco", "join"])
def test_exact_counts(
    server: SandboxServer, occupants: Occupants, account: Account, method: str
) -> None:
    """0, 1 and several occupants and a hidden room count exactly, never counting the tool."""
    counts = counts_of(login(account), rooms(occupants, method), options(server))
    got = {count.jid.split("@")[0]: count.occupants for count in counts}
    assert got == {**EXPECTED, "missing": None}
    missing = counts[-1]
    assert (missing.problem, missing.jid) == (Problem.NOT_FOUND, occupants.room_jid("missing"))


def test_members_only_room(server: SandboxServer, occupants: Occupants, account: Account) -> None:
    """disco#info counts a members-only room; joining it is refused and classed "not allowed"."""
    room = occupants.room_jid(MEMBERS_ONLY.name)
    asked = [Room(room), Room(room, method="join")]
    counts = counts_of(login(account), asked, options(server))
    assert (counts[0].occupants, counts[0].problem, counts[0].public) == (0, None, True)
    assert (counts[1].occupants, counts[1].problem) == (None, Problem.NOT_ALLOWED)
    # The condition, then the server's own words when it gives some (ejabberd does).
    assert counts[1].detail.partition(":")[0] == "registration-required"


def test_join_leaves_no_trace(
    server: SandboxServer, occupants: Occupants, account: Account
) -> None:
    """After counting by joining, rooms hold only their occupants and no room was created."""
    counts_of(login(account), rooms(occupants, "join"), options(server))
    counts = counts_of(login(account), rooms(occupants, "disco"), options(server))
    assert [count.occupants for count in counts] == [*EXPECTED.values(), None]
    assert counts[-1].problem is Problem.NOT_FOUND


def test_many_rooms_over_one_connection(
    server: SandboxServer, occupants: Occupants, account: Account
) -> None:
    """200 queries with 8 in flight all come back, in the order asked."""
    names = list(EXPECTED) * 50
    asked = [Room(occupants.room_jid(name)) for name in names]
    counts = counts_of(login(account), asked, options(server, concurrency=8))
    assert [count.occupants for count in counts] == [EXPECTED[name] for name in names]


def test_anonymous_login(server: SandboxServer, occupants: Occupants) -> None:
    """An anonymous account (SASL ANONYMOUS) counts like any other."""
    anonymous = Login(server.anonymous_domain, None, anonymous=True)
    counts = counts_of(anonymous, [Room(occupants.room_jid("busy"))], options(server))
    assert [(count.jid, count.occupants, count.problem) for count in counts] == [
        (occupants.room_jid("busy"), EXPECTED["busy"], None)
    ]


@pytest.mark.parametrize(
    ("make_login", "make_options", "message"),
    [
        (
            lambda account: Login(account.jid, Secret("wrong password")),
            lambda server: options(server),
            r"^login as counter@badgegen\.test failed: not-authorized( \(\"[^\"]*\"\))?;"
            " check the password in BADGEGEN_PASSWORD or BADGEGEN_PASSWORD_FILE, and that the"
            " account exists on that server$",
        ),
        (
            login,
            lambda server: options(server, server=f"127.0.0.1:{free_port()}"),
            r"^cannot connect to 127\.0\.0\.1:",
        ),
        (
            login,
            lambda server: options(server, ca_file=None),
            r"\(STARTTLS\) failed: certificate verify failed",
        ),
    ],
    ids=["wrong-password", "closed-port", "untrusted-certificate"],
)
def test_fatal_failures_end_promptly(
    server: SandboxServer,
    occupants: Occupants,
    account: Account,
    make_login: object,
    make_options: object,
    message: str,
) -> None:
    """Login, connection and TLS failures raise XmppError, not retry forever: the deadline is
    far past the test's own timeout, so only giving up ends the run in time."""
    patient = dataclasses.replace(make_options(server), deadline=3600)  # type: ignore[operator]
    with pytest.raises(XmppError) as caught:
        counts_of(make_login(account), [Room(occupants.room_jid("busy"))], patient)  # type: ignore[operator]
    assert re.search(message, str(caught.value))


@pytest.mark.parametrize("server", ["prosody"], indirect=True)
def test_the_prosody_under_test_is_the_one_asked_for(server: SandboxServer) -> None:
    """The suite runs on whichever Prosody is first on PATH; .ci/run names the version it
    put there (BADGEGEN_PROSODY_VERSION), so a PATH that does not reach it fails here
    instead of testing Debian's 0.12 twice. The server says its version in its log."""
    said = re.search(r"Prosody version (\S+)", (server.root / "prosody.log").read_text())
    assert said is not None, "the server's log names no version"
    expected = os.environ.get("BADGEGEN_PROSODY_VERSION")
    assert said.group(1) == expected if expected else said.group(1).startswith(("0.12", "13."))


@pytest.mark.parametrize("server", ["ejabberd"], indirect=True)
def test_the_ejabberd_under_test_is_the_one_asked_for(server: SandboxServer) -> None:
    """As for Prosody: .ci/run names the ejabberd it put first on PATH
    (BADGEGEN_EJABBERD_VERSION, e.g. 24.12); the server says its version in its log."""
    said = started_version(server.root)
    expected = os.environ.get("BADGEGEN_EJABBERD_VERSION")
    assert said.startswith(f"{expected}-") if expected else said.startswith(("23.", "24.")), said
