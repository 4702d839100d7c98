"""A validated rooms.yaml as frozen dataclasses: the rooms, the account, the run's options."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Literal

from badgegen.config.appearance import Appearance

Method = Literal["disco", "join"]
METHODS: tuple[Method, ...] = ("disco", "join")
# Trend badges: the day's peak, or the week's average.
TRENDS = ("day", "week")
DEFAULT_LABEL = "chat"
SVG_SUFFIX = ".svg"
JSON_SUFFIX = ".json"
DEFAULT_STALE_AFTER = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Room:
    """One group chat to badge."""

    jid: str
    label: str = DEFAULT_LABEL
    file: str = ""
    method: Method = "disco"
    link: str = "xmpp"  # "xmpp", "webchat" or an http(s) URL template with {jid}
    appearance: Appearance = field(default_factory=Appearance)
    trend: str | None = None  # one of TRENDS: a trend badge beside the count badge

    @property
    def svg_name(self) -> str:
        """The badge's file name inside the output directory."""
        return self.file + SVG_SUFFIX

    @property
    def json_name(self) -> str:
        """The file name of the badge's shields endpoint JSON."""
        return self.file + JSON_SUFFIX

    @property
    def chart_name(self) -> str:
        """The file name of the room's history chart (a name no room's badge can take)."""
        return self.file + ".chart" + SVG_SUFFIX

    @property
    def trend_names(self) -> tuple[str, str]:
        """The trend badge's SVG and endpoint JSON file names (reserved like the chart's)."""
        return self.file + ".trend" + SVG_SUFFIX, self.file + ".trend" + JSON_SUFFIX


@dataclass(frozen=True, slots=True)
class Account:
    """The account named in rooms.yaml; the password never is."""

    jid: str | None = None
    anonymous: bool = False


@dataclass(frozen=True, slots=True)
class Config:
    """A validated rooms.yaml."""

    path: Path
    rooms: tuple[Room, ...]
    account: Account = field(default_factory=Account)
    templates: Path | None = None
    stale_after: timedelta = DEFAULT_STALE_AFTER
    base_url: str = ""  # where the output directory is published
    warnings: tuple[str, ...] = ()  # valid, but most likely not meant (file:line each)
