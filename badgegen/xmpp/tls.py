"""The TLS context a session verifies its server with: the system's CAs, loaded once.

Loading them takes OpenSSL tens of milliseconds, during which it lets other
threads run; importing slixmpp takes Python about a hundred. So a run begins
the context in a thread before that import (see badgegen.ahead) and takes it
when it makes its client. This module imports nothing of slixmpp's.
"""

from __future__ import annotations

import ssl

from badgegen.ahead import Ahead


def verified_context() -> ssl.SSLContext:
    """Certificates and host names verified against the system's CAs (slixmpp's own
    context would load them twice)."""
    return ssl.create_default_context()


def verified_context_ahead() -> Ahead[ssl.SSLContext]:
    """verified_context(), begun now in a thread."""
    return Ahead(verified_context, "TLS context")
