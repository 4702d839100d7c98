"""shields.io's endpoint schema (services/endpoint-common.js), as a checker for our NAME.json.

shields validates an endpoint document with Joi before it draws anything;
whatever this refuses, shields shows as "invalid response data" instead of
the badge. Joi's `string()` refuses the empty string unless `allow('')` says
otherwise, and refuses keys the schema does not name.
"""

from __future__ import annotations

from typing import Any

STRINGS = ("color", "labelColor", "namedLogo", "logoSvg", "logoColor", "style")
NUMBERS = ("logoWidth", "logoPosition")
KEYS = {"schemaVersion", "label", "message", "isError", "cacheSeconds", *STRINGS, *NUMBERS}


def endpoint_problems(document: Any) -> list[str]:
    """What shields' endpoint schema would refuse in document; empty when it passes."""
    if not isinstance(document, dict):
        return ["not an object"]
    problems = [f'"{key}" is not allowed' for key in sorted(set(document) - KEYS)]
    if document.get("schemaVersion") != 1 or type(document.get("schemaVersion")) is not int:
        problems.append("schemaVersion must be 1")
    if not isinstance(document.get("label"), str):
        problems.append("label is required (a string, which may be empty)")
    if not _text(document.get("message")):
        problems.append("message is required and must not be empty")
    problems += [f"{key} must be a non-empty string" for key in STRINGS if _bad(document, key)]
    if "isError" in document and type(document["isError"]) is not bool:
        problems.append("isError must be a boolean")
    seconds = document.get("cacheSeconds", 0)
    if type(seconds) is not int or seconds < 0:
        problems.append("cacheSeconds must be a whole number of at least 0")
    if "namedLogo" in document and "logoSvg" in document:
        problems.append("namedLogo and logoSvg exclude each other")
    if "logoColor" in document and "namedLogo" not in document:
        problems.append("logoColor is allowed with namedLogo only")
    logo = "namedLogo" in document or "logoSvg" in document
    for key in NUMBERS:
        if key in document and (not logo or type(document[key]) not in (int, float)):
            problems.append(f"{key} must be a number, and only with a logo")
    return problems


def _text(value: object) -> bool:
    return isinstance(value, str) and value != ""


def _bad(document: dict[str, Any], key: str) -> bool:
    return key in document and not _text(document[key])
