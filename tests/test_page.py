"""index.html in real headless Chromium: no console errors, every badge shown, copy buttons copy."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, ConsoleMessage, sync_playwright

from badgegen.cli import main
from badgegen.pipeline import counting_with

from .test_cli import ENV, FakeCounter

ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
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
  - lobby@conference.example.org
  - jid: dev@conference.example.org
    label: dev <chat>
    style: for-the-badge
  - jid: gone@conference.example.org
    link: https://chat.example.org/#converse/room?jid={jid}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output directory made by a refresh: three rooms, one without a count."""
    folder = tmp_path_factory.mktemp("site")
    (folder / "rooms.yaml").write_text(ROOMS)
    counts = {
        "lobby@conference.example.org": 12,
        "dev@conference.example.org": 3,
        "gone@conference.example.org": None,
    }
    with counting_with(FakeCounter(counts)):
        result = CliRunner().invoke(
            main,
            ["refresh", "--config", str(folder / "rooms.yaml"), "--out", str(folder / "public")],
            env=ENV,
            catch_exceptions=False,
        )
    assert result.exit_code == 3, result.output
    return folder / "public"


@pytest.fixture(scope="module")
def url(site: Path) -> Iterator[str]:
    """The site served over HTTP on 127.0.0.1."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging each request."""

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright."""
    executable = next(filter(None, map(shutil.which, BROWSERS)), None)
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test: apt-get install chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_page_shows_every_badge_and_copies_snippets(browser: Browser, url: str) -> None:
    """No console errors; three loaded badges with alt text; Copy copies the snippet."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    images = page.locator("img")
    assert images.count() == 3
    for index in range(3):
        assert images.nth(index).evaluate("image => image.complete && image.naturalWidth > 0")
        assert images.nth(index).get_attribute("alt")
    # The alt text keeps its case (for-the-badge's capitals read badly aloud).
    assert page.locator("img[alt='dev <chat>: 3 online']").count() == 1
    first = page.locator("pre").first.text_content()
    page.locator("button[data-copy]").first.click()
    page.wait_for_function("document.querySelector('button[data-copy]').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == first
    assert first == (
        "[![XMPP chat lobby@conference.example.org](https://example.github.io/project/"
        "lobby@conference.example.org.svg)](xmpp:lobby@conference.example.org?join)"
    )
    assert "converse/room?jid=gone@conference.example.org" in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "index-light.png"), full_page=True)
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=str(ARTIFACTS / "index-dark.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / "index-phone.png"), full_page=True)
    assert errors == []
    context.close()
