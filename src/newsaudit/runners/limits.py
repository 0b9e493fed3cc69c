"""Per-document time limits: an alarm that interrupts one document's work when its time is up.

A document's limit (`Settings.time_limit`) must end that document, not its batch or the run. Where the
process can (Unix, in the main thread, with no other real-time timer running) `within(seconds)` arms
`signal.setitimer(ITIMER_REAL)` and the alarm raises `TimeLimitExceeded` inside whatever is running: a
parse, a stage, an extraction. Worker processes of the local runner audit in their main thread, so the
alarm holds there too. In another thread (a Dask worker runs its tasks in a thread pool) a timer thread
raises the same exception in the working thread (CPython's `PyThreadState_SetAsyncExc`), which, like a
signal handler, takes effect at the next Python bytecode the thread runs. Elsewhere (Windows' main thread,
other interpreters) `within` can only refuse to start work once the time is spent: a long step finishes,
and the document stops at the next step.
"""

from __future__ import annotations

import ctypes
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class TimeLimitExceeded(BaseException):
    """A document ran out of time. A BaseException so that no `except Exception` in a stage swallows it."""


_armed = False


def _on_alarm(signum, frame) -> None:
    if _armed:
        raise TimeLimitExceeded


def _can_alarm() -> bool:
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        and not _armed
    )


def _can_raise_in_thread() -> bool:
    return (
        sys.implementation.name == "cpython"
        and threading.current_thread() is not threading.main_thread()
        and not getattr(_thread_state, "armed", False)
    )


def can_interrupt() -> bool:
    """Whether `within` can interrupt running work here (not merely refuse to start it)."""
    return _can_alarm() or _can_raise_in_thread()


_thread_state = threading.local()


class _Watchdog:
    """One daemon thread per process that raises `TimeLimitExceeded` in threads whose deadline passed (one
    thread for all of them: `within` is entered for every stage of every document)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._deadlines: dict[int, tuple[float, int]] = {}  # token -> (deadline, thread ident)
        self._fired: set[int] = set()
        self._tokens = iter(range(1, sys.maxsize))
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> int:
        with self._condition:
            token = next(self._tokens)
            self._deadlines[token] = (time.monotonic() + seconds, threading.get_ident())
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="newsaudit-time-limit", daemon=True)
                self._thread.start()
            self._condition.notify()
            return token

    def disarm(self, token: int) -> bool:
        """Forget `token`; whether it had fired."""
        with self._condition:
            self._deadlines.pop(token, None)
            fired = token in self._fired
            self._fired.discard(token)
            return fired

    def _watch(self) -> None:
        with self._condition:
            while True:
                now = time.monotonic()
                for token, (deadline, ident) in list(self._deadlines.items()):
                    if deadline <= now:
                        del self._deadlines[token]
                        self._fired.add(token)
                        _raise_in(ident, TimeLimitExceeded)
                soonest = min((deadline for deadline, _ in self._deadlines.values()), default=None)
                self._condition.wait(None if soonest is None else max(0.0, soonest - now))


def _raise_in(ident: int, exception: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), ctypes.py_object(exception) if exception is not None else None
    )


_watchdog = _Watchdog()


@contextmanager
def _within_thread(seconds: float) -> Iterator[None]:
    """The time limit in a thread other than the main one: the watchdog raises `TimeLimitExceeded` in it."""
    token = _watchdog.arm(seconds)
    _thread_state.armed = True
    try:
        yield
    finally:
        _thread_state.armed = False
        if _watchdog.disarm(token):
            # Rung as the block ended: take back an exception not raised yet, so that it cannot land later.
            _raise_in(threading.get_ident(), None)


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Run the block with `seconds` left: raise `TimeLimitExceeded` at once when none are, or when the alarm
    rings before the block ends (where `can_interrupt`)."""
    global _armed
    if seconds <= 0:
        raise TimeLimitExceeded
    if _can_raise_in_thread():
        with _within_thread(seconds):
            yield
        return
    if not _can_alarm():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _armed = True
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        try:
            _armed = False  # first, and no call before it: a late alarm now raises nothing
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
