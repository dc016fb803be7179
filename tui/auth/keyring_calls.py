"""Keyring calls with a deadline, on a daemon thread: a keyring that does not answer
cannot freeze the app or a script.

Why this exists: on a host where ``DISPLAY`` is set (X forwarding) but no Secret
Service runs, D-Bus can leave a keyring call hanging for minutes (jaraco/keyring
#434, #531) — finding the backend as much as reading from it. No keyring API takes a
timeout, and a blocked call cannot be cancelled, so each call runs on a thread of its
own and the caller stops waiting at the deadline. The thread is then abandoned:

- **a daemon thread**, never a pool's: ``concurrent.futures`` and ``asyncio.to_thread``
  threads are joined when the interpreter exits, so one stuck call would keep the
  process alive after the user quit;
- **silent**: whatever the call finally returns or raises is kept on the call object,
  never printed (no "Exception in thread" at exit) and never used (the store that
  gave up treats the keyring as unavailable for the rest of the session);
- **no prompts**: a backend that asks for its own password with ``getpass`` (keyrings.alt's
  EncryptedKeyring, keyrings.cryptfile) would write its prompt over the Textual screen
  and read the keys meant for it. In a keyring thread ``getpass.getpass`` raises
  :class:`WouldPrompt` instead (see :func:`guard_getpass`).

:func:`call` blocks the calling thread (scripts; Ctrl+C still interrupts the wait) and
:func:`call_async` awaits on the event loop (the app: no executor thread, so quitting
while the keyring hangs is immediate).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

from tui.shutdown import doing

DEFAULT_DEADLINE = 3.0
"""Seconds to wait for any one keyring call (finding the backend included).

3 s: a working keyring answers in milliseconds (a D-Bus round trip), and starting the
Secret Service daemon on first use takes about a second; 3 s covers that with room to
spare, while a keyring that hangs costs at most 3 s before the sign-in screen (or a
script's exit). A desktop keyring that shows an unlock dialog needs longer: unlock it
first, or raise the deadline with ``TETHER_VOICE_KEYRING_TIMEOUT``."""

DEADLINE_ENV = "TETHER_VOICE_KEYRING_TIMEOUT"

_T = TypeVar("_T")


class KeyringTimeout(Exception):
    """The keyring did not answer within the deadline; the call was abandoned."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no answer within {seconds:g} s")
        self.seconds = seconds


class WouldPrompt(Exception):
    """The backend asked for a password on the terminal; refused (see the module docstring)."""


def deadline_from(environ: Mapping[str, str] | None = None) -> float:
    """The deadline in force: ``TETHER_VOICE_KEYRING_TIMEOUT`` if it is a positive number."""
    env = os.environ if environ is None else environ
    text = env.get(DEADLINE_ENV, "").strip()
    if text:
        try:
            value = float(text)
        except ValueError:
            value = 0.0
        if value > 0:
            return value
    return DEFAULT_DEADLINE


# --- no prompts from a keyring thread -----------------------------------------------------

_in_keyring_call = threading.local()


def guard_getpass() -> None:
    """Make ``getpass.getpass`` refuse to prompt inside keyring threads (elsewhere: unchanged).

    Installed once, idempotently; re-installed if something (a test) replaced it.
    """
    import getpass

    current = getpass.getpass
    if getattr(current, "_refuses_in_keyring_threads", False):
        return

    def getpass_unless_in_a_keyring_call(prompt: str = "Password: ", stream: object = None) -> str:
        if getattr(_in_keyring_call, "active", False):
            raise WouldPrompt("the keyring backend asked for a password on the terminal")
        return current(prompt, stream)  # type: ignore[arg-type]

    getpass_unless_in_a_keyring_call._refuses_in_keyring_threads = True  # type: ignore[attr-defined]
    getpass.getpass = getpass_unless_in_a_keyring_call


# --- one call on its own thread ------------------------------------------------------------


class _Call(Generic[_T]):
    """One backend call on a daemon thread; its outcome is kept, never printed."""

    def __init__(self, job: Callable[[], _T], name: str) -> None:
        self._job = job
        self.done = threading.Event()
        self.result: _T | None = None
        self.error: BaseException | None = None
        self.on_done: Callable[[], None] | None = None
        self.thread = threading.Thread(target=self._run, name=f"keyring-{name}", daemon=True)

    def _run(self) -> None:
        _in_keyring_call.active = True
        try:
            self.result = self._job()
        except BaseException as exc:  # kept for the caller; a thread must never print
            self.error = exc
        finally:
            self.done.set()
            callback = self.on_done
            if callback is not None:
                with contextlib.suppress(BaseException):
                    callback()

    def outcome(self) -> _T:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]


def call(job: Callable[[], _T], *, deadline: float, name: str, activity: str) -> _T:
    """Run ``job`` on a daemon thread and wait up to ``deadline`` seconds for it.

    ``activity`` names the wait for the line printed if a signal cuts it short.

    Raises:
        KeyringTimeout: no answer in time (the thread is left to finish on its own).
        Exception: whatever ``job`` raised.
    """
    guard_getpass()
    running = _Call(job, name)
    with doing(activity):
        running.thread.start()
        if not running.done.wait(deadline):
            raise KeyringTimeout(deadline)
    return running.outcome()


async def call_async(job: Callable[[], _T], *, deadline: float, name: str) -> _T:
    """As :func:`call`, awaited on the running event loop without blocking it."""
    guard_getpass()
    loop = asyncio.get_running_loop()
    finished = loop.create_future()
    running = _Call(job, name)

    def wake() -> None:  # on the keyring thread
        def settle() -> None:
            if not finished.done():
                finished.set_result(None)

        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits any more
            loop.call_soon_threadsafe(settle)

    running.on_done = wake
    running.thread.start()
    try:
        await asyncio.wait_for(finished, deadline)
    except TimeoutError:
        raise KeyringTimeout(deadline) from None
    return running.outcome()


def elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
