"""Render badges: pure functions from text and options to SVG, with no clock and no I/O.

Templates are read once from templates/ (or a user folder that overrides
them by name); the same badge always renders to the same bytes.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from badgegen.errors import RenderError
from badgegen.render.compiled import render_fast
from badgegen.render.styles import Badge, Layout, lay_out
from badgegen.render.text import clean_text, text_width
from badgegen.text.colors import parse_color
from badgegen.vocabulary import STYLES

if TYPE_CHECKING:  # Jinja is imported when a template is first needed: `check` does without
    import jinja2

__all__ = [
    "STYLES",
    "Badge",
    "clean_text",
    "parse_color",
    "prepare_templates",
    "render_badge",
    "text_width",
]

# badge-maker's stripXmlWhitespace: no whitespace after ">" or after "<".
_BETWEEN_TAGS = re.compile(r">\s+")
_AFTER_OPEN = re.compile(r"<\s+")


def render_badge(badge: Badge, templates: Path | None = None) -> str:
    """Render one badge as an SVG document.

    Args:
        badge: what to draw; label and message are normalised here.
        templates: a folder whose templates override the built-in ones by
            name (flat.svg.j2, social.svg.j2, ...).

    Returns:
        The SVG, one line, byte-identical for identical input.

    Raises:
        RenderError: a template is missing or broken.
    """
    cleaned = dataclasses.replace(
        badge,
        label=clean_text(badge.label),
        message=clean_text(badge.message),
        note=clean_text(badge.note),
    )
    layout = lay_out(cleaned)
    if templates is None:
        return render_fast(layout, _render_builtin)
    return render_layout(layout, templates)


def render_layout(layout: Layout, templates: Path | None = None) -> str:
    """Render a layout with its style's template, without the fast path.

    Args:
        layout: the badge's geometry and texts.
        templates: a folder of templates overriding the built-in ones.
    """
    import jinja2

    template = _template(f"{layout.style}.svg.j2", templates)
    try:
        svg = str(template.render(b=layout))
    except jinja2.TemplateError as exc:
        raise RenderError(f"{template.filename}: {exc}") from exc
    return _AFTER_OPEN.sub("<", _BETWEEN_TAGS.sub(">", svg)).strip() + "\n"


def render_page(name: str, **values: object) -> str:
    """Render one of the built-in HTML templates (escaped with HTML autoescape), with its
    style and script (page.css, page.js beside it) inserted as they are.

    Args:
        name: the template's file name in templates/, e.g. "index.html.j2".
        values: what the template shows.
    """
    template = _environment(None).get_template(name)
    return str(template.render(style=_asset("page.css"), script=_asset("page.js"), **values))


@cache
def _asset(name: str) -> object:
    """A static file of templates/, marked safe: it is ours, inserted without escaping (and
    kept out of the template, whose compiling it would only slow down)."""
    from markupsafe import Markup

    text = resources.files("badgegen.templates").joinpath(name).read_text("utf-8")
    return Markup(text)  # noqa: S704 (our own file, shipped beside the template)


def prepare_templates(
    styles: Iterable[str], templates: Path | None = None, page: str = "index.html.j2"
) -> None:
    """Import Jinja and compile the templates of these badge styles (the user's folder's
    first, as render_badge finds them) and the page, so that rendering finds them ready (a
    run does this while it waits for the server).

    A template that cannot be compiled is left for rendering to report.
    """
    import jinja2

    wanted = [(f"{style}.svg.j2", templates) for style in sorted(set(styles))]
    for name, folder in (*wanted, (page, None)):
        try:
            _template(name, folder)
        except (RenderError, jinja2.TemplateError):
            continue
    for asset in ("page.css", "page.js"):
        _asset(asset)


def _render_builtin(layout: Layout) -> str:
    return render_layout(layout)


@cache
def _environment(templates: Path | None) -> jinja2.Environment:
    """The one Jinja environment per template folder: the user's (if any) before ours."""
    import jinja2

    folders = [str(resources.files("badgegen.templates"))]
    if templates is not None:
        folders.insert(0, str(templates))
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        # Jinja's default list has no svg: every {{ }} in a badge or page is escaped.
        autoescape=jinja2.select_autoescape(["svg", "svg.j2", "html", "html.j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def _template(name: str, templates: Path | None) -> jinja2.Template:
    import jinja2

    try:
        return _environment(templates).get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename}:{exc.lineno}: {exc.message}") from exc
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"template {exc.name} not found") from exc
