"""rooms.yaml -> a frozen Config: YAML nodes with lines, JID and name rules, appearance options."""

from __future__ import annotations

from badgegen.config.load import load_rooms
from badgegen.config.model import Account, Config, Discover, Room

__all__ = ["Account", "Config", "Discover", "Room", "load_rooms"]
