"""A badge as shields.io's endpoint JSON, to render it through shields."""

from __future__ import annotations

import json

from badgegen.render.styles import Badge


def endpoint_json(badge: Badge) -> str:
    """The badge in shields.io's endpoint schema, to render it through shields.

    Returns:
        The JSON document on one line (C-fast to write), with sorted keys so it is
        byte-identical run to run.
    """
    document: dict[str, object] = {
        "schemaVersion": 1,
        "label": badge.label,
        "message": badge.message,
        "color": badge.color,
        "labelColor": badge.label_color,
        "isError": badge.is_error,
        "style": badge.style,
        "cacheSeconds": 300,
    }
    if badge.logo and badge.logo.name:
        document["namedLogo"] = badge.logo.name
    elif badge.logo:
        document["logoSvg"] = badge.logo.svg
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
