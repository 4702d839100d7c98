"""The baselines badgegen is measured against: stock slixmpp, one room at a time.

    python benchmarks/baselines.py naive|join ROOMS_FILE HOST:PORT CA_FILE

Logs in as BADGEGEN_JID / BADGEGEN_PASSWORD, counts each room named in
ROOMS_FILE (one JID per line) and prints {"room JID": count or null} as JSON.

- naive: one disco#info query, awaited before the next (xep_0030.get_info);
- join: join without history, count the presences, leave (xep_0045.join_muc_wait).

The least a script can do, for the fixed cost, is benchmarks/bare.py.

Only reading the reply borrows badgegen's parsers, so both count exactly the
way badgegen does; what goes over the wire is stock slixmpp's.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from slixmpp import JID, ClientXMPP
from slixmpp.exceptions import IqError, IqTimeout, PresenceError

from badgegen.xmpp.disco import count_from_reply
from badgegen.xmpp.join import occupants_from_presences

TIMEOUT = 60.0
NICK = "baseline"


async def count_rooms(
    method: str, rooms: list[str], address: str, ca_file: str
) -> dict[str, int | None]:
    client = ClientXMPP(os.environ["BADGEGEN_JID"], os.environ["BADGEGEN_PASSWORD"])
    client.ca_certs = Path(ca_file)
    for plugin in ("xep_0030", "xep_0004", "xep_0128", "xep_0045"):
        client.register_plugin(plugin)
    host, port = address.rsplit(":", 1)
    started = asyncio.ensure_future(client.wait_until("session_start", TIMEOUT))
    client.connect(host, int(port))
    await started
    count = count_by_disco if method == "naive" else count_by_joining
    counts = {room: await count(client, room) for room in rooms}
    await client.disconnect(wait=2.0)
    return counts


async def count_by_disco(client: ClientXMPP, room: str) -> int | None:
    try:
        info = await client.plugin["xep_0030"].get_info(jid=JID(room), timeout=TIMEOUT)
    except (IqError, IqTimeout):
        return None
    return count_from_reply(room, info.xml).occupants


async def count_by_joining(client: ClientXMPP, room: str) -> int | None:
    muc = client.plugin["xep_0045"]
    try:
        own, _subject, presences, _history = await muc.join_muc_wait(
            JID(room), NICK, maxstanzas=0, timeout=TIMEOUT
        )
    except (PresenceError, TimeoutError):
        return None
    muc.leave_muc(JID(room), NICK)
    return occupants_from_presences(presences, own["from"].resource)


def main() -> int:
    method, rooms_file, address, ca_file = sys.argv[1:5]
    rooms = Path(rooms_file).read_text(encoding="utf-8").split()
    counts = asyncio.run(count_rooms(method, rooms, address, ca_file))
    json.dump(counts, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
