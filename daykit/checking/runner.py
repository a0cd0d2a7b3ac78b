"""Run a day's checks against a set of task functions and decide each task's status.

The functions may be the real ones (a practice run, the content self-check) or proxies to a worker
process (the grader); either way the checks run here, and a task earns its points only when every
one of its checks, visible and hidden, passes.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path

import cloudpickle

from daykit.authoring.model import Day
from daykit.checking.loading import load_module
from daykit.checking.where import pointer, split_name, student_frame
from daykit.checks import CheckFailure, NotStarted, _unstarted
from daykit.course import Course


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    TIMEOUT = "timeout"
    NOT_STARTED = "not_started"


class StudentError(Exception):
    """The student's code raised, exited or crashed; the message says so in words."""


class TaskTimeout(Exception):
    """The student's code ran past its time limit."""


@dataclass(frozen=True)
class Check:
    name: str
    tasks: tuple[str, ...]
    function: Callable
    hidden: bool

    @property
    def task(self) -> str:
        return self.tasks[0]


@dataclass
class TaskResult:
    task: str
    status: Status
    points: int
    max_points: int
    message: str = ""
    failed_check: str = field(default="", repr=False)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["status"] = self.status.value
        data.pop("failed_check")
        return data


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
    _send_checks_by_value(course)
    return found


def _send_checks_by_value(course: Course) -> None:
    """Functions of the check files (or of what they import from the course, like ``tests.test_day_43``)
    that a check passes to a task travel by value: the worker cannot import the course's files."""
    folders = [(course.root / name).resolve() for name in ("tests", "hidden")]
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path and any(Path(path).resolve().is_relative_to(folder) for folder in folders):
            try:
                cloudpickle.register_pickle_by_value(module)
            except ValueError:  # already registered
                pass


def _public_message(check: Check, failure: CheckFailure) -> str:
    return f"a hidden check failed: {failure.kind}." if check.hidden else failure.detail


def run_check(check: Check, functions: dict[str, Callable], source: str) -> tuple[Status, str]:
    """One check's status and message; ``source`` names the submission in messages."""
    missing = [name for name in check.tasks if name not in functions]
    if missing:
        return Status.ERROR, f"{source} defines no function {missing[0]}."
    try:
        check.function(*[functions[name] for name in check.tasks])
    except CheckFailure as failure:
        return Status.FAIL, _public_message(check, failure)
    except (NotImplementedError, NotStarted) as exc:
        culprit = exc.args[0] if isinstance(exc, NotStarted) and exc.args and exc.args[0] in check.tasks else None
        culprit = culprit or _unstarted(exc.__traceback__, list(check.tasks))
        if culprit != check.task:
            return Status.FAIL, f"{check.task} is checked with {culprit}, which is not started yet in {source}."
        return Status.NOT_STARTED, f"{check.task} is not started: replace `raise NotImplementedError()` in {source}."
    except TaskTimeout as exc:
        return Status.TIMEOUT, str(exc)
    except StudentError as exc:
        return Status.ERROR, str(exc)
    except Exception as exc:  # the student's own code raised, in a practice run
        return Status.ERROR, f"{check.task} raised {type(exc).__name__}{_student_line(exc, check, functions, source)}: {exc}"
    return Status.PASS, ""


def _student_line(exc: BaseException, check: Check, functions: dict, source: str) -> str:
    """`` at exercises/day_39.py, line 118, in numerical_gradient``: the innermost line of the student's
    own file in the traceback (the file of the task functions; never the kit's proxies)."""
    kit = Path(__file__).resolve().parents[1]
    files = {getattr(getattr(functions[n], "__code__", None), "co_filename", None) for n in check.tasks}
    files = {f for f in files if isinstance(f, str) and not Path(split_name(f)[0]).resolve().is_relative_to(kit)}
    frame = student_frame(exc.__traceback__, files)
    return f" at {pointer(frame[0], frame[1], source)}" if frame else ""


def grade_task(task: str, points: int, checks: list[Check], functions: dict, source: str) -> TaskResult:
    """Run every check of a task; the first that does not pass decides the status and message."""
    for check in checks:
        status, message = run_check(check, functions, source)
        if status is not Status.PASS:
            return TaskResult(task, status, 0, points, message, check.name)
    return TaskResult(task, Status.PASS, points, points, "")


def grade_functions(
    day: Day, checks: list[Check], functions: dict, source: str, before_task: Callable[[], None] | None = None
) -> list[TaskResult]:
    """Every task of the day, in the day's order; ``before_task`` runs before each (a fresh time budget)."""
    results = []
    for task in day.tasks:
        if before_task is not None:
            before_task()
        mine = [c for c in checks if c.task == task.name]
        results.append(grade_task(task.name, task.points, mine, functions, source))
    return results


def callables(namespace: dict) -> dict[str, Callable]:
    return {name: value for name, value in namespace.items() if callable(value) and not name.startswith("__")}
