"""Run a day's checks against a set of task functions and decide each task's status.

The functions may be the real ones (a practice run, the content self-check) or proxies to a worker
process (the grader); either way the checks run here, and a task earns its points only when every
one of its checks, visible and hidden, passes.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from daykit.authoring.model import Day
from daykit.checking.loading import load_module
from daykit.checking.verdicts import Status, TaskResult
from daykit.checking.where import pointer, split_name, student_frame
from daykit.checks import CheckFailure, NotStarted, _unstarted
from daykit.course import Course


class StudentError(Exception):
    """The student's code raised, exited or crashed; the message says so in words."""


class TaskTimeout(Exception):
    """The student's code ran past its time limit."""


class OverBudget(BaseException):
    """The grader's own work on a check (comparing an answer) ran past its time budget.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` in SymPy or in a check
    swallows it; the budget's timer fires again every half second until the check has ended.
    """


_BUDGET = {"armed": False, "paused": False, "expired": False}


def _expire(signum, frame):
    if not _BUDGET["armed"]:
        return
    if _BUDGET["paused"]:  # a signal that arrived as the student's call began: raised when it returns,
        _BUDGET["expired"] = True  # never in the middle of a call to the worker
        return
    raise OverBudget


@contextlib.contextmanager
def budget(seconds: float | None):
    """Limit the wall time of the block to ``seconds`` (raising OverBudget), where a timer can: in the
    main thread, with nothing else timing this process. ``None``: no limit."""
    if not seconds or _BUDGET["armed"] or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    _BUDGET.update(armed=True, paused=False, expired=False)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    finally:
        _BUDGET["armed"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _off_the_clock(function: Callable) -> Callable:
    """``function`` with the budget's timer paused while it runs: the time student code takes is the
    student's own budget (the worker's), and only the grader's work counts against the check's."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        if not _BUDGET["armed"] or _BUDGET["paused"]:
            return function(*args, **kwargs)
        _BUDGET["paused"] = True
        left, _ = signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            return function(*args, **kwargs)
        finally:
            _BUDGET["paused"] = False
            if _BUDGET["expired"]:
                raise OverBudget
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), 0.5)

    return call


@dataclass(frozen=True)
class Check:
    name: str
    tasks: tuple[str, ...]
    function: Callable
    hidden: bool

    @property
    def task(self) -> str:
        return self.tasks[0]


def load_checks(course: Course, day: str) -> list[Check]:
    """Import a day's visible and hidden checks (trusted code), in file order."""
    if str(course.root) not in sys.path:
        sys.path.insert(0, str(course.root))
    found = []
    for path, hidden in ((course.checks(day), False), (course.hidden_checks(day), True)):
        if not path.exists():
            continue
        module = load_module(path, f"daykit_checks_{day}{'_hidden' if hidden else ''}")
        for name, function in vars(module).items():
            if name.startswith("test_") and callable(function) and function.__module__ == module.__name__:
                tasks = tuple(inspect.signature(function).parameters)
                found.append(Check(name, tasks, function, hidden))
    return found


MAX_MESSAGE = 600


def _capped(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 3] + "..."


def _public_message(check: Check, failure: CheckFailure) -> str:
    return _capped(f"a hidden check failed: {failure.kind}." if check.hidden else failure.detail)


def _builtin_kind(exc: BaseException) -> str:
    return next((c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"), "Exception")


def _shown(check: Check, message: str, public: str) -> str:
    """What a check's error shows: for a hidden check only ``public``, which holds no value (no input,
    no message of the student's exception, no traceback line), whatever the student's code did."""
    return _capped(f"a hidden check of {check.task} failed: {public}." if check.hidden else message)


def run_check(
    check: Check, functions: dict[str, Callable], source: str, seconds: float | None = None
) -> tuple[Status, str]:
    """One check's status and message; ``source`` names the submission in messages.

    With ``seconds``, the grader's own work in the check (everything but the student's functions)
    runs within that budget, and running out of it or of memory fails the check: the answer is too
    large to compare. The grading process sets both, so a pathological answer costs its task only.
    """
    missing = [name for name in check.tasks if name not in functions]
    if missing:
        return Status.ERROR, f"{source} defines no function {missing[0]}."
    arguments = [functions[name] for name in check.tasks]
    if seconds:
        arguments = [_off_the_clock(function) for function in arguments]
    try:
        with budget(seconds):
            check.function(*arguments)
    except OverBudget:
        return Status.FAIL, f"{check.task}: the answer is too large to compare (checking it took over {seconds:g} s)."
    except CheckFailure as failure:
        return Status.FAIL, _public_message(check, failure)
    except (NotImplementedError, NotStarted) as exc:
        culprit = exc.args[0] if isinstance(exc, NotStarted) and exc.args and exc.args[0] in check.tasks else None
        culprit = culprit or _unstarted(exc.__traceback__, list(check.tasks))
        if culprit != check.task:
            return Status.FAIL, f"{check.task} is checked with {culprit}, which is not started yet in {source}."
        return Status.NOT_STARTED, f"{check.task} is not started: replace `raise NotImplementedError()` in {source}."
    except TaskTimeout as exc:
        return Status.TIMEOUT, _shown(check, str(exc), getattr(exc, "public", "it ran past its time limit"))
    except StudentError as exc:
        return Status.ERROR, _shown(check, str(exc), getattr(exc, "public", f"{check.task} raised an exception"))
    except (MemoryError, RecursionError) as exc:
        if not seconds:  # a practice run: the student's own code ran out, in this process
            return Status.ERROR, _shown(check, f"{check.task} raised {type(exc).__name__}: {exc}",
                                        f"{check.task} raised {type(exc).__name__}")
        kind = "memory" if isinstance(exc, MemoryError) else "recursion depth"
        return Status.FAIL, f"{check.task}: the answer is too large to compare (it needs more {kind} than allowed)."
    except Exception as exc:  # the student's own code raised, in a practice run
        return Status.ERROR, _shown(
            check,
            f"{check.task} raised {type(exc).__name__}{_student_line(exc, check, functions, source)}: {exc}",
            f"{check.task} raised {_builtin_kind(exc)}",
        )
    return Status.PASS, ""


def _student_line(exc: BaseException, check: Check, functions: dict, source: str) -> str:
    """`` at exercises/day_39.py, line 118, in numerical_gradient``: the innermost line of the student's
    own file in the traceback (the file of the task functions; never the kit's proxies)."""
    kit = Path(__file__).resolve().parents[1]
    files = {getattr(getattr(functions[n], "__code__", None), "co_filename", None) for n in check.tasks}
    files = {f for f in files if isinstance(f, str) and not Path(split_name(f)[0]).resolve().is_relative_to(kit)}
    frame = student_frame(exc.__traceback__, files)
    return f" at {pointer(frame[0], frame[1], source)}" if frame else ""


def grade_task(
    task: str, points: int, checks: list[Check], functions: dict, source: str, seconds: float | None = None
) -> TaskResult:
    """Run every check of a task; the first that does not pass decides the status and message."""
    for check in checks:
        status, message = run_check(check, functions, source, seconds)
        if status is not Status.PASS:
            return TaskResult(task, status, 0, points, message, check.name)
    return TaskResult(task, Status.PASS, points, points, "")


def grade_functions(
    day: Day,
    checks: list[Check],
    functions: dict,
    source: str,
    before_task: Callable[..., None] | None = None,
    check_seconds: float | None = None,
) -> list[TaskResult]:
    """Every task of the day, in the day's order; ``before_task`` runs before each task's turn (a fresh
    time budget; before visible checks it gets ``shared``, their modules: see session.shareable), and
    ``check_seconds`` bounds the grader's own work in each check (see run_check).

    The visible checks of every task run before any hidden check (as ``pytest tests hidden`` runs
    them), so that nothing a hidden check hands the code can come back in a visible check's message: a
    function that keeps its inputs in a global and returns them later only ever returns them to a
    hidden check, whose messages hold no value. A task's verdict is the same in either order: it
    passes when every check passes, and its first failing check, visible before hidden, speaks.
    """
    results: dict[str, TaskResult] = {}
    for hidden in (False, True):
        for task in day.tasks:
            mine = [c for c in checks if c.task == task.name and c.hidden is hidden]
            if task.name in results or (hidden and not mine):
                continue
            if before_task is not None:
                before_task(**({} if hidden else {"shared": frozenset(c.function.__module__ for c in mine)}))
            result = grade_task(task.name, task.points, mine, functions, source, check_seconds)
            if result.status is not Status.PASS or hidden:
                results[task.name] = result
    return [results.get(t.name) or TaskResult(t.name, Status.PASS, t.points, t.points, "") for t in day.tasks]


def callables(namespace: dict) -> dict[str, Callable]:
    return {name: value for name, value in namespace.items() if callable(value) and not name.startswith("__")}
