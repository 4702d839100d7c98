"""Work begun in a thread: its result and its error reach whoever takes it."""

from __future__ import annotations

import threading

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


def test_templates_prepared_ahead_render_the_same_badge() -> None:
    """Preparing compiles what rendering uses; a style with no template is left for
    rendering to report, not raised in the thread."""
    from badgegen.render import Badge, prepare_templates, render_badge

    badge = Badge(label="chat", message="12 online", color="#4c1", style="plastic")
    before = render_badge(badge)
    prepare_templates(["plastic", "no-such-style"])
    assert render_badge(badge) == before
    assert before.startswith("<svg")
