"""``daykit release``: nbgrader's generate_assignment for the chosen days, in one process.

Writes ``release/day_NN/day_NN.ipynb`` from ``source/day_NN/day_NN.ipynb`` in the course root (the
folder holding nbgrader_config.py): solution regions become ``# YOUR CODE HERE`` /
``raise NotImplementedError()`` and hidden tests are removed. nbgrader is loaded once for all days
(see :mod:`daykit.nbgrader.run`), so releasing seven days costs one start-up, not seven.
"""

from __future__ import annotations

import time
from pathlib import Path

from daykit.course import Course, CourseError
from daykit.nbgrader.run import NbgraderError, nbgrader_api, require


def release(course: Course, days: list[str]) -> dict[str, Path]:
    """Generate the release notebook of each day; returns ``{day: release notebook path}``.

    Raises CourseError when a source notebook is missing, NbgraderError (naming the day, with
    nbgrader's log) when nbgrader fails or writes no release notebook.
    """
    for day in days:
        if not course.source_notebook(day).exists():
            raise CourseError(f"{course.source_notebook(day)} does not exist: run `daykit build {day}` first.")
    api = nbgrader_api(course.root) if days else None
    released = {}
    for day in days:
        log = require(api.generate_assignment(day, force=True, create=True), f"release {day}")
        notebook = course.release_notebook(day)
        if not notebook.exists():
            raise NbgraderError(f"nbgrader released {day} but wrote no {notebook}. Its log:\n{log}")
        released[day] = notebook
    return released


def released(course: Course, days: list[str]) -> dict[str, Path]:
    """Each day's release notebook, released again with nbgrader when missing or older than its source."""
    stale = [
        d for d in days
        if not course.release_notebook(d).exists()
        or course.release_notebook(d).stat().st_mtime < course.source_notebook(d).stat().st_mtime
    ]
    if stale:
        release(course, stale)
    return {d: course.release_notebook(d) for d in days}


def run(args) -> int:
    course = Course.here()
    days = course.select(args.days)
    started = time.perf_counter()
    for day, notebook in release(course, days).items():
        print(f"released {day}: {course.relative(notebook)}")
    print(f"{len(days)} day(s) released in {time.perf_counter() - started:.1f} s.")
    return 0


def add_command(commands) -> None:
    command = commands.add_parser("release", help="generate release/ notebooks with nbgrader (stubs, no hidden tests)")
    command.add_argument("days", nargs="*", metavar="DAY", help="days to release, like 39 or day_39 (default: all)")
    command.set_defaults(run=run)
