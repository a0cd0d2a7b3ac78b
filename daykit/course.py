"""Where each file of a course lives: one slug per day, the same in every tree.

The instructor repository holds every tree; the student edition holds only the shipped ones
(exercises, visible tests, hints, release notebooks), and every lookup here works in both.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

DAY_PATTERN = re.compile(r"day_(\d{2,3})")


class CourseError(Exception):
    """A problem with the course's files, with a message naming the file and the fix."""


def slug(day: str | int) -> str:
    """``39``, ``"39"``, ``"day_39"`` or ``"day_39.py"`` → ``"day_39"``."""
    text = str(day)
    match = DAY_PATTERN.search(text)
    if match:
        return f"day_{match.group(1)}"
    if text.isdigit():
        return f"day_{int(text):02d}"
    raise CourseError(f"{day!r} is not a day: name it like 39 or day_39.")


# nbgrader's folders of students' files in a course: whatever a student hands in lands there
STUDENT_FOLDERS = ("submitted", "autograded", "feedback")


def find_root(start: Path | None = None) -> Path:
    """The course root: the nearest folder at or above ``start`` holding exercises/ and tests/, unless it
    is inside the students' files (``STUDENT_FOLDERS``) of a course above it: a student may hand in
    folders of their own that look like a course, and then the course above is the one."""
    here = (start or Path.cwd()).resolve()
    found = [folder for folder in (here, *here.parents)
             if (folder / "exercises").is_dir() and (folder / "tests").is_dir()]
    for folder in found:
        if not any(folder.relative_to(outer).parts[0] in STUDENT_FOLDERS for outer in found if outer != folder
                   and folder.is_relative_to(outer)):
            return folder
    raise CourseError(
        f"{here} is not inside a daykit course (no folder above it holds exercises/ and tests/). "
        "Run the command from the course repository."
    )


@dataclass(frozen=True)
class Course:
    root: Path

    @classmethod
    def here(cls, start: Path | None = None) -> Course:
        return cls(find_root(start))

    # authored, instructor only
    def solution(self, day: str) -> Path:
        return self.root / "solutions" / f"{day}.py"

    def hidden_checks(self, day: str) -> Path:
        return self.root / "hidden" / f"test_{day}_hidden.py"

    def variants(self, day: str) -> Path:
        return self.root / "variants" / f"{day}.py"

    # authored, shipped
    def checks(self, day: str) -> Path:
        return self.root / "tests" / f"test_{day}.py"

    def hints(self, day: str) -> Path:
        return self.root / "hints" / f"{day}.toml"

    # generated
    def stub(self, day: str) -> Path:
        return self.root / "exercises" / f"{day}.py"

    def source_notebook(self, day: str) -> Path:
        return self.root / "source" / day / f"{day}.ipynb"

    def release_notebook(self, day: str) -> Path:
        return self.root / "release" / day / f"{day}.ipynb"

    @property
    def is_instructor(self) -> bool:
        return (self.root / "solutions").is_dir()

    def days(self) -> list[str]:
        """Every day of the course, in order: from solutions/ (instructor) or exercises/ (student)."""
        folder = self.root / ("solutions" if self.is_instructor else "exercises")
        found = {slug(p.name) for p in folder.glob("day_*.py") if DAY_PATTERN.fullmatch(p.stem)}
        return sorted(found, key=lambda s: int(s.split("_")[1]))

    def select(self, days: list[str] | None) -> list[str]:
        """The named days (all when none is named), each checked to exist."""
        known = self.days()
        if not days:
            return known
        chosen = [slug(d) for d in days]
        for day in chosen:
            if day not in known:
                raise CourseError(f"There is no {day} in {self.root}: the days are {', '.join(known)}.")
        return chosen

    def relative(self, path: Path) -> str:
        try:
            return str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return str(path)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(handle, 0o666 & ~umask)  # mkstemp makes 0600; the file gets the mode open() would give it
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
