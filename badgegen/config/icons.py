"""Named logos as shields.io knows them: Simple Icons' slugs, from an optional package.

`logo: matrix` draws the icon that shields draws for `?logo=matrix`. The
icons come from simple-icons-pack (CC0, re-released with every Simple Icons
release), the `icons` extra (installed.py says how to add it); without it only
badgegen's own `xmpp` is known. Names are found as shields finds them: the
slug, or the title in lower case with spaces or hyphens.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import ModuleType

from badgegen.config.logo import BUILTIN_LOGOS, builtin_logo, load_logo, svg_problem
from badgegen.text.logo import Logo

MAX_NAME_LENGTH = 100


def install_hint() -> str:
    """What a named logo needs, with the command that adds it where badgegen runs."""
    from badgegen.installed import add_extra_command

    return (
        "named logos other than xmpp need the Simple Icons package (the icons extra):"
        f" {add_extra_command('icons')}"
    )


class UnknownLogo(ValueError):
    """No logo has that name; the message says what to do."""


def named_logo(name: str) -> Logo:
    """The logo shields draws for `logo=NAME`.

    Raises:
        UnknownLogo: no such icon, or the package that has it is not installed.
    """
    key = name.strip().lower()
    if key in BUILTIN_LOGOS:
        return builtin_logo(key)
    icons = _package()
    if icons is None:
        raise UnknownLogo(f'"{name}" is not xmpp or an SVG file, and {install_hint()}')
    slug = _slug_of(icons, key) if len(key) <= MAX_NAME_LENGTH else None
    if slug is None:
        raise UnknownLogo(
            f'"{name}" is not a Simple Icons name or an SVG file ({_nearest(icons, key)})'
        )
    icon = icons.get_icon(slug)
    if problem := svg_problem(icon.svg):  # a package's file, checked like a user's
        raise UnknownLogo(f'the Simple Icons logo "{slug}" {problem}')
    return Logo(svg=icon.svg, name=slug, brand=icon.hex)


def _package() -> ModuleType | None:
    try:
        import simple_icons_pack
    except ImportError:
        return None
    return simple_icons_pack


def _slug_of(icons: ModuleType, key: str) -> str | None:
    if icons.get_icon(key) is not None:
        return key
    return _titles(icons).get(key) or _titles(icons).get(key.replace(" ", "-"))


@cache
def _titles(icons: ModuleType) -> dict[str, str]:
    """shields' by-title names: "visual studio code" and "visual-studio-code" -> the slug."""
    titles: dict[str, str] = {}
    for attribute in dir(icons):
        if attribute.startswith("SI_"):
            icon = getattr(icons, attribute)
            title = icon.title.lower()
            titles.setdefault(title, icon.slug)
            titles.setdefault(title.replace(" ", "-"), icon.slug)
    return titles


def _nearest(icons: ModuleType, key: str) -> str:
    import difflib  # for a mistake only

    slugs = sorted({*_titles(icons).values(), *BUILTIN_LOGOS})
    close = difflib.get_close_matches(key, slugs, n=1)
    hint = f'did you mean "{close[0]}"? ' if close else ""
    return f"{hint}names are listed at https://simpleicons.org"


def find_logo(text: str, base: Path) -> Logo:
    """A logo as rooms.yaml or --logo names it: a name shields knows, or an SVG file.

    Text that looks like a path (a / or .svg) is a file, relative to base;
    otherwise a name, unless only a file of that name exists.

    Raises:
        ValueError: saying what was not found or what is wrong with the file.
    """
    path = base / text
    if "/" in text or text.lower().endswith(".svg"):
        return load_logo(path)
    try:
        return named_logo(text)
    except UnknownLogo:
        if path.is_file():
            return load_logo(path)
        raise
