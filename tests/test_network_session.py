"""The session's network thread: work runs there, cancels from the caller, and always stops."""

from __future__ import annotations

import asyncio
import threading

import pytest

from tui.api.session import NetworkSession, SessionClosed


async def test_a_coroutine_runs_on_the_network_thread() -> None:
    session = NetworkSession()
    try:

        async def where() -> str:
            return threading.current_thread().name

        assert await session.call(where()) == "tether-voice-network"
    finally:
        session.close()


async def test_cancelling_the_caller_cancels_the_work_there() -> None:
    session = NetworkSession()
    started, cancelled = threading.Event(), threading.Event()

    async def slow() -> None:
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    try:
        waiter = asyncio.ensure_future(session.call(slow()))
        await asyncio.to_thread(started.wait, 5)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert await asyncio.to_thread(cancelled.wait, 5)
    finally:
        session.close()


async def test_a_call_made_on_the_network_thread_is_simply_awaited() -> None:
    session = NetworkSession()
    try:

        async def inner() -> int:
            return 7

        async def outer() -> int:
            return await session.call(inner())  # would deadlock if it hopped to itself

        assert await session.call(outer()) == 7
    finally:
        session.close()


def test_close_cancels_work_runs_cleanups_and_ends_the_thread() -> None:
    session = NetworkSession()
    cleaned = threading.Event()

    async def cleanup() -> None:
        cleaned.set()

    session.on_close(cleanup)
    pending = session.submit(asyncio.sleep(30))
    session.close()
    assert pending.cancelled()
    assert cleaned.is_set()
    assert not session.thread.is_alive()


def test_close_is_safe_twice_and_from_any_thread() -> None:
    session = NetworkSession()
    closers = [threading.Thread(target=session.close) for _ in range(3)]
    for closer in closers:
        closer.start()
    for closer in closers:
        closer.join(5)
    session.close()
    assert not session.thread.is_alive()


def test_nothing_is_taken_after_close() -> None:
    session = NetworkSession()
    session.close()

    async def never() -> None:  # pragma: no cover - must not run
        raise AssertionError

    coroutine = never()
    with pytest.raises(SessionClosed):
        session.submit(coroutine)
    assert coroutine.cr_frame is None  # closed, so no "never awaited" warning either


def test_a_failing_cleanup_does_not_keep_the_thread_alive() -> None:
    session = NetworkSession()

    async def broken() -> None:
        raise OSError("socket already gone")

    ran = threading.Event()

    async def second() -> None:
        ran.set()

    session.on_close(broken)
    session.on_close(second)
    session.close()
    assert ran.is_set()
    assert not session.thread.is_alive()


def test_close_from_the_network_thread_itself_still_runs_the_cleanups() -> None:
    session = NetworkSession()
    cleaned = threading.Event()

    async def cleanup() -> None:
        cleaned.set()

    session.on_close(cleanup)

    async def close_from_inside() -> None:
        session.close()

    session.submit(close_from_inside())
    assert cleaned.wait(5)
    session.thread.join(5)
    assert not session.thread.is_alive()
