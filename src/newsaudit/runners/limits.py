"""Per-document time limits: an alarm that interrupts one document's work when its time is up.

A document's limit (`Settings.time_limit`) must end that document, not its batch or the run. Where the
process can (Unix, in the main thread, with no other real-time timer running) `within(seconds)` arms
`signal.setitimer(ITIMER_REAL)` and the alarm raises `TimeLimitExceeded` inside whatever is running: a
parse, a stage, an extraction. Worker processes of the local runner audit in their main thread, so the
alarm holds there too. Elsewhere (Windows, other threads) `within` can only refuse to start work once the
time is spent: a long step finishes, and the document stops at the next step.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class TimeLimitExceeded(BaseException):
    """A document ran out of time. A BaseException so that no `except Exception` in a stage swallows it."""


_armed = False


def _on_alarm(signum, frame) -> None:
    if _armed:
        raise TimeLimitExceeded


def can_interrupt() -> bool:
    """Whether `within` can interrupt running work here (not merely refuse to start it)."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        and not _armed
    )


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Run the block with `seconds` left: raise `TimeLimitExceeded` at once when none are, or when the alarm
    rings before the block ends (where `can_interrupt`)."""
    global _armed
    if seconds <= 0:
        raise TimeLimitExceeded
    if not can_interrupt():
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
