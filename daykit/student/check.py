"""``daykit check``: run the visible checks on the student's exercises and print a table per day.

Each task's line is printed as soon as its checks end (a task that hangs is stopped at its time limit
and named), then the day's counts, the course progress and the next step. ``--target`` checks another
file than ``exercises/day_NN.py``: a ``.py`` or ``.ipynb`` submission, or a folder holding one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from daykit.checking.limit import TASK_SECONDS
from daykit.checking.runner import TaskResult
from daykit.checking.where import target_path
from daykit.course import Course, CourseError, slug
from daykit.student.practice import DayResult, Interrupted, PracticeDay, course_results, practice_day, run_day
from daykit.student.screen import (
    Style,
    day_foot,
    day_head,
    next_step,
    progress_bar,
    task_line,
    task_width,
)


class Printer:
    """Prints a practice run as it happens: the day's title, a load error, each task's line."""

    def __init__(self, out=None, style: Style | None = None) -> None:
        self.out = out or sys.stdout
        self.style = style or Style()
        self.live = self.out.isatty()
        self.width = 0
        self.label = ""
        self.pending = False

    def write(self, text: str) -> None:
        if self.pending:  # erase the "running" line
            self.out.write("\r\033[K")
            self.pending = False
        self.out.write(text)
        self.out.flush()

    def __call__(self, kind: str, value) -> None:
        if kind == "begin":
            day: PracticeDay = value
            self.width = task_width(day)
        elif kind == "loaded" and value:
            self.write(self.style.paint(f"  ! does not load: {value}", "red") + "\n")
        elif kind == "start" and self.live:
            self.write(self.style.paint(f"  … {value:<{self.width}}  running", "dim"))
            self.pending = True
        elif kind == "done":
            result: TaskResult = value
            self.write(task_line(result, self.width, self.style) + "\n")


def targets(course: Course, days: list[str], option: str | None) -> dict[str, tuple[Path | None, str | None]]:
    """For each day, the file to check and its label (None, None: the day's exercise file)."""
    if option is None:
        return {day: (None, None) for day in days}
    cwd = Path.cwd()
    chosen = {}
    for day in days:
        path, label = target_path(option, course.root, cwd, day)
        if not path.exists():
            if len(days) > 1 and Path(option).expanduser().is_dir():
                continue  # a folder with some of the days
            raise CourseError(f"--target {option}: {path} does not exist (give a .py or .ipynb file, or a folder "
                              f"holding {day}.py or {day}.ipynb).")
        if path.is_file() and path.suffix not in (".py", ".ipynb"):
            raise CourseError(f"--target {option}: {label} is neither a .py file nor a notebook (.ipynb).")
        chosen[day] = (path, label)
    if not chosen:
        raise CourseError(f"--target {option}: no day's file in it ({', '.join(f'{d}.py' for d in days)}).")
    return chosen


def chosen_days(course: Course, days: list[str], option: str | None) -> list[str]:
    """The named days; with a ``--target`` file and no day named, the day in the file's name."""
    if option and not days and Path(option).suffix in (".py", ".ipynb"):
        try:
            return course.select([slug(Path(option).name)])
        except CourseError:
            raise CourseError(f"--target {option}: name the day too, like `daykit check 39 --target {option}`.") \
                from None
    selected = course.select(days)
    if option and len(selected) > 1 and Path(option).suffix in (".py", ".ipynb"):
        raise CourseError(f"--target {option} is one day's file: name that day, like `daykit check 39 --target "
                          f"{option}`.")
    return selected


def run(args) -> int:
    course = Course.here()
    days = chosen_days(course, args.days, args.target)
    style = Style()
    printer = Printer(style=style)
    fresh: dict[str, DayResult] = {}
    try:
        for day, (path, label) in targets(course, days, args.target).items():
            if fresh:
                print()
            print(day_head(practice_day(course, day), label or course.relative(course.stub(day)), style), flush=True)
            fresh[day] = run_day(course, day, target=path, label=label, limit=args.time_limit, report=printer)
            print(day_foot(fresh[day], style), flush=True)
        print()
        if args.target is None:
            everything = course_results(course, fresh)
            print(progress_bar(everything, style))
            print()
    except Interrupted as exc:
        printer.write("\n")
        print(f"daykit: {exc}", file=sys.stderr)
        return 130
    print(next_step(list(fresh.values())))
    return 0 if all(r.done for r in fresh.values()) else 1


def add_target_options(command) -> None:
    command.add_argument("--target", metavar="WHERE", default=None,
                         help="check this .py or .ipynb file (or the day's file in this folder) "
                              "instead of exercises/day_NN.py")
    command.add_argument("--time-limit", type=float, default=TASK_SECONDS, metavar="SECONDS",
                         help=f"time each task may take, as at grading (default: {TASK_SECONDS:g}; 0: no limit)")


def add_command(commands) -> None:
    command = commands.add_parser("check", help="run the visible checks on your exercises: a table of tasks")
    command.add_argument("days", nargs="*", metavar="DAY", help="days to check, like 39 or day_39 (default: all)")
    add_target_options(command)
    command.set_defaults(run=run)
