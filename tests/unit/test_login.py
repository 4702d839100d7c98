"""Resolving the login: BADGEGEN_JID wins, the password only from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from badgegen.config import Account
from badgegen.config.login import Login, Secret, resolve_login
from badgegen.errors import ConfigError


def test_file_jid_with_password_from_environment() -> None:
    """The file names the account; BADGEGEN_PASSWORD gives the password."""
    login = resolve_login(Account(jid="bot@example.org"), {"BADGEGEN_PASSWORD": "pw"})
    assert login == Login("bot@example.org", Secret("pw"))


def test_environment_jid_wins_over_the_file() -> None:
    """BADGEGEN_JID overrides `account.jid`."""
    environ = {"BADGEGEN_JID": "other@example.org", "BADGEGEN_PASSWORD": "pw"}
    assert resolve_login(Account(jid="bot@example.org"), environ).jid == "other@example.org"


def test_password_file(tmp_path: Path) -> None:
    """BADGEGEN_PASSWORD_FILE is read, without its trailing newline."""
    secret = tmp_path / "password"
    secret.write_text("from file\n")
    environ = {"BADGEGEN_JID": "bot@example.org", "BADGEGEN_PASSWORD_FILE": str(secret)}
    assert resolve_login(Account(), environ).password == Secret("from file")


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("/dev/zero", "/dev/zero is a character device, not a regular file"),
        ("fifo", "is a FIFO, not a regular file"),
        ("sparse", "is larger than 4 KiB"),
        ("directory", "is a directory, not a regular file"),
    ],
)
def test_password_file_reads_are_bounded(tmp_path: Path, kind: str, reason: str) -> None:
    """A device, a FIFO (which would block for ever), a directory or a huge file: exit 2 at once."""
    path = Path(kind) if kind.startswith("/") else tmp_path / kind
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "sparse":
        with path.open("wb") as stream:
            stream.truncate(2**30)
    elif kind == "directory":
        path.mkdir()
    environ = {"BADGEGEN_JID": "bot@example.org", "BADGEGEN_PASSWORD_FILE": str(path)}
    with pytest.raises(ConfigError) as raised:  # a FIFO opened to read blocks for ever
        resolve_login(Account(), environ)
    assert raised.value.problems[0].startswith("BADGEGEN_PASSWORD_FILE: ")
    assert reason in raised.value.problems[0]
    assert "expected a file of at most 4 KiB" in raised.value.problems[0]


def test_anonymous_needs_no_password() -> None:
    """An anonymous account logs in with SASL ANONYMOUS and no password."""
    login = resolve_login(Account(jid="anon.example.org", anonymous=True), {})
    assert login == Login("anon.example.org", None, anonymous=True)


@pytest.mark.parametrize(
    ("account", "environ", "message"),
    [
        (
            Account(),
            {},
            "no account to log in with: set BADGEGEN_JID or `account.jid` in rooms.yaml",
        ),
        (
            Account(jid="bot@example.org"),
            {},
            "no password: set BADGEGEN_PASSWORD or BADGEGEN_PASSWORD_FILE"
            " (or `account.anonymous: true` for a server that allows it)",
        ),
        (
            Account(),
            {"BADGEGEN_JID": "example.org", "BADGEGEN_PASSWORD": "pw"},
            'BADGEGEN_JID: "example.org" is not an account JID (expected user@domain)',
        ),
        (
            Account(jid="bot@example.org"),
            {"BADGEGEN_PASSWORD": "a", "BADGEGEN_PASSWORD_FILE": "/x"},
            "both BADGEGEN_PASSWORD and BADGEGEN_PASSWORD_FILE are set (expected one)",
        ),
        (
            Account(jid="bot@example.org"),
            {"BADGEGEN_PASSWORD_FILE": "/nonexistent/password"},
            "BADGEGEN_PASSWORD_FILE: cannot read /nonexistent/password: No such file or directory",
        ),
    ],
)
def test_missing_or_bad_credentials(
    account: Account, environ: dict[str, str], message: str
) -> None:
    """Each missing or conflicting setting is a config error saying what to set."""
    with pytest.raises(ConfigError) as caught:
        resolve_login(account, environ)
    assert caught.value.problems == (message,)


@pytest.mark.parametrize(
    ("account", "environ"),
    [(Account(), {"BADGEGEN_PASSWORD": "pw"}), (Account(jid="bot@example.org"), {})],
    ids=["no-account", "no-password"],
)
def test_inside_github_actions_the_secrets_are_named(
    account: Account, environ: dict[str, str]
) -> None:
    """A secret missing in a workflow: the error says where secrets are set and passed."""
    with pytest.raises(ConfigError) as caught:
        resolve_login(account, {**environ, "GITHUB_ACTIONS": "true"})
    (message,) = caught.value.problems
    assert "Settings > Secrets and variables > Actions" in message
    assert "${{ secrets.BADGEGEN_PASSWORD }}" in message


def test_secret_never_shows() -> None:
    """A Secret's str and repr hide the password, so tracebacks and logs cannot show it."""
    secret = Secret("hunter2")
    assert "hunter2" not in str(secret)
    assert "hunter2" not in repr(secret)
    assert "hunter2" not in repr(Login("a@b", secret))
    assert secret.reveal() == "hunter2"


def test_plus_only_servers_are_explained() -> None:
    """A server offering only -PLUS mechanisms: the message says why and what would help."""
    from badgegen.xmpp.watcher import no_mechanism_message

    message = no_mechanism_message("bot@example.org", ["SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS"])
    assert "only channel-binding mechanisms (SCRAM-SHA-1-PLUS, SCRAM-SHA-256-PLUS)" in message
    assert "tls-exporter" in message
    assert "without -PLUS" in message
    plain = no_mechanism_message("bot@example.org", ["X-OAUTH2"])
    assert plain.endswith("no usable SASL mechanism over TLS (server offers: X-OAUTH2)")
