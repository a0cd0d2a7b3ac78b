"""The ``daykit`` command: it parses arguments and dispatches; every command lives in its own module."""

from __future__ import annotations

import argparse
import sys

from daykit.course import Course, CourseError


def cmd_build(args: argparse.Namespace) -> int:
    from daykit.build import build, stale

    course = Course.here()
    days = course.select(args.days)
    if args.check:
        problems = stale(course, days)
        for line in problems:
            print(f"stale: {line}")
        if problems:
            print("Run `daykit build` to regenerate them.", file=sys.stderr)
            return 1
        print(f"all generated files are current ({len(days)} day(s)).")
        return 0
    written = build(course, days)
    for path in written:
        print(f"wrote {course.relative(path)}")
    print(f"{len(written)} file(s) written, {len(days)} day(s) built.")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from daykit.content import verify_day

    course = Course.here()
    failed = 0
    for day in course.select(args.days):
        problems = verify_day(course, day)
        failed += bool(problems)
        print(f"{day}: {'sound' if not problems else f'{len(problems)} problem(s)'}")
        for line in problems:
            print(f"  - {line}")
    return 1 if failed else 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="daykit", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="generate exercises/ and source/ from solutions/ and tests/")
    build.add_argument("days", nargs="*", metavar="DAY", help="days to build, like 39 or day_39 (default: all)")
    build.add_argument("--check", action="store_true", help="change nothing; fail naming every stale file")
    build.set_defaults(run=cmd_build)

    verify = commands.add_parser(
        "verify", help="test a day's checks: reference passes, stub not started, variants caught or accepted"
    )
    verify.add_argument("days", nargs="*", metavar="DAY", help="days to verify (default: all)")
    verify.set_defaults(run=cmd_verify)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CourseError as exc:
        print(f"daykit: {exc}", file=sys.stderr)
        return 2
