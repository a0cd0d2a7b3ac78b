"""The pytest plugin that runs a day's checks against a chosen target.

``pytest tests/test_day_39.py`` checks ``exercises/day_39.py``; ``--target solutions`` checks the
reference; ``--target PATH`` checks a student's ``.py`` or ``.ipynb`` (or the one for the day inside
a folder). A check's parameters name the task functions it calls, and the plugin passes the target's
functions of those names. A task whose function still raises NotImplementedError is reported as
"not started", apart from the failures, and a failed check shows its message, not a traceback.
"""

from __future__ import annotations

import inspect
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from daykit.checking.loading import load_target
from daykit.checks import NOT_STARTED, CheckFailure, NotStarted
from daykit.course import DAY_PATTERN, slug

NOT_STARTED_KEY = NOT_STARTED


class TargetError(Exception):
    """The target could not give the function a check asked for."""


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
            error = self.error.replace(str(self.path), self.label)
            message = f"{self.label} does not load, so {name} could not be checked. {error}. Fix it and run again."
        else:
            message = (f"{self.label} defines no function {name}: the checks call {name}(...). "
                       f"Check its name and spelling in {self.label}, and that it is not indented into another block.")

        def missing(*args, **kwargs):
            raise TargetError(message)

        missing.__name__ = name
        return missing


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("daykit").addoption(
        "--target",
        default="exercises",
        metavar="WHERE",
        help="what the day checks test: exercises (default), solutions, or a .py/.ipynb file or a folder",
    )


def _day_of(item_path: str | Path) -> str | None:
    match = DAY_PATTERN.search(Path(item_path).name)
    return slug(match.group(0)) if match else None


def resolve_target(config: pytest.Config, day: str) -> tuple[Path, str]:
    option = config.getoption("target")
    root = config.rootpath
    if option in ("exercises", "solutions"):
        path = root / option / f"{day}.py"
        return path, str(path.relative_to(root))
    path = Path(option).expanduser()
    if not path.is_absolute():
        path = Path(config.invocation_params.dir) / path
    if path.is_dir():
        candidates = [path / f"{day}.py", path / f"{day}.ipynb", path / day / f"{day}.ipynb"]
        path = next((c for c in candidates if c.exists()), candidates[0])
    return path, option if Path(option).name == path.name else str(path)


def _target(config: pytest.Config, day: str) -> Target:
    cache = config.stash.setdefault(_TARGETS, {})
    if day not in cache:
        path, label = resolve_target(config, day)
        namespace, error = load_target(path, f"daykit_target_{day}")
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


def _outcome(item: pytest.Item, call: pytest.CallInfo, task: str, tasks: tuple[str, ...], target: Target):
    """The check's status (pass, fail or not started) and the message a student should read."""
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
        return "fail", str(error)
    frames = _student_frames(call.excinfo.tb, target)
    where = f" at line {frames[-1].lineno} of {target.label}" if frames else ""
    return "fail", (f"{task} raised {type(error).__name__}{where}: {error}\n"
                    f"{_student_traceback(call.excinfo, target)}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    function = getattr(item, "function", None)
    if call.when != "call" or function is None:
        return report
    if not _is_day_check(function, item.path) or not hasattr(item, "callspec"):
        return report
    tasks = tuple(inspect.signature(function).parameters)
    task, day = tasks[0], _day_of(item.path)
    target = _target(item.config, day)
    status, message = _outcome(item, call, task, tasks, target)
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
    return report


_TASKS = pytest.StashKey[dict]()
STATUS_RANK = {"pass": 0, NOT_STARTED: 1, "fail": 2}
WORDS = {"pass": "passed", NOT_STARTED: NOT_STARTED, "fail": "failed"}
MARKS = {"pass": ("+", {"green": True}), NOT_STARTED: ("-", {"yellow": True}), "fail": ("x", {"red": True})}


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config):
    if getattr(report, "daykit_not_started", False):
        return NOT_STARTED_KEY, "N", ("NOT STARTED", {"yellow": True})
    return None


def _first_line(message: str, limit: int = 110) -> str:
    line = message.strip().splitlines()[0] if message.strip() else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """One line per task of each day checked, then the tasks counted by status and the next step."""
    days = config.stash.get(_TASKS, {})
    for (day, label), tasks in days.items():
        target = config.stash.get(_TARGETS, {}).get(day)
        terminalreporter.write_sep("-", f"{day}: {len(tasks)} task(s) in {label}")
        if target is not None and target.error:
            terminalreporter.write_line(f"{label} does not load: {target.error.replace(str(target.path), label)}",
                                        red=True, bold=True)
        width = max(len(name) for name in tasks)
        for name, (status, message) in tasks.items():
            mark, markup = MARKS[status]
            own = status == NOT_STARTED and message.startswith(f"{name} is {NOT_STARTED}")
            detail = f"  {_first_line(message)}" if message and not own and status != "pass" else ""
            terminalreporter.write_line(f"{mark} {name:<{width}}  {WORDS[status]}{detail}", **markup)
        counts = {status: sum(s == status for s, _ in tasks.values()) for status in STATUS_RANK}
        terminalreporter.write_line(
            f"tasks: {counts['pass']} passed, {counts['fail']} failed, {counts[NOT_STARTED]} {NOT_STARTED}", bold=True
        )
        number = day.split("_")[1]
        failed = [n for n, (s, _) in tasks.items() if s == "fail"]
        waiting = [n for n, (s, _) in tasks.items() if s == NOT_STARTED]
        if failed:
            terminalreporter.write_line(f"Next: fix {failed[0]} in {label} (its message is above); "
                                        f"stuck? `daykit hint {number} {failed[0]}`.")
        elif waiting:
            terminalreporter.write_line(f"Next: write {waiting[0]} in {label}, where it says YOUR CODE HERE.")
