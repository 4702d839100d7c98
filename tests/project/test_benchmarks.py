"""The benchmark's own parts: the latency proxy really delays, and the targets are judged right."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from badgegen.demo.server import free_port
from benchmarks import measure, verdicts

BENCHMARKS = Path(__file__).parents[2] / "benchmarks"


@pytest.fixture
def echo_port() -> Iterator[int]:
    """A TCP echo server on 127.0.0.1."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            while data := connection.recv(65536):
                connection.sendall(data)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    listener.close()


def test_link_delays_each_way_and_keeps_the_bytes_in_order(echo_port: int) -> None:
    """A round trip through the proxy takes twice its delay at least; no byte lost or reordered."""
    port = free_port()
    command = [sys.executable, str(BENCHMARKS / "link.py"), str(port), str(echo_port), "0.05"]
    proxy = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert proxy.stdout is not None
        assert proxy.stdout.readline().strip() == "listening"
        with socket.create_connection(("127.0.0.1", port)) as client:
            message = b"".join(f"<iq id='{n}'/>".encode() for n in range(2000))
            started = time.perf_counter()
            for start in range(0, len(message), 1000):
                client.sendall(message[start : start + 1000])
            received = b""
            while len(received) < len(message):
                received += client.recv(65536)
            elapsed = time.perf_counter() - started
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
    assert received == message
    assert elapsed >= 0.1


def cell(
    condition: str, method: str, rooms: int, wall: float, server_cpu: float = 0.0
) -> measure.Cell:
    run = measure.Run(wall, client_cpu=0.5, server_cpu=server_cpu, peak_mb=40.0, correct=True)
    return measure.Cell("prosody", condition, method, rooms, [run, run, run])


def test_targets_are_judged_on_the_issue_s_figures() -> None:
    """Each verdict follows its rule: link speed-up and bound, loopback, linearity, rate limit."""
    results = verdicts.ServerResults("prosody", bytes_per_room=100.0, setup_wall=1.05)
    results.cells = [
        cell("link", "badgegen", 1000, wall=4.0, server_cpu=2.0),
        cell("link", "naive", 1000, wall=50.0),
        cell("loopback", "badgegen", 1000, wall=2.8, server_cpu=2.0),
        cell("loopback", "badgegen", 5000, wall=16.0, server_cpu=13.0),
        cell("loopback", "join", 5000, wall=46.0),
        cell("limits", "badgegen", 1000, wall=12.0),
    ]
    found = {verdict.name: verdict for verdict in verdicts.verdicts(results, help_wall=0.3)}
    assert found["link, 1000 rooms: >= 10x faster than one at a time"].holds  # 12.5x
    # The bound: max(1000 x 2 ms, 50 ms) + (1.05 s - 50 ms) = 3 s; 4 s is 1.33x of it.
    bound = found["link, 1000 rooms: within 1.5x of max(N x server CPU/query, RTT) + set-up"]
    assert bound.holds
    assert "bound 3.00 s" in bound.detail
    assert found["loopback, 5000 rooms: wall within 1.3x of the server's CPU"].holds  # 1.23x
    assert not found["loopback, 5000 rooms: >= 3x faster than join-and-count"].holds  # 2.9x
    assert not found["linear: 5000 rooms cost at most 5.5x 1000 rooms"].holds  # 5.7x
    # The budget: 10240 B/s / 100 B = 102.4 rooms/s; 1000 rooms in 12 s is 83.3/s, 81%.
    limits = found["rate limits, 1000 rooms: >= 90% of the byte budget"]
    assert not limits.holds
    assert "(81%)" in limits.detail
    assert not found["`badgegen --help` under 0.25 s"].holds
