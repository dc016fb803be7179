"""The session's network thread: one event loop that owns the connections, for the whole session.

Why a thread of its own:

- The first request can leave at launch, before Textual is even imported (its event
  loop only starts with the app): over a WAN the TCP and TLS handshakes and the GET
  then overlap the ~0.3 s the UI takes to import and build, instead of following it.
- One loop owns the connection pool for the whole session. An httpx pool belongs to
  the loop it first ran on; with the pool here, the prefetch, every UI worker and the
  sign-in calls can share one kept-alive connection however their coroutines are run.

The UI awaits the thread's coroutines with :meth:`NetworkSession.call`; cancelling the
awaiting worker cancels the request on the network thread too.

:meth:`NetworkSession.close` is the one way to stop it: safe from any thread (a signal
handler included), any number of times, and bounded in time; it cancels what is in
flight, runs the cleanups registered with :meth:`on_close` (closing the pools, so no
socket is left open) and joins the thread.

Standard library only: the command line starts this before httpx has been imported.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)

CLOSE_TIMEOUT = 2.0
"""Seconds :meth:`NetworkSession.close` waits for cleanups and for the thread to end.
Closing sockets is local and takes milliseconds; the bound is for a thread stuck in
something else (it is a daemon thread: it cannot keep the process alive)."""


class SessionClosed(RuntimeError):
    """The network session has been closed: no more requests are taken."""


class NetworkSession:
    """An asyncio loop on a daemon thread, started at once, until :meth:`close`."""

    def __init__(self, name: str = "tether-voice-network") -> None:
        self._loop = asyncio.new_event_loop()
        self._cleanups: list[Callable[[], Awaitable[object]]] = []
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
        finally:
            with contextlib.suppress(Exception):
                self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    # --- work ------------------------------------------------------------------------

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run ``coro`` on the network thread; a future any thread can wait on or cancel.

        Raises:
            SessionClosed: after :meth:`close` (``coro`` is closed, never run).
        """
        with self._lock:
            if self._closed:
                coro.close()
                raise SessionClosed("the network session is closed")
            return asyncio.run_coroutine_threadsafe(coro, self._loop)

    async def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` run on the network thread, from any event loop.

        Cancelling the caller cancels ``coro`` there. Called on the network thread
        itself (a coroutine already running there), ``coro`` is simply awaited.
        """
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            return await coro
        return await asyncio.wrap_future(self.submit(coro))

    def on_close(self, cleanup: Callable[[], Awaitable[object]]) -> None:
        """Run ``cleanup()`` on the network thread when the session closes (e.g. a pool's
        ``aclose``), after the requests in flight have been cancelled."""
        with self._lock:
            self._cleanups.append(cleanup)

    # --- shutdown ----------------------------------------------------------------------

    def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """Cancel what is in flight, run the cleanups, stop the loop, join the thread.

        Safe from any thread and any number of times; returns within about
        ``2 * timeout`` whatever happens. From the network thread itself it schedules
        the same and returns at once.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self._loop.is_closed() or not self._thread.is_alive():
            return
        if threading.current_thread() is self._thread:
            # Joining itself would deadlock: shut down in a task, and stop after it.
            task = self._loop.create_task(self._shutdown(timeout))
            task.add_done_callback(lambda _: self._loop.stop())
            return
        try:
            shutdown = asyncio.run_coroutine_threadsafe(self._shutdown(timeout), self._loop)
            shutdown.result(timeout + 0.5)
        except (concurrent.futures.TimeoutError, concurrent.futures.CancelledError, RuntimeError):
            log.debug("network session: shutdown did not finish in time")
        except Exception as exc:  # a cleanup failed: the loop must still stop
            log.debug("network session: shutdown failed: %s", type(exc).__name__)
        with contextlib.suppress(RuntimeError):  # RuntimeError: the loop is already closed
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)

    async def _shutdown(self, timeout: float) -> None:
        current = asyncio.current_task()
        pending = [task for task in asyncio.all_tasks() if task is not current]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=timeout)
        with self._lock:
            cleanups, self._cleanups = self._cleanups, []
        for cleanup in cleanups:
            try:
                await asyncio.wait_for(cleanup(), timeout)
            except Exception as exc:  # one failed cleanup must not skip the others
                log.debug("network session: cleanup failed: %s", type(exc).__name__)
