"""The least a script can do to count rooms: stock slixmpp, nothing of badgegen's.

    python benchmarks/bare.py ROOMS_FILE HOST:PORT CA_FILE

Logs in as BADGEGEN_JID / BADGEGEN_PASSWORD, asks every room named in
ROOMS_FILE (one JID per line) for its disco#info at once, reads
muc#roominfo_occupants from each reply and prints {"room JID": count or null}
as JSON. It imports slixmpp and the standard library only, so that the fixed
cost of `badgegen refresh` is measured against a script that shares none of
its code (benchmarks/baselines.py borrows badgegen's reply parsers).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from slixmpp import JID, ClientXMPP
from slixmpp.exceptions import IqError, IqTimeout

TIMEOUT = 60.0
FORM = "{jabber:x:data}x"
FIELD = "{jabber:x:data}field"
VALUE = "{jabber:x:data}value"


async def count_rooms(rooms: list[str], address: str, ca_file: str) -> dict[str, int | None]:
    client = ClientXMPP(os.environ["BADGEGEN_JID"], os.environ["BADGEGEN_PASSWORD"])
    client.ca_certs = Path(ca_file)
    client.register_plugin("xep_0030")
    host, port = address.rsplit(":", 1)
    started = asyncio.ensure_future(client.wait_until("session_start", TIMEOUT))
    client.connect(host, int(port))
    await started
    found = await asyncio.gather(*(count_room(client, room) for room in rooms))
    await client.disconnect(wait=2.0)
    return dict(zip(rooms, found, strict=True))


async def count_room(client: ClientXMPP, room: str) -> int | None:
    try:
        info = await client.plugin["xep_0030"].get_info(jid=JID(room), timeout=TIMEOUT)
    except (IqError, IqTimeout):
        return None
    for form in info.xml.iter(FORM):
        for field in form.iter(FIELD):
            value = field.find(VALUE)
            if field.get("var") == "muc#roominfo_occupants" and value is not None:
                return int(value.text or "")
    return None


def main() -> int:
    rooms_file, address, ca_file = sys.argv[1:4]
    rooms = Path(rooms_file).read_text(encoding="utf-8").split()
    json.dump(asyncio.run(count_rooms(rooms, address, ca_file)), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
