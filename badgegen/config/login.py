"""Resolve the account to log in with from rooms.yaml and the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from badgegen.config import Account
from badgegen.config.names import account_jid_problem
from badgegen.errors import ConfigError
from badgegen.reading import NotReadable, describe_size, read_bounded

JID_VAR = "BADGEGEN_JID"
PASSWORD_VAR = "BADGEGEN_PASSWORD"  # noqa: S105 (a variable name)
PASSWORD_FILE_VAR = "BADGEGEN_PASSWORD_FILE"  # noqa: S105 (a variable name)
MAX_PASSWORD_FILE_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Secret:
    """A password that never shows in a repr, a str or a traceback."""

    _value: str = field(repr=False)

    def reveal(self) -> str:
        """The password itself, for the one place that sends it."""
        return self._value

    def __str__(self) -> str:
        return "***"


@dataclass(frozen=True, slots=True)
class Login:
    """Who badgegen logs in as."""

    jid: str
    password: Secret | None
    anonymous: bool = False


def resolve_login(account: Account, environ: Mapping[str, str]) -> Login:
    """Combine rooms.yaml's account with the environment.

    BADGEGEN_JID wins over `account.jid`; the password comes only from
    BADGEGEN_PASSWORD or the file named by BADGEGEN_PASSWORD_FILE.

    Args:
        account: the `account:` section of rooms.yaml.
        environ: the process environment.

    Returns:
        The login to use.

    Raises:
        ConfigError: no JID, an invalid BADGEGEN_JID, or no password.
    """
    env_jid = environ.get(JID_VAR)
    if env_jid and (reason := account_jid_problem(env_jid, anonymous=account.anonymous)):
        raise ConfigError([f"{JID_VAR}: {reason}"])
    jid = env_jid or account.jid
    if not jid:
        raise ConfigError(
            [
                f"no account to log in with: set {JID_VAR} or `account.jid` in rooms.yaml"
                + _in_actions(environ)
            ]
        )
    if account.anonymous:
        return Login(jid=jid, password=None, anonymous=True)
    return Login(jid=jid, password=_password(environ))


def _in_actions(environ: Mapping[str, str]) -> str:
    """Where the account comes from inside GitHub Actions: its secrets, passed as env:."""
    if environ.get("GITHUB_ACTIONS") != "true":
        return ""
    return (
        f"; in GitHub Actions, add the repository secrets {JID_VAR} and {PASSWORD_VAR}"
        " (Settings > Secrets and variables > Actions) and pass them in the step's env:"
        f" ({PASSWORD_VAR}: ${{{{ secrets.{PASSWORD_VAR} }}}}), as the workflow of"
        " `badgegen init` does; a fork's pull request gets no secrets"
    )


def _password(environ: Mapping[str, str]) -> Secret:
    value, file = environ.get(PASSWORD_VAR), environ.get(PASSWORD_FILE_VAR)
    if value and file:
        raise ConfigError([f"both {PASSWORD_VAR} and {PASSWORD_FILE_VAR} are set (expected one)"])
    if file:
        return Secret(_read_password_file(Path(file)))
    if not value:
        raise ConfigError(
            [
                f"no password: set {PASSWORD_VAR} or {PASSWORD_FILE_VAR} "
                "(or `account.anonymous: true` for a server that allows it)" + _in_actions(environ)
            ]
        )
    return Secret(value)


def _read_password_file(path: Path) -> str:
    try:
        text = read_bounded(path, MAX_PASSWORD_FILE_BYTES).decode("utf-8")
    except NotReadable as exc:
        expected = f"expected a file of at most {describe_size(MAX_PASSWORD_FILE_BYTES)}"
        raise ConfigError([f"{PASSWORD_FILE_VAR}: {exc} ({expected})"]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise ConfigError([f"{PASSWORD_FILE_VAR}: cannot read {path}: {reason}"]) from exc
    # Files made with `echo` end in a newline that is not part of the password.
    password = text.rstrip("\r\n")
    if not password:
        raise ConfigError([f"{PASSWORD_FILE_VAR}: {path} is empty (expected the password)"])
    return password
