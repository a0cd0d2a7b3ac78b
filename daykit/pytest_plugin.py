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

from daykit.checks import NOT_STARTED, CheckFailure, NotStarted
from daykit.course import DAY_PATTERN, slug
from daykit.loading import load_target

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
            message = f"{self.label} could not be loaded, so {name} is missing: {self.error}"
        else:
            message = f"{self.label} defines no function {name}."

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


def _student_traceback(excinfo: pytest.ExceptionInfo, target: Target) -> str:
    """The exception with only the frames in the target file: where the student should look."""
    frames = [f for f in traceback.extract_tb(excinfo.tb) if Path(f.filename) == target.path or "[cell" in f.filename]
    lines = [f"  {f.filename}, line {f.lineno}, in {f.name}\n    {f.line}" for f in frames]
    return "\n".join([*lines, f"{excinfo.type.__name__}: {excinfo.value}"])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    function = getattr(item, "function", None)
    if call.when != "call" or call.excinfo is None or function is None:
        return report
    if not _is_day_check(function, item.path) or not hasattr(item, "callspec"):
        return report
    task = next(iter(inspect.signature(function).parameters))
    target = _target(item.config, _day_of(item.path))
    error = call.excinfo.value
    report.daykit_task = task
    report.daykit_target = target.label
    if isinstance(error, (NotImplementedError, NotStarted)):
        report.daykit_not_started = True
        report.longrepr = f"{task} is {NOT_STARTED}: replace `raise NotImplementedError()` in {target.label}."
    elif isinstance(error, CheckFailure):
        report.longrepr = error.detail
    elif isinstance(error, TargetError):
        report.longrepr = str(error)
    else:
        report.longrepr = f"{task} raised an exception:\n{_student_traceback(call.excinfo, target)}"
    return report


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config):
    if getattr(report, "daykit_not_started", False):
        return NOT_STARTED_KEY, "N", ("NOT STARTED", {"yellow": True})
    return None


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    reports = terminalreporter.stats.get(NOT_STARTED_KEY, [])
    if not reports:
        return
    tasks: dict[tuple[str, str], None] = {}
    for report in reports:
        tasks[(report.daykit_task, report.daykit_target)] = None
    terminalreporter.write_sep("-", f"{len(tasks)} task(s) not started")
    for task, label in tasks:
        terminalreporter.write_line(f"{task}: write it in {label}, where it says YOUR CODE HERE")
