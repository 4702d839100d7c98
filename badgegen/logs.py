"""Logging for the CLI, with secrets redacted from every record."""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterable

from badgegen.text.invisible import escaped

# SASL elements carry credentials (PLAIN sends the password in base64).
_SASL_PAYLOAD = re.compile(r"(<(auth|response|challenge|success)\b[^>]*>)[^<]*(</\2>)")
REDACTED = "[redacted]"


class RedactingFilter(logging.Filter):
    """Replaces SASL payloads, secrets written as values and their base64 forms in log records.

    A secret is replaced where it stands as a value of its own, not inside a
    longer word: with the password "e", "example.org" stays readable (and
    does not tell a reader which letters the password has).
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        secrets = [secret for secret in secrets if secret]
        encoded = sorted(_secret_forms(secrets) - set(secrets), key=len, reverse=True)
        values = "|".join(re.escape(secret) for secret in sorted(secrets, key=len, reverse=True))
        self.values = re.compile(rf"(?<!\w)(?:{values})(?!\w)") if values else None
        self.forms = encoded

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.redact(record.getMessage()), ()
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True

    def redact(self, text: str) -> str:
        text = _SASL_PAYLOAD.sub(rf"\1{REDACTED}\3", text)
        if self.values is not None:
            text = self.values.sub(REDACTED, text)
        # base64 runs are long and random-looking: wherever they appear, they are the secret.
        for form in self.forms:
            text = text.replace(form, REDACTED)
        # What a server said (XML allows C1 controls such as CSI) must not drive the reader's
        # terminal: shown escaped.
        return escaped(text, keep_lines=True)


def _secret_forms(secrets: Iterable[str]) -> set[str]:
    """Each secret and the base64 runs that encode it at any byte offset."""
    forms = set()
    for secret in secrets:
        if not secret:
            continue
        forms.add(secret)
        raw = secret.encode("utf-8")
        for offset in range(3):
            encoded = base64.b64encode(b"\0" * offset + raw).decode("ascii")
            # Keep the characters whose six bits all come from the secret.
            start = -(-8 * offset // 6)
            end = 8 * (offset + len(raw)) // 6
            if end - start >= 4:
                forms.add(encoded[start:end])
    return forms


def configure_logging(verbosity: int, secrets: Iterable[str] = ()) -> None:
    """Send log records to stderr: -v for badgegen's debug, -vv for slixmpp's too.

    Args:
        verbosity: how many -v were given.
        secrets: strings to redact from every record.
    """
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbosity >= 2 else logging.WARNING)
    logging.getLogger("badgegen").setLevel(logging.DEBUG if verbosity else logging.WARNING)
    # badgegen reports connection and login failures itself, in one line.
    slixmpp_level = {0: logging.CRITICAL, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    logging.getLogger("slixmpp").setLevel(slixmpp_level)


class WarningsKept(logging.Handler):
    """Keeps the text of badgegen's warnings during a run, for --json's `warnings`."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(record.getMessage())

    def __enter__(self) -> WarningsKept:
        logging.getLogger("badgegen").addHandler(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        logging.getLogger("badgegen").removeHandler(self)
