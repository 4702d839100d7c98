"""Bounded waits that never lose a Ctrl-C."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def within(seconds: float, awaitable: Awaitable[T]) -> T:
    """Await awaitable for at most seconds.

    Python 3.11's asyncio.wait_for loses a cancellation that arrives as the
    awaited thing completes (a SIGINT just as the TCP connection opened went
    unheard for the whole stream timeout); asyncio.timeout does not.

    Raises:
        TimeoutError: seconds passed first (the awaitable is cancelled).
    """
    async with asyncio.timeout(seconds):
        return await awaitable
