"""A validated rooms.yaml as frozen dataclasses: the rooms, the account, the run's options."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Literal

from badgegen.config.appearance import Appearance
from badgegen.vocabulary import DEFAULT_DISCOVER_LIMIT

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
    service: str = ""  # the MUC service that listed it, for a room found by `discover:`

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
    def narrow_chart_name(self) -> str:
        """The file name of the chart with its panels stacked, for a phone."""
        return self.file + ".chart-narrow" + SVG_SUFFIX

    @property
    def card_name(self) -> str:
        """The file name of the room's card (its face, name, count and week, for a README)."""
        return self.file + ".card" + SVG_SUFFIX

    @property
    def avatar_name(self) -> str:
        """The file name of the room's avatar (written when it has one: a PNG badgegen drew)."""
        return self.file + ".avatar.png"

    @property
    def trend_names(self) -> tuple[str, str]:
        """The trend badge's SVG and endpoint JSON file names (reserved like the chart's)."""
        return self.file + ".trend" + SVG_SUFFIX, self.file + ".trend" + JSON_SUFFIX

    @property
    def file_names(self) -> tuple[str, ...]:
        """Every file each run writes for the room: badge, endpoint JSON, charts, card, trend
        badge (files_written adds its avatar's while it shows one)."""
        trend = self.trend_names if self.trend else ()
        charts = (self.chart_name, self.narrow_chart_name)
        return (self.svg_name, self.json_name, *charts, self.card_name, *trend)

    def files_written(self, avatar: bytes | None) -> tuple[str, ...]:
        """The files a run writes for the room: file_names, and NAME.avatar.png when it
        shows this avatar image (None: it shows none)."""
        return self.file_names if avatar is None else (*self.file_names, self.avatar_name)


@dataclass(frozen=True, slots=True)
class Discover:
    """A `discover:` entry: badge every public room a MUC service lists.

    template holds the entry's per-room options (with `defaults:` under
    them); a room found gets them, its JID and a file named after it.
    """

    service: str  # the MUC service's domain, normalised
    template: Room = field(default_factory=lambda: Room(""))
    min_occupants: int = 0  # a room enters once it has this many occupants
    include: tuple[str, ...] = ()  # globs on room JIDs; none: every room
    exclude: tuple[str, ...] = ()
    limit: int = DEFAULT_DISCOVER_LIMIT

    def room(self, jid: str) -> Room:
        """The room found at jid, with the entry's options."""
        return replace(self.template, jid=jid, file=jid, service=self.service)

    def wants(self, jid: str) -> bool:
        """Whether include and exclude let the room in (globs, compared case-insensitively)."""
        name = jid.casefold()
        included = not self.include or any(fnmatch.fnmatchcase(name, glob) for glob in self.include)
        return included and not any(fnmatch.fnmatchcase(name, glob) for glob in self.exclude)


@dataclass(frozen=True, slots=True)
class Account:
    """The account named in rooms.yaml; the password never is."""

    jid: str | None = None
    anonymous: bool = False


@dataclass(frozen=True, slots=True)
class RoomNames:
    """The rooms a configuration names: those under rooms:, and the rooms its discover:
    entries would badge (on an entry's service, matching its include and exclude)."""

    listed: frozenset[str]
    entries: Mapping[str, Discover]  # by service
    found: frozenset[str] | None = None  # when known: the discovered rooms there are

    def __call__(self, jid: str) -> bool:
        """Whether rooms.yaml names the room (a record may describe only those)."""
        if jid in self.listed:
            return True
        if self.found is not None and jid not in self.found:
            return False
        entry = self.entries.get(jid.rpartition("@")[2])
        return entry is not None and entry.wants(jid)

    def with_found(self, found: Iterable[str]) -> RoomNames:
        """These names, with only the discovered rooms in found (those of the record read)."""
        return replace(self, found=frozenset(found))

    def most_found(self, jid: str) -> int | None:
        """How many rooms of jid's discover: service a record may keep on the page, and
        apart from those, how many that left: twice its limit each (a lowered limit leaves
        rooms past it; they leave as the limit allows); None for a room under rooms:, or
        when the discovered rooms are known (found bounds them)."""
        if jid in self.listed or self.found is not None:
            return None
        return 2 * self.entries[jid.rpartition("@")[2]].limit


DEFAULT_TITLE = "Group chats"


@dataclass(frozen=True, slots=True)
class Site:
    """The page's words: its title and heading, a line under it, and a link back."""

    title: str = DEFAULT_TITLE
    description: str = ""
    link: str = ""  # an https:// URL, the project's home; "" for none

    @property
    def link_text(self) -> str:
        """The link as shown: "github.com/me/project"."""
        return self.link.removeprefix("https://").rstrip("/")


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
    discover: tuple[Discover, ...] = ()
    site: Site = field(default_factory=Site)

    @property
    def names(self) -> RoomNames:
        """The rooms this configuration names: listed, or for its discover: entries to find."""
        return RoomNames(
            frozenset(room.jid for room in self.rooms),
            {entry.service: entry for entry in self.discover},
        )

    @property
    def capacity(self) -> int:
        """How many rooms a record written with this config may hold: rooms.yaml's, and each
        entry's found and left rooms."""
        return len(self.rooms) + sum(2 * entry.limit for entry in self.discover)
