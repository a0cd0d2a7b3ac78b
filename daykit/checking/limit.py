"""How long a task may run, the same in the student's tools (pytest, ``daykit check``, ``watch``) as
in the grader, and how a task that runs past it is stopped and named.

Inside one process a limit is an interval timer (``SIGALRM``) whose handler raises ``RanPastLimit``
in whatever code is running, so the traceback points at the student's line. It is a BaseException:
an ``except Exception`` in the student's loop does not swallow it. Where there is no such timer (not
the main thread, or a platform without ``setitimer``) the limit is not enforced in-process; the
student's tools also run the checks in a child process that they stop from outside.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

TASK_SECONDS = 10.0  # the grader's default too (daykit.grading.worker.Limits)
LOAD_SECONDS = 20.0


class RanPastLimit(BaseException):
    """Raised in the running code when its time limit is up."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"ran past the {seconds:g} s limit")
        self.seconds = seconds


def ran_past(task: str, seconds: float, where: str = "") -> str:
    """The words every tool uses for a task that ran too long; ``where`` is the student's line, if known."""
    at = f" It was running {where}." if where else ""
    return f"{task} ran past the {seconds:g} s limit — is there a loop that never ends?{at}"


def load_ran_past(label: str, seconds: float, where: str = "") -> str:
    at = f" It was running {where}." if where else ""
    return (f"{label} did not finish loading within {seconds:g} s — is there a loop outside the "
            f"functions that never ends?{at}")


def can_limit() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``RanPastLimit`` in the code run inside after ``seconds`` of wall time (None or 0: no limit)."""
    if not seconds or seconds <= 0 or not can_limit():
        yield
        return

    def expire(signum, frame):
        raise RanPastLimit(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
