"""The pytest plugin that runs a day's checks against a chosen target.

``pytest tests/test_day_39.py`` checks ``exercises/day_39.py``; ``--target solutions`` checks the
reference; ``--target PATH`` checks a student's ``.py`` or ``.ipynb`` (or the one for the day inside
a folder). A check's parameters name the task functions it calls, and the plugin passes the target's
functions of those names. A task whose function still raises NotImplementedError is reported as
"not started", apart from the failures, and a failed check shows its message, not a traceback.

Each task has the grader's time limit (``--time-limit``, 10 s by default), shared by its checks: a
task that runs past it fails with the line it was running. A target that does not load is named with
its file, line and the task whose cell holds the line, and its tasks are "not checked" until it
loads. When every task passes, the summary says that only the visible checks ran.
"""

from __future__ import annotations

import inspect
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from daykit.checking.limit import (
    LOAD_SECONDS,
    TASK_SECONDS,
    RanPastLimit,
    can_limit,
    load_ran_past,
    ran_past,
    time_limit,
)
from daykit.checking.loading import Located, load_target
from daykit.checking.where import pointer, student_frame, target_path
from daykit.checks import NOT_STARTED, CheckFailure, NotStarted
from daykit.course import DAY_PATTERN, slug

NOT_STARTED_KEY = NOT_STARTED


NOT_CHECKED = "not checked"


class TargetError(Exception):
    """The target could not give the function a check asked for."""

    def __init__(self, message: str, unloaded: bool = False) -> None:
        super().__init__(message)
        self.unloaded = unloaded  # the function is missing because the target does not load


@dataclass
class Target:
    path: Path
    label: str
    namespace: dict = field(default_factory=dict)
    error: str | None = None

    def function(self, name: str):
        value = self.namespace.get(name)
        if callable(value):
            return value
        if self.error:
            message = f"{self.label} does not load, so {name} could not be checked: {self.shown_error}."
        else:
            message = (f"{self.label} defines no function {name}: the checks call {name}(...). "
                       f"Check its name and spelling in {self.label}, and that it is not indented into another block.")

        def missing(*args, **kwargs):
            raise TargetError(message, unloaded=bool(self.error))

        missing.__name__ = name
        return missing

    @property
    def shown_error(self) -> str:
        return (self.error or "").replace(str(self.path), self.label)

    @property
    def error_where(self) -> str:
        """``exercises/day_39.py, line 121, in numerical_gradient``, or the label when the line is unknown."""
        filename = getattr(self.error, "filename", None)
        return pointer(filename, self.error.line, self.label) if filename else self.label


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("daykit").addoption(
        "--target",
        default="exercises",
        metavar="WHERE",
        help="what the day checks test: exercises (default), solutions, or a .py/.ipynb file or a folder",
    )
    parser.getgroup("daykit").addoption(
        "--time-limit",
        type=float,
        default=TASK_SECONDS,
        metavar="SECONDS",
        help=f"wall time each task's checks may take together, as at grading (default {TASK_SECONDS:g}; 0: none)",
    )


def _day_of(item_path: str | Path) -> str | None:
    match = DAY_PATTERN.search(Path(item_path).name)
    return slug(match.group(0)) if match else None


def resolve_target(config: pytest.Config, day: str) -> tuple[Path, str]:
    return target_path(config.getoption("target"), config.rootpath, Path(config.invocation_params.dir), day)


def _target(config: pytest.Config, day: str) -> Target:
    cache = config.stash.setdefault(_TARGETS, {})
    if day not in cache:
        path, label = resolve_target(config, day)
        try:
            with time_limit(LOAD_SECONDS):
                namespace, error = load_target(path, f"daykit_target_{day}")
        except RanPastLimit as exc:
            frame = student_frame(exc.__traceback__, [path])
            where = pointer(frame[0], frame[1], label) if frame else ""
            namespace, error = {}, Located(load_ran_past(str(path), LOAD_SECONDS, where), *(frame or ("", None)),
                                           None)
        cache[day] = Target(path=path, label=label, namespace=namespace, error=error)
    return cache[day]


_TARGETS = pytest.StashKey[dict]()


def _is_day_check(function, module_file) -> bool:
    return function.__name__.startswith("test_") and _day_of(module_file) is not None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if not _is_day_check(metafunc.function, metafunc.module.__file__):
        return
    names = list(inspect.signature(metafunc.function).parameters)
    if not names:
        return
    target = _target(metafunc.config, _day_of(metafunc.module.__file__))
    values = tuple(target.function(name) for name in names)
    metafunc.parametrize(names, [values], ids=[Path(target.label).name])


def _student_frames(tb, target: Target) -> list[traceback.FrameSummary]:
    return [f for f in traceback.extract_tb(tb) if Path(f.filename) == target.path or "[cell" in f.filename]


def _student_traceback(excinfo: pytest.ExceptionInfo, target: Target) -> str:
    """The exception with only the frames in the target file: where the student should look."""
    lines = []
    for frame in _student_frames(excinfo.tb, target):
        where = target.label if Path(frame.filename) == target.path else frame.filename
        lines.append(f"  {where}, line {frame.lineno}, in {frame.name}\n    {frame.line}")
    return "\n".join([*lines, f"{excinfo.type.__name__}: {excinfo.value}"])


def unstarted_task(tb, tasks: tuple[str, ...], target: Target) -> str:
    """Which of the check's tasks raised NotImplementedError: the innermost task frame in the target."""
    names = [f.name for f in _student_frames(tb, target) if f.name in tasks]
    return names[-1] if names else tasks[0]


def _where(exc: BaseException, target: Target) -> str:
    frame = student_frame(exc.__traceback__, [target.path])
    return pointer(frame[0], frame[1], target.label) if frame else ""


def _outcome(item: pytest.Item, call: pytest.CallInfo, task: str, tasks: tuple[str, ...], target: Target):
    """The check's status (pass, fail, not started or not checked) and the message a student should read."""
    if call.excinfo is None:
        return "pass", ""
    error = call.excinfo.value
    if isinstance(error, (NotImplementedError, NotStarted)):
        culprit = unstarted_task(call.excinfo.tb, tasks, target)
        if culprit == task:
            return NOT_STARTED, f"{task} is {NOT_STARTED}: replace `raise NotImplementedError()` in {target.label}."
        return NOT_STARTED, (f"{task} is checked with {culprit}, which is {NOT_STARTED}: write {culprit} "
                             f"in {target.label} first.")
    if isinstance(error, CheckFailure):
        return "fail", error.detail
    if isinstance(error, TargetError):
        return (NOT_CHECKED if error.unloaded else "fail"), str(error)
    if isinstance(error, RanPastLimit):
        limit = item.config.getoption("time_limit") or error.seconds  # the task's, not what its check had left
        if getattr(error, "earlier", False):
            return "fail", f"not run: {task} already ran past its {limit:g} s limit in an earlier check."
        return "fail", ran_past(task, limit, _where(error, target))
    where = _where(error, target)
    where = f" at {where}" if where else ""
    if isinstance(error, SystemExit):
        return "fail", (f"{task} called sys.exit({error.code!r}){where}: a task must return its answer, "
                        "not end the program.")
    return "fail", (f"{task} raised {type(error).__name__}{where}: {error}\n"
                    f"{_student_traceback(call.excinfo, target)}")


def _check_of(item: pytest.Item) -> tuple[str, str, tuple[str, ...]] | None:
    """(day, task, the tasks it calls) for a day's check run on a target; None for any other test."""
    function = getattr(item, "function", None)
    if function is None or not _is_day_check(function, item.path) or not hasattr(item, "callspec"):
        return None
    tasks = tuple(inspect.signature(function).parameters)
    return _day_of(item.path), tasks[0], tasks


_DIAGNOSES = pytest.StashKey[dict]()


def _diagnosis(item: pytest.Item, day: str, task: str, target: Target):
    """The known mistake a failing task shows on its visible checks' calls (diagnosis.py), found once per
    task: its checks in this file run once more on the target, within the task's time limit."""
    from daykit.checking.diagnosis import diagnose_visible, load_table
    from daykit.checking.runner import Check
    from daykit.course import Course

    found = item.config.stash.setdefault(_DIAGNOSES, {})
    key = (day, target.label, task)
    if key not in found:
        found[key] = None
        checks = [Check(name, tuple(inspect.signature(f).parameters), f, False)
                  for name, f in vars(item.module).items()
                  if name.startswith("test_") and callable(f) and _is_day_check(f, item.path)
                  and next(iter(inspect.signature(f).parameters), None) == task]
        functions = {n: v for n, v in target.namespace.items() if callable(v)}
        limit = item.config.getoption("time_limit") or TASK_SECONDS
        try:
            table = load_table(Course(Path(item.path).resolve().parents[1]), day)
            with time_limit(limit if can_limit() else None):
                record = item.config.stash.get(_TASKS, {}).get((day, target.label), {})
                failed = {name for name, (status, _) in record.items() if status != "pass"}
                found[key] = diagnose_visible(table, task, checks, functions, failed)
        except (Exception, RanPastLimit):  # noqa: BLE001 - a diagnosis is a bonus, never a new failure
            pass
    return found[key]


_USED = pytest.StashKey[dict]()
_INTERRUPTED = pytest.StashKey[tuple]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Run a day's check within what is left of its task's time limit (shared by the task's checks)."""
    check = _check_of(item)
    limit = item.config.getoption("time_limit") or 0
    if check is None:
        return (yield)
    day, task, _ = check
    used = item.config.stash.setdefault(_USED, {})
    key = (day, task)
    if limit > 0 and can_limit() and used.get(key, 0.0) >= limit:
        error = RanPastLimit(limit)
        error.earlier = True
        raise error
    start = time.monotonic()
    try:
        with time_limit(limit - used.get(key, 0.0) if limit > 0 else None):
            return (yield)
    except KeyboardInterrupt:
        item.config.stash[_INTERRUPTED] = (task, item.name, time.monotonic() - start)
        raise
    finally:
        used[key] = used.get(key, 0.0) + time.monotonic() - start


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    check = _check_of(item)
    if call.when != "call" or check is None:
        return report
    day, task, tasks = check
    target = _target(item.config, day)
    status, message = _outcome(item, call, task, tasks, target)
    if status == "fail" and _HIDDEN_FILE not in item.path.name:
        found = _diagnosis(item, day, task, target)
        message = f"{message}\n{found.message}" if found is not None else message
    report.daykit_task = task
    report.daykit_target = target.label
    if status == NOT_STARTED:
        report.daykit_not_started = True
    if message:
        report.longrepr = message
    record = item.config.stash.setdefault(_TASKS, {}).setdefault((day, target.label), {})
    before = record.get(task, ("pass", ""))
    if STATUS_RANK[status] > STATUS_RANK[before[0]]:
        record[task] = (status, message)
    else:
        record.setdefault(task, before)
    if _HIDDEN_FILE in item.path.name:
        item.config.stash[_HIDDEN_RAN] = True
    return report


_TASKS = pytest.StashKey[dict]()
_HIDDEN_RAN = pytest.StashKey[bool]()
_HIDDEN_FILE = "_hidden"
STATUS_RANK = {"pass": 0, NOT_STARTED: 1, "fail": 2, NOT_CHECKED: 3}
WORDS = {"pass": "passed", NOT_STARTED: NOT_STARTED, "fail": "failed", NOT_CHECKED: NOT_CHECKED}
MARKS = {"pass": ("+", {"green": True}), NOT_STARTED: ("-", {"yellow": True}), "fail": ("x", {"red": True}),
         NOT_CHECKED: ("!", {"red": True})}


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config):
    if getattr(report, "daykit_not_started", False):
        return NOT_STARTED_KEY, "N", ("NOT STARTED", {"yellow": True})
    return None


def _first_line(message: str, limit: int = 200) -> str:
    line = message.strip().splitlines()[0] if message.strip() else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """One line per task of each day checked, then the tasks counted by status and the next step."""
    interrupted = config.stash.get(_INTERRUPTED, ())
    if interrupted:
        task, check, seconds = interrupted
        terminalreporter.write_line(f"Stopped by Ctrl-C while {task} was running ({check}, {seconds:.0f} s in).",
                                    red=True, bold=True)
    days = config.stash.get(_TASKS, {})
    for (day, label), tasks in days.items():
        target = config.stash.get(_TARGETS, {}).get(day)
        terminalreporter.write_sep("-", f"{day}: {len(tasks)} task(s) in {label}")
        if target is not None and target.error:
            terminalreporter.write_line(f"does not load: {target.shown_error}", red=True, bold=True)
        width = max(len(name) for name in tasks)
        for name, (status, message) in tasks.items():
            mark, markup = MARKS[status]
            own = status == NOT_STARTED and message.startswith(f"{name} is {NOT_STARTED}")
            if status == NOT_CHECKED:
                detail = f"  ({label} does not load)"
            else:
                detail = f"  {_first_line(message)}" if message and not own and status != "pass" else ""
            terminalreporter.write_line(f"{mark} {name:<{width}}  {WORDS[status]}{detail}", **markup)
        counts = {status: sum(s == status for s, _ in tasks.values()) for status in STATUS_RANK}
        unchecked = f", {counts[NOT_CHECKED]} {NOT_CHECKED}" if counts[NOT_CHECKED] else ""
        terminalreporter.write_line(
            f"tasks: {counts['pass']} passed, {counts['fail']} failed, {counts[NOT_STARTED]} {NOT_STARTED}{unchecked}",
            bold=True,
        )
        number = day.split("_")[1]
        failed = [n for n, (s, _) in tasks.items() if s == "fail"]
        waiting = [n for n, (s, _) in tasks.items() if s == NOT_STARTED]
        if target is not None and target.error:
            terminalreporter.write_line(f"Next: fix {target.error_where} — {label} must load before its tasks "
                                        "can be checked.")
        elif failed:
            terminalreporter.write_line(f"Next: fix {failed[0]} in {label} (its message is above); "
                                        f"stuck? `daykit hint {number} {failed[0]}`.")
        elif waiting:
            terminalreporter.write_line(f"Next: write {waiting[0]} in {label}, where it says YOUR CODE HERE.")
        elif config.stash.get(_HIDDEN_RAN, False):
            terminalreporter.write_line("Visible and hidden checks passed.")
        else:
            terminalreporter.write_line("Visible checks passed; at grading, hidden checks try other inputs. "
                                        "Try each function on inputs of your own before you submit.")
