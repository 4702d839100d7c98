"""The one XMPP boundary: count every room's occupants over one XMPP connection.

Only this package imports slixmpp (and the demo's occupants, which are clients
themselves). Its public surface: xmpp_counter, the counter a run uses by
default, and count_rooms, what it calls; the parsers of replies are public in
disco and join, error conditions in conditions.
"""

from __future__ import annotations

from badgegen.xmpp.scheduler import count_rooms, xmpp_counter

__all__ = ["count_rooms", "xmpp_counter"]
