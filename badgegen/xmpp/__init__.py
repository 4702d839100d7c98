"""The one XMPP boundary: count every room's occupants over one XMPP connection.

Only this package imports slixmpp (and the demo's occupants, which are clients
themselves). Its public surface: xmpp_counter, the counter a run uses by
default, and count_rooms, what it calls; the parsers of replies are public in
disco and join, error conditions in conditions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from badgegen.xmpp.scheduler import count_rooms, xmpp_counter

__all__ = ["count_rooms", "xmpp_counter"]


def __getattr__(name: str) -> object:
    """count_rooms and xmpp_counter, imported with slixmpp when first asked for: the
    package's light modules (tls) are imported before slixmpp, to overlap its import."""
    if name in __all__:
        from badgegen.xmpp import scheduler

        return getattr(scheduler, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
