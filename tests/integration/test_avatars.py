"""Room avatars on real servers: good ones shown, hostile ones costing nothing, and an avatar
whose hash stays never fetched again, by stateful runs and by stateless ones.

The XEP-0114 component (sandbox/component.py) serves `avatar-KIND@` rooms:
good PNG, JPEG and GIF avatars, and a huge one, a 900-megapixel bomb, SVG with
script (as SVG, and as "image/png"), a corrupt one, a wrong hash, a vCard with
no photo, no vCard, a vCard 30 s late, none at all. A real Prosody room gets
its avatar from its owner (Prosody 13; 0.12 has no room avatars).
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
from pathlib import Path

from PIL import Image

from badgegen.render.avatar import checked_png
from badgegen.xmpp.vcard import MAX_PHOTOS
from sandbox.avatars import good_png, room_with_avatar
from sandbox.component import SlowRooms, sha1_hex
from sandbox.ejabberd import started_version
from sandbox.servers import SandboxServer, prosody_version

from .conftest import Account
from .runs import refresh_command, run_refresh

SHOWN = ("good", "jpeg", "gif", "wronghash", "multi")
REFUSED = ("huge", "bomb", "svg", "svgpng", "corrupt", "nophoto", "novcard")
NOT_FETCHED = ("nohash",)
LATE = ("slow", "busy")  # no answer in time, or a busy server: asked again next run
KINDS = SHOWN + REFUSED + NOT_FETCHED + LATE
ATTACKS = (b"<script", b"onload", b"evil.example")


def _refresh(
    server: SandboxServer, account: Account, config: Path, out: Path, *args: str
) -> dict[str, dict[str, object]]:
    command = refresh_command(
        config, out, f"127.0.0.1:{server.port}", "--timeout", "3", *args, ca_file=server.ca_file
    )
    result = run_refresh(command, account.jid, account.password)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    rooms: dict[str, dict[str, object]] = json.loads((out / "badges.json").read_text())["rooms"]
    return rooms


def _avatar_files(out: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in out.glob("*.avatar.png")}


def test_avatars_from_a_hostile_service(
    server: SandboxServer, slow: SlowRooms, account: Account, tmp_path: Path
) -> None:
    jids = {kind: slow.jid(f"avatar-{kind}") for kind in KINDS}
    config = tmp_path / "rooms.yaml"
    entries = "".join(f"  - {jid}\n" for jid in jids.values())
    config.write_text(
        "rooms:\n"
        + entries.replace(f"  - {jids['good']}\n", f"  - {{jid: {jids['good']}, logo: avatar}}\n")
    )
    first = tmp_path / "first"
    rooms = _refresh(server, account, config, first)
    files = _avatar_files(first)
    for kind, jid in jids.items():
        entry = rooms[jid]
        assert entry["occupants"] == 2, kind  # an avatar, good or hostile, costs the count nothing
        if kind in SHOWN:
            png = files.pop(f"{jid}.avatar.png")
            assert checked_png(png), kind
            with Image.open(io.BytesIO(png)) as image:
                assert max(image.size) <= 64, kind
            assert entry["avatar_refused"] is None, kind
        elif kind in REFUSED:
            assert entry["avatar"], kind
            assert entry["avatar_refused"], kind
        else:
            assert entry["avatar"] is None, kind
    assert files == {}  # none for the others
    for path in first.iterdir():
        data = path.read_bytes().replace(b"<script>", b"", 1 if path.name == "index.html" else 0)
        assert not [attack for attack in ATTACKS if attack in data], path.name
    page = (first / "index.html").read_text()
    for kind in SHOWN:
        assert f'<img class="a" src="{jids[kind]}.avatar.png" alt=""' in page, kind
    assert page.count('<img class="a"') == len(SHOWN)
    badge = (first / f"{jids['good']}.svg").read_text()
    logo = re.search(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", badge)
    assert logo is not None
    assert "data:image/png;base64," in base64.b64decode(logo.group(1)).decode()
    assert "data:image" not in (first / f"{jids['jpeg']}.svg").read_text()  # no logo: asked
    asked = dict(slow.vcards_asked)
    assert asked == {f"avatar-{kind}": 1 for kind in KINDS if kind not in NOT_FETCHED}

    # A stateless run (a fresh --out, the record from --previous) fetches no avatar again
    # but the late one, and publishes the same images.
    slow.vcards_asked.clear()
    second = tmp_path / "second"
    _refresh(server, account, config, second, "--previous", str(first / "badges.json"))
    assert dict(slow.vcards_asked) == {"avatar-slow": 1, "avatar-busy": 1}
    assert _avatar_files(second) == _avatar_files(first)
    assert (second / "avatars.json").read_bytes() == (first / "avatars.json").read_bytes()

    # A room whose avatar changes is fetched again, in place (a stateful run into --out).
    slow.vcards_asked.clear()
    slow.changed_avatars.add("avatar-good")
    _refresh(server, account, config, second)
    assert dict(slow.vcards_asked) == {"avatar-good": 1, "avatar-slow": 1, "avatar-busy": 1}
    changed = _avatar_files(second)[f"{jids['good']}.avatar.png"]
    assert changed != _avatar_files(first)[f"{jids['good']}.avatar.png"]


def test_a_room_avatar_its_owner_sets(
    server: SandboxServer, account: Account, tmp_path: Path
) -> None:
    """The owner's avatar reaches the page and the badge wherever the server announces it:
    Prosody 13 does, 0.12 has no room avatars."""
    room = f"faced-{tmp_path.name[-8:].lower()}@{server.muc_domain}"
    announced = room_with_avatar(server, room, good_png())
    version = prosody_version() if server.kind == "prosody" else started_version(server.root)
    # Prosody 13 and ejabberd 24.07 on announce a room's avatar (XEP-0486); Debian stable's
    # Prosody 0.12 and ejabberd 23.01 do not.
    supports = version.startswith(("13.", "24.", "25."))
    assert announced == (sha1_hex(good_png()) if supports else None), (server.kind, version)
    config = tmp_path / "rooms.yaml"
    config.write_text(f"rooms:\n  - {{jid: {room}, logo: avatar}}\n")
    out = tmp_path / "public"
    rooms = _refresh(server, account, config, out)
    assert rooms[room]["occupants"] == 0
    if announced is None:
        assert rooms[room]["avatar"] is None
        assert not (out / f"{room}.avatar.png").exists()
        return
    assert checked_png((out / f"{room}.avatar.png").read_bytes())
    assert f'<img class="a" src="{room}.avatar.png"' in (out / "index.html").read_text()
    assert "data:image/svg+xml;base64," in (out / f"{room}.svg").read_text()
    # Stateless: the next run shows it again from the record alone.
    again = tmp_path / "again"
    shutil.rmtree(again, ignore_errors=True)
    _refresh(server, account, config, again, "--previous", str(out / "badges.json"))
    assert (again / f"{room}.avatar.png").read_bytes() == (out / f"{room}.avatar.png").read_bytes()


def test_a_service_of_new_avatars_costs_a_run_at_most_its_budget(
    server: SandboxServer, slow: SlowRooms, account: Account, tmp_path: Path
) -> None:
    """A service whose every room announces a new avatar has MAX_PHOTOS fetched a run; the
    others come in the next runs, each fetched once."""
    rooms = [slow.jid(f"avatar-good-{number}") for number in range(MAX_PHOTOS + 5)]
    config = tmp_path / "rooms.yaml"
    config.write_text("rooms:\n" + "".join(f"  - {jid}\n" for jid in rooms))
    out = tmp_path / "public"
    _refresh(server, account, config, out, "--concurrency", "8")
    assert sum(slow.vcards_asked.values()) == MAX_PHOTOS
    assert len(_avatar_files(out)) == MAX_PHOTOS
    _refresh(server, account, config, out, "--concurrency", "8")
    assert sum(slow.vcards_asked.values()) == MAX_PHOTOS + 5
    assert set(slow.vcards_asked.values()) == {1}
    assert len(_avatar_files(out)) == MAX_PHOTOS + 5


def test_photos_that_never_come_hold_the_run_one_timeout_at_most(
    server: SandboxServer, slow: SlowRooms, account: Account, tmp_path: Path
) -> None:
    """21 rooms whose vCards answer 30 s late, 8 asked at a time: once every room is
    counted the run waits one --timeout for photos, not three rounds of them."""
    rooms = [slow.jid(f"avatar-slow-{number}") for number in range(21)]
    config = tmp_path / "rooms.yaml"
    config.write_text("rooms:\n" + "".join(f"  - {jid}\n" for jid in rooms))
    out = tmp_path / "public"
    record = _refresh(server, account, config, out, "--timeout", "1")
    assert all(record[jid]["occupants"] == 2 for jid in rooms)
    assert all(record[jid]["avatar"] is None for jid in rooms)  # asked again next run
    # The first eight time out together with the wait: a third round never starts.
    assert 8 <= sum(slow.vcards_asked.values()) <= 16
