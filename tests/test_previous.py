"""--previous: the last badges.json from a file or over HTTPS, bounded; a failure only warns."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from badgegen import previous as previous_module
from badgegen.previous import load_previous
from badgegen.state import RoomState

RECORD = '{"version": 1, "rooms": {"a@b": {"status": "counted", "occupants": 3}}}'


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves RECORD at /badges.json, 404 elsewhere."""

    def do_GET(self) -> None:
        body = RECORD.encode() if self.path == "/badges.json" else b""
        self.send_response(200 if body else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    """A CA the HTTPS test server's certificate comes from."""
    return trustme.CA()


@pytest.fixture
def https_url(authority: trustme.CA) -> Iterator[str]:
    """An HTTPS server on 127.0.0.1 serving a badges.json."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_default_is_the_output_directory(tmp_path: Path) -> None:
    """Without --previous, the out directory's badges.json is read; none is no warning."""
    assert load_previous(None, tmp_path).states == {}
    assert load_previous(None, tmp_path).warning == ""
    (tmp_path / "badges.json").write_text(RECORD)
    assert load_previous(None, tmp_path).states == {"a@b": RoomState("a@b", "counted", 3)}


@pytest.fixture
def trusted(authority: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make this process trust the test CA, as it trusts the system's."""
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))


@pytest.mark.usefixtures("trusted")
def test_https_with_a_trusted_certificate(https_url: str, tmp_path: Path) -> None:
    """A published badges.json is fetched over verified TLS."""
    loaded = load_previous(f"{https_url}/badges.json", tmp_path)
    assert (loaded.states, loaded.warning) == ({"a@b": RoomState("a@b", "counted", 3)}, "")


def test_untrusted_certificate_is_a_warning(https_url: str, tmp_path: Path) -> None:
    """TLS is verified: an untrusted server gives a warning and no states."""
    loaded = load_previous(f"{https_url}/badges.json", tmp_path)
    assert loaded.states == {}
    assert "CERTIFICATE_VERIFY_FAILED" in loaded.warning


@pytest.mark.usefixtures("trusted")
def test_missing_or_oversized_is_a_warning(
    https_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 404, a missing file or a file over the size bound: a warning, never an error."""
    assert load_previous(f"{https_url}/gone.json", tmp_path).warning.endswith("does not exist")
    assert load_previous(str(tmp_path / "nope.json"), tmp_path).warning.endswith("does not exist")
    monkeypatch.setattr(previous_module, "MAX_BYTES", 10)
    loaded = load_previous(f"{https_url}/badges.json", tmp_path)
    assert loaded.states == {}
    assert loaded.warning.endswith("badges.json: larger than 10 bytes")
