"""Shared fixtures, fakes and options for badgegen's tests (tests/README.md maps the folders)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

# The Hypothesis profile every run loads: the gate's, unless BADGEGEN_EXPLORE asks otherwise.
import tests.properties  # noqa: F401
from badgegen.cli import main
from badgegen.commands.runtime import Runtime, utc_now
from badgegen.config import Room
from badgegen.config.login import Login
from badgegen.core.counting import Counted, Counter, CountRequest
from badgegen.core.counts import Count, Problem
from badgegen.core.discovery import Found, Listing

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"
# The environment of a command-line test: a password, and nothing of the machine's.
ENV = {"BADGEGEN_PASSWORD": "pw", "BADGEGEN_JID": None, "BADGEGEN_PASSWORD_FILE": None}
ROOMS = """\
account:
  jid: bot@example.org
rooms:
  - lobby@conference.example.org
  - jid: gone@conference.example.org
    label: old
"""


# The gate's order: shuffled (no test may lean on another's leftovers) but the same on
# every run and machine, so that a commit gets one verdict. `--randomly-seed=N` asks for
# another order; scripts/hunt runs many.
GATE_ORDER = 1


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Give pytest-randomly the gate's seed unless one was asked for."""
    if getattr(config.option, "randomly_seed", None) == "default":
        config.option.randomly_seed = GATE_ORDER


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite tests/golden/ from the current renderer instead of comparing.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether golden files are to be rewritten."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def data() -> Path:
    """The folder of test inputs."""
    return DATA


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A rooms.yaml with two rooms."""
    path = tmp_path / "rooms.yaml"
    path.write_text(ROOMS)
    return path


class FakeCounter:
    """Counts without a server: fixed counts (None: the room does not exist), calls kept.

    A value may also be a whole Count, for a room that says its name or language. Given
    listings, it hands them to a refresh's discovery, as the session would. Given early
    listings (the listings as they stand while one is slow), it first hands the refresh's
    request.early what it found with those, as the session does, then calls on_early.

    Given to a refresh the way any program would: `main(obj=Runtime(counter))`.
    """

    def __init__(
        self,
        counts: Mapping[str, int | Count | None],
        error: Exception | None = None,
        listings: Sequence[Listing] = (),
        early: Sequence[Listing] | None = None,
        on_early: Callable[[], None] | None = None,
    ) -> None:
        self.counts, self.error, self.listings = dict(counts), error, tuple(listings)
        self.early, self.on_early = early, on_early
        self.calls: list[tuple[Login, tuple[Room, ...]]] = []
        self.until = math.inf  # when the last call had to be done by (time.monotonic())
        self.reserved = 0.0  # and the seconds of --deadline kept back after that

    def __call__(self, login: Login, request: CountRequest, /) -> Counted:
        self.calls.append((login, request.rooms))
        self.until, self.reserved = request.until, request.reserved
        if self.error:
            raise self.error
        if self.early is not None and request.early is not None:
            request.early(self._counted(request, self.early))
            if self.on_early:
                self.on_early()
        return self._counted(request, self.listings)

    def _counted(self, request: CountRequest, listings: Sequence[Listing]) -> Counted:
        found = Found()
        if request.plan is not None:  # as the session does: list, choose, count those too
            found = request.plan.choose_all(listings)
        rooms = (*request.rooms, *found.rooms)
        return Counted(tuple(self._count(room.jid) for room in rooms), found, tuple(listings))

    def _count(self, jid: str) -> Count:
        occupants = self.counts.get(jid)
        if isinstance(occupants, Count):
            return occupants
        if occupants is None:
            return Count(jid, None, Problem.NOT_FOUND)
        return Count(jid, occupants, public=True)  # a public room's reply, as servers give


def run_cli(
    args: Sequence[str],
    counter: Counter | None = None,
    env: Mapping[str, str | None] = ENV,
    clock: Callable[[], datetime] | None = None,
) -> Result:
    """Run badgegen in-process as a user types args, counting with counter, dated by clock
    (the machine's when None)."""
    runtime = Runtime(counter, clock or utc_now)
    return CliRunner().invoke(main, list(args), env=env, obj=runtime, catch_exceptions=False)


def refresh(
    config: Path, counter: FakeCounter, *args: str, clock: Callable[[], datetime] | None = None
) -> Result:
    """Run `badgegen refresh` on config into public/ beside it, with the fake counter."""
    out = config.parent / "public"
    command = ["refresh", "--config", str(config), "--out", str(out), *args]
    return run_cli(command, counter, clock=clock)
