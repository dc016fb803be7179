"""At most a few requests in flight to one issuer, the organization's ahead of the numbers'.

Why a bound: ElevenLabs limits requests by concurrency, per plan, with 2 the lowest
[documented, credential-checks notes §1.6], and Sinch rate-limits its APIs; a check of
1,000 numbers must not read as a burst. Why an order: a number's verdicts need the
organization's answers (the trunk, its lists, ElevenLabs' numbers), so those go first
and the 400 per-number lookups fill the slots they leave; without it, a number would
wait behind every other number for the trunk's list.

A plain :class:`asyncio.Semaphore` wakes its waiters first come, first served; this one
wakes the lowest ``priority`` first (then first come).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
from collections.abc import AsyncIterator

ORGANIZATION = 0
"""Priority of a request whose answer every number's verdict may read."""
NUMBER = 1
"""Priority of a request about one number."""


class Gate:
    """``slots`` requests at a time; waiters served by priority, then in order of arrival."""

    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError("a gate needs at least one slot")
        self._free = slots
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrival = itertools.count()

    @contextlib.asynccontextmanager
    async def slot(self, priority: int = ORGANIZATION) -> AsyncIterator[None]:
        """Hold one slot for the body; cancelling a waiter gives up its place."""
        await self._acquire(priority)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, priority: int) -> None:
        if self._free > 0 and not self._waiting:
            self._free -= 1
            return
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._arrival), granted))
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self._release()  # handed a slot just as it was cancelled: pass it on
            raise

    def _release(self) -> None:
        """Hand the slot to the first waiter still waiting, or free it."""
        while self._waiting:
            _, _, granted = heapq.heappop(self._waiting)
            if not granted.done():  # a cancelled waiter's future is done
                granted.set_result(None)
                return
        self._free += 1
