"""``daykit export DAY --format csv|canvas``: the class's grades where they go next.

Both read nbgrader's gradebook, which ``daykit grade`` writes (and formgrader, where an instructor
grades by hand): the scores are what nbgrader counts, manual grades included and the late penalty
taken off.

- ``csv``: ``nbgrader export``'s columns, written by nbgrader's own CSV plugin for the one day.
- ``canvas``: the layout Canvas's gradebook import reads: ``Student, ID, SIS User ID, SIS Login ID,
  Section`` and one column named after the day, a ``Points Possible`` row, then a row per student.
  Canvas matches a row by ``ID`` (its own user id) or by ``SIS Login ID``. The row's ``ID`` is the
  student's ``lms_user_id`` in the gradebook (``nbgrader db student add alice --lms-user-id 12345``,
  or ``nbgrader db student import`` from a CSV with an ``lms_user_id`` column); ``SIS Login ID`` is
  the nbgrader student id, which matches when the course's logins are the students' user names.
  A student without a submission gets an empty cell (no grade), not a zero.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from daykit.course import Course, write_atomically
from daykit.nbgrader.gradebook import export_csv, scores

CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
FORMATS = ("csv", "canvas")


def canvas_csv(course_dir: Path, day: str) -> str:
    """The day's grades in the CSV layout Canvas imports."""
    possible, rows = scores(course_dir, day)
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([*CANVAS_COLUMNS, day])
    writer.writerow(["Points Possible", "", "", "", "", f"{possible:g}"])
    for row in sorted(rows, key=lambda r: r.student):
        name = ", ".join(part for part in (row.last_name, row.first_name) if part) or row.student
        score = "" if row.score is None else f"{row.score:g}"
        writer.writerow([name, row.lms_user_id, "", row.student, "", score])
    return stream.getvalue()


def export(course_dir: Path, day: str, form: str, path: Path) -> Path:
    if form == "csv":
        return export_csv(course_dir, day, path)
    if form == "canvas":
        write_atomically(path, canvas_csv(course_dir, day))
        return path
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {form!r}")


def run(args) -> int:
    course = Course.here()
    day = course.select([args.day])[0]
    default = f"{day}_grades.csv" if args.format == "csv" else f"{day}_canvas.csv"
    path = Path(args.output or course.root / default)
    export(course.root, day, args.format, path.resolve())
    print(f"wrote {course.relative(path)} ({args.format}: "
          + ("nbgrader's export columns" if args.format == "csv" else "Canvas's gradebook import") + ")",
          file=sys.stderr)
    return 0


def add_command(commands) -> None:
    command = commands.add_parser("export", help="export a day's grades from nbgrader's gradebook (CSV or Canvas)")
    command.add_argument("day", metavar="DAY", help="the day, like 39 or day_39")
    command.add_argument("--format", choices=FORMATS, default="csv",
                         help="csv: nbgrader export's columns; canvas: Canvas's gradebook import (default: csv)")
    command.add_argument("--output", "-o", metavar="FILE",
                         help="where to write (default: DAY_grades.csv or DAY_canvas.csv in the course root)")
    command.set_defaults(run=run)
