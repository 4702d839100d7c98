"""SCRAM's salted password derived in C: slixmpp's own loop is pure Python.

RFC 5802's Hi() is PBKDF2 with the mechanism's HMAC and one block of output;
slixmpp computes it with one Python HMAC per iteration, which is tens of
milliseconds per login at Prosody's 10,000 iterations. hashlib.pbkdf2_hmac
gives the same bytes in a fraction of that. Importing this module registers
the faster class under the names slixmpp's SCRAM has (SCRAM-SHA-1,
SCRAM-SHA-256, ... and their -PLUS forms), with the same score, so the
choice of mechanism is unchanged.
"""

from __future__ import annotations

import hashlib

from slixmpp.util import bytes as to_bytes  # slixmpp's: a str as UTF-8, bytes as they are
from slixmpp.util.sasl.client import SASLCancelled, sasl_mech
from slixmpp.util.sasl.mechanisms import SCRAM

# A server's iteration count beyond this is refused (the login cancelled), not obeyed: in C
# the derivation cannot be interrupted, and 2**31 - 1 iterations would take minutes. Servers
# use 4,096 (RFC 7677's least) to a few hundred thousand.
MOST_ITERATIONS = 1_000_000


@sasl_mech(SCRAM.score)
class FasterSCRAM(SCRAM):
    """slixmpp's SCRAM, with Hi() done by hashlib."""

    def Hi(self, text: str, salt: bytes, iterations: int) -> bytes:
        if not 1 <= iterations <= MOST_ITERATIONS:
            raise SASLCancelled(f"the server asks for {iterations} SCRAM iterations")
        digest = self.hash
        assert digest is not None  # setup() refuses a mechanism whose hash is unknown
        try:
            return hashlib.pbkdf2_hmac(digest().name, to_bytes(text), salt, iterations)
        except (ValueError, TypeError, AttributeError):  # a digest PBKDF2 does not take
            return bytes(super().Hi(text, salt, iterations))
