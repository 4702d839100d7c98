"""--previous and badges.json as untrusted input: bounded, verified, at most a warning.

A hostile HTTPS server (redirects, slow drip, oversize, stalls) and a corpus
of poisoned records: every case asserts what the good room shows.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trustme
from click.testing import Result

from badgegen.config import Config, Room
from badgegen.core.counts import Count, Problem
from badgegen.core.occupancy import History
from badgegen.core.results import settle
from badgegen.core.state import RoomState
from badgegen.errors import EXIT_RECORD_UNREADABLE, RecordError
from badgegen.publish import lock_directory
from badgegen.reading import describe_size
from badgegen.record import Previous, load_previous_run
from badgegen.record.badges_json import parse_state, record_limit, state_json
from badgegen.record.history_json import history_json
from badgegen.text.untrusted import MAX_NAME_CODE_POINTS, MAX_URL_LENGTH
from tests.conftest import FakeCounter, run_cli

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
RECORD = '{"version": 1, "rooms": {"a@b": {"status": "counted", "occupants": 3}}}'
DRIP_INTERVAL = 0.3


class HostileHandler(http.server.BaseHTTPRequestHandler):
    """Serves RECORD at /badges.json, and misbehaves on the other paths."""

    stalling = threading.Event()  # set once a client waits on /stall
    released = threading.Event()  # set when the tests are done with the server

    def do_GET(self) -> None:
        port = self.connection.getsockname()[1]
        redirects = {
            "/to-http": f"http://127.0.0.1:{port}/badges.json",
            "/to-https": f"https://127.0.0.1:{port}/badges.json",
            "/loop": "/loop",
        }
        if self.path in redirects:
            self.send_response(302)
            self.send_header("Location", redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/fails":
            self._send(b"busy", 503)
        elif self.path in ("/badges.json", "/h/badges.json"):
            self._send(RECORD.encode())
        elif self.path == "/h/history.json":  # beside a good record, a poisoned history
            self._send(b"[" * 100_000)
        elif self.path == "/drip":
            self._drip()
        elif self.path == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.flush()
            self.stalling.set()
            self.released.wait()  # for ever, as far as the client can tell
        elif self.path in ("/huge", "/huge-unannounced"):
            self._huge(announce=self.path == "/huge")
        else:
            self._send(b"", 404)

    def _send(self, body: bytes, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drip(self) -> None:
        """A record that never ends, one byte at a time, each well within any socket timeout."""
        self.send_response(200)
        self.end_headers()
        self.wfile.write(RECORD.encode()[:-1])
        while not self.released.wait(DRIP_INTERVAL):
            self.wfile.write(b" ")
            self.wfile.flush()

    def _huge(self, *, announce: bool) -> None:
        self.send_response(200)
        if announce:
            self.send_header("Content-Length", str(2**34))
        self.end_headers()
        block = b" " * 65536
        for _ in range(2**34 // len(block)):
            self.wfile.write(block)

    def log_message(self, *_args: object) -> None:
        pass

    def handle(self) -> None:
        # The client hanging up early is what the tests want of it.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, ssl.SSLError):
            super().handle()


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    """A CA the HTTPS test server's certificate comes from."""
    return trustme.CA()


@pytest.fixture
def https_url(authority: trustme.CA) -> Iterator[str]:
    """The hostile HTTPS server on 127.0.0.1 (plain HTTP answers on no port at all)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HostileHandler)
    server.daemon_threads = True
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    HostileHandler.released.clear()
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    HostileHandler.released.set()  # the stalls and drips end
    server.shutdown()


@pytest.fixture
def trusted(authority: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make this process trust the test CA, as it trusts the system's."""
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))


# The rooms.yaml these records are read for: it names the one room of RECORD.
CONFIG = Config(Path("rooms.yaml"), (Room("a@b"),))


def load(source: str | None, folder: Path, seconds: float = 10) -> Previous:
    return load_previous_run(source, folder, NOW, CONFIG, seconds)


def test_default_is_the_output_directory(tmp_path: Path) -> None:
    """Without --previous, the out directory's badges.json is read; none is a first run."""
    assert load(None, tmp_path) == Previous()
    (tmp_path / "badges.json").write_text(RECORD)
    assert load(None, tmp_path).states == {"a@b": RoomState("a@b", "counted", 3)}


@pytest.mark.usefixtures("trusted")
def test_https_with_a_trusted_certificate(https_url: str, tmp_path: Path) -> None:
    """A published badges.json is fetched over verified TLS, redirects within https followed."""
    for path in ("/badges.json", "/to-https"):
        loaded = load(f"{https_url}{path}", tmp_path)
        assert loaded.states == {"a@b": RoomState("a@b", "counted", 3)}
        assert "history.json is missing beside" in loaded.warnings[0]  # the host has none


def test_an_untrusted_certificate_ends_the_run(https_url: str, tmp_path: Path) -> None:
    """TLS is verified: a record that cannot be fetched safely is one not to write over."""
    with pytest.raises(RecordError, match="CERTIFICATE_VERIFY_FAILED"):
        load(f"{https_url}/badges.json", tmp_path)


@pytest.mark.usefixtures("trusted")
def test_not_there_yet_is_a_first_run_said(https_url: str, tmp_path: Path) -> None:
    """404 is the one failure that means a first run: no states, and a warning (a mistyped
    --previous would otherwise restart the history on every run without a word)."""
    previous = load(f"{https_url}/gone.json", tmp_path)
    assert (previous.states, previous.history) == ({}, History())
    assert previous.warnings == (
        f"--previous: {https_url}/gone.json finds nothing (404): counting as a first run; if"
        " the badges were published there, check the address",
    )


@pytest.mark.usefixtures("trusted")
@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to-http", "which is not https"),
        ("/loop", "redirect"),
        ("/huge", f"larger than {describe_size(record_limit(2))}"),
        ("/huge-unannounced", f"larger than {describe_size(record_limit(2))}"),
        ("/fails", "HTTP 503"),
    ],
)
def test_a_hostile_or_failing_server_ends_the_run(
    https_url: str, tmp_path: Path, path: str, reason: str
) -> None:
    """Never off https, never more than the size bound, never a 5xx taken for "none yet"."""
    with pytest.raises(RecordError, match="nothing was written") as failed:
        load(f"{https_url}{path}", tmp_path)
    assert reason in str(failed.value)


@pytest.mark.usefixtures("trusted")
@pytest.mark.parametrize("path", ["/drip", "/stall"])
def test_slow_server_is_cut_off_at_the_deadline(https_url: str, tmp_path: Path, path: str) -> None:
    """A byte every DRIP_INTERVAL for ever (or nothing for ever) never resets the clock: the
    fetch ends by its time, or never would (the test's timeout would end it instead)."""
    with pytest.raises(RecordError, match=r"time|seconds"):
        load(f"{https_url}{path}", tmp_path, seconds=2.0)


@pytest.mark.usefixtures("trusted")
def test_the_lock_is_free_while_fetching(https_url: str, tmp_path: Path) -> None:
    """--previous over the network never holds the output directory's lock."""
    config = tmp_path / "rooms.yaml"
    config.write_text("account: {jid: bot@example.org}\nrooms: [a@b.example]\n")
    out = tmp_path / "public"
    out.mkdir()
    counter = FakeCounter({"a@b.example": 1})
    outputs: list[Result] = []

    def run() -> None:
        args = ["refresh", "--config", str(config), "--out", str(out), "--deadline", "3"]
        args += ["--previous", f"{https_url}/stall"]
        outputs.append(run_cli(args, counter))

    HostileHandler.stalling.clear()
    refresh = threading.Thread(target=run)
    refresh.start()
    assert HostileHandler.stalling.wait(10)
    with lock_directory(out, wait=0):  # raises BusyError if the refresh held it
        assert not counter.calls  # still fetching
    refresh.join()
    assert outputs[0].exit_code == EXIT_RECORD_UNREADABLE  # the record never came: no write
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("kind", ["fifo", "directory", "sparse"])
def test_a_record_that_cannot_be_read_is_not_written_over(tmp_path: Path, kind: str) -> None:
    """A FIFO (which would block for ever), a directory, a huge sparse file: the run ends at
    once with status 7, and the file is left as it was."""
    record = tmp_path / "badges.json"
    if kind == "fifo":
        os.mkfifo(record)
    elif kind == "directory":
        record.mkdir()
    else:
        with record.open("wb") as stream:
            stream.truncate(2**30)
    expected = {"fifo": "a FIFO", "directory": "a directory", "sparse": "larger than"}[kind]
    with pytest.raises(RecordError, match=expected):  # a FIFO opened to read blocks for ever
        load(None, tmp_path)


def stamp(at: datetime) -> str:
    """A time as badges.json writes it."""
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


# The refresh under test is dated NOW (its clock is handed in), so are the record's times.
AN_HOUR_AGO = stamp(NOW - timedelta(hours=1))
A_YEAR_AHEAD = stamp(NOW + timedelta(days=366))
GOOD = {"status": "counted", "occupants": 3, "counted_at": AN_HOUR_AGO}
# A poisoned entry for c@d next to a good one for a@b: a@b must stay stale 3.
POISONED_ENTRIES = {
    "huge-number": {"status": "counted", "occupants": int("9" * 400)},
    "number-past-int-limit": "HUGE",
    "negative": {"status": "counted", "occupants": -1},
    "fraction": {"status": "counted", "occupants": 2.5},
    "boolean": {"status": "counted", "occupants": True},
    "string-count": {"status": "counted", "occupants": "12"},
    "future": {"status": "counted", "occupants": 7, "counted_at": A_YEAR_AHEAD},
    "bad-status": {"status": "party", "occupants": 7},
    "not-an-object": [1, 2, 3],
    "nested": {"status": "counted", "occupants": {"a": [[[[{}]]]]}},
    "bad-timestamp": {"status": "counted", "occupants": 7, "counted_at": "yesterday"},
    "huge-name": {**GOOD, "name": "\u202e" + "x\u0301" * 100_000},  # over the entry's bound
    "long-name": {**GOOD, "name": "\u202e" + "x\u0301" * 500},  # within it: cleaned
    "hostile-url": {**GOOD, "webchat": 'javascript:alert(1)"\n<script>', "logs": "javascript:x"},
}


@pytest.mark.parametrize("case", sorted(POISONED_ENTRIES))
def test_a_poisoned_entry_costs_its_room_only(case: str, tmp_path: Path) -> None:
    """Whatever one entry holds, the other room keeps its stale count; no traceback."""
    entries = {"a@b.example": GOOD, "c@d.example": POISONED_ENTRIES[case]}
    text = json.dumps({"version": 1, "rooms": entries})
    text = text.replace('"HUGE"', '{"status": "counted", "occupants": ' + "9" * 5000 + "}")
    result, out = refresh_after(tmp_path, text)
    assert "Traceback" not in result.output
    assert result.exit_code == 3, result.output
    shown = json.loads((out / "badges.json").read_text())["rooms"]
    assert (shown["a@b.example"]["status"], shown["a@b.example"]["occupants"]) == ("stale", 3)
    poisoned = shown["c@d.example"]
    if case in ("long-name", "hostile-url"):  # the count is fine; the text is cleaned
        assert poisoned["status"] == "stale"
        assert poisoned["webchat"] is None
        assert poisoned["logs"] is None
        assert poisoned["name"] is None or len(poisoned["name"]) <= MAX_NAME_CODE_POINTS
    else:
        assert (poisoned["status"], poisoned["occupants"]) == ("unknown", None)
    svg = (out / "c@d.example.svg").read_text()
    assert "\u202e" not in svg
    assert "javascript" not in svg


WHOLE_RECORDS = {
    "deep-nesting": '{"version": 1, "rooms": ' + "[" * 200_000 + "]" * 200_000 + "}",
    "deep-nesting-unclosed": "[" * 1_000_000,
    "not-json": "<html>",
    "wrong-version": '{"version": 99, "rooms": {}}',
    "rooms-not-a-mapping": '{"version": 1, "rooms": []}',
    "not-utf8": b'{"version": 1, "rooms": {"\xff": 1}}'.decode("latin-1"),
    "nan": '{"version": NaN, "rooms": {}}',
    "empty": "",
}


@pytest.mark.parametrize("case", sorted(WHOLE_RECORDS))
def test_a_poisoned_record_is_a_warning(case: str, tmp_path: Path) -> None:
    """A record that is no badges.json at all: one warning, rooms start afresh, exit 3."""
    encoding = "latin-1" if case == "not-utf8" else "utf-8"
    result, out = refresh_after(tmp_path, WHOLE_RECORDS[case], encoding)
    assert "Traceback" not in result.output
    assert result.exit_code == 3, result.output
    if case != "not-utf8":  # read with U+FFFD for the byte: a record without rooms
        assert "previous badges.json" in result.stderr
    shown = json.loads((out / "badges.json").read_text())["rooms"]
    assert {room["status"] for room in shown.values()} == {"unknown"}


def refresh_after(tmp_path: Path, record: str, encoding: str = "utf-8") -> tuple[Result, Path]:
    """Refresh two rooms that both fail, with record as the last run's badges.json."""
    config = tmp_path / "rooms.yaml"
    config.write_text(
        "account: {jid: bot@example.org}\nstale_after: 1d\n"
        "rooms:\n  - a@b.example\n  - {jid: c@d.example, label: '{name}', link: webchat}\n"
    )
    out = tmp_path / "public"
    out.mkdir()
    (out / "badges.json").write_bytes(record.encode(encoding))
    result = run_cli(
        ["refresh", "--config", str(config), "--out", str(out)],
        counter=FakeCounter({"a@b.example": None, "c@d.example": None}),
        clock=lambda: NOW,
    )
    return result, out


def test_what_a_run_writes_the_next_can_read(tmp_path: Path) -> None:
    """At 10,000 rooms with the longest names, URLs and JIDs allowed, the record is read back."""
    local, domain = "l" * 1018, ".".join(["d" * 63] * 15) + ".example"  # RFC 7622's limits
    rooms = [Room(f"{local}{index}@{domain}", file=f"room{index}") for index in range(10_000)]
    name, url = "\U0001f600" * MAX_NAME_CODE_POINTS, "https://e.example/" + "u" * MAX_URL_LENGTH
    counts = [
        Count(room.jid, None, Problem.ERROR, "unexpected RuntimeError", name, url[:MAX_URL_LENGTH])
        for room in rooms
    ]
    before = {
        room.jid: RoomState(room.jid, "counted", 999_999, NOW - timedelta(minutes=5))
        for room in rooms
    }
    results = settle(rooms, counts, before, NOW, timedelta(days=1))
    text = state_json(results, NOW)
    assert len(text.encode()) <= record_limit(0)  # a config of any size reads it
    (tmp_path / "badges.json").write_text(text)
    (tmp_path / "history.json").write_text(history_json(History()))
    config = Config(Path("rooms.yaml"), tuple(rooms[:1]))  # a config of any size reads it
    loaded = load_previous_run(None, tmp_path, NOW, Config(Path("rooms.yaml"), tuple(rooms)), 0)
    assert loaded.warnings == ()
    assert len(loaded.states) == len(rooms)
    assert parse_state(text, NOW).states == loaded.states
    shrunk = load_previous_run(None, tmp_path, NOW, config, 0)
    assert list(shrunk.states) == [rooms[0].jid]  # the others dropped, said once
    assert len(shrunk.warnings) == 1


@pytest.mark.usefixtures("trusted")
def test_a_poisoned_history_beside_a_good_record(https_url: str, tmp_path: Path) -> None:
    """history.json comes from beside badges.json, over the same fetch; poisoned, it warns."""
    loaded = load(f"{https_url}/h/badges.json", tmp_path)
    assert loaded.states == {"a@b": RoomState("a@b", "counted", 3)}
    assert loaded.history.rooms == {}
    (warning,) = loaded.warnings
    assert warning.startswith(f"ignoring the previous history.json from {https_url}/h/history.json")
    plain = load(f"{https_url}/badges.json", tmp_path)
    assert plain.history.rooms == {}
    assert plain.warnings == (  # the history is not restarted silently
        f"{https_url}/history.json is missing beside {https_url}/badges.json: the history"
        " starts again from this run (was it left out when the record was published?)",
    )
