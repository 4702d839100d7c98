"""Real servers on 127.0.0.1, Prosody and ejabberd, with sample rooms held by real clients.

Every test that takes the `server` fixture runs once against each.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from badgegen.demo.occupants import Occupants, SampleRoom
from sandbox import KINDS, running_server, server_available
from sandbox.component import SlowRooms
from sandbox.servers import SandboxServer

from .installed import empty_dir, extras_bin, wheel_bin

# Fixtures of installed.py, for every integration test.
__all__ = ["empty_dir", "extras_bin", "wheel_bin"]

# Known occupant counts; "hidden" is not listed in the service's room list.
SAMPLE_ROOMS = (
    SampleRoom("empty", occupants=0),
    SampleRoom("solo", occupants=1),
    SampleRoom("busy", occupants=4),
    SampleRoom("hidden", occupants=2, public=False),
)
EXPECTED = {room.name: room.occupants for room in SAMPLE_ROOMS}
# Only members may join: disco#info still counts it, a join is refused.
MEMBERS_ONLY = SampleRoom("members", occupants=0, members_only=True)
# A room whose own name is markup: untrusted text that must end up inert.
HOSTILE_NAME = '<script>alert("x")</script> & <a href="https://example.org">co</a>'
NAMED = SampleRoom("named", occupants=3, title=HOSTILE_NAME)


@dataclass(frozen=True, slots=True)
class Account:
    """The account badgegen counts with."""

    jid: str
    password: str


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "integration" in item.nodeid.split("::")[0]:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session", params=KINDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SandboxServer]:
    """Prosody, then ejabberd, from Debian's packages, on free ports; stopped after."""
    kind = str(request.param)
    if not server_available(kind):
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the integration tests: install Debian's {kind} (as root)")
        pytest.skip(f"{kind} cannot run here (apt-get install {kind}; ejabberd needs root)")
    with running_server(kind, tmp_path_factory.mktemp(kind)) as running:
        yield running


@pytest.fixture(scope="session")
def occupants(server: SandboxServer) -> Iterator[Occupants]:
    """The sample rooms, with their occupants online for the whole session."""
    with Occupants(server, (*SAMPLE_ROOMS, MEMBERS_ONLY, NAMED)) as joined:
        yield joined


@pytest.fixture(scope="session")
def account(server: SandboxServer) -> Account:
    """The refreshing account, made with the server's admin tool."""
    password = "correct horse battery staple"
    return Account(server.register("counter", password), password)


@pytest.fixture(scope="session")
def slow_component(server: SandboxServer) -> Iterator[SlowRooms]:
    """The session server's XEP-0114 component: slow, silent, flaky and hostile rooms.

    One per server: the server accepts one connection for the component's domain.
    """
    with SlowRooms(server) as rooms:
        yield rooms


@pytest.fixture
def slow(slow_component: SlowRooms) -> SlowRooms:
    """The component with its query counts at zero, whatever tests ran before (in any order)."""
    slow_component.forget_queries()
    return slow_component
