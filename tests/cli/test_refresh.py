"""The click layer: options, exit statuses and messages, counting with a fake counter."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from badgegen.cli import main
from badgegen.config.appearance import APPEARANCE_KEYS
from badgegen.config.login import Login
from badgegen.core.connection import parse_server
from badgegen.core.counting import Counted, CountRequest
from badgegen.core.counts import Count, Problem
from badgegen.errors import (
    EXIT_BUSY,
    EXIT_NOTHING_COUNTED,
    EXIT_OUTPUT_FAILED,
    EXIT_RECORD_UNREADABLE,
    EXIT_SOME_UNCOUNTED,
    EXIT_USAGE,
    ConfigError,
    XmppError,
)
from badgegen.pipeline.output import WRITE_RESERVE, WRITE_RESERVE_PER_ROOM
from badgegen.publish import lock_directory
from tests.conftest import ENV, FakeCounter, refresh, run_cli

ROOM_KEYS = ", ".join(("file", "jid", "label", "link", "method", "trend", *APPEARANCE_KEYS))


def test_refresh_writes_one_badge_per_room(config: Path) -> None:
    """Every room counted: exit 0, a summary line per room, one SVG per room."""
    counter = FakeCounter({"lobby@conference.example.org": 7, "gone@conference.example.org": 0})
    result = refresh(config, counter)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "lobby@conference.example.org: 7 online",
        "gone@conference.example.org: 0 online",
        f"2 of 2 rooms counted; 15 files written, 0 unchanged in {config.parent / 'public'}/",
    ]
    badge = (config.parent / "public" / "lobby@conference.example.org.svg").read_text()
    assert 'aria-label="chat: 7 online"' in badge
    login, rooms = counter.calls[0]
    assert (login.jid, login.password and login.password.reveal()) == ("bot@example.org", "pw")
    assert [room.jid for room in rooms] == [
        "lobby@conference.example.org",
        "gone@conference.example.org",
    ]


def test_uncounted_rooms_get_an_unknown_badge_and_status_3(config: Path) -> None:
    """A room that cannot be counted still gets a badge, and the run says which."""
    counter = FakeCounter({"lobby@conference.example.org": 2, "gone@conference.example.org": None})
    result = refresh(config, counter)
    assert result.exit_code == EXIT_SOME_UNCOUNTED
    assert "Warning: gone@conference.example.org: room does not exist" in result.stderr
    badge = (config.parent / "public" / "gone@conference.example.org.svg").read_text()
    assert 'aria-label="old: unknown"' in badge


def test_quiet_prints_only_problems(config: Path) -> None:
    """-q keeps stdout empty and still warns about uncounted rooms."""
    counter = FakeCounter({"lobby@conference.example.org": 2, "gone@conference.example.org": None})
    result = refresh(config, counter, "-q")
    assert result.stdout == ""
    assert result.stderr.startswith("Warning: gone@conference.example.org")


def test_dry_run_writes_nothing(config: Path) -> None:
    """--dry-run counts and prints, but creates no file."""
    counter = FakeCounter({"lobby@conference.example.org": 1, "gone@conference.example.org": 1})
    result = refresh(config, counter, "--dry-run")
    assert result.exit_code == 0
    assert "dry run, nothing written" in result.stdout
    assert not (config.parent / "public").exists()


def test_login_failure_leaves_badges_untouched(config: Path) -> None:
    """When nothing can be counted the old badges stay and the status is 4."""
    out = config.parent / "public"
    out.mkdir()
    (out / "lobby@conference.example.org.svg").write_text("old badge")
    counter = FakeCounter({}, XmppError("login as bot@example.org failed: not-authorized"))
    result = refresh(config, counter)
    assert result.exit_code == EXIT_NOTHING_COUNTED
    assert result.stderr == (
        "Error: login as bot@example.org failed: not-authorized; no badge was changed\n"
    )
    assert [path.name for path in out.iterdir()] == ["lobby@conference.example.org.svg"]
    assert (out / "lobby@conference.example.org.svg").read_text() == "old badge"


def test_config_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    """A bad rooms.yaml: every problem on stderr, status 2, nothing counted or written."""
    path = tmp_path / "rooms.yaml"
    path.write_text("rooms:\n  - lobby\n  - jid: x@y\n    colour: red\n")
    counter = FakeCounter({})
    result = refresh(path, counter)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f'Error: {path}:2: rooms[0]: "lobby" is not a room JID (expected name@service)',
        f'Error: {path}:4: rooms[1].colour: unknown key "colour" (did you mean "colors"?'
        f" expected one of {ROOM_KEYS})",
    ]
    assert counter.calls == []
    assert not (tmp_path / "public").exists()


def test_missing_password_is_a_config_error(config: Path) -> None:
    """Without BADGEGEN_PASSWORD the run stops before connecting, with status 2."""
    result = run_cli(
        ["refresh", "--config", str(config)],
        env={**ENV, "BADGEGEN_PASSWORD": None},
        counter=FakeCounter({}),
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no password: set BADGEGEN_PASSWORD")


def test_a_second_run_with_the_same_counts_rewrites_no_badge(config: Path) -> None:
    """When no count changed, no badge, endpoint JSON, chart or history changes: only the
    record and the page, which say when the run checked."""
    counter = FakeCounter({"lobby@conference.example.org": 7, "gone@conference.example.org": None})
    public = config.parent / "public"
    # The history moves on at each quarter hour (by design): both runs fall in one.
    quarter = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    assert refresh(config, counter, clock=lambda: quarter + timedelta(minutes=1)).exit_code == 3
    before = {path.name: path.stat().st_mtime_ns for path in public.iterdir()}
    result = refresh(config, counter, "--json", clock=lambda: quarter + timedelta(minutes=14))
    checked = {"badges.json", "index.html"}
    assert set(json.loads(result.stdout)["written"]) <= checked
    after = {path.name: path.stat().st_mtime_ns for path in public.iterdir()}
    assert {name: stamp for name, stamp in after.items() if name not in checked} == {
        name: stamp for name, stamp in before.items() if name not in checked
    }
    counter.counts["lobby@conference.example.org"] = 8
    later = quarter + timedelta(minutes=14, seconds=30)
    written = json.loads(refresh(config, counter, "--json", clock=lambda: later).stdout)["written"]
    assert sorted(written) == sorted(
        [
            "lobby@conference.example.org.svg",
            "lobby@conference.example.org.json",
            "index.html",
            "badges.json",
            "history.json",  # the quarter hour's count changed too
            "lobby@conference.example.org.chart.svg",  # and so its charts
            "lobby@conference.example.org.chart-narrow.svg",
            "lobby@conference.example.org.card.svg",  # and its card (count and week)
        ]
    )


def test_check_lists_what_would_be_written(config: Path) -> None:
    """check validates offline and names every file each room gets (a trend badge too)."""
    lobby_line = "  - lobby@conference.example.org\n"
    trending = "  - jid: lobby@conference.example.org\n    trend: day\n"
    config.write_text(config.read_text().replace(lobby_line, trending))
    result = CliRunner().invoke(main, ["check", "--config", str(config)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lobby, gone = "lobby@conference.example.org", "gone@conference.example.org"
    assert result.stdout.splitlines() == [
        f'{lobby} -> public/{lobby}.svg (label "chat", method disco)',
        f"  and {lobby}.json, {lobby}.chart.svg, {lobby}.chart-narrow.svg, {lobby}.card.svg,"
        f" {lobby}.trend.svg, {lobby}.trend.json",
        f'{gone} -> public/{gone}.svg (label "old", method disco)',
        f"  and {gone}.json, {gone}.chart.svg, {gone}.chart-narrow.svg, {gone}.card.svg",
        f"{config}: OK, 2 rooms",
    ]


def test_bad_timeout_is_a_usage_error(config: Path) -> None:
    """Option values are checked by click: status 2 and a usage message."""
    result = refresh(config, FakeCounter({}), "--timeout", "0")
    assert result.exit_code == 2
    assert "Invalid value for '--timeout'" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("xmpp.example.org", ("xmpp.example.org", 5222)),
        ("127.0.0.1:15222", ("127.0.0.1", 15222)),
        ("[::1]:5223", ("::1", 5223)),
        ("[::1]", ("::1", 5222)),
    ],
)
def test_server_option_forms(text: str, expected: tuple[str, int]) -> None:
    """--server takes HOST, HOST:PORT and [IPv6]:PORT."""
    assert parse_server(text) == expected


def test_ipv6_without_brackets_shows_the_brackets() -> None:
    """::1:15322 could be an address or an address and a port: the error shows the way."""
    with pytest.raises(ConfigError, match=re.escape("e.g. [::1]:15322")):
        parse_server("::1:15322")


@pytest.mark.parametrize(
    "text", ["host:", "host:port", ":5222", "host:70000", "[::1", "::1:15322", "fe80::1"]
)
def test_bad_server_option(text: str) -> None:
    """A malformed --server is a config error naming the expected form."""
    with pytest.raises(ConfigError, match=r"is not HOST|write an IPv6 address in brackets"):
        parse_server(text)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("xmpp://127.0.0.1:39531", "127.0.0.1:39531"),
        ("https://xmpp.example.org/", "xmpp.example.org"),
        ("bot@xmpp.example.org", "xmpp.example.org"),
        ("xmpp.example.org/home", "xmpp.example.org"),
    ],
)
def test_a_server_typed_as_a_url_or_address_shows_the_host(text: str, plain: str) -> None:
    """A scheme, an account or a path in --server: the error shows the host to write."""
    with pytest.raises(ConfigError, match=re.escape(f"e.g. {plain};")):
        parse_server(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a..b:5222", "a part between dots is empty"),
        ("x" * 64 + ".example.org", "longer than 63 characters"),
        ("[not-v6]:5222", "expected an IPv6 address in the brackets"),
    ],
)
def test_server_that_is_no_host_name(text: str, reason: str) -> None:
    """A host no lookup could find is a config error before anything connects."""
    with pytest.raises(ConfigError, match=re.escape(reason)):
        parse_server(text)


def test_badge_prints_one_svg() -> None:
    """`badgegen badge` renders with the same renderer, to standard output."""
    result = CliRunner().invoke(
        main,
        [
            "badge",
            "chat",
            "12 online",
            "--style",
            "for-the-badge",
            "--color",
            "blue",
            "--logo",
            "xmpp",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    assert result.stdout.startswith('<svg xmlns="http://www.w3.org/2000/svg" ')
    assert 'aria-label="CHAT: 12 ONLINE"' in result.stdout
    assert 'fill="#007ec6"' in result.stdout
    assert "data:image/svg+xml;base64," in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--color", "nope"], 'Error: --color: "nope" is not a colour'),
        (["--label-color", "12345"], 'Error: --label-color: "12345" is not a colour'),
        (["--logo", "/nonexistent.svg"], "Error: --logo: cannot read /nonexistent.svg"),
        (["--logo", "Avatar"], "Error: --logo avatar: only a room has an avatar"),
    ],
)
def test_badge_rejects_bad_options(args: list[str], message: str) -> None:
    """Bad colours and logos: one error line, status 2, nothing on stdout."""
    result = CliRunner().invoke(main, ["badge", "a", "b", *args], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)


def test_a_failed_room_keeps_its_last_count_while_fresh(config: Path) -> None:
    """The next run that cannot count a room shows the last count, marked stale."""
    out = config.parent / "public"
    refresh(
        config, FakeCounter({"lobby@conference.example.org": 7, "gone@conference.example.org": 1})
    )
    result = refresh(
        config,
        FakeCounter({"lobby@conference.example.org": None, "gone@conference.example.org": 1}),
    )
    assert result.exit_code == EXIT_SOME_UNCOUNTED
    assert "(stale)" in result.stderr
    badge = (out / "lobby@conference.example.org.svg").read_text()
    assert 'aria-label="chat: 7 online (stale: last counted ' in badge
    record = json.loads((out / "badges.json").read_text())
    assert record["rooms"]["lobby@conference.example.org"]["status"] == "stale"


def test_a_second_run_waits_then_gives_up(config: Path) -> None:
    """While another run holds the output directory, refresh exits 6 with one clear line."""
    out = config.parent / "public"
    counter = FakeCounter({"lobby@conference.example.org": 1, "gone@conference.example.org": 1})
    with lock_directory(out, wait=0):
        result = refresh(config, counter, "--lock-wait", "0.2")
    assert result.exit_code == EXIT_BUSY
    assert result.stderr == (
        f"Error: another badgegen refresh is writing to {out}; try again later"
        " (or raise --lock-wait)\n"
    )
    assert counter.calls == []
    assert refresh(config, counter).exit_code == 0


def test_previous_must_be_https(config: Path) -> None:
    """--previous over plain HTTP is refused: the record decides what badges show."""
    result = refresh(config, FakeCounter({}), "--previous", "http://example.org/badges.json")
    assert result.exit_code == 2
    assert "is not https" in result.stderr


def test_demo_without_prosody_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No prosody on PATH: one line naming the Debian package, exit 2, nothing written."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = CliRunner().invoke(
        main, ["demo", "--out", str(tmp_path / "out")], catch_exceptions=False
    )
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: the demo needs Prosody (")
    assert "apt-get install prosody" in result.stderr
    assert not (tmp_path / "out").exists()


class ManyFailures:
    """Counts the first room and times out on every other, like a run past its deadline."""

    def __call__(self, login: Login, request: CountRequest, /) -> Counted:
        rooms = request.rooms
        first = Count(rooms[0].jid, 3)
        late = [
            Count(room.jid, None, Problem.TIMEOUT, "run deadline reached") for room in rooms[1:]
        ]
        return Counted((first, *late))


def many_rooms(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "rooms.yaml"
    rooms = "".join(f"  - room{index}@conference.example.org\n" for index in range(count))
    path.write_text("account: {jid: bot@example.org}\nrooms:\n" + rooms)
    return path


@pytest.mark.parametrize("flags", [[], ["-q"]])
def test_shared_problems_are_one_line(tmp_path: Path, flags: list[str]) -> None:
    """600 timeouts are one warning with a count and examples: a cron mail stays short."""
    result = run_cli(
        ["refresh", "--config", str(many_rooms(tmp_path, 601)), "--out", str(tmp_path), *flags],
        counter=ManyFailures(),
    )
    assert result.exit_code == EXIT_SOME_UNCOUNTED
    assert result.stderr.splitlines() == [
        "Warning: 600 rooms: timed out (run deadline reached): room1@conference.example.org,"
        " room2@conference.example.org, room3@conference.example.org and 597 more"
    ]
    assert len(result.stdout.splitlines()) == (0 if flags else 2)


def test_verbose_lists_every_room(tmp_path: Path) -> None:
    """-v gives every room its own line."""
    result = run_cli(
        [
            "refresh",
            "--config",
            str(many_rooms(tmp_path, 11)),
            "--out",
            str(tmp_path / "o"),
            "-v",
        ],
        counter=ManyFailures(),
    )
    assert len([line for line in result.stderr.splitlines() if "timed out" in line]) == 10


@pytest.mark.parametrize(
    ("case", "status", "kind"),
    [
        ("config", EXIT_USAGE, "config"),
        ("login", EXIT_NOTHING_COUNTED, "connect"),
        ("out-is-a-file", EXIT_OUTPUT_FAILED, "output"),
        ("busy", EXIT_BUSY, "busy"),
        ("success", EXIT_SOME_UNCOUNTED, None),
    ],
)
def test_json_is_always_one_document(
    config: Path, case: str, status: int, kind: str | None
) -> None:
    """Every outcome prints exactly one JSON document of the documented schema on stdout."""
    out = config.parent / "public"
    counter = FakeCounter({"lobby@conference.example.org": 2, "gone@conference.example.org": None})
    if case == "config":
        config.write_text("rooms: 7\n")
    elif case == "login":
        counter.error = XmppError("login as bot@example.org failed: not-authorized")
    elif case == "out-is-a-file":
        out.write_text("not a directory")
    with contextlib.ExitStack() as stack:
        if case == "busy":
            stack.enter_context(lock_directory(out, 0))
        result = refresh(config, counter, "--json", "--lock-wait", "0")
    assert result.exit_code == status, result.output
    document = json.loads(result.stdout)
    assert set(document) == {
        "version", "status", "time", "rooms", "written", "unchanged", "warnings", "error"
    }  # fmt: skip
    assert (document["version"], document["status"]) == (1, status)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["time"])
    if kind is None:
        assert document["error"] is None
        assert [room["problem"] for room in document["rooms"]] == [
            None, {"code": "not_found", "text": "room does not exist", "detail": ""},
        ]  # fmt: skip
    else:
        assert document["error"]["kind"] == kind
        assert document["error"]["message"]
        assert document["rooms"] == []


@pytest.mark.parametrize("where", ["out-is-a-file", "parent-is-a-file"])
def test_the_output_directory_is_checked_before_counting(config: Path, where: str) -> None:
    """Either way the same status (5), before anything is counted, and nothing created."""
    blocker = config.parent / "blocker"
    blocker.write_text("a file")
    out = blocker if where == "out-is-a-file" else blocker / "public"
    counter = FakeCounter({})
    result = run_cli(["refresh", "--config", str(config), "--out", str(out)], counter=counter)
    assert result.exit_code == EXIT_OUTPUT_FAILED
    assert result.stderr.startswith(f"Error: cannot use {out} as the output directory")
    assert counter.calls == []
    assert blocker.read_text() == "a file"


def test_a_failed_run_creates_no_directory(config: Path) -> None:
    """A run that could not count (exit 4) leaves no new, empty output directory behind."""
    out = config.parent / "new" / "public"
    counter = FakeCounter({}, error=XmppError("cannot connect to example.org: no answer"))
    result = run_cli(["refresh", "--config", str(config), "--out", str(out)], counter=counter)
    assert result.exit_code == EXIT_NOTHING_COUNTED
    assert not (config.parent / "new").exists()


def test_snippets_without_a_base_url_say_so(config: Path) -> None:
    """Relative image addresses break once pasted: the command warns and says how to fix it."""
    result = CliRunner().invoke(main, ["snippet", "--config", str(config)])
    assert result.exit_code == 0
    assert result.stdout.startswith("[![XMPP chat lobby@conference.example.org](lobby@")
    assert "no base URL" in result.stderr
    assert "set base_url in rooms.yaml or pass --base-url" in result.stderr
    with_base = CliRunner().invoke(
        main, ["snippet", "--config", str(config), "--base-url", "https://e.org/b"]
    )
    assert with_base.stderr == ""
    assert "(https://e.org/b/lobby@conference.example.org.svg)" in with_base.stdout


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("you.github.io/project", "is not a link (expected an https:// URL)"),
        ("http://you.github.io", "is plain http (expected an https:// URL, e.g. https://you"),
        ("https://you.github.io/p?x=1", "has a query or fragment"),
        ("https://you.github.io/{name}", "has the placeholder {name} (a link takes none)"),
    ],
)
def test_a_base_url_that_breaks_the_snippets_is_refused(
    config: Path, base_url: str, expected: str
) -> None:
    """--base-url is checked as base_url in rooms.yaml is: no snippet with a broken address."""
    result = CliRunner().invoke(main, ["snippet", "--config", str(config), "--base-url", base_url])
    assert result.exit_code == EXIT_USAGE
    assert result.stdout == ""
    assert result.stderr.startswith(f'Error: --base-url: "{base_url}" ')
    assert expected in result.stderr


def test_job_summary_folds_long_tables(config: Path, tmp_path: Path) -> None:
    """Hundreds of rooms: a line of totals, the problems grouped, the full table folded away."""
    summary_file = tmp_path / "summary.md"
    result = run_cli(
        ["refresh", "--config", str(many_rooms(tmp_path, 300)), "--out", str(tmp_path / "o")],
        env={**ENV, "GITHUB_STEP_SUMMARY": str(summary_file)},
        counter=ManyFailures(),
    )
    assert result.exit_code == EXIT_SOME_UNCOUNTED
    text = summary_file.read_text()
    assert "1 of 300 rooms counted." in text
    assert "- `299 rooms: timed out (run deadline reached): room1@conference.example.org" in text
    before, folded = text.split("<details><summary>Every room</summary>")
    assert len(before.splitlines()) < 10
    assert folded.count("\n| `room") == 300


def test_json_holds_for_usage_errors_too(config: Path) -> None:
    """A bad option with --json still gives one JSON document (and the usual message)."""
    result = refresh(config, FakeCounter({}), "--json", "--timeout", "-3")
    assert result.exit_code == EXIT_USAGE
    document = json.loads(result.stdout)
    assert (document["status"], document["error"]["kind"]) == (EXIT_USAGE, "usage")
    assert "--timeout" in document["error"]["message"]
    assert "--timeout" in result.stderr


def test_history_keeps_each_run_and_prints_a_room(config: Path) -> None:
    """Each refresh adds its counts to history.json; `history` prints a room's series."""
    counter = FakeCounter({"lobby@conference.example.org": 7, "gone@conference.example.org": None})
    counted = datetime.now(UTC).replace(microsecond=0)
    assert refresh(config, counter, clock=lambda: counted).exit_code == 3
    out = str(config.parent / "public")
    args = ["history", "lobby@conference.example.org", "--config", str(config), "--out", out]
    later = counted + timedelta(minutes=3, seconds=20)
    result = run_cli([*args, "--tier", "15m", "--json"], clock=lambda: later)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["room"] == "lobby@conference.example.org"
    assert [value for _, value in document["points"]] == [7]  # from the first count on
    assert document["last_count"]["occupants"] == 7
    record = json.loads((config.parent / "public" / "badges.json").read_text())["rooms"]
    counted_at = record["lobby@conference.example.org"]["counted_at"]
    assert document["last_count"]["counted_at"] == counted_at  # the count's own time
    assert document["last_count"]["bucket"] <= counted_at
    taken = datetime.strptime(counted_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert taken == counted
    assert document["last_count"]["age_seconds"] == 200
    hourly = run_cli(args, clock=lambda: later)  # the open hour holds the count already
    assert hourly.stdout.splitlines()[0].startswith(
        f"lobby@conference.example.org: last count 7, at {taken:%Y-%m-%d %H:%M} UTC (3 minutes ago)"
    )
    assert hourly.stdout.splitlines()[-1].endswith("UTC  7")
    gone = CliRunner().invoke(
        main, ["history", "gone@conference.example.org", "--config", str(config), "--out", out]
    )
    assert gone.stdout == ""  # never counted: no series at all
    assert "No count of gone@conference.example.org" in gone.stderr
    assert "(its last refresh: unknown); badgegen refresh makes one." in gone.stderr


def test_a_poisoned_history_costs_the_history_only(config: Path) -> None:
    """A history.json that is not one: a warning; badges and the record as always."""
    public = config.parent / "public"
    public.mkdir()
    (public / "history.json").write_text('{"version": 1, "tiers": {"15m": {"step": 1}}}')
    result = refresh(config, FakeCounter({"lobby@conference.example.org": 2,
                                          "gone@conference.example.org": 1}))  # fmt: skip
    assert result.exit_code == 0
    assert "ignoring the previous history.json" in result.stderr
    assert json.loads((public / "history.json").read_text())["version"] == 1
    assert (public / "lobby@conference.example.org.svg").exists()


def test_previous_brings_the_history_beside_it(config: Path, tmp_path: Path) -> None:
    """--previous PATH/badges.json also reads PATH/history.json, for stateless CI."""
    counter = FakeCounter({"lobby@conference.example.org": 5, "gone@conference.example.org": 1})
    assert refresh(config, counter).exit_code == 0
    published = tmp_path / "published"
    (config.parent / "public").rename(published)
    result = refresh(config, counter, "--previous", str(published / "badges.json"))
    assert result.exit_code == 0
    assert (config.parent / "public" / "history.json").read_bytes() == (
        published / "history.json"
    ).read_bytes()


def test_history_of_a_room_never_counted_says_so(config: Path) -> None:
    """Before any refresh: a line on stderr, an empty series, status 0."""
    args = ["history", "lobby@conference.example.org", "--config", str(config), "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["points"] == []
    assert json.loads(result.stdout)["last_count"] is None


def test_files_named_in_options_and_environment_are_never_waited_on(
    config: Path, tmp_path: Path
) -> None:
    """A FIFO as --ca-file is a usage error at once; as GITHUB_STEP_SUMMARY, a warning."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    counter = FakeCounter({"lobby@conference.example.org": 1, "gone@conference.example.org": 1})
    result = refresh(config, counter, "--ca-file", str(fifo))  # opening it would block for ever
    assert result.exit_code == EXIT_USAGE
    assert "--ca-file:" in result.stderr
    assert "a FIFO" in result.stderr
    summary = run_cli(
        ["refresh", "--config", str(config), "--out", str(tmp_path / "o")],
        env={**ENV, "GITHUB_STEP_SUMMARY": str(fifo)},
        counter=counter,
    )
    assert summary.exit_code == 0
    assert "Warning: GITHUB_STEP_SUMMARY: cannot write" in summary.stderr


@pytest.mark.parametrize("content", [b"rooms:\n  - a@b.org\n", b"\x00\xff" * 100, b""])
def test_a_ca_file_without_a_certificate_is_refused_at_once(
    config: Path, tmp_path: Path, content: bytes
) -> None:
    """Any file that is no certificate as --ca-file is a usage error naming it, before any
    connection (it would fail every TLS handshake, reported as the server's fault)."""
    wrong = tmp_path / "not-a-ca.pem"
    wrong.write_bytes(content)
    counter = FakeCounter({"lobby@conference.example.org": 1, "gone@conference.example.org": 1})
    result = refresh(config, counter, "--ca-file", str(wrong))
    assert result.exit_code == EXIT_USAGE
    assert f"--ca-file: {wrong} holds no certificate" in result.stderr
    assert counter.calls == []
    import trustme

    good = tmp_path / "ca.pem"
    comment = "# Issuer: CN=NetLock Arany (Class Gold) Főtanúsítvány\n".encode()  # as bundles do
    good.write_bytes(comment + trustme.CA().cert_pem.bytes())
    assert refresh(config, counter, "--ca-file", str(good)).exit_code == 0


def test_trend_badges_are_opt_in(tmp_path: Path) -> None:
    """`trend: week` adds NAME.trend.svg and NAME.trend.json; rooms without it get none."""
    config = tmp_path / "rooms.yaml"
    config.write_text(
        "account: {jid: bot@example.org}\n"
        "rooms:\n  - {jid: a@b.example, file: a, trend: week}\n  - {jid: c@d.example, file: c}\n"
    )
    result = run_cli(
        ["refresh", "--config", str(config), "--out", str(tmp_path / "o")],
        counter=FakeCounter({"a@b.example": 7, "c@d.example": 2}),
    )
    assert result.exit_code == 0, result.output
    svg = (tmp_path / "o" / "a.trend.svg").read_text()
    assert 'aria-label="chat: avg 7 (1h so far)"' in svg  # a first run: one count, now
    trend = json.loads((tmp_path / "o" / "a.trend.json").read_text())
    assert trend["message"] == "avg 7 (1h so far)"
    assert not (tmp_path / "o" / "c.trend.svg").exists()


def test_the_demo_never_writes_over_another_runs_record(config: Path) -> None:
    """`badgegen demo --out public` where a project's refresh writes: refused, nothing touched."""
    counts = {"lobby@conference.example.org": 2, "gone@conference.example.org": 1}
    assert refresh(config, FakeCounter(counts)).exit_code == 0
    public = config.parent / "public"
    before = {path.name: path.read_bytes() for path in public.iterdir()}
    result = run_cli(["demo", "--out", str(public)])
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith(f"Error: {public} holds another run's record (rooms")
    assert "lobby@conference.example.org" in result.stderr
    assert "badgegen-demo/" in result.stderr
    assert {path.name: path.read_bytes() for path in public.iterdir()} == before


@pytest.mark.parametrize(
    "foreign",
    ["README.md", "docs/", "notes.svg", "lobby@rooms.badgegen.test.svg/", "link", "index.html"],
)
def test_the_demo_never_writes_into_a_folder_of_other_files(tmp_path: Path, foreign: str) -> None:
    """`badgegen demo --out .` in a repository: refused before the server starts, with the
    files named, nothing touched; a folder holding only a demo's files is taken."""
    out = tmp_path / "repository"
    out.mkdir()
    (out / "_headers").write_text("a project's own, beside no demo record\n")
    if foreign == "link":
        (out / foreign).symlink_to(out / "_headers")
    elif foreign.endswith("/"):
        (out / foreign).mkdir()
    else:
        (out / foreign).write_text("mine\n")
    before = sorted(path.name for path in out.iterdir())
    result = run_cli(["demo", "--out", str(out)])
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith(f"Error: {out} holds files the demo did not write (")
    assert foreign.rstrip("/") in result.stderr
    assert "badgegen-demo/" in result.stderr
    assert sorted(path.name for path in out.iterdir()) == before


def test_a_folder_of_an_earlier_demo_is_the_demos(tmp_path: Path) -> None:
    """The page and record beside a record of the demo's rooms are the demo's to replace;
    the same page beside another record, or none, is not."""
    from badgegen.commands.demo import files_of_others

    lobby = "lobby@rooms.badgegen.test"
    for name in ("index.html", "_headers", "history.json", f"{lobby}.svg", f"{lobby}.json"):
        (tmp_path / name).write_text("{}")
    (tmp_path / "badges.json").write_text(json.dumps({"version": 1, "rooms": {lobby: {}}}))
    assert files_of_others(tmp_path) == []
    (tmp_path / "badges.json").write_text(json.dumps({"version": 1, "rooms": {"a@b.org": {}}}))
    assert files_of_others(tmp_path) == ["_headers", "badges.json", "history.json", "index.html"]


@pytest.mark.parametrize("command", ["check", "demo", "refresh"])
def test_an_out_that_is_a_file_is_refused_alike(config: Path, command: str) -> None:
    """--out naming a file: check, demo and refresh all say so, with status 5, and touch it not."""
    afile = config.parent / "afile"
    afile.write_text("mine\n")
    counter = FakeCounter({"lobby@conference.example.org": 2, "gone@conference.example.org": 1})
    options = ["--config", str(config)] if command != "demo" else []
    result = run_cli([command, *options, "--out", str(afile)], counter=counter)
    assert result.exit_code == EXIT_OUTPUT_FAILED
    assert result.stderr.splitlines()[-1] == (
        f"Error: cannot use {afile} as the output directory: not a directory"
    )
    assert afile.read_text() == "mine\n"


def test_counting_leaves_time_to_write_by_the_deadline(tmp_path: Path) -> None:
    """--deadline bounds the whole run: counting must end early enough to write every room."""
    rooms = "".join(f"  - room{index}@conference.example.org\n" for index in range(2000))
    config = tmp_path / "rooms.yaml"
    config.write_text("account: {jid: bot@example.org}\nrooms:\n" + rooms)
    counter = FakeCounter({f"room{index}@conference.example.org": 1 for index in range(2000)})
    before = time.monotonic()
    assert refresh(config, counter, "--deadline", "30").exit_code == 0
    after = time.monotonic()
    reserve = WRITE_RESERVE + WRITE_RESERVE_PER_ROOM * 2000
    assert counter.reserved == pytest.approx(reserve)
    # The command takes its start between the two readings of the clock.
    assert before + 30 - reserve <= counter.until <= after + 30 - reserve


def test_the_write_reserve_leaves_counting_the_larger_part(tmp_path: Path) -> None:
    """discover: limits that would keep back more than the whole --deadline for writing: at
    most a third of it is kept, and the run's words say how much when counting runs out."""
    config = tmp_path / "rooms.yaml"
    config.write_text(
        "account: {jid: bot@example.org}\nrooms: [lobby@conference.example.org]\n"
        "discover:\n  - service: conference.example.org\n    limit: 5000\n"
    )
    counter = FakeCounter({"lobby@conference.example.org": 1})
    assert refresh(config, counter, "--deadline", "3").exit_code == 0
    assert 0 < counter.reserved <= 1.0  # not 0.5 + 2 ms x 10,000 rooms = 20.5 s
    words = CountRequest((), reserved=counter.reserved).out_of_time()
    assert words == (
        f"the time for counting ran out ({counter.reserved:.1f} s of --deadline is kept for"
        " writing the files)"
    )


def test_a_record_that_cannot_be_fetched_ends_the_run_before_writing(config: Path) -> None:
    """--previous that does not answer: status 7, one JSON document, the output untouched."""
    public = config.parent / "public"
    counts = {"lobby@conference.example.org": 2, "gone@conference.example.org": 1}
    assert refresh(config, FakeCounter(counts)).exit_code == 0
    before = {path.name: path.read_bytes() for path in public.iterdir()}
    with socket.socket() as closed:  # a port nothing listens on: refused at once
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    previous = f"https://127.0.0.1:{port}/badges.json"
    counter = FakeCounter({"lobby@conference.example.org": 5, "gone@conference.example.org": 5})
    result = refresh(config, counter, "--previous", previous, "--json")
    assert result.exit_code == EXIT_RECORD_UNREADABLE
    document = json.loads(result.stdout)
    assert document["error"]["kind"] == "record"
    assert "nothing was written" in document["error"]["message"]
    assert counter.calls == []  # not even counted
    assert {path.name: path.read_bytes() for path in public.iterdir()} == before


def test_what_reaches_the_terminal_is_inert(tmp_path: Path) -> None:
    """A name holding a terminal escape or a bidi override is printed escaped, not obeyed."""
    name = tmp_path / "rooms\x1b[2J\x1b]0;pwned\x07\u202e.yaml"
    result = run_cli(["check", "--config", str(name)])
    assert result.exit_code == EXIT_USAGE
    assert "\x1b" not in result.stderr
    assert "\u202e" not in result.stderr
    assert "\\x1b[2J" in result.stderr
    assert "\\u202e" in result.stderr


def test_history_of_a_history_from_beyond_the_year_9999(config: Path) -> None:
    """A history.json whose tiers end 3600 x 10^12 s from 1970: a warning, no traceback."""
    public = config.parent / "public"
    public.mkdir()
    far = 3600 * 10**12
    tiers = {name: {"step": step, "end": far - far % step}
             for name, step in (("15m", 900), ("1h", 3600), ("1d", 86400))}  # fmt: skip
    (public / "history.json").write_text(json.dumps({"version": 1, "tiers": tiers, "rooms": {}}))
    args = [
        "history",
        "lobby@conference.example.org",
        "--config",
        str(config),
        "--out",
        str(public),
    ]
    result = run_cli(args)
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    assert "beyond the year 9999" in result.stderr


def test_near_misses_get_the_nearest_name(tmp_path: Path) -> None:
    """A misspelt colour on the command line and a misspelt style in rooms.yaml: did you mean."""
    badge = CliRunner().invoke(main, ["badge", "chat", "1 online", "--color", "greem"])
    assert badge.exit_code == EXIT_USAGE
    assert 'Error: --color: "greem" is not a colour (did you mean "green"?' in badge.stderr
    config = tmp_path / "rooms.yaml"
    config.write_text("rooms:\n  - {jid: a@b.org, style: flatt}\n")
    check = CliRunner().invoke(main, ["check", "--config", str(config)])
    assert check.exit_code == EXIT_USAGE
    assert 'rooms[0].style: "flatt" is not a style (did you mean "flat"?' in check.stderr
