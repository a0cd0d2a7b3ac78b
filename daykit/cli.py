"""The ``daykit`` command. It only parses and dispatches: each module in COMMANDS adds its own
subcommand with ``add_command(subparsers)`` and a ``run(args) -> int`` bound through set_defaults."""

from __future__ import annotations

import argparse
import importlib
import sys

from daykit.course import CourseError

COMMANDS = [
    "daykit.authoring.build",
    "daykit.checking.verify",
    "daykit.nbgrader.release",
    "daykit.demo.run",
    "daykit.grading.grade",
    "daykit.site.build",
    "daykit.grading.export",
    "daykit.student.check",
    "daykit.student.hints",
    "daykit.student.watch",
    "daykit.student.edition",
]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="daykit", description="Auto-graded daily exercises on the calculus behind machine learning."
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).add_command(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CourseError as exc:
        print(f"daykit: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("daykit: interrupted.", file=sys.stderr)
        return 130
