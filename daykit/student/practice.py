"""``daykit check [DAY]``: the student's view of where they stand.

A practice run imports the student's own ``exercises/day_NN.py`` in-process and runs the day's
*visible* checks on it (never the hidden ones), with the statuses of ``daykit.checking.runner``. It works the
same in the instructor repository and in the student edition: the day's tasks, their points and its
title are read from the exercise file itself (its ``# %% task="..." points=N`` cell headers).

The named days are always run afresh. The course-wide progress bar also counts the other days; a day
whose exercise and checks are unchanged since its last run is taken from ``.daykit/progress.json``
instead of being run again.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from daykit.checking.loading import load_target
from daykit.checking.runner import Status, TaskResult, callables, grade_task, load_checks
from daykit.course import Course, CourseError
from daykit.student.state import read_state, write_state

PROGRESS_FILE = "progress.json"
OUTPUT_LINES = 20


@dataclass(frozen=True)
class PracticeTask:
    name: str
    points: int


@dataclass(frozen=True)
class PracticeDay:
    """What a practice run needs about a day, read from its exercise file."""

    slug: str
    title: str
    path: Path
    label: str
    tasks: tuple[PracticeTask, ...]

    def task(self, name: str) -> PracticeTask:
        for task in self.tasks:
            if task.name == name:
                return task
        raise CourseError(f"{self.slug} has no task {name!r}: its tasks are {', '.join(self.names)}.")

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tasks]


@dataclass
class DayResult:
    day: PracticeDay
    results: list[TaskResult]
    load_error: str | None = None
    output: str = ""
    from_cache: bool = field(default=False, repr=False)

    def count(self, status: Status) -> int:
        return sum(r.status is status for r in self.results)

    @property
    def passed(self) -> int:
        return self.count(Status.PASS)

    @property
    def done(self) -> bool:
        return self.passed == len(self.results)


def practice_day(course: Course, day: str) -> PracticeDay:
    """The day's title and tasks, from the ``# %% task="..." points=N`` headers of its exercise file."""
    path = course.stub(day)
    try:
        import jupytext  # imported here: it costs seconds, and only this step needs it

        notebook = jupytext.reads(path.read_text(encoding="utf-8"), fmt="py:percent")
    except FileNotFoundError:
        fix = f"run `daykit build {day}`" if course.is_instructor else "restore it from the course repository"
        raise CourseError(f"{course.relative(path)} does not exist: {fix}.") from None
    tasks = []
    for cell in notebook.cells:
        name, points = cell.metadata.get("task"), cell.metadata.get("points")
        if isinstance(name, str):
            tasks.append(PracticeTask(name, points if isinstance(points, int) else 0))
    if not tasks:
        raise CourseError(f"{course.relative(path)} has no task cells (lines like `# %% task=\"name\" points=3`); "
                          "restore it from the course repository.")
    markdown = next((c.source for c in notebook.cells if c.cell_type == "markdown"), day)
    title = markdown.splitlines()[0].lstrip("# ").strip() if markdown else day
    return PracticeDay(day, title, path, course.relative(path), tuple(tasks))


def _short_error(error: str, day: PracticeDay) -> str:
    return error.replace(str(day.path), day.label)


def run_day(course: Course, day: str) -> DayResult:
    """Import the student's exercise file and run the day's visible checks on it, task by task."""
    info = practice_day(course, day)
    checks = [c for c in load_checks(course, day) if not c.hidden]
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        namespace, error = load_target(info.path, f"daykit_practice_{day}")
        functions = callables(namespace)
        results = []
        for task in info.tasks:
            if task.name not in functions and error:
                message = (f"not checked: {info.label} does not load. {_short_error(error, info)}. "
                           "Fix that line and save.")
                results.append(TaskResult(task.name, Status.ERROR, 0, task.points, message))
                continue
            mine = [c for c in checks if c.task == task.name]
            results.append(grade_task(task.name, task.points, mine, functions, info.label))
    error = _short_error(error, info) if error else None
    return DayResult(info, results, error, buffer.getvalue())


# ------------------------------------------------------------------------------------------ progress


def fingerprint(course: Course, day: str) -> str:
    digest = hashlib.sha256()
    for path in (course.stub(day), course.checks(day)):
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def remember(course: Course, fresh: list[DayResult]) -> None:
    data = read_state(course, PROGRESS_FILE)
    for result in fresh:
        data[result.day.slug] = {
            "fingerprint": fingerprint(course, result.day.slug),
            "tasks": {r.task: r.status.value for r in result.results},
        }
    write_state(course, PROGRESS_FILE, data)


def recalled(course: Course, day: str) -> DayResult | None:
    """The day's last result, if its exercise and checks have not changed since."""
    entry = read_state(course, PROGRESS_FILE).get(day)
    if not isinstance(entry, dict) or entry.get("fingerprint") != fingerprint(course, day):
        return None
    info = practice_day(course, day)
    statuses = entry.get("tasks", {})
    if set(statuses) != set(info.names):
        return None
    try:
        results = [TaskResult(t.name, Status(statuses[t.name]), 0, t.points) for t in info.tasks]
    except ValueError:
        return None
    for result in results:
        result.points = result.max_points if result.status is Status.PASS else 0
    return DayResult(info, results, from_cache=True)


def course_results(course: Course, fresh: dict[str, DayResult]) -> list[DayResult]:
    """Every day of the course: the fresh results where given, else remembered, else run now."""
    out, ran = [], []
    for day in course.days():
        if day not in fresh and not course.stub(day).exists():
            continue  # a day still being written (instructor repository)
        result = fresh.get(day) or recalled(course, day)
        if result is None:
            result = run_day(course, day)
            ran.append(result)
        out.append(result)
    remember(course, [*fresh.values(), *ran])
    return out
