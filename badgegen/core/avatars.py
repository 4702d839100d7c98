"""A room's avatar after a run: kept while its hash stays, made anew when it changes."""

from __future__ import annotations

from dataclasses import dataclass

from badgegen.core.counts import Count
from badgegen.render.avatar import AvatarRefused, small_png


@dataclass(frozen=True, slots=True)
class Avatar:
    """A room's avatar as published: the hash its server announced and the small PNG made
    from it (badgegen.render.avatar), or None with why, when that image cannot be shown
    (it is not fetched again while the room announces the same hash)."""

    hash: str
    png: bytes | None = None
    problem: str = ""
    # The image's digest as badges.json names it, while its PNG is still in avatars.json.
    image: str = ""


def resolve_avatar(count: Count, before: Avatar | None) -> Avatar | None:
    """The avatar a room shows after this run.

    A room that did not answer keeps the last one; one that announces none has
    none; the same hash keeps the record's image (never fetched again); a new
    hash takes the photo fetched this run, drawn again (or why it cannot be shown),
    and until one is fetched, the last image stands.

    Args:
        count: this run's result for the room (its announced hash, its photo if fetched).
        before: the avatar the record holds for it.
    """
    if not count.counted:
        return before
    if count.avatar_hash is None:
        return None
    if before is not None and before.hash == count.avatar_hash:
        return before
    photo = count.photo
    if photo is None or photo.hash != count.avatar_hash:
        return before
    if photo.data is None:
        return Avatar(photo.hash, None, photo.problem)
    try:
        return Avatar(photo.hash, small_png(photo.data))
    except AvatarRefused as exc:
        return Avatar(photo.hash, None, str(exc))
    except ImportError:  # Pillow missing (a broken install): said once by the run
        return before
