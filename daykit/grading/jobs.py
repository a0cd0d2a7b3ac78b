"""What a grading process and the coordinator share: a submission, a day's plan, the orders that start a
grading process, and the results document. Plain data and the reading of a submission's code, in a
module that imports neither NumPy nor SymPy (the coordinator never does; see grade.py and grader.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from daykit.checking.loading import LoadError, notebook_cells
from daykit.checking.verdicts import Status, TaskResult
from daykit.notebook import grade_id, is_test_cell

if TYPE_CHECKING:
    from daykit.authoring.model import Day
    from daykit.checking.library import LazyLibrary, Library
    from daykit.checking.runner import Check
    from daykit.course import Course
    from daykit.grading.limits import Limits

RESULTS_VERSION = 2  # 2: a hidden check's message holds no value; a result of version 1 is graded again
MAX_SUBMISSION_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Submission:
    student: str
    path: Path
    problem: str = ""  # why it is not graded (an error for every task), or ""
    also_found: tuple[str, ...] = ()  # what else was in the student's folder, not graded


def _shown(path: Path) -> str:
    """``path`` as the instructor names it: from the folder they run ``daykit grade`` in, where it is below."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def refusal(path: Path, within: Path) -> str:
    """Why ``path`` cannot be graded as a student's own file: it is a symbolic link, or resolves outside
    ``within`` (the course's submitted/ or the folder named on the command line); "" when it can."""
    if path.is_symlink():
        return (f"{_shown(path)} is a symbolic link; only a student's own file is graded, never what "
                "a link points to.")
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return ""  # missing: read_chunks says so
    if not resolved.is_relative_to(within.resolve()):
        return f"{_shown(path)} resolves outside {_shown(within)}; only files inside it are graded."
    return ""


def notebook_chunks(path: Path, locked: dict[str, str | None]) -> list[tuple[str, str]]:
    """The code a notebook runs when graded, cell by cell, as nbgrader would run it.

    The student's own cells run as written. A cell whose grade_id names a locked cell of the
    instructor's notebook runs the instructor's text instead (nbgrader restores locked cells), and
    test cells, the checks' setup and display-only cells do not run at all: the notebook's own
    checks and metadata are never trusted, and can only cost the student, never earn a point.
    """
    chunks = []
    for index, cell in enumerate(notebook_cells(path)):
        if cell["cell_type"] != "code":
            continue
        cell_id = grade_id(cell)
        if cell_id in locked:
            source = locked[cell_id]
        elif is_test_cell(cell):
            source = None
        else:
            source = cell["source"]
        if source is not None:
            chunks.append((f"{path.name} [cell {index + 1}]", source))  # the worker runs it as IPython would
    return chunks


def read_chunks(path: Path, locked: dict[str, str | None]) -> tuple[list[tuple[str, str]], str | None]:
    """The code a submission runs, as (label, source) pairs, or the reason it cannot be read."""
    if path.is_symlink():
        return [], refusal(path, path.parent)
    if not path.is_file():
        return [], f"{path} does not exist."
    if path.stat().st_size > MAX_SUBMISSION_BYTES:
        return [], f"{path} is larger than {MAX_SUBMISSION_BYTES // 2**20} MiB."
    if path.suffix == ".ipynb":
        try:
            return notebook_chunks(path, locked), None
        except LoadError as exc:
            return [], str(exc)
    if path.suffix == ".py":
        try:
            return [(path.name, path.read_text(encoding="utf-8"))], None
        except (OSError, UnicodeDecodeError) as exc:
            return [], f"{path} could not be read: {exc}"
    return [], f"{path} is neither a .py file nor a notebook (.ipynb)."


def _all_tasks(day: Day, status: Status, message: str) -> list[TaskResult]:
    return [TaskResult(t.name, status, 0, t.points, message) for t in day.tasks]


@dataclass(frozen=True)
class Plan:
    """What grading a day's submissions takes: its tasks, its checks, and its locked cells' code."""

    day: Day
    checks: list[Check]
    locked: dict[str, str | None]
    library: Library | LazyLibrary | None = None  # the day's known mistakes, to name the one a failing task shows


def document(day: Day, submission: Submission, results: list[TaskResult], **extra) -> dict:
    return {
        "version": RESULTS_VERSION,
        "day": day.slug,
        "student": submission.student,
        "path": str(submission.path),
        "score": sum(r.points for r in results),
        "max_score": day.max_score,
        "tasks": [r.as_dict() for r in results],
        **extra,
    }


Job = tuple[str, Submission]  # (day, submission)


@dataclass(frozen=True)
class Orders:
    """What a grading process (grader.py) needs before its first job: per day the course, the day and its
    locked cells' code; the limits; the run's sampling seed (every grading process samples the same
    points, which no submission can know); whether each process grades several submissions (its next
    worker started ahead) and whether many (its checks warmed up on the reference first); the CPUs it
    keeps to; this process's working folder (a submission named on the command line may be relative)."""

    days: dict[str, tuple[Course, Day, dict[str, str | None]]]
    limits: Limits
    seed: int
    ahead: bool
    warm: bool
    cpus: tuple[int, ...]
    cwd: str
