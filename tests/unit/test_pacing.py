"""Pacing per remote domain: fair turns, dead domains settled at once, windows that adapt."""

from __future__ import annotations

from badgegen.config import Room
from badgegen.core.counts import Count, Problem
from badgegen.xmpp.pacing import DEAD_AFTER_TIMEOUTS, START_WINDOW, Job, Pacer


def rooms(domain: str, count: int) -> list[Room]:
    return [Room(f"r{index}@{domain}") for index in range(count)]


def take(pacer: Pacer) -> list[Job]:
    """Every job the pacer lets out now."""
    jobs = []
    while (job := pacer.next_job()) is not None:
        jobs.append(job)
    return jobs


def test_domains_take_turns_within_their_windows() -> None:
    """200 rooms of a domain listed first do not keep the others waiting."""
    pacer = Pacer.of(rooms("dead.example", 200) + rooms("live.example", 20), 64, 10.0)
    first = take(pacer)
    domains = [job.domain for job in first]
    assert domains[:4] == ["dead.example", "live.example", "dead.example", "live.example"]
    assert domains.count("dead.example") == START_WINDOW
    assert domains.count("live.example") == START_WINDOW


def test_a_conclusive_failure_settles_the_domain_at_once() -> None:
    """remote-server-not-found for one room: its queued neighbours get it without being asked."""
    pacer = Pacer.of(rooms("gone.example", 50), 64, 10.0)
    jobs = take(pacer)
    failure = Count(
        jobs[0].room.jid, None, Problem.REMOTE_UNREACHABLE, "remote-server-not-found: NXDomain"
    )
    settled = pacer.settle(jobs[0], failure, now=1.0, may_retry=True)
    assert len(settled) == 1 + 50 - START_WINDOW  # itself and every room still queued
    assert all(count.problem is Problem.REMOTE_UNREACHABLE for _, count in settled)
    assert "NXDomain" in settled[-1][1].detail
    assert "not asked" in settled[-1][1].detail
    assert take(pacer) == []  # nothing of it is asked again


def test_a_silent_domain_costs_one_timeout() -> None:
    """Timeouts from a domain that never answered: dead after a few, no retries."""
    pacer = Pacer.of(rooms("silent.example", 100), 64, 10.0)
    jobs = take(pacer)
    settled: list[tuple[int, Count]] = []
    for job in jobs[:DEAD_AFTER_TIMEOUTS]:
        timeout = Count(job.room.jid, None, Problem.TIMEOUT)
        settled += pacer.settle(job, timeout, now=10.0, may_retry=True)
    assert len(settled) == DEAD_AFTER_TIMEOUTS + 100 - START_WINDOW
    assert take(pacer) == []


def test_a_live_domain_retries_and_slows_down() -> None:
    """On a domain that answers, a timeout is asked again, with a smaller window."""
    pacer = Pacer.of(rooms("busy.example", 100), 64, 10.0)
    jobs = take(pacer)
    for job in jobs[:4]:
        assert pacer.settle(job, Count(job.room.jid, 3), now=1.0, may_retry=True)
    assert pacer.window("busy.example") == START_WINDOW + 4
    lost = jobs[4]
    assert pacer.settle(lost, Count(lost.room.jid, None, Problem.TIMEOUT), 11.0, True) == []
    assert pacer.window("busy.example") == (START_WINDOW + 4) / 2
    again = take(pacer)
    assert again[0].room == lost.room
    assert again[0].attempt == 2
    # A second timeout of the same room, the only one lately, is final.
    final = pacer.settle(again[0], Count(lost.room.jid, None, Problem.TIMEOUT), 40.0, True)
    assert final == [(lost.index, Count(lost.room.jid, None, Problem.TIMEOUT))]


def test_congestion_waits_for_late_replies() -> None:
    """Once replies come late, a timed-out room is waited for again rather than asked anew."""
    pacer = Pacer.of(rooms("busy.example", 100), 64, 10.0)
    jobs = take(pacer)
    pacer.settle(jobs[0], Count(jobs[0].room.jid, 3), now=1.0, may_retry=True)
    first, second = jobs[1], jobs[2]
    assert pacer.settle(first, Count(first.room.jid, None, Problem.TIMEOUT), 11.0, True) == []
    assert pacer.domains["busy.example"].queue[0].resend  # no sign of congestion: ask anew
    pacer.late_reply(first.room.jid, now=11.5)  # its first query's reply, late
    assert pacer.settle(second, Count(second.room.jid, None, Problem.TIMEOUT), 12.0, True) == []
    waiting = pacer.domains["busy.example"].queue[0]
    assert (waiting.room, waiting.attempt, waiting.resend) == (second.room, 2, False)
    # Still congested, it may wait and ask several times before it is given up.
    again = Job(waiting.index, waiting.room, attempt=2, resend=False)
    pacer.domains["busy.example"].in_flight += 1  # as if it had been taken
    pacer.in_flight += 1
    assert pacer.settle(again, Count(again.room.jid, None, Problem.TIMEOUT), 13.0, True) == []
    assert pacer.domains["busy.example"].queue[0].attempt == 3
    assert pacer.domains["busy.example"].queue[0].resend  # every other attempt asks anew


def test_a_room_that_never_answers_is_asked_twice() -> None:
    """Timeouts without late replies are no congestion: one retry, asked anew, then final."""
    pacer = Pacer.of(rooms("busy.example", 5), 64, 10.0)
    jobs = take(pacer)
    pacer.settle(jobs[0], Count(jobs[0].room.jid, 3), now=1.0, may_retry=True)
    for job in jobs[1:3]:
        assert pacer.settle(job, Count(job.room.jid, None, Problem.TIMEOUT), 11.0, True) == []
    retried = [job for job in take(pacer) if job.attempt == 2]
    assert [job.resend for job in retried] == [True, True]
    timeout = Count(retried[0].room.jid, None, Problem.TIMEOUT)
    assert pacer.settle(retried[0], timeout, 21.0, True) == [(retried[0].index, timeout)]


def test_no_retry_without_time() -> None:
    """A timeout near the deadline is final."""
    pacer = Pacer.of(rooms("busy.example", 3), 64, 10.0)
    first, second, _ = take(pacer)
    pacer.settle(first, Count(first.room.jid, 1), 1.0, True)
    timeout = Count(second.room.jid, None, Problem.TIMEOUT)
    assert pacer.settle(second, timeout, 11.0, may_retry=False) == [(second.index, timeout)]


def test_concurrency_is_shared_by_all_domains() -> None:
    """Never more than --concurrency in flight, however many domains."""
    domains = [room for index in range(20) for room in rooms(f"d{index}.example", 10)]
    pacer = Pacer.of(domains, 16, 10.0)
    assert len(take(pacer)) == 16
    assert len({job.domain for job in pacer.domains["d0.example"].queue}) <= 1


def test_one_query_at_a_time_still_settles_a_silent_domain() -> None:
    """With --concurrency 1, a silent domain's first timeout is all the evidence there will be."""
    pacer = Pacer.of(rooms("silent.example", 5) + rooms("live.example", 2), 1, 10.0)
    (first,) = take(pacer)
    settled = pacer.settle(first, Count(first.room.jid, None, Problem.TIMEOUT), 10.0, True)
    assert len(settled) == 5
    assert [job.domain for job in take(pacer)] == ["live.example"]


def test_a_slow_domain_holds_no_more_than_its_share() -> None:
    """A domain whose replies come late never takes the slots the fast ones would use.

    Simulated time: the fast domain's server answers a query every 5 ms (15 s for
    its 3,000 rooms alone), the slow one each query after 2.6 s (--timeout 3).
    Every reply grows its domain's window, so by window alone the slow domain
    would take nearly all 64 slots for 2.6 s each, and the fast rooms would
    trickle out behind it (the issue saw the last fast query go out at 24.3 s
    instead of 2.9 s). While the fast domain has rooms waiting, the slow one
    holds at most its share.
    """
    pacer = Pacer.of(rooms("slow.example", 600) + rooms("fast.example", 3000), 64, 3.0)
    pending: list[tuple[float, Job]] = []  # (when its reply comes, the job)
    now, most_slow, last_fast_sent, fast_sent, server_free = 0.0, 0, 0.0, 0, 0.0
    while True:
        for job in take(pacer):
            if job.domain == "fast.example":
                server_free = max(now, server_free) + 0.005  # one at a time
                pending.append((server_free, job))
                last_fast_sent, fast_sent = now, fast_sent + 1
            else:
                pending.append((now + 2.6, job))
        if fast_sent < 3000:
            most_slow = max(most_slow, sum(j.domain == "slow.example" for _, j in pending))
        if not pending:
            break
        pending.sort(key=lambda item: item[0])
        now, job = pending.pop(0)
        pacer.settle(job, Count(job.room.jid, 1), now=now, may_retry=True)
    assert fast_sent == 3000
    assert most_slow <= 32
    assert last_fast_sent < 15 * 1.1  # about as alone (by window alone: 32.8 s)
