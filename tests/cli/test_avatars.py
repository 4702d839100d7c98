"""Avatars across runs, as a scheduled job keeps them: the counter is asked for a photo only
when its hash is new to the record (stateful or stateless), avatars.json carries the images,
and a record that lost or forged them costs a fetch, never a wrong face."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from badgegen.config.login import Login
from badgegen.core.counting import Counted, CountRequest
from badgegen.core.counts import Count, Photo
from badgegen.render.avatar import checked_png, small_png
from sandbox.avatars import good_jpeg, good_png
from tests.conftest import run_cli

ROOM = "lobby@conference.example.org"


class AvatarCounter:
    """One room with 3 occupants and an avatar; the photo handed over only when the request
    does not hold its hash, as the session fetches it."""

    def __init__(self, photo: bytes) -> None:
        self.photo = photo
        self.known: list[dict[str, str]] = []  # what each run's request held

    @property
    def hash(self) -> str:
        return hashlib.sha1(self.photo).hexdigest()  # noqa: S324 (XEP-0153)

    def __call__(self, login: Login, request: CountRequest, /) -> Counted:
        self.known.append(dict(request.avatars))
        photo = None
        if request.avatars.get(ROOM) != self.hash:
            photo = Photo(self.hash, self.photo)
        return Counted((Count(ROOM, 3, avatar_hash=self.hash, photo=photo),))


def _refresh(folder: Path, counter: AvatarCounter, *args: str) -> str:
    config = folder / "rooms.yaml"
    config.write_text(
        f"account:\n  jid: bot@example.org\nrooms:\n  - {{jid: {ROOM}, logo: avatar}}\n"
    )
    out = folder / "out"
    result = run_cli(["refresh", "--config", str(config), "--out", str(out), *args], counter)
    assert result.exit_code == 0, result.output
    return result.stderr


def test_an_avatar_is_fetched_once_and_kept_by_stateless_runs(tmp_path: Path) -> None:
    counter = AvatarCounter(good_png())
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    _refresh(first, counter)
    png = (first / "out" / f"{ROOM}.avatar.png").read_bytes()
    assert checked_png(png)
    assert f'<img class="a" src="{ROOM}.avatar.png"' in (first / "out" / "index.html").read_text()
    _refresh(second, counter, "--previous", str(first / "out" / "badges.json"))
    assert counter.known == [{}, {ROOM: counter.hash}]  # the second asked for no photo
    assert (second / "out" / f"{ROOM}.avatar.png").read_bytes() == png
    # Changed: fetched again, and the new face shown.
    counter.photo = good_jpeg()
    _refresh(second, counter)
    assert counter.known[-1] == {ROOM: hashlib.sha1(good_png()).hexdigest()}  # noqa: S324
    assert (second / "out" / f"{ROOM}.avatar.png").read_bytes() != png
    # Its file is listed with the room's others, in --json and in badges.json.
    args = ["refresh", "--config", str(second / "rooms.yaml"), "--out", str(second / "out")]
    listed = json.loads(run_cli([*args, "--json"], counter).stdout)["rooms"][0]["files"]
    recorded = json.loads((second / "out" / "badges.json").read_text())["rooms"][ROOM]["files"]
    assert listed[-1] == recorded[-1] == f"{ROOM}.avatar.png"


def test_a_record_without_its_images_costs_a_fetch_not_a_wrong_face(tmp_path: Path) -> None:
    counter = AvatarCounter(good_png())
    _refresh(tmp_path, counter)
    out = tmp_path / "out"
    png = (out / f"{ROOM}.avatar.png").read_bytes()
    (out / "avatars.json").unlink()  # gone: asked again, shown again
    _refresh(tmp_path, counter)
    assert counter.known[-1] == {}
    assert (out / f"{ROOM}.avatar.png").read_bytes() == png
    # Another valid image put under its name: not what its name says, so not taken.
    text = (out / "avatars.json").read_text()
    forged = text.replace(_base64(png), _base64(small_png(good_jpeg())))
    (out / "avatars.json").write_text(forged)
    _refresh(tmp_path, counter)
    assert counter.known[-1] == {}
    assert (out / f"{ROOM}.avatar.png").read_bytes() == png
    # Unreadable (a folder where the file was): said once, and fetched again.
    (out / "avatars.json").unlink()
    (out / "avatars.json").mkdir()
    other = tmp_path / "other"
    other.mkdir()
    stderr = _refresh(other, counter, "--previous", str(out / "badges.json"))
    assert stderr.count("Warning:") == 1
    assert "avatars.json cannot be read: the rooms' avatars are fetched again" in stderr
    assert counter.known[-1] == {}
    assert (other / "out" / f"{ROOM}.avatar.png").read_bytes() == png


def _base64(png: bytes) -> str:
    return base64.b64encode(png).decode("ascii")
