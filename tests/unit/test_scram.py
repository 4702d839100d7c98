"""The faster SCRAM key derivation gives slixmpp's bytes, and slixmpp chooses it."""

from __future__ import annotations

import hashlib

import pytest
from slixmpp.util.sasl.client import MECH_SEC_SCORES, MECHANISMS, choose
from slixmpp.util.sasl.mechanisms import SCRAM

from badgegen.xmpp.scram import FasterSCRAM

SECURITY = {"encrypted": True, "unencrypted_scram": False, "tls_version": "1.3"}


def mechanism(cls: type[SCRAM], name: str) -> SCRAM:
    return cls(name, {}, SECURITY)


def test_rfc_6070_vector() -> None:
    """PBKDF2-HMAC-SHA1("password", "salt", 4096): RFC 6070's third vector."""
    derived = mechanism(FasterSCRAM, "SCRAM-SHA-1").Hi("password", b"salt", 4096)
    assert derived.hex() == "4b007901b765489abead49d926f721d065a429c1"


@pytest.mark.parametrize("name", ["SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512", "SCRAM-MD5"])
@pytest.mark.parametrize("iterations", [1, 2, 4096])
def test_same_bytes_as_slixmpp(name: str, iterations: int) -> None:
    password, salt = "pencil ünïcode", b"W22ZaJ0SNY7soEsUEjb6gQ"
    ours = mechanism(FasterSCRAM, name).Hi(password, salt, iterations)
    assert ours == mechanism(SCRAM, name).Hi(password, salt, iterations)


def test_digest_pbkdf2_refuses_takes_slixmpp_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hash OpenSSL's PBKDF2 refuses (it raises ValueError) takes slixmpp's own loop."""

    def refuse(*_args: object) -> bytes:
        raise ValueError("unsupported hash type")

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", refuse)
    ours = mechanism(FasterSCRAM, "SCRAM-SHA-256").Hi("pencil", b"salt", 3)
    assert ours == mechanism(SCRAM, "SCRAM-SHA-256").Hi("pencil", b"salt", 3)


def test_registered_in_place_of_slixmpp_scram_with_same_scores() -> None:
    scram_names = [name for name in MECHANISMS if name.startswith("SCRAM-")]
    assert "SCRAM-SHA-1" in scram_names
    assert "SCRAM-SHA-256-PLUS" in scram_names
    assert {MECHANISMS[name] for name in scram_names} == {FasterSCRAM}
    assert FasterSCRAM.score == SCRAM.score
    chosen = choose(
        {"PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"},
        lambda required, optional: {"username": b"u", "password": b"p"},
        lambda wanted: SECURITY,
    )
    assert isinstance(chosen, FasterSCRAM)
    assert chosen.name == "SCRAM-SHA-256"
    assert MECH_SEC_SCORES["SCRAM-SHA-256"] > MECH_SEC_SCORES["SCRAM-SHA-1"]


@pytest.mark.parametrize("iterations", [0, -1, 1_000_001, 2**31])
def test_an_absurd_iteration_count_cancels_the_login(iterations: int) -> None:
    """A server asking for none, or for minutes of C that nothing could interrupt: the
    mechanism is cancelled (slixmpp then aborts the login), nothing is computed."""
    from slixmpp.util.sasl.client import SASLCancelled

    with pytest.raises(SASLCancelled, match="SCRAM iterations"):
        mechanism(FasterSCRAM, "SCRAM-SHA-1").Hi("pencil", b"salt", iterations)
