"""``daykit build`` with each day's table of known mistakes: the command of daykit.authoring.build, given
the tables this stage makes (the variants' outcomes on the visible checks' calls, as salted hashes; see
library.py), which every generated notebook embeds so that its test cells name a known mistake.

Making a day's table runs its reference and variants on every check's calls (a few seconds for the
course), so a table is kept in ``.daykit/build/`` under a digest of all it is made from: the day's
solution, checks, hidden checks and variants, the code that makes it, and the versions of Python, NumPy
and SymPy. Any change to one of them makes it again; ``daykit build --check`` compares with it all the same.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from daykit.authoring import build as authoring_build
from daykit.course import Course, write_atomically

CACHE = Path(".daykit") / "build"


def _digest(course: Course, day: str) -> str:
    import numpy as np
    import sympy as sp

    package = Path(__file__).resolve().parents[1]
    sources = [course.solution(day), course.checks(day), course.hidden_checks(day), course.variants(day)]
    code = [package / "checks.py", *sorted((package / "checking").glob("*.py"))]
    digest = hashlib.sha256(f"{sys.version}|{np.__version__}|{sp.__version__}".encode())
    for path in [*sources, *code]:
        digest.update(f"\n{path.name}\n".encode())
        digest.update(path.read_bytes() if path.exists() else b"(none)")
    return digest.hexdigest()


def make_table(course: Course, day: str) -> str | None:
    """The day's table of known mistakes as the compact JSON text a notebook embeds; None without variants."""
    from daykit.checking.library import load_library, visible_table
    from daykit.checks import mistakes_json

    library = load_library(course, day)
    if library is None:
        return None
    return mistakes_json(visible_table(library), day)


def tables(course: Course, day: str) -> str | None:
    """``make_table``, kept in ``.daykit/build/`` under the digest of what it is made from."""
    if not course.variants(day).exists():
        return None
    folder = course.root / CACHE
    path = folder / f"{day}-{_digest(course, day)[:32]}.json"
    if path.exists():
        text = path.read_text(encoding="utf-8")
        return text or None
    text = make_table(course, day)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / ".gitignore").exists():
            (folder / ".gitignore").write_text("# made by daykit build: a cache of each day's table\n*\n")
        for old in folder.glob(f"{day}-*.json"):
            old.unlink()
        write_atomically(path, text or "")
    except OSError:
        pass  # a read-only course: the table is made again next time
    return text


def add_command(commands) -> None:
    authoring_build.add_command(commands, tables)
