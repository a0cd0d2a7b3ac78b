"""The site's audit: no line of a reference solution region, no hidden check and no nbgrader marker
anywhere in a built site, the way the student edition is audited.

Every text file of the site is read as a reader would see it: an HTML page as its text (tags
dropped, entities decoded, so a highlighted code block reads as the code it shows), a JSON file
(the search index) as the text of its strings, a notebook as its cells' sources and outputs, any
other text file as it is. Binary files (images, fonts, wheels) are skipped. A secret line is a
meaningful line of a solution region or of a hidden check file that is not also public: a line of
the stub, the visible checks or the lesson text, which the site shows on purpose.

Files copied as they are from packages (the theme's assets, MathJax, JupyterLite's application) are
read the same way, but a line of a few characters there (``return path``) is JavaScript's own, not a
sign of a leak: in them only lines of at least VENDORED_MIN characters count. Pages, the search
index, downloads and the notebooks of the JupyterLite build are checked line by line, every line.
A notebook's table of known mistakes (its setup cell) is checked as the student edition's: salted
hashes only, and, where the course has the day's variants, no hidden call and no reference result.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from daykit.authoring.secrets import lines as _lines
from daykit.authoring.secrets import secrets as authored_secrets
from daykit.course import Course

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
VENDORED = ("assets/", "mathjax/", "lite/")
AUTHORED_IN_VENDORED = ("lite/files/", "lite/api/")
VENDORED_MIN = 20


def vendored(relative: str) -> bool:
    """A file the build copied from a package, as opposed to one it wrote from the course."""
    return relative.startswith(VENDORED) and not relative.startswith(AUTHORED_IN_VENDORED)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def html_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def readable(path: Path) -> list[str] | None:
    """What a reader sees of a file, as texts; None for a binary file."""
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if path.suffix in (".html", ".htm"):
        return [text, html_text(text)]
    if path.suffix in (".json", ".ipynb"):
        try:
            strings = _strings(json.loads(text))
        except ValueError:
            return [text]
        return [text, *strings, *(html_text(s) for s in strings if "<" in s)]
    return [text]


def secrets(course: Course, days: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(secret lines, hidden check names): the edition's, less the lesson's lines, which a page shows as
    prose (the exercise file carries them as comments)."""
    lesson = set()
    for day in days:
        lesson |= {line.removeprefix("#").strip() for line in _lines(course.stub(day).read_text(encoding="utf-8"))}
    return authored_secrets(course, days, public=lesson)


def site_leaks(course: Course, days: list[str], site: Path) -> list[str]:
    """Every problem with a built site, one line each naming the file; empty when it is clean."""
    lines, names = secrets(course, days)
    problems = []
    libraries: dict = {}  # a day's library of known mistakes, made once for its notebooks' tables
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        texts = readable(path)
        if texts is None:
            continue
        relative = path.relative_to(site)
        seen = set().union(*(_lines(html.unescape(t)) for t in texts))
        if vendored(relative.as_posix()):
            seen = {line for line in seen if len(line) >= VENDORED_MIN}
        for line in sorted(seen & lines.keys()):
            problems.append(f"{relative}: holds a line of {lines[line]}: {line}")
        words = set().union(*(IDENTIFIER.findall(t) for t in texts))
        for name in sorted(words & names.keys()):
            problems.append(f"{relative}: names {names[name]}")
        for marker in MARKERS:
            if any(marker in t for t in texts):
                problems.append(f"{relative}: holds the marker {marker!r}")
        if path.suffix == ".ipynb":
            problems += _notebook_table_problems(course, days, path, relative, libraries)
    return problems


def _notebook_table_problems(course: Course, days: list[str], path: Path, relative: Path, libraries: dict) -> list[str]:
    """What the table of known mistakes a notebook's setup cell embeds holds that it must not (see
    daykit.checking.diagnosis.table_problems), checked against the day's variants where the course has them."""
    from daykit.checking.diagnosis import embedded_table, table_problems

    try:
        text = embedded_table(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return []
    if text is None:
        return []
    day = path.stem if path.stem in days else None
    if day is not None and day not in libraries:
        from daykit.checking.library import load_library  # the instructor's: the site is built by one

        libraries[day] = load_library(course, day) if course.variants(day).exists() else None
    return table_problems(relative, day or path.stem, text, libraries.get(day))
