"""One refresh: counts in, badges out, with data flowing one way, the whole run in its deadline."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from badgegen.ahead import Ahead
from badgegen.config import Config
from badgegen.config.login import Login
from badgegen.core.counting import Counter
from badgegen.pipeline.count import CountedRun, count_rooms
from badgegen.pipeline.output import Output, read_previous, write_reserve
from badgegen.pipeline.write import write_run
from badgegen.publish import WriteReport, lock_directory
from badgegen.record import Previous, check_source, is_url
from badgegen.render import prepare_templates
from badgegen.view.room import RoomView


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """Every room's view, what was written (None on a dry run), and warnings."""

    rooms: tuple[RoomView, ...]
    report: WriteReport | None
    warnings: tuple[str, ...] = ()

    @property
    def all_counted(self) -> bool:
        """Whether every room asked got a count this run."""
        return all(view.result.counted for view in self.rooms if view.result.asked)


def refresh(config: Config, login: Login, counter: Counter, output: Output) -> RefreshResult:
    """Count every room, then write its badge and the run's record, all by the deadline.

    Args:
        config: the rooms to count.
        login: the account to count with.
        counter: fetches the counts (badgegen.xmpp's in production).
        output: where to write, the time of the run, the previous record, the deadline.

    Returns:
        Every room's view, and what was written.

    Raises:
        ConfigError: --previous is a URL but not https; nothing connected.
        RecordError: the previous record is there but could not be read; nothing written.
        XmppError: nothing could be counted; no file was touched.
        BusyError: another run holds the output directory.
        PublishError: a badge could not be written; those in place are whole.
    """
    check_source(output.previous)
    # A URL is fetched before the lock: no other run waits on this one's network.
    fetched = read_previous(config, output) if is_url(output.previous) else None
    if output.dry_run:
        previous = fetched if fetched is not None else read_previous(config, output)
        return _count_and_write(config, login, counter, output, previous, dry_run=True)
    with lock_directory(output.out_dir, min(output.lock_wait, output.left())):
        # The local record is read under the lock, as the last run left it.
        previous = fetched if fetched is not None else read_previous(config, output)
        return _count_and_write(config, login, counter, output, previous, dry_run=False)


def _count_and_write(
    config: Config,
    login: Login,
    counter: Counter,
    output: Output,
    previous: Previous,
    *,
    dry_run: bool,
) -> RefreshResult:
    reserved = write_reserve(config, output, previous)
    if dry_run:
        counted = count_rooms(config, login, counter, previous, output, reserved)
    else:
        counted = _count_preparing_to_write(config, login, counter, output, previous, reserved)
    warnings = [*previous.warnings, *counted.warnings]
    written = write_run(config, output, previous, counted.results, warnings, dry_run=dry_run)
    return RefreshResult(written.views, written.report, tuple(warnings))


def _count_preparing_to_write(
    config: Config,
    login: Login,
    counter: Counter,
    output: Output,
    previous: Previous,
    reserved: float,
) -> CountedRun:
    """Count; meanwhile compile the templates (Jinja's import and compiling run while the
    counter waits on the server), and while a slow listing goes on, write what is counted."""
    styles = _styles(config)
    templates = Ahead(partial(prepare_templates, styles, config.templates), "templates")

    def publish_early(run: CountedRun) -> None:
        """The rooms that do not depend on the slow listing, published while it goes on (the
        listing not ended changes nothing); the run's last write replaces these files."""
        templates.take()
        write_run(config, output, previous, run.results, [], dry_run=False, refetch=False)

    counted = count_rooms(config, login, counter, previous, output, reserved, publish_early)
    templates.take()
    return counted


def _styles(config: Config) -> set[str]:
    """The badge styles of rooms.yaml's rooms and of the rooms its discover: entries add."""
    rooms = (*config.rooms, *(entry.template for entry in config.discover))
    return {room.appearance.style for room in rooms}
