"""A real Prosody on 127.0.0.1 with sample rooms held by real client connections."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from badgegen.sandbox.occupants import Occupants, SampleRoom
from badgegen.sandbox.prosody import ProsodyServer, prosody_available, running_prosody

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


@pytest.fixture(scope="session")
def prosody(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProsodyServer]:
    """Prosody from Debian's package, on a free port, in a temp dir; stopped after."""
    if not prosody_available():
        if os.environ.get("CI"):
            pytest.fail("CI must run the integration tests: install Debian's prosody package")
        pytest.skip("Prosody is not installed (apt-get install prosody)")
    with running_prosody(tmp_path_factory.mktemp("prosody")) as server:
        yield server


@pytest.fixture(scope="session")
def occupants(prosody: ProsodyServer) -> Iterator[Occupants]:
    """The sample rooms, with their occupants online for the whole session."""
    with Occupants(prosody, (*SAMPLE_ROOMS, MEMBERS_ONLY, NAMED)) as joined:
        yield joined


@pytest.fixture(scope="session")
def account(prosody: ProsodyServer) -> Account:
    """The refreshing account, made with prosodyctl."""
    password = "correct horse battery staple"
    return Account(prosody.register("counter", password), password)
