"""The one network boundary: count every room's occupants over one XMPP connection.

Only this package imports slixmpp (and the demo's occupants, which are clients
themselves). Its public surface is what the rest of badgegen and the benchmarks
use: fetch_counts with its ConnectOptions; the parsers of replies are public in
disco and join, JID parsing in jids, error conditions in conditions.
"""

from __future__ import annotations

from badgegen.xmpp.scheduler import fetch_counts
from badgegen.xmpp.session import ConnectOptions

__all__ = ["ConnectOptions", "fetch_counts"]
