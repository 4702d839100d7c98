"""Work begun in a thread: its result and its error reach whoever takes it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from badgegen.ahead import Ahead


def test_the_result_is_what_the_work_returned_in_another_thread() -> None:
    ahead = Ahead(lambda: threading.current_thread().name, "naming")
    assert ahead.take() == "badgegen naming"
    assert ahead.take() == "badgegen naming"  # taken again: the same result


def test_a_result_of_none_is_a_result() -> None:
    assert Ahead(lambda: None, "nothing").take() is None


def test_the_error_is_raised_where_the_result_is_taken() -> None:
    def fail() -> int:
        raise LookupError("no such thing")

    ahead = Ahead(fail, "failing")
    with pytest.raises(LookupError, match="no such thing"):
        ahead.take()


def test_take_waits_for_the_work_to_end() -> None:
    started, release = threading.Event(), threading.Event()

    def work() -> str:
        started.set()
        release.wait()
        return "done"

    ahead = Ahead(work, "waiting")
    started.wait()
    taker = threading.Thread(target=lambda: results.append(ahead.take()))
    results: list[str] = []
    taker.start()
    assert results == []  # still waiting: the work has not ended
    release.set()
    taker.join()
    assert results == ["done"]


def test_the_tls_context_begun_ahead_verifies_the_server() -> None:
    """The context a run begins before slixmpp's import is the verified one: certificate
    required, host name checked (TLS is verified by default)."""
    import ssl

    from badgegen.xmpp.tls import verified_context_ahead

    context = verified_context_ahead().take()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


def test_templates_prepared_ahead_are_the_ones_rendering_uses(tmp_path: Path) -> None:
    """Preparing compiles what rendering then finds ready: the built-in style's template,
    the user folder's where it overrides one, the page; a style with no template, or a
    broken one, is left for rendering to report, not raised in the thread."""
    from badgegen.render import Badge, _environment, _template, prepare_templates, render_badge

    (tmp_path / "plastic.svg.j2").write_text("<svg>{{ b.width }}</svg>\n")
    (tmp_path / "social.svg.j2").write_text("<svg>{% if %}</svg>\n")
    _template.cache_clear()
    _environment.cache_clear()
    prepare_templates(["flat", "plastic", "social", "no-such-style"], tmp_path)
    # Badges render in the user's folder's environment (its templates before ours), the
    # page in ours.
    assert {key[1] for key in _environment(tmp_path).cache or {}} == {
        "flat.svg.j2",
        "plastic.svg.j2",
    }
    assert {key[1] for key in _environment(None).cache or {}} == {"index.html.j2"}
    badge = Badge(label="chat", message="12 online", color="#4c1", style="plastic")
    assert render_badge(badge, tmp_path).startswith("<svg>")
