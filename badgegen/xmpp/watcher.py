"""One route's attempt at a session: slixmpp's events turned into a success or a failure."""

from __future__ import annotations

import asyncio
import os
import ssl
from typing import Any

from slixmpp import ClientXMPP

from badgegen.config.login import Login
from badgegen.text.untrusted import server_text
from badgegen.xmpp.routes import Route, redirect_route


def seconds(wait: float) -> str:
    """ "3 s", "1.9 s"."""
    return f"{wait:.1f}".removesuffix(".0") + " s"


class RouteFailure(Exception):
    """Why one route gave no session; final when no other route would do better."""

    def __init__(self, reason: str, *, final: bool = False, redirect: Route | None = None):
        super().__init__(reason)
        self.reason, self.final, self.redirect = reason, final, redirect


# OpenSSL's verify codes for a chain that ends in an authority not in the trust store:
# self-signed (18), self-signed in the chain (19), unknown issuer (20, 21).
UNKNOWN_AUTHORITY = frozenset({18, 19, 20, 21})


class SessionWatcher:
    """Turns slixmpp's events during one route's attempt into its outcome."""

    def __init__(self, client: ClientXMPP, login: Login):
        self.client, self.login = client, login
        self.outcome: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.route: Route | None = None
        self.last_error: Any = "no address to try"
        self.stream_started = False
        self.handlers = {
            "session_start": self.on_session_start,
            "connection_failed": self.on_connection_failed,
            "ssl_invalid_chain": self.on_invalid_certificate,
            "stream_start": self.on_stream_start,
            "stream_error": self.on_stream_error,
            "failed_auth": self.on_failed_auth,
            "failed_all_auth": self.on_no_mechanism,
            "disconnected": self.on_disconnected,
        }

    def attach(self) -> None:
        for event, handler in self.handlers.items():
            self.client.add_event_handler(event, handler)

    def detach(self) -> None:
        for event, handler in self.handlers.items():
            self.client.del_event_handler(event, handler)

    def start(self, route: Route) -> None:
        """A fresh outcome for the next route; events of the last one no longer count."""
        if not self.outcome.done():
            self.outcome.cancel()
        self.outcome = asyncio.get_running_loop().create_future()
        self.outcome.add_done_callback(_retrieve)
        self.route, self.last_error, self.stream_started = route, "no answer", False

    def failed(self, failure: RouteFailure) -> None:
        if not self.outcome.done():
            self.outcome.set_exception(failure)

    def silence(self, wait: float) -> str:
        """Why a connected route gave no session within wait seconds."""
        if not self.stream_started:
            return f"connected, but no XMPP stream within {seconds(wait)}"
        return f"no login within {seconds(wait)}"

    def on_session_start(self, _event: Any) -> None:
        if not self.outcome.done():
            self.outcome.set_result(None)

    def on_connection_failed(self, error: Any) -> None:
        # slixmpp names the account's domain when the host it was given has no address.
        if str(error).startswith("No DNS record available") and self.route is not None:
            error = f'no host "{self.route.host}" in DNS (check the name)'
        self.last_error = error

    def on_invalid_certificate(self, error: Any) -> None:
        # The server could not prove it is the account's domain: no other way round that.
        where = self.route.describe() if self.route else "the server"
        reason = f"TLS with {where} failed: {describe_error(error)}"
        if getattr(error, "verify_code", None) in UNKNOWN_AUTHORITY:
            reason += (
                " (a server whose certificate is signed by its own authority: pass that"
                " authority's certificate with --ca-file PATH)"
            )
        self.failed(RouteFailure(reason, final=True))

    def on_stream_start(self, _event: Any) -> None:
        self.stream_started = True

    def on_stream_error(self, error: Any) -> None:
        condition = str(error["condition"] or "undefined-condition")
        said = server_text(str(error["text"] or ""))
        reason = f"the server refused the stream: {condition}" + (f' ("{said}")' if said else "")
        if condition == "see-other-host" and self.route is not None:
            target = str(error["see_other_host"] or "")
            if (redirect := redirect_route(target, self.route)) is not None:
                self.failed(RouteFailure(f"redirected to {redirect.describe()}", redirect=redirect))
                return
        if condition == "host-unknown":
            reason += self._host_unknown_hint()
        # The server's decision: another address of the same server would say the same.
        self.failed(RouteFailure(reason, final=True))

    def _host_unknown_hint(self) -> str:
        """The server reached does not host the account's domain: which one, and what to do."""
        domain = self.login.jid.rpartition("@")[2].partition("/")[0]
        where = f"the server at {self.route.describe()}" if self.route else "the server"
        return (
            f"; {where} does not host {domain}, the domain of {self.login.jid}: point --server"
            f" at {domain}'s own server (or leave it out, to find it in DNS), or log in with"
            " an account of the server reached (BADGEGEN_JID)"
        )

    def on_failed_auth(self, failure: Any) -> None:
        condition = str(failure["condition"] or "failure")
        said = server_text(str(failure["text"] or ""))
        detail = condition + (f' ("{said}")' if said else "")
        hint = _LOGIN_HINTS.get(condition, "")
        reason = f"login as {self.login.jid} failed: {detail}" + (f"; {hint}" if hint else "")
        self.failed(RouteFailure(reason, final=True))

    def on_no_mechanism(self, _event: Any) -> None:
        offered = sorted(self.client.plugin["feature_mechanisms"].mech_list)
        self.failed(RouteFailure(no_mechanism_message(self.login.jid, offered), final=True))

    def on_disconnected(self, reason: Any) -> None:
        if isinstance(reason, ssl.SSLError):
            self.on_invalid_certificate(reason)
        elif not self.stream_started:
            self.failed(RouteFailure("connected, but the reply was not an XMPP stream"))
        else:
            self.failed(RouteFailure(f"the server closed the connection: {describe_error(reason)}"))


# What to check next, for the SASL failures (RFC 6120 6.5) a person can do something about.
_LOGIN_HINTS = {
    "not-authorized": "check the password in BADGEGEN_PASSWORD or BADGEGEN_PASSWORD_FILE,"
    " and that the account exists on that server",
    "account-disabled": "the account is disabled: ask the server's admin",
    "credentials-expired": "the password has expired: set a new one with an XMPP client",
}


def no_mechanism_message(jid: str, offered: list[str]) -> str:
    """Why no SASL mechanism the server offers could be used, and what would help."""
    listed = ", ".join(offered) or "none"
    if offered and all(mechanism.endswith("-PLUS") for mechanism in offered):
        return (
            f"login as {jid} failed: the server offers only channel-binding mechanisms"
            f" ({listed}); over TLS 1.3 they need tls-exporter channel binding, which"
            " Python's ssl module does not provide (ask the server's admin to also offer"
            " SCRAM-SHA-1 or SCRAM-SHA-256 without -PLUS)"
        )
    return f"login as {jid} failed: no usable SASL mechanism over TLS (server offers: {listed})"


def _retrieve(outcome: asyncio.Future[None]) -> None:
    """Mark an outcome's exception as seen, so asyncio does not log it as lost."""
    if not outcome.cancelled():
        outcome.exception()


def describe_error(error: Any) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {error.verify_message}"
    if isinstance(error, ssl.SSLError):
        return f"TLS handshake failed ({error.reason or error.strerror or 'no reason given'})"
    if isinstance(error, OSError) and error.errno:
        return os.strerror(error.errno).lower()
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
