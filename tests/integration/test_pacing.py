"""Pacing on a real server: a dead domain costs one timeout, however many rooms it has.

The component's domain plays the remote domain that is silent or gone; the
server's own MUC service plays the live one.
"""

from __future__ import annotations

from badgegen.config import Room
from badgegen.config.login import Login, Secret
from badgegen.core.connection import Connection
from badgegen.core.counts import Problem
from badgegen.demo.occupants import Occupants
from badgegen.xmpp.pacing import START_WINDOW
from sandbox.component import UNREACHABLE_TEXT, SlowRooms
from sandbox.servers import SandboxServer
from tests.integration.counts import counts_of

from .conftest import EXPECTED, Account

TIMEOUT = 2.0


def options(server: SandboxServer) -> Connection:
    return Connection(f"127.0.0.1:{server.port}", server.ca_file, timeout=TIMEOUT)


def test_a_silent_domain_listed_first_costs_one_timeout(
    server: SandboxServer, slow: SlowRooms, occupants: Occupants, account: Account
) -> None:
    """200 rooms on a silent domain before 200 good ones: about one timeout, not dozens."""
    silent = [Room(slow.jid(f"silent-fair-{index}")) for index in range(200)]
    live = [Room(occupants.room_jid(name)) for name in EXPECTED for _ in range(50)]
    login = Login(account.jid, Secret(account.password))
    counts = counts_of(login, silent + live, options(server))
    assert [count.occupants for count in counts[200:]] == [
        EXPECTED[name] for name in EXPECTED for _ in range(50)
    ]
    assert {count.problem for count in counts[:200]} == {Problem.TIMEOUT}
    assert sum(slow.asked[f"silent-fair-{index}"] for index in range(200)) <= START_WINDOW
    assert "the domain never answered; not asked" in {count.detail for count in counts[:200]}


def test_a_domain_that_is_gone_is_asked_once(
    server: SandboxServer, slow: SlowRooms, account: Account
) -> None:
    """remote-server-not-found for one room settles the others, with the server's words."""
    rooms = [Room(slow.jid(f"unreachable-{index}")) for index in range(100)]
    login = Login(account.jid, Secret(account.password))
    counts = counts_of(login, rooms, options(server))
    assert {count.problem for count in counts} == {Problem.REMOTE_UNREACHABLE}
    assert all(UNREACHABLE_TEXT in count.detail for count in counts)
    assert counts[0].detail == f"remote-server-not-found: {UNREACHABLE_TEXT}"
    assert sum(slow.asked[f"unreachable-{index}"] for index in range(100)) <= START_WINDOW
