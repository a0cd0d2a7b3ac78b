"""The student's small private state in the course root: ``.daykit/`` (hint levels, last results).

The folder ignores itself in git (it holds a ``.gitignore`` of ``*``), so it is never committed or
shipped. A missing or damaged file reads as empty: state is a convenience, never a source of truth.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from daykit.course import Course

FOLDER = ".daykit"


def state_file(course: Course, name: str) -> Path:
    return course.root / FOLDER / name


def read_state(course: Course, name: str) -> dict:
    try:
        data = json.loads(state_file(course, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_state(course: Course, name: str, data: dict) -> None:
    path = state_file(course, name)
    path.parent.mkdir(exist_ok=True)
    ignore = path.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# daykit's private state: never committed\n*\n", encoding="utf-8")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(data, stream, indent=1, sort_keys=True)
    os.replace(temporary, path)
