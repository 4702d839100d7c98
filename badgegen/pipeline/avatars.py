"""The photos a run fetched, drawn again as small PNGs, within a share of the time left.

Decoding is the one cost a photo can run up after the counting (render.avatar
bounds each photo in bytes, pixels and JPEG scans): it gets at most
DRAW_SECONDS, and never more than half the time left before the deadline, the
rest being the writing's. A photo not drawn in time is left undrawn: its room
keeps its last avatar, and its photo is fetched again by a later run. Each
photo is drawn once a run, even when an early publication drew it first.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from badgegen.core.counts import Count, Photo
from badgegen.render.avatar import AvatarRefused, small_png

DRAW_SECONDS = 3.0

# Photos already drawn this run, by room and hash (an early publication draws them first).
Drawn = dict[tuple[str, str], Photo]


def drawn_photos(counts: Sequence[Count], seconds_left: float, drawn: Drawn) -> tuple[Count, ...]:
    """counts, each fetched photo replaced by its small PNG or why it cannot be shown.

    Args:
        counts: the counter's counts; a photo's data is as its server served it.
        seconds_left: the time left before the run's deadline.
        drawn: the photos drawn so far this run, added to here.
    """
    until = time.monotonic() + min(DRAW_SECONDS, seconds_left / 2)
    return tuple(_drawn(count, until, drawn) for count in counts)


def _drawn(count: Count, until: float, drawn: Drawn) -> Count:
    photo = count.photo
    if photo is None or photo.data is None:
        return count
    key = (count.jid, photo.hash)
    if key not in drawn:
        if time.monotonic() >= until:
            return replace(count, photo=None)  # not drawn in time: fetched again next run
        drawn[key] = _draw(photo)
    return replace(count, photo=drawn[key])


def _draw(photo: Photo) -> Photo:
    try:
        return Photo(photo.hash, png=small_png(photo.data or b""))
    except AvatarRefused as exc:
        return Photo(photo.hash, problem=str(exc))
    except ImportError:  # Pillow missing (a broken install): said once by the run
        return Photo(photo.hash)
