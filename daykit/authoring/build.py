"""``daykit build``: render every generated file from its sources, or check that none is stale.

A notebook embeds its day's table of known mistakes, which the checking stage makes by running the
reference and the variants (daykit.checking.library): this stage cannot import it, so the caller hands in
``tables`` (course, day -> the table's JSON text, or None), as daykit.checking.generate does for the command.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from daykit.authoring.model import load_day
from daykit.authoring.render import render_notebook, render_stub
from daykit.course import Course, write_atomically


@dataclass(frozen=True)
class Artefact:
    path: Path
    text: str

    def is_current(self) -> bool:
        try:
            return self.path.read_text(encoding="utf-8") == self.text
        except FileNotFoundError:
            return False


Tables = Callable[[Course, str], "str | None"]  # a day's table of known mistakes, as its JSON text


def artefacts(course: Course, day: str, tables: Tables) -> list[Artefact]:
    """The files a day generates, rendered from one parse of its sources (and its table of known mistakes)."""
    model = load_day(course, day)
    return [
        Artefact(course.stub(day), render_stub(model)),
        Artefact(course.source_notebook(day), render_notebook(model, tables(course, day))),
    ]


def orphans(course: Course) -> list[Path]:
    """Generated files whose day has no solution any more."""
    days = set(course.days())
    found = [p for p in (course.root / "exercises").glob("day_*.py") if p.stem not in days]
    found += [p for p in (course.root / "source").glob("day_*/day_*.ipynb") if p.parent.name not in days]
    return sorted(found)


def stale(course: Course, days: list[str], tables: Tables) -> list[str]:
    """A line for each generated file that is missing, out of date, or left from a removed day."""
    problems = []
    for day in days:
        for artefact in artefacts(course, day, tables):
            if not artefact.is_current():
                state = "out of date" if artefact.path.exists() else "missing"
                problems.append(f"{course.relative(artefact.path)}: {state}")
    problems += [f"{course.relative(p)}: no solution generates it" for p in orphans(course)]
    return problems


def build(course: Course, days: list[str], tables: Tables) -> list[Path]:
    """Write every artefact that changed; returns the paths written."""
    written = []
    for day in days:
        for artefact in artefacts(course, day, tables):
            if not artefact.is_current():
                write_atomically(artefact.path, artefact.text)
                written.append(artefact.path)
    return written


def run(args, tables: Tables) -> int:
    course = Course.here()
    days = course.select(args.days)
    if args.check:
        problems = stale(course, days, tables)
        for line in problems:
            print(f"stale: {line}")
        if problems:
            print("Run `daykit build` to regenerate them.", file=sys.stderr)
            return 1
        print(f"all generated files are current ({len(days)} day(s)).")
        return 0
    written = build(course, days, tables)
    for path in written:
        print(f"wrote {course.relative(path)}")
    print(f"{len(written)} file(s) written, {len(days)} day(s) built.")
    return 0


def add_command(commands, tables: Tables) -> None:
    command = commands.add_parser("build", help="generate exercises/ and source/ from solutions/ and tests/")
    command.add_argument("days", nargs="*", metavar="DAY", help="days to build, like 39 or day_39 (default: all)")
    command.add_argument("--check", action="store_true", help="change nothing; fail naming every stale file")
    command.set_defaults(run=functools.partial(run, tables=tables))
