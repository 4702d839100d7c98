"""A loopback TCP proxy that delays every byte by a fixed time each way: a long link.

    python benchmarks/link.py LISTEN_PORT TARGET_PORT DELAY_SECONDS

Bytes keep their order and are never held back for size (no bandwidth limit),
so the proxy adds latency only: 25 ms each way makes a 50 ms round trip.
It runs in a process of its own, so its CPU is neither the client's nor the server's.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections import deque

HOST = "127.0.0.1"


async def carry(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    delay: float,
) -> None:
    """Copy reader to writer, each chunk `delay` seconds after it arrived."""
    loop = asyncio.get_running_loop()
    pending: deque[tuple[float, bytes]] = deque()
    arrived = asyncio.Event()
    finished = False

    async def deliver() -> None:
        while pending or not finished:
            if not pending:
                arrived.clear()
                await arrived.wait()
                continue
            due, chunk = pending[0]
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            pending.popleft()
            writer.write(chunk)
            await writer.drain()

    delivery = asyncio.create_task(deliver())
    try:
        with contextlib.suppress(OSError):
            while chunk := await reader.read(65536):
                pending.append((loop.time() + delay, chunk))
                arrived.set()
    finally:
        finished = True
        arrived.set()
        with contextlib.suppress(OSError):
            await delivery
        writer.close()


async def serve(listen_port: int, target_port: int, delay: float) -> None:
    """Accept on listen_port and carry each connection to target_port until SIGTERM."""

    async def connection(
        client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(HOST, target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            carry(client_reader, server_writer, delay),
            carry(server_reader, client_writer, delay),
        )

    server = await asyncio.start_server(connection, HOST, listen_port)
    stopped = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set_result, None)
    print("listening", flush=True)
    async with server:
        await stopped


def main() -> int:
    listen_port, target_port, delay = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    asyncio.run(serve(listen_port, target_port, delay))
    return 0


if __name__ == "__main__":
    sys.exit(main())
