"""A fast path for the built-in templates: each rendered once per shape into a format string.

A badge's template only decides structure from a few facts (is there a logo,
a label, a message, a non-white text colour); every other value is copied
into the output as it is, escaped. So the first badge of each shape renders
the template with placeholders instead of values, and every later badge of
that shape fills the resulting format string with its escaped values. The
output is byte for byte what the template renders (the tests check both
paths against each other).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from functools import cache

from markupsafe import escape

from badgegen.render.styles import DEFAULT_FILL, Layout, Text

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters no escaping touches
_PLACEHOLDER = re.compile(f"{_OPEN}([a-z_]+){_CLOSE}")
# Fields that decide structure keep their real value in the probe.
_STRUCTURAL = {"style", "label", "message", "logo"}
_LAYOUT_FIELDS = tuple(f.name for f in dataclasses.fields(Layout) if f.name not in _STRUCTURAL)
_TEXT_FIELDS = tuple(f.name for f in dataclasses.fields(Text))
# Coordinates come from styles.number(): digits, "." and "-" only, nothing to escape.
_NUMBERS = {"width", "height", "left", "right", "logo_x", "logo_y", "bubble_x", "x", "y", "length",
            "shadow_y"}  # fmt: skip

Shape = tuple[str, bool, bool, bool, bool, bool]


def render_fast(layout: Layout, render: Callable[[Layout], str]) -> str:
    """Render a layout through the format string of its shape.

    Args:
        layout: the badge's layout.
        render: renders a layout with the template (used once per shape).

    Returns:
        What render(layout) returns.
    """
    template = _format_string(_shape(layout), render)
    return template.format_map(_values(layout))


def _shape(layout: Layout) -> Shape:
    label, message = layout.label, layout.message
    return (
        layout.style,
        layout.logo is not None,
        label is not None,
        message is not None,
        label is not None and label.fill == DEFAULT_FILL,
        message is not None and message.fill == DEFAULT_FILL,
    )


@cache
def _format_string(shape: Shape, render: Callable[[Layout], str]) -> str:
    output = render(_probe(shape))
    output = output.replace("{", "{{").replace("}", "}}")
    return _PLACEHOLDER.sub(r"{\1}", output)


def _probe(shape: Shape) -> Layout:
    style, has_logo, has_label, has_message, label_white, message_white = shape
    values: dict[str, object] = {name: _placeholder(name) for name in _LAYOUT_FIELDS}
    return Layout(
        style=style,
        logo=_placeholder("logo") if has_logo else None,
        label=_probe_text("label", label_white) if has_label else None,
        message=_probe_text("message", message_white) if has_message else None,
        **values,  # type: ignore[arg-type]
    )


def _probe_text(prefix: str, white: bool) -> Text:
    fields = {name: _placeholder(f"{prefix}_{name}") for name in _TEXT_FIELDS}
    if white:
        fields["fill"] = DEFAULT_FILL
    return Text(**fields)


def _values(layout: Layout) -> dict[str, str]:
    values = {name: _escaped(name, getattr(layout, name)) for name in _LAYOUT_FIELDS}
    values["logo"] = _escaped("logo", layout.logo or "")
    for prefix, text in (("label", layout.label), ("message", layout.message)):
        for name in _TEXT_FIELDS:
            values[f"{prefix}_{name}"] = _escaped(name, getattr(text, name)) if text else ""
    return values


def _escaped(name: str, value: object) -> str:
    return str(value) if name in _NUMBERS else str(escape(value))


def _placeholder(name: str) -> str:
    return f"{_OPEN}{name}{_CLOSE}"
