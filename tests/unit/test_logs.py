"""Redaction: no log record shows the password, its base64 forms or SASL payloads."""

from __future__ import annotations

import base64
import logging

import pytest

from badgegen.logs import RedactingFilter, configure_logging

PASSWORD = "s3cr€t-pass"


@pytest.mark.parametrize("prefix", [b"", b"\0", b"\0bot\0", b"ab"])
def test_base64_of_the_password_is_redacted_at_any_offset(prefix: bytes) -> None:
    """SASL PLAIN puts the password in base64 after the user name; it never shows."""
    encoded = base64.b64encode(prefix + PASSWORD.encode() + b"!").decode()
    redacted = RedactingFilter([PASSWORD]).redact(f"payload {encoded}")
    assert "[redacted]" in redacted
    assert base64.b64encode(PASSWORD.encode()).decode()[:8] not in redacted


def test_sasl_elements_are_emptied() -> None:
    """Whatever a SASL element carries is replaced, even with no known secret."""
    stanza = '<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">AGJvdABwdw==</auth>'
    assert RedactingFilter([]).redact(f"SEND: {stanza}") == (
        'SEND: <auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">[redacted]</auth>'
    )


def test_records_with_arguments_and_exceptions_are_redacted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Formatted arguments and traceback text go through the filter too."""
    configure_logging(2, [PASSWORD])
    log = logging.getLogger("slixmpp.test")
    log.debug("password is %s", PASSWORD)
    try:
        raise ValueError(PASSWORD)
    except ValueError:
        log.exception("failed")
    err = capsys.readouterr().err
    assert "password is [redacted]" in err
    assert "ValueError: [redacted]" in err
    assert PASSWORD not in err
    logging.getLogger().handlers.clear()


def test_control_characters_from_servers_are_escaped() -> None:
    """C1 controls (allowed in XML), ESC and bidi overrides never reach the terminal raw."""
    text = RedactingFilter([]).redact("name \x9b31m \x1b[2J \u202eevil\ttab\nline")
    assert text == "name \\x9b31m \\x1b[2J \\u202eevil\ttab\nline"


@pytest.mark.parametrize(
    ("password", "line", "expected"),
    [
        ("e", "connecting to example.org as bot@example.org", None),
        ("e", "password is e", "password is [redacted]"),
        ("ampl", "<password>ampl</password> for example.org", "<password>[redacted]</password>"),
        ("x1", "attribute value='x1' in max1 x12", "attribute value='[redacted]' in max1 x12"),
    ],
)
def test_a_password_is_redacted_as_a_value_not_inside_words(
    password: str, line: str, expected: str | None
) -> None:
    """A short password does not blank out its letters everywhere in the log."""
    redacted = RedactingFilter([password]).redact(line)
    if expected is None:
        assert redacted == line
    else:
        assert redacted.startswith(expected)
