"""``daykit check``: run the visible checks on the student's exercises and print a table per day."""

from __future__ import annotations

from daykit.course import Course
from daykit.student.practice import course_results, run_day
from daykit.student.screen import render_check


def run(args) -> int:
    course = Course.here()
    days = course.select(args.days)
    fresh = {day: run_day(course, day) for day in days}
    everything = course_results(course, fresh)
    print(render_check([fresh[d] for d in days], everything, color=None))
    return 0 if all(r.done for r in fresh.values()) else 1


def add_command(commands) -> None:
    command = commands.add_parser("check", help="run the visible checks on your exercises: a table of tasks")
    command.add_argument("days", nargs="*", metavar="DAY", help="days to check, like 39 or day_39 (default: all)")
    command.set_defaults(run=run)
