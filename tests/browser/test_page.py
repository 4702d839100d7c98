"""index.html in real headless Chromium: no console errors, every badge shown, copy buttons copy."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from badgegen.cli import main
from badgegen.core.counts import Count
from badgegen.core.discovery import Listing
from badgegen.view.page import ROOMS_PER_GROUP
from tests.conftest import FakeCounter, run_cli

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
# Debian's Chromium here; GitHub's Ubuntu runners bring Google Chrome instead.
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# As this machine's closed network wants: no background traffic to Google.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ROOMS = """\
account: {jid: bot@example.org}
base_url: https://example.github.io/project
rooms:
  - jid: lobby@conference.example.org
    trend: day
  - jid: dev@conference.example.org
    label: dev <chat>
    style: for-the-badge
  - jid: gone@conference.example.org
    link: https://chat.example.org/#converse/room?jid={jid}
"""


BASE = "https://example.github.io/project"
LOBBY = Count(
    "lobby@conference.example.org", 12, name="Lobby <b>", language="en",
    description="Say hello: questions & news",
)  # fmt: skip
COUNTS: dict[str, int | Count | None] = {
    "lobby@conference.example.org": LOBBY,
    "dev@conference.example.org": Count("dev@conference.example.org", 3, language="de"),
    "gone@conference.example.org": None,
}


def make_site(folder: Path, rooms: str, counts: Mapping[str, int | Count | None] = COUNTS) -> Path:
    """An output directory made by a refresh of rooms with these counts."""
    (folder / "rooms.yaml").write_text(rooms)
    args = ["refresh", "--config", str(folder / "rooms.yaml"), "--out", str(folder / "public")]
    result = run_cli(args, FakeCounter(counts))
    assert result.exit_code in (0, 3), result.output
    return folder / "public"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output directory made by a refresh: three rooms, one without a count."""
    return make_site(tmp_path_factory.mktemp("site"), ROOMS)


@contextlib.contextmanager
def serving(site: Path) -> Iterator[str]:
    """The site served over HTTP on 127.0.0.1."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def url(site: Path) -> Iterator[str]:
    """The three-room site, served."""
    with serving(site) as address:
        yield address


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging each request."""

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="module")
def chromium() -> Iterator[Callable[..., Browser]]:
    """Starts Debian's Chromium, driven by Playwright, with these flags added."""
    executable = next(filter(None, map(shutil.which, BROWSERS)), None)
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test: apt-get install chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        yield lambda *flags: playwright.chromium.launch(
            executable_path=executable, args=[*CHROMIUM_ARGS, *flags]
        )


@pytest.fixture(scope="module")
def browser(chromium: Callable[..., Browser]) -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright."""
    started = chromium()
    yield started
    started.close()


def console_errors(page: Page) -> list[str]:
    """A list that collects the page's console errors and uncaught exceptions."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_page_shows_every_badge_and_copies_snippets(browser: Browser, url: str) -> None:
    """No console errors; every badge and chart loaded; names, finding, filters, copying."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors = console_errors(page)
    page.goto(url)
    badges = page.locator("img:not(.chart)")
    assert (badges.count(), page.locator("img.t").count()) == (4, 1)  # a trend badge for lobby
    for index in range(badges.count()):
        badge = badges.nth(index)
        badge.scroll_into_view_if_needed()  # rows off screen load their images lazily
        badge.evaluate("image => image.decode()")
        assert badge.evaluate("image => image.complete && image.naturalWidth > 0")
        assert badge.get_attribute("alt")
    charts = page.locator("img.chart")
    assert charts.count() == 3
    for index in range(3):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        chart.evaluate("image => image.decode()")
        assert chart.is_visible()
        assert chart.evaluate("image => image.naturalWidth") == 720
    lobby = page.locator("#rooms li").first
    # The room's own name (escaped, as text), its JID, language and description.
    assert lobby.locator("a").text_content() == "Lobby <b>"
    assert lobby.locator(".j").text_content() == "lobby@conference.example.org"
    assert "Say hello: questions & news" in (lobby.text_content() or "")
    assert lobby.locator("small[lang=en]").count() == 1
    # The chart in words, and while history is short, a word on that.
    assert "7 days: peak 12, average 12 (1 hour counted)" in page.content()
    assert "History is still short" in page.content()
    # The alt text keeps its case (for-the-badge's capitals read badly aloud).
    assert page.locator("img[alt='dev <chat>: 3 online']").count() == 1
    page.fill("#find", "questions")  # found by its description
    assert page.locator("#rooms li:visible").count() == 1
    page.fill("#find", "")
    page.select_option("#lang", "de")
    assert page.locator("#rooms li:visible a").all_text_contents() == ["dev@conference.example.org"]
    assert page.text_content("#shown") == "Showing 1 of 3 rooms."
    page.select_option("#lang", "")
    assert page.locator("#rooms li:visible").count() == 3
    link = "](xmpp:lobby@conference.example.org?join)"
    for selector, image, alt in [
        ("button[value=markdown]:not([data-b])", "lobby@conference.example.org.svg", ""),
        ("button[value=markdown][data-b=trend]", "lobby@conference.example.org.trend.svg",
         ", peak of the last 24 hours"),
    ]:  # fmt: skip
        button = lobby.locator(selector)
        button.click()
        page.wait_for_function(
            "button => button.textContent === 'Copied'", arg=button.element_handle()
        )
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == (f"[![XMPP chat lobby@conference.example.org{alt}]({BASE}/{image}){link}")
        assert lobby.locator("pre").text_content() == copied
    assert "converse/room?jid=gone@conference.example.org" in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "index-light.png"), full_page=True)
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=str(ARTIFACTS / "index-dark.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Each tool's label stays beside its control.
    for control in ("#order", "#lang"):
        label = page.locator(f"label[for={control[1:]}]").bounding_box()
        box = page.locator(control).bounding_box()
        assert label is not None
        assert box is not None
        assert abs(label["y"] + label["height"] / 2 - box["y"] - box["height"] / 2) < 8
    page.screenshot(path=str(ARTIFACTS / "index-phone.png"), full_page=True)
    assert errors == []
    context.close()


SNIPPETS_ON_PAGE = """
() => Array.from(document.querySelectorAll("#rooms li")).flatMap(
  (row) => (row.querySelector("img.t") ? ["count", "trend"] : ["count"]).map(
    (badge) => ["markdown", "html"].map((format) => snippet(row, format, badge))))
"""


@pytest.mark.parametrize("base_url", ["https://example.github.io/project", ""])
def test_page_snippets_are_the_command_lines(
    browser: Browser, tmp_path: Path, base_url: str
) -> None:
    """Every snippet the page builds is `badgegen snippet`'s; without base_url, absolute anyway."""
    rooms = ROOMS.replace(f"base_url: {BASE}\n", f"base_url: {base_url}\n" if base_url else "")
    site = make_site(tmp_path, rooms)
    with serving(site) as url:
        page = browser.new_page()
        errors = console_errors(page)
        page.goto(url)
        built = page.evaluate(SNIPPETS_ON_PAGE)
        page.close()
    config = site.parent / "rooms.yaml"
    expected = []
    for kind in ("markdown", "html"):
        result = CliRunner().invoke(
            main,
            ["snippet", "--config", str(config), "--out", str(site), "--format", kind,
             "--base-url", base_url or url],
        )  # fmt: skip
        expected.append(result.stdout.splitlines())
    assert [list(pair) for pair in zip(*expected, strict=True)] == built
    assert errors == []


def test_a_directory_of_ten_thousand_rooms_stays_usable(browser: Browser, tmp_path: Path) -> None:
    """A service's 10,000 public rooms, found by `discover:`: find by name, description or
    address as you type, filter by language, sort by occupants; light in weight; screenshots."""
    service = "conference.example.org"
    languages = ("en", "de", "fr")
    counts: dict[str, int | Count | None] = {
        f"room{index}@{service}": Count(
            f"room{index}@{service}", index % 97, name=f"Room number {index}",
            description=f"Talk about topic {index * 7919 % 10007}",
            language=languages[index % 3], public=True,
        )
        for index in range(10_000)
    }  # fmt: skip
    listing = Listing(service, tuple(counts))
    (tmp_path / "rooms.yaml").write_text(
        f"account: {{jid: bot@example.org}}\ndiscover:\n  - service: {service}\n    limit: 10000\n"
    )
    args = ["refresh", "--config", str(tmp_path / "rooms.yaml"), "--out", str(tmp_path / "public")]
    assert run_cli(args, FakeCounter(counts, listings=[listing])).exit_code == 0
    site = tmp_path / "public"
    weight = (site / "index.html").stat().st_size
    assert weight / 10_000 < 900  # bytes per room; docs/publishing.md says about 0.85 KB
    with serving(site) as url:
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        errors = console_errors(page)
        page.goto(url)
        assert page.locator("#rooms li").count() == 10_000
        page.fill("#find", "topic 4242")  # by description
        assert page.locator("#rooms li:visible").count() >= 1
        page.fill("#find", "room number 9999")  # by name
        assert page.text_content("#shown") == "Showing 1 of 10000 rooms."
        page.fill("#find", "")
        page.select_option("#lang", "fr")
        assert page.text_content("#shown") == "Showing 3333 of 10000 rooms."
        page.select_option("#lang", "")
        page.select_option("#order", "occupants")
        assert page.locator("#rooms li").first.get_attribute("data-o") == "96"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "directory-light.png"))
        page.emulate_media(color_scheme="dark")
        page.screenshot(path=str(ARTIFACTS / "directory-dark.png"))
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(ARTIFACTS / "directory-phone.png"))
        page.close()
    assert errors == []


# Resolves after a few frames: the page has been drawn and its observers have run.
FRAMES = """() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(
  () => requestAnimationFrame(done))))"""
SCROLL_THROUGH = """async () => {
  const frame = () => new Promise((done) => requestAnimationFrame(
    () => requestAnimationFrame(done)));
  for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
    window.scrollTo(0, y);
    await frame();
  }
  window.scrollTo(0, 0);
  await frame();
}"""
# More rooms than one of the page's groups holds (ROOMS_PER_GROUP), the last group partial.
CROWD = 5 * ROOMS_PER_GROUP + 10
GROUP_STATES = """() => Array.from(document.getElementById("rooms").children).map((group) => {
  const shown = Array.from(group.children).filter((row) => !row.hidden).length;
  return [group.children.length, shown, group.hidden, group.style.getPropertyValue("--rows")];
})"""


@pytest.fixture(scope="module")
def crowd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """CROWD rooms, each with a name, a description and 0 to 6 occupants, served."""
    jids = [f"room{index}@conference.example.org" for index in range(CROWD)]
    rooms = "account: {jid: bot@example.org}\nrooms:\n" + "".join(f"  - {j}\n" for j in jids)
    counts: dict[str, int | Count | None] = {
        jid: Count(jid, index % 7, name=f"Room number {index}", description=f"About {index}")
        for index, jid in enumerate(jids)
    }
    with serving(make_site(tmp_path_factory.mktemp("crowd"), rooms, counts)) as address:
        yield address


def groups_are_right(page: Page) -> list[int]:
    """Each group of the list hidden exactly when it shows no room, and sized (--rows) for
    the rooms it shows; the rooms each group holds."""
    held = []
    for size, shown, hidden, rows in page.evaluate(GROUP_STATES):
        assert (hidden, int(rows)) == (shown == 0, shown)
        held.append(size)
    return held


def test_a_screen_reader_reaches_every_room_of_every_group(
    chromium: Callable[..., Browser], crowd: str
) -> None:
    """The page draws only the groups of rooms near the view, yet Chromium's accessibility
    tree, as it is while a screen reader runs, holds one list of every room and its link."""
    reading = chromium("--force-renderer-accessibility")
    try:
        page = reading.new_page(viewport={"width": 1000, "height": 800})
        page.goto(crowd)
        assert len(page.evaluate(GROUP_STATES)) == 6
        cdp = page.context.new_cdp_session(page)
        cdp.send("Accessibility.enable")
        nodes = [n for n in cdp.send("Accessibility.getFullAXTree")["nodes"] if not n["ignored"]]
        roles = [node["role"]["value"] for node in nodes]
        links = {node["name"]["value"] for node in nodes if node["role"]["value"] == "link"}
        assert (roles.count("list"), roles.count("listitem")) == (1, CROWD)
        assert {f"Room number {index}" for index in range(CROWD)} <= links
    finally:
        reading.close()


# Whether the element's group is drawn (not skipped by content-visibility: auto).
DRAWN = "element => element.checkVisibility({contentVisibilityAuto: true})"


def test_rooms_in_groups_not_drawn_are_found_linked_and_tabbed_to(
    browser: Browser, crowd: str
) -> None:
    """A room in a group not drawn: window.find finds its text and shows it, a link to its
    anchor shows it, and Tab from the room before it (its group out of view) reaches it."""
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    page.goto(crowd)
    last = page.locator(f"#r{CROWD}")
    assert not last.evaluate(DRAWN)
    assert page.evaluate(f"window.find('Room number {CROWD - 1}')")
    found = page.evaluate("getSelection().anchorNode.parentElement.closest('a').id")
    assert found == f"r{CROWD}"
    assert in_view(page, f"#r{CROWD}")
    page.goto(f"{crowd}#r{4 * ROOMS_PER_GROUP - 5}")
    assert in_view(page, f"#r{4 * ROOMS_PER_GROUP - 5}")
    page.locator(f"#r{ROOMS_PER_GROUP}").locator("xpath=ancestor::li//button").last.focus()
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate(FRAMES)
    assert not page.locator(f"#r{ROOMS_PER_GROUP + 1}").evaluate(DRAWN)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"r{ROOMS_PER_GROUP + 1}"
    assert in_view(page, f"#r{ROOMS_PER_GROUP + 1}")
    page.close()


def in_view(page: Page, selector: str) -> bool:
    """Whether the element is within the window's height (to a pixel: scrolling to an
    anchor may leave it a fraction of one above)."""
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= -1 and box["y"] + box["height"] <= 801


def test_finding_and_sorting_keep_every_group_right(browser: Browser, crowd: str) -> None:
    """However rooms are found and sorted, each group shows its rooms found, is hidden when
    it has none and is sized for those it has; the order holds across the groups; a few rooms
    found make a short page, not one tall with space for rooms not shown."""
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    errors = console_errors(page)
    page.goto(crowd)
    sizes = groups_are_right(page)
    assert sizes == [ROOMS_PER_GROUP] * 5 + [10]
    # Every group drawn once (it remembers its height), then a find leaves a few rooms in
    # each: the page is as tall as they are, not as the groups were.
    page.evaluate(SCROLL_THROUGH)
    page.fill("#find", "9")
    page.evaluate(FRAMES)
    found = int((page.text_content("#shown") or "").split()[1])
    assert found == sum("9" in str(index) for index in range(CROWD))
    assert page.evaluate("document.documentElement.scrollHeight") < found * 400 + 1000
    page.fill("#find", "no room is called this")
    assert page.text_content("#shown") == f"Showing 0 of {CROWD} rooms."
    assert page.locator("#rooms").is_hidden()  # no empty list
    page.fill("#find", "")
    assert page.locator("#rooms").is_visible()
    page.fill("#find", "about 25")  # rooms 25 and 250 to 259: the first group and the last
    assert page.text_content("#shown") == f"Showing 11 of {CROWD} rooms."
    assert groups_are_right(page) == sizes
    assert page.evaluate("document.documentElement.scrollHeight") < 11 * 700 + 1000
    page.select_option("#order", "occupants")
    assert groups_are_right(page) == sizes
    occupants = [
        int(o or 0)
        for o in page.locator("#rooms li").evaluate_all("rows => rows.map((row) => row.dataset.o)")
    ]
    assert occupants == sorted(occupants, reverse=True)
    shown = page.locator("#rooms li:not([hidden]) a").all_text_contents()
    expected = sorted([25, *range(250, 260)], key=lambda index: (-(index % 7), index))
    assert shown == [f"Room number {index}" for index in expected]
    assert page.locator("#rooms li:visible").count() == 11
    page.fill("#find", "")
    assert groups_are_right(page) == sizes
    page.select_option("#order", "page")
    ids = page.locator("#rooms li > p.h > a").evaluate_all("links => links.map((a) => a.id)")
    assert ids == [f"r{index + 1}" for index in range(CROWD)]
    assert groups_are_right(page) == sizes
    assert errors == []
    page.close()


AXE = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")
SCREENS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
    "small-phone": {"width": 320, "height": 640},
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_axe_finds_nothing_serious_and_nothing_scrolls_sideways(
    browser: Browser, url: str, screen: str, scheme: str
) -> None:
    """axe-core (its own bundled copy, run in Chromium) finds no serious or critical
    violation, light and dark, on a desktop and on phones 390 and 320 px wide; the page
    never scrolls sideways, and the charts' text is never drawn smaller than its 11 px.
    Each case's screenshot is kept in test-artifacts/."""
    phone = screen != "desktop"
    context = browser.new_context(
        viewport=SCREENS[screen], color_scheme=scheme,  # type: ignore[arg-type]
        device_scale_factor=3 if phone else 1, is_mobile=phone, has_touch=phone,
    )  # fmt: skip
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"page-{screen}-{scheme}.png"), full_page=True)
    page.add_script_tag(content=AXE)
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in found["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert found["testEngine"]["name"] == "axe-core"  # axe ran and answered
    assert serious == []
    # A phone's browser zooms out to fit what overflows: the zoom must stay 1, and the page
    # no wider than the screen.
    wide = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " window.visualViewport.scale]"
    )
    assert wide[0] <= wide[1], f"the page is {wide[0]} px wide on a {wide[1]} px screen"
    assert wide[2] == 1
    chart = page.locator("img.chart").first
    chart.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
    )
    source, shown = chart.evaluate("img => [img.currentSrc, img.getBoundingClientRect().width]")
    # The chart's text is 11 px where it is drawn at its own width: never drawn smaller.
    drawn = (288, ".chart-narrow.svg") if phone else (720, ".chart.svg")
    assert source.endswith(drawn[1])
    assert shown >= drawn[0]
    context.close()


CARD_ROOMS = {
    "lobby@conference.example.org": LOBBY,
    "long@conference.example.org": Count(
        "long@conference.example.org", 1234, name="Комната для очень длинных разговоров " * 3,
        description="Ре\u0301дкие слова, a line far longer than a card holds " * 4,
    ),
    "gone@conference.example.org": None,
}  # fmt: skip


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_cards_keep_their_words_inside_as_chromium_draws_them(
    browser: Browser, tmp_path: Path, scheme: str
) -> None:
    """Each room's NAME.card.svg, opened in Chromium as a README shows an image: no text
    runs past the card's edge or into the count, light and dark; screenshots kept."""
    rooms = "account: {jid: bot@example.org}\nrooms:\n" + "".join(
        f"  - {jid}\n" for jid in CARD_ROOMS
    )
    site = make_site(tmp_path, rooms, CARD_ROOMS)
    page = browser.new_page(color_scheme=scheme)  # type: ignore[arg-type]
    ARTIFACTS.mkdir(exist_ok=True)
    for jid in CARD_ROOMS:
        page.goto((site / f"{jid}.card.svg").as_uri())
        width = page.evaluate("document.documentElement.viewBox.baseVal.width")
        boxes = page.evaluate(
            "[...document.querySelectorAll('text')].map(text => {"
            " const box = text.getBBox(); return [text.textContent, box.x, box.x + box.width]})"
        )
        for text, left, right in boxes:
            assert left >= 0, (jid, text)
            assert right <= width - 12, (jid, text, right)
        name, count = boxes[1], boxes[2]
        assert name[2] < count[1], (jid, name, count)  # the name stops before the count
        page.screenshot(path=str(ARTIFACTS / f"card-{jid.split('@')[0]}-{scheme}.png"))
    page.close()
