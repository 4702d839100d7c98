"""rooms.yaml appearance options: styles, colours, messages, logos and templates."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from badgegen.config import load_rooms
from badgegen.config.appearance import Appearance
from badgegen.config.logo import load_logo
from badgegen.errors import ConfigError
from badgegen.text.colors import parse_color, text_colors

GOOD_LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><path d="M0 0h1v1z"/></svg>'


def load(tmp_path: Path, text: str) -> tuple[Appearance, ...]:
    """Write rooms.yaml and return each room's appearance."""
    (tmp_path / "rooms.yaml").write_text(text)
    return tuple(room.appearance for room in load_rooms(tmp_path / "rooms.yaml").rooms)


def problems(tmp_path: Path, text: str) -> list[str]:
    """Write rooms.yaml and return its problems without the path prefix."""
    path = tmp_path / "rooms.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_rooms(path)
    return [problem.replace(f"{path}:", "") for problem in caught.value.problems]


def test_defaults_and_room_options_combine(tmp_path: Path) -> None:
    """Defaults apply to every room; a room's own option wins; plural forms parse."""
    looks = load(
        tmp_path,
        """
defaults:
  style: for-the-badge
  colors: {0: red, 5: "#abc", 1: green}
  message: {one: "{count} person", other: "{count} people"}
rooms:
  - a@b.example
  - jid: c@d.example
    style: social
    label_color: 123
    message: "{count} here"
    zero_message: empty
    unknown_message: "?"
    compact: false
""",
    )
    assert looks[0] == Appearance(
        style="for-the-badge",
        colors=((0, "#dd4343"), (1, "#67ac09"), (5, "#abc")),
        message="{count} people",
        message_one="{count} person",
    )
    assert looks[1] == Appearance(
        style="social", label_color="#123", colors=((0, "#dd4343"), (1, "#67ac09"), (5, "#abc")),
        message="{count} here", zero_message="empty", unknown_message="?", compact=False,
    )  # fmt: skip


def test_bad_appearance_options(tmp_path: Path) -> None:
    """Invalid styles, colours, thresholds and templates are config errors with lines."""
    assert problems(
        tmp_path,
        """
rooms:
  - jid: a@b.example
    style: fancy
    label_color: chartreuze
    unknown_color:
    colors: {1: green}
    message: "{count} of {total}"
""",
    ) == [
        '4: rooms[0].style: "fancy" is not a style (expected one of flat, flat-square, plastic,'
        " for-the-badge, social)",
        '5: rooms[0].label_color: "chartreuze" is not a colour (did you mean "chartreuse"?'
        " expected one of brightgreen, green,"
        " yellow, yellowgreen, orange, red, blue, grey, lightgrey, gray, lightgray, critical,"
        " important, success, informational, inactive, hex digits such as 4b0, or a CSS colour"
        " such as purple, rgb(10, 20, 30) or hsl(120, 50%, 40%))",
        "6: rooms[0].unknown_color: expected text, found nothing"
        ' (a # starts a comment in YAML: write 4b0 or "#4b0")',
        "7: rooms[0].colors: no colour for 0 (expected a `0:` entry)",
        '8: rooms[0].message: "{count} of {total}" has the placeholder {total}'
        " (a message takes only {count})",
    ]


def test_logo_files_are_checked(tmp_path: Path) -> None:
    """A logo file must be a passive SVG; built-in names need no file."""
    (tmp_path / "ok.svg").write_text(GOOD_LOGO)
    (tmp_path / "evil.svg").write_text(GOOD_LOGO.replace("<path", '<path onload="alert(1)"'))
    rooms = "rooms:\n  - {jid: a@b.example, logo: ok.svg}\n  - {jid: c@d.example, logo: xmpp}\n"
    first, second = (look.logo for look in load(tmp_path, rooms))
    assert first is not None
    assert first.svg == GOOD_LOGO
    assert second is not None
    assert second.name == "xmpp"
    assert problems(tmp_path, "rooms:\n  - {jid: a@b.example, logo: evil.svg}\n") == [
        f"2: rooms[0].logo: {tmp_path / 'evil.svg'} has an event handler (onload)"
        " on <path> (expected a logo name such as xmpp, or an SVG file)"
    ]


SVG = "<svg xmlns='http://www.w3.org/2000/svg' xmlns:x='http://www.w3.org/1999/xlink'>{}</svg>"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (SVG.format("<script>1</script>"), "contains <script>"),
        (SVG.format("<SCRIPT>1</SCRIPT>"), "contains <SCRIPT>"),
        (SVG.format("<foreignObject/>"), "contains <foreignObject>"),
        (SVG.format("<image x:href='https://example.org/a.png'/>"), "contains <image>"),
        (SVG.format("<image href='#a'/>"), "contains <image>"),
        (SVG.format("<a href='#a'><path d='M0 0'/></a>"), "contains <a>"),
        (SVG.format("<use x:href='https://example.org/a.svg#x'/>"), "a link to something outside"),
        (SVG.format("<use href='data:image/svg+xml,x'/>"), "a link to something outside"),
        (SVG.format("<path style='fill:url(https://e.org/x)' d='M0 0'/>"), "reaches outside"),
        (SVG.format("<path fill='url( \"//e.org/x\")' d='M0 0'/>"), "reaches outside"),
        (SVG.format("<path style='behavior:url(#a)' d='M0 0'/>"), "a style that sets behavior"),
        (SVG.format("<path style='fill:\\75rl(x)' d='M0 0'/>"), "reaches outside"),
        (SVG.format("<style>@import 'https://e.org/x.css';</style>"), "has a <style> that"),
        (SVG.format("<style>path{fill:url(https://e.org/x)}</style>"), "has a <style> that"),
        ("<?xml-stylesheet href='https://e.org/x.css'?>" + SVG.format(""), "processing instr"),
        (SVG.format("<?php echo 1 ?>"), "contains a processing instruction"),
        (SVG.format("<animate attributeName='href' to='javascript:alert(1)'/>"), "<animate>"),
        (SVG.format("<set attributeName='onclick' to='alert(1)'/>"), "contains <set>"),
        (SVG.format("<path onclick='alert(1)' d='M0 0'/>"), "an event handler (onclick)"),
        (SVG.format("<path ONLOAD='alert(1)' d='M0 0'/>"), "an event handler (ONLOAD)"),
        (SVG.format("<h:p xmlns:h='http://www.w3.org/1999/xhtml'/>"), "1999/xhtml}p>"),
        (SVG.format("<path d='M0 0' x:title='t'/>"), "the attribute {http://www.w3.org/1999/xlink}"),
        ("<!DOCTYPE svg [<!ENTITY a 'b'>]><svg xmlns='http://www.w3.org/2000/svg'/>", "declares"),
        ("<svg><path d='M0 0'/></svg>", "is not an SVG document"),  # no SVG namespace
        ("<html/>", "is not an SVG document"),
        ("<svg", "is not well-formed XML"),
    ],
)  # fmt: skip
def test_unsafe_logos_are_refused(tmp_path: Path, content: str, reason: str) -> None:
    """Only shapes, paint and text on the allow-list pass; everything else is named."""
    path = tmp_path / "logo.svg"
    path.write_text(content)
    with pytest.raises(ValueError, match=re.escape(reason)):
        load_logo(path)


@pytest.mark.parametrize(
    "content",
    [
        SVG.format("<title>XMPP</title><path d='M0 0h24v24H0z' fill='#4b0'/>"),
        SVG.format(
            "<defs><linearGradient id='g'><stop offset='0' stop-color='red'/></linearGradient>"
            "<clipPath id='c'><rect width='2' height='2'/></clipPath></defs>"
            "<g clip-path='url(#c)' style='fill: url(#g); stroke-width: 2'>"
            "<use x:href='#p'/><path id='p' d='M0 0'/></g><text x='1'>@me</text>"
        ),
        SVG.format("<style>.a{fill:url('#g')}</style><path class='a' aria-label='a@b' d='M0 0'/>"),
    ],
)
def test_passive_logos_pass(tmp_path: Path, content: str) -> None:
    """Gradients, clip paths, local references, classes and text are allowed."""
    path = tmp_path / "logo.svg"
    path.write_text(content)
    assert load_logo(path).svg == content


@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "sparse"])
def test_logo_reads_are_bounded(tmp_path: Path, special: str) -> None:
    """A device, a FIFO or a huge sparse file is refused at once, without reading it."""
    path = Path(special) if special.startswith("/") else tmp_path / special
    if special == "fifo":
        os.mkfifo(path)
    elif special == "sparse":
        with path.open("wb") as stream:
            stream.truncate(2**30)
    expected = {"/dev/zero": "a character device", "fifo": "a FIFO", "sparse": "larger than 32 KiB"}
    with pytest.raises(ValueError, match=expected[special]):
        load_logo(path)


def test_templates_folder(tmp_path: Path) -> None:
    """`templates:` names a folder relative to rooms.yaml; a missing one is an error."""
    (tmp_path / "mine").mkdir()
    (tmp_path / "rooms.yaml").write_text("templates: mine\nrooms: [a@b.example]\n")
    assert load_rooms(tmp_path / "rooms.yaml").templates == tmp_path / "mine"
    assert problems(tmp_path, "templates: nope\nrooms: [a@b.example]\n") == [
        f"1: templates: {tmp_path / 'nope'} is not a folder"
        " (expected a folder of .svg.j2 templates)"
    ]


@pytest.mark.parametrize(
    ("text", "svg", "text_fill"),
    [
        ("purple", "purple", "#fff"),
        ("white", "white", "#333"),
        ("rebeccapurple", "rebeccapurple", "#fff"),
        ("#ABCDEF80", "#abcdef80", "#333"),
        ("rgb(10, 20, 30)", "rgb(10, 20, 30)", "#fff"),
        ("rgb(250 250 250 / 50%)", "rgb(250 250 250 / 50%)", "#333"),
        ("rgb(100%, 90%, 0%)", "rgb(100%, 90%, 0%)", "#333"),
        ("hsl(120, 50%, 40%)", "hsl(120, 50%, 40%)", "#fff"),
        ("hsla(60, 100%, 90%, 0.3)", "hsla(60, 100%, 90%, 0.3)", "#333"),
        ("hsl(3rad, 80%, 85%)", "hsl(3rad, 80%, 85%)", "#333"),
        ("success", "#4b0", "#fff"),
    ],
)
def test_every_css_colour_badge_maker_takes(text: str, svg: str, text_fill: str) -> None:
    """Named CSS colours, rgb() and hsl() as badge-maker 6 takes them; text reads on them."""
    assert parse_color(text) == svg
    assert text_colors(svg)[0] == text_fill


@pytest.mark.parametrize(
    "text",
    ["Purple", "RGB(1,2,3)", "rgb(1.5, 2, 3)", "rgb(10%, 20, 30)", "rgba(1,2,3,2)",
     "hsl(0.5turn, 80%, 85%)", "hsl(120, 50, 40)", "hsla(60 100% 90% / 0.3)", "#abcde",
     "transparent", "currentcolor", "rgb(1,2)", "chartreuze"],
)  # fmt: skip
def test_colours_badge_maker_refuses_are_refused(text: str) -> None:
    """What badge-maker would silently replace with its default is an error here."""
    assert parse_color(text) is None
