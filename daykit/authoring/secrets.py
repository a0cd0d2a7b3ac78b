"""What of the authored sources a student must never see: the lines of the reference's solution regions
and of the hidden checks, less the lines shipped on purpose (the stub, the visible checks), and the hidden
checks' names. The student edition's audit and the site's audit both look for these."""

from __future__ import annotations

import ast
import re

from daykit.authoring.model import solution_regions
from daykit.course import Course

TRIVIAL = {"else", "try", "finally", "pass", "break", "continue", "return", "except", "return None", "return 0"}


def lines(text: str) -> set[str]:
    """The stripped lines worth looking for: not blank, not bare punctuation or a lone keyword."""
    found = set()
    for line in text.splitlines():
        line = line.strip()
        if re.search(r"[A-Za-z0-9]", line) and line.rstrip(":") not in TRIVIAL:
            found.add(line)
    return found


def solution_lines(course: Course, day: str) -> set[str]:
    """Lines written in the reference's solution regions."""
    path = course.solution(day)
    text = path.read_text(encoding="utf-8")
    source = text.splitlines()
    found = set()
    for begin, end in solution_regions(text, path):
        found |= lines("\n".join(source[begin + 1 : end]))
    return found


def secrets(course: Course, days: list[str], public: set[str] = frozenset()) -> tuple[dict[str, str], dict[str, str]]:
    """(secret lines, hidden check names), each mapped to where it comes from. Lines of the stub and of the
    visible checks (a visible check may well define ``x = sp.Symbol("x")``), and ``public``, are not secret."""
    shipped = set(public)
    for day in days:
        shipped |= lines(course.stub(day).read_text(encoding="utf-8"))
        shipped |= lines(course.checks(day).read_text(encoding="utf-8"))
    found, names = {}, {}
    for day in days:
        for line in solution_lines(course, day) - shipped:
            found[line] = f"the reference solution of {day}"
        hidden = course.hidden_checks(day)
        if hidden.exists():
            text = hidden.read_text(encoding="utf-8")
            for line in lines(text) - shipped:
                found.setdefault(line, f"the hidden checks of {day}")
            for node in ast.parse(text).body:
                if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                    names[node.name] = f"the hidden check {node.name} of {day}"
    return found, names
