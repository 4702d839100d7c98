"""What commands run with besides their requests: the counter, the clock, progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line's --help imports this module: it stays light
    from badgegen.core.connection import Connection
    from badgegen.core.counting import Counter

# Told (rooms done, rooms in all) as each room is settled.
Progress = Callable[[int, int], None]


def utc_now() -> datetime:
    """The machine's clock, in UTC: what a command is dated by unless told otherwise."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Runtime:
    """What commands run with besides their requests: `main(obj=Runtime(...))` chooses.

    By default refresh and discover count over XMPP and every command reads the
    machine's clock; a program embedding badgegen (or a test) may pass a
    counter and a clock of its own, as httpie's main() takes an env.
    """

    counter: Counter | None = None
    clock: Callable[[], datetime] = utc_now
    progress: Progress | None = None  # a terminal's "12/40 rooms"

    def now(self) -> datetime:
        """The time of the command's run (UTC), from the clock."""
        return self.clock()

    def counter_for(self, connection: Connection) -> Counter:
        """The counter to count with: the one given, or one XMPP session per connection.

        Refresh and discover both reach the counter through here.
        """
        if self.counter is not None:
            return self.counter
        from badgegen.xmpp.tls import verified_context_ahead

        # OpenSSL loads the system's CAs in a thread while Python imports slixmpp.
        context = verified_context_ahead()
        from badgegen.xmpp.scheduler import xmpp_counter  # slow: only counting pays for it

        return xmpp_counter(connection, self.progress, context.take)
