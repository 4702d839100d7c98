"""PyYAML's syntax errors in a newcomer's words: what is wrong on which line, and the fix.

PyYAML says "expected <block end>, but found '<scalar>'" where a person wrote
`message: {count} online`, and "found character '\\t' that cannot start any
token" for a tab. Each explanation here names the line as typed and what to
do; PyYAML's own words follow in parentheses for anyone who knows them.
"""

from __future__ import annotations

import re

import yaml

MAX_SHOWN = 60  # characters of the offending line quoted back
# `key: {text...` or `key: [text...`: YAML reads a flow mapping or list, not text.
_FLOW_START = re.compile(r"^\s*(?:-\s+)?[\w.-]+:\s+[{\[]")


def explain(error: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """Where a YAML syntax error is (1-based line and column) and what to do about it."""
    mark = error.problem_mark or error.context_mark
    if _unclosed_quote(error):
        mark = error.context_mark  # where the quote opened, not the end of the file
    line, column = (mark.line, mark.column) if mark else (0, 0)
    lines = text.splitlines()
    typed = lines[line] if line < len(lines) else ""
    problem = str(error.problem or "")
    hint = _hint(error, problem, typed, lines)
    said = f"invalid YAML: {problem}"
    if hint:
        shown = f'"{_shorten(typed.strip())}": ' if typed.strip() else ""
        said = f"{shown}{hint} (YAML says: {problem})"
    return line + 1, column + 1, said


def _hint(error: yaml.MarkedYAMLError, problem: str, typed: str, lines: list[str]) -> str:
    if "'\\t'" in problem:
        return "a tab character; YAML indents with spaces only, so replace the tab with spaces"
    if _FLOW_START.match(typed) and problem.startswith(("expected <block end>", "expected ','")):
        key, _, value = typed.strip().removeprefix("- ").partition(":")
        return (
            "a text that starts with { or [ is read as a YAML mapping or list;"
            f" quote it: {key}: {_quoted(value.strip())}"
        )
    if problem.startswith("expected <block end>"):
        context = error.context_mark
        above = f" (the block that starts on line {context.line + 1})" if context else ""
        return (
            f"this line is indented differently from the lines above it{above};"
            " keys of one mapping, and the items of one list, start in the same column"
        )
    if problem == "mapping values are not allowed here":
        return (
            'a second "key:" on one line, or a line indented deeper than the key above it;'
            ' quote a text that contains ": " or line the keys up'
        )
    if _unclosed_quote(error):
        return "a quote opened on this line is never closed; close it at the end of the text"
    return ""


def _unclosed_quote(error: yaml.MarkedYAMLError) -> bool:
    return (
        "end of stream" in str(error.problem or "")
        and "quoted scalar" in str(error.context or "")
        and error.context_mark is not None
    )


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _shorten(line: str) -> str:
    return line if len(line) <= MAX_SHOWN else line[: MAX_SHOWN - 1] + "…"
