"""`badgegen snippet`: embed code for each room's badges, every URL escaped for its syntax."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from badgegen.commands.refresh import DEFAULT_CONFIG, DEFAULT_OUT
from badgegen.errors import ConfigError
from badgegen.vocabulary import FORMATS

if TYPE_CHECKING:
    from badgegen.commands.runtime import Runtime


@dataclass(frozen=True, slots=True)
class SnippetRequest:
    """Snippets, as asked for; the command line's defaults are these."""

    rooms: tuple[str, ...] = ()  # JIDs or file names; none: every room
    config_path: Path = DEFAULT_CONFIG
    out_dir: Path = DEFAULT_OUT  # whose badges.json has the rooms' web client links
    kind: str = FORMATS[0]  # markdown
    base_url: str | None = None  # default: base_url in rooms.yaml
    card: bool = False  # each room's card (NAME.card.svg) instead of its badges


@dataclass(frozen=True, slots=True)
class Snippets:
    """The snippets, a line each (two for a room with a trend badge; one card each with
    --card), the base URL they use
    ("" when none is known: the URLs are relative), and what the record warned of."""

    lines: tuple[str, ...]
    base_url: str
    warnings: tuple[str, ...] = ()


def snippets(request: SnippetRequest, runtime: Runtime) -> Snippets:
    """Embed code for each room's badges (or the rooms named).

    Raises:
        ConfigError: --base-url would break the snippets, rooms.yaml has problems, or a
            room named is not in it.
    """
    from badgegen.commands.rooms import choose_rooms
    from badgegen.config import load_rooms
    from badgegen.config.names import url_problem
    from badgegen.record import load_states
    from badgegen.view.snippets import CARD, badges_of, snippet

    if request.base_url is not None and (reason := url_problem(request.base_url, base=True)):
        raise ConfigError([f"--base-url: {reason}"])
    config = load_rooms(request.config_path)
    states, warnings = load_states(request.out_dir, runtime.now(), config)
    chosen = choose_rooms(config, request.rooms, states)
    base = request.base_url or config.base_url
    lines = [
        snippet(room, states.get(room.jid), request.kind, base, badge)
        for room in chosen
        for badge in ((CARD,) if request.card else badges_of(room))
    ]
    return Snippets(tuple(lines), base, warnings)
