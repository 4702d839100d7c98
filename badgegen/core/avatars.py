"""A room's avatar after a run: kept while its hash stays, made anew when it changes."""

from __future__ import annotations

from dataclasses import dataclass

from badgegen.core.counts import Count


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
    hash takes the photo fetched and drawn this run (pipeline.avatars), or why it
    cannot be shown, and until one is, the last image stands.

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
    if photo.png is not None:
        return Avatar(photo.hash, photo.png)
    if photo.problem:
        return Avatar(photo.hash, None, photo.problem)
    return before  # fetched, not drawn (out of time, or no Pillow): fetched again
