"""Which room to ask next: fair across remote domains, paced by how each domain answers.

Rooms live on MUC services all over the federation, and each service is
reached through its own server-to-server link. So queries are grouped by the
room's domain, and every domain gets its own window of queries in flight,
taken round-robin within the run's --concurrency:

- A window opens like TCP's slow start (START_WINDOW, one more per reply, up
  to --concurrency), halves when replies start timing out (at most once a
  timeout), and then grows by one per window of replies: behind a rate limit
  the run slows down instead of failing rooms.
- A domain that failed conclusively (remote-server-not-found,
  remote-server-timeout), or that let DEAD_AFTER_TIMEOUTS queries time out
  without ever answering, is dead: its rooms still queued get the same result
  at once, and nothing of it is asked again. A dead domain costs one timeout,
  however many rooms it has.
- A room that timed out is asked again, but only on a domain that has
  answered something: once more (MAX_ATTEMPTS), or up to
  MAX_ATTEMPTS_CONGESTED times while the domain's replies come late
  (congestion: the smaller window lets them through, and a late reply to an
  earlier query still counts).

Pure bookkeeping: the scheduler asks, this decides.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from badgegen.config import Room
from badgegen.core.counts import Count, Problem

START_WINDOW = 8
DEAD_AFTER_TIMEOUTS = 2
MAX_ATTEMPTS = 2
# While its domain keeps answering, a room's timeouts are congestion, not silence.
MAX_ATTEMPTS_CONGESTED = 6
# Error conditions that say the whole domain cannot be reached (RFC 6120 8.3.3.15/16).
CONCLUSIVE = ("remote-server-not-found", "remote-server-timeout")


@dataclass(frozen=True, slots=True)
class Job:
    """One query to send: the room, where it is in the run's order, and which attempt."""

    index: int
    room: Room
    attempt: int = 1
    resend: bool = True  # False: wait again for the late reply to the last query

    @property
    def domain(self) -> str:
        """The room's MUC service, whose link the query takes."""
        return self.room.jid.rpartition("@")[2]


@dataclass(slots=True)
class _Domain:
    queue: deque[Job]
    window: float
    threshold: float = float("inf")  # slow start below it, one more per window above
    in_flight: int = 0
    answered: bool = False
    last_late_reply: float = float("-inf")
    silent_timeouts: int = 0
    shrunk_at: float = float("-inf")
    failure: Count | None = None  # what its remaining rooms get, once it is dead

    def failed(self, jid: str) -> Count:
        """What a room of this dead domain gets, unasked."""
        assert self.failure is not None
        return Count(jid, None, self.failure.problem, self.failure.detail)


@dataclass(slots=True)
class Pacer:
    """The queued rooms of a run by domain, their windows, and what settled."""

    concurrency: int
    timeout: float
    domains: dict[str, _Domain] = field(default_factory=dict)
    in_flight: int = 0
    _turn: int = 0

    @classmethod
    def of(cls, rooms: Iterable[Room], concurrency: int, timeout: float) -> Pacer:
        """A pacer for rooms, in their order, within concurrency queries in flight."""
        pacer = cls(concurrency, timeout)
        pacer.add(rooms)  # a new pacer has no dead domain: none is settled at once
        return pacer

    def add(self, rooms: Iterable[Room], first: int = 0) -> list[tuple[int, Count]]:
        """Queue rooms, numbered from first in the run's order (rooms found while counting);
        return those settled at once: the rooms of a domain already dead get its failure."""
        settled = []
        for index, room in enumerate(rooms, first):
            job = Job(index, room)
            start = min(START_WINDOW, self.concurrency)
            domain = self.domains.setdefault(job.domain, _Domain(deque(), start))
            if domain.failure is not None:
                settled.append((index, domain.failed(room.jid)))
            else:
                domain.queue.append(job)
        return settled

    def next_job(self) -> Job | None:
        """The next room to ask, round-robin over the domains with room in their window.

        While other domains have rooms waiting, no domain holds more than its
        share of --concurrency: a slow domain's queries would otherwise take
        the slots one by one (a fast domain frees its slots at once, a slow
        one keeps them), and the fast domains would wait behind it.
        """
        if self.in_flight >= self.concurrency:
            return None
        names = list(self.domains)
        waiting = sum(1 for name in names if self._may_ask(self.domains[name]))
        busy = sum(1 for name in names if self.domains[name].queue or self.domains[name].in_flight)
        share = -(-self.concurrency // max(busy, 1))  # rounded up
        for offset in range(len(names)):
            name = names[(self._turn + offset) % len(names)]
            domain = self.domains[name]
            limit = int(domain.window) if waiting <= 1 else min(int(domain.window), share)
            if self._may_ask(domain) and domain.in_flight < limit:
                self._turn = (self._turn + offset + 1) % len(names)
                domain.in_flight += 1
                self.in_flight += 1
                return domain.queue.popleft()
        return None

    @staticmethod
    def _may_ask(domain: _Domain) -> bool:
        """Whether a domain has rooms to ask and is not suspected of never answering."""
        suspect = domain.silent_timeouts > 0 and not domain.answered
        return bool(domain.queue) and not suspect

    def settle(
        self, job: Job, count: Count, now: float, may_retry: bool
    ) -> list[tuple[int, Count]]:
        """Take one query's result; return the rooms settled by it (index and count).

        Args:
            job: the query that ended.
            count: its result.
            now: the time (monotonic), for pacing.
            may_retry: whether the run has time to ask a room again.
        """
        domain = self.domains[job.domain]
        domain.in_flight -= 1
        self.in_flight -= 1
        if count.problem is not Problem.TIMEOUT:
            return self._answered(domain, job, count)
        congested = self._congested(domain, now)
        attempts = MAX_ATTEMPTS_CONGESTED if congested else MAX_ATTEMPTS
        if domain.answered and may_retry and job.attempt < attempts and not domain.failure:
            self._shrink(domain, now)
            # Congested, its reply is likely on its way: a new query would only add to the
            # queue. Every other attempt asks anew all the same, in case a query was lost.
            wait = congested and job.attempt % 2 == 1
            retry = Job(job.index, job.room, job.attempt + 1, resend=not wait)
            domain.queue.appendleft(retry)
            return []
        if not domain.answered:
            domain.silent_timeouts += 1
            # With nothing else of it in flight, no answer can come to clear it either.
            dead = domain.silent_timeouts >= DEAD_AFTER_TIMEOUTS or domain.in_flight == 0
            if dead and domain.failure is None:
                silent = "the domain never answered; not asked"
                domain.failure = Count("", None, Problem.TIMEOUT, silent)
                return [(job.index, count), *self._drain(domain)]
        return [(job.index, count)]

    def late_reply(self, room: str, now: float) -> None:
        """A reply came after its query had timed out: the domain is slow, not silent."""
        domain = self.domains.get(room.rpartition("@")[2])
        if domain is not None:
            domain.last_late_reply = now

    def _congested(self, domain: _Domain, now: float) -> bool:
        """Whether the domain's replies come late (a rate limit, a slow link) lately.

        Only a late reply shows it: a room that never answers (or loses a
        query) sends none, and is asked anew.
        """
        return now - domain.last_late_reply < 2 * self.timeout

    def _answered(self, domain: _Domain, job: Job, count: Count) -> list[tuple[int, Count]]:
        domain.answered = True
        growth = 1.0 if domain.window < domain.threshold else 1.0 / domain.window
        domain.window = min(float(self.concurrency), domain.window + growth)
        condition = count.detail.partition(":")[0]
        if count.problem is Problem.REMOTE_UNREACHABLE and condition in CONCLUSIVE:
            if domain.failure is None:
                detail = f"{count.detail}; not asked, as {job.room.jid} got this"
                domain.failure = Count("", None, count.problem, detail)
            return [(job.index, count), *self._drain(domain)]
        return [(job.index, count)]

    def _shrink(self, domain: _Domain, now: float) -> None:
        """Halve the window, once a timeout at most (a burst of timeouts is one signal)."""
        if now - domain.shrunk_at >= self.timeout:
            domain.window = max(1.0, domain.window / 2)
            domain.threshold = domain.window
            domain.shrunk_at = now

    def _drain(self, domain: _Domain) -> list[tuple[int, Count]]:
        """Settle every room still queued on a dead domain with its failure."""
        settled = [(job.index, domain.failed(job.room.jid)) for job in domain.queue]
        domain.queue.clear()
        return settled

    def window(self, name: str) -> float:
        """A domain's current window (for tests and the debug log)."""
        return self.domains[name].window
