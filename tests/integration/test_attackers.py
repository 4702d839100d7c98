"""A hostile or slow remote domain costs only its own rooms (real servers, their rate limits on).

The component in the test server plays the other domain: `flood-N` rooms
send the asking client N requests it never asked for, `late-S` rooms answer
after S seconds. The healthy rooms live on the server's own MUC service, a
domain of their own, filled with real occupants.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from badgegen.config import Room
from badgegen.config.login import Login, Secret
from badgegen.core.connection import Connection
from badgegen.demo.occupants import Occupants, SampleRoom
from badgegen.xmpp.unsolicited import ANSWERS_PER_DOMAIN
from sandbox import running_server
from sandbox.component import SlowRooms
from sandbox.servers import SandboxServer
from tests.integration.counts import counts_of

PASSWORD = "attacked-password"
HEALTHY = 200


def healthy_rooms() -> list[SampleRoom]:
    return [SampleRoom(f"healthy{index}", occupants=index % 3) for index in range(HEALTHY)]


def test_an_iq_flood_costs_a_small_fixed_budget(
    server: SandboxServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """3,000 requests from a hostile room, behind the server's default rate limit: a few are
    answered, the rest dropped and said once, and every healthy room is counted."""
    with (
        running_server(server.kind, tmp_path / "limited", rate_limits=True) as own,
        SlowRooms(own) as hostile,
        Occupants(own, healthy_rooms()) as occupants,
    ):
        jid = own.register("attacked", PASSWORD)
        rooms = [Room(hostile.jid("flood-3000"))]
        rooms += [Room(occupants.room_jid(f"healthy{index}")) for index in range(HEALTHY)]
        options = Connection(f"127.0.0.1:{own.port}", own.ca_file, timeout=10, deadline=60)
        with caplog.at_level(logging.WARNING, logger="badgegen"):
            counts = counts_of(Login(jid, Secret(PASSWORD)), rooms, options)
        answers = hostile.flood_answers
    assert [count.occupants for count in counts] == [1] + [i % 3 for i in range(HEALTHY)]
    assert answers <= ANSWERS_PER_DOMAIN
    said = [record.getMessage() for record in caplog.records]
    assert sum("sends requests nobody asked for" in line for line in said) == 1
    assert any(line.startswith("dropped ") and own.component_domain in line for line in said)


@pytest.mark.parametrize("server", ["prosody"], indirect=True)
def test_a_slow_domain_does_not_hold_up_the_others(
    server: SandboxServer, slow: SlowRooms, caplog: pytest.LogCaptureFixture
) -> None:
    """100 rooms that answer after 2.6 s listed before 200 that answer at once: every healthy
    room is counted before the first slow reply comes, and then every slow room too.

    (That the slow domain holds at most its share of --concurrency while others wait is
    shown in tests/unit/test_pacing.py, and measured in `benchmarks/run counting`.)
    """
    with Occupants(server, healthy_rooms()) as occupants:
        account = server.register("shared", PASSWORD)
        rooms = [Room(slow.jid(f"late-2.6-fair{index}")) for index in range(100)]
        rooms += [Room(occupants.room_jid(f"healthy{index}")) for index in range(HEALTHY)]
        options = Connection(
            f"127.0.0.1:{server.port}", server.ca_file, timeout=3, deadline=60, concurrency=64
        )
        with caplog.at_level(logging.DEBUG, logger="badgegen.xmpp.queries"):
            counts = counts_of(Login(account, Secret(PASSWORD)), rooms, options)
    assert [count.occupants for count in counts] == [1] * 100 + [i % 3 for i in range(HEALTHY)]
    settled = [record.getMessage().split(":")[0] for record in caplog.records
               if record.getMessage().endswith("online")]  # fmt: skip
    first_slow = next(index for index, jid in enumerate(settled) if "late-2.6" in jid)
    assert sum("healthy" in jid for jid in settled[:first_slow]) == HEALTHY
