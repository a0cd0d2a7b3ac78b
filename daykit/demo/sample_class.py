"""A sample class of submissions built from a day's variants, for the demo, the graders' tests and benchmarks.

Each sample student is the reference solution with some task functions replaced: by a known-wrong
or alternative-correct variant (``variants/day_NN.py``), or left as the stub (not started). From that
one description come a submitted notebook (the release notebook, filled in as a student would) or a
submitted ``.py`` module, laid out where nbgrader collects them:
``submitted/<student>/<day>/<day>.ipynb`` beside a ``timestamp.txt``.
"""

from __future__ import annotations

import ast
import copy
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from daykit.authoring.model import MARKER, load_day
from daykit.authoring.render import clear_solutions
from daykit.checking.variants import load_variants
from daykit.course import Course, CourseError

KINDS = ("ipynb", "py")


@dataclass(frozen=True)
class SampleStudent:
    """One sample submission: ``replacements[task]`` is a function's source, or None for the stub."""

    student_id: str
    description: str
    replacements: dict[str, str | None] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------ splicing


def function_span(text: str, name: str) -> tuple[int, int]:
    """The 0-based [start, end) line range of the top-level function ``name``, decorators included."""
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise CourseError(f"the code to splice into does not parse: line {exc.lineno}: {exc.msg}") from None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            return start, node.end_lineno
    raise CourseError(f"the code defines no top-level function {name} to replace.")


def function_source(text: str, name: str) -> str:
    """The source of the top-level function ``name`` in ``text``, decorators included."""
    start, end = function_span(text, name)
    return "\n".join(text.splitlines()[start:end]) + "\n"


def submission_source(solution_text: str, replacements: dict[str, str]) -> str:
    """``solution_text`` with each named top-level function replaced by the given source; every other
    line is kept as it is. A None replacement keeps the function unchanged."""
    spans = sorted(((*function_span(solution_text, task), source) for task, source in replacements.items()
                    if source is not None), reverse=True)
    lines = solution_text.splitlines()
    for start, end, source in spans:  # bottom-up, so earlier spans keep their line numbers
        lines[start:end] = source.rstrip("\n").splitlines()
    return "\n".join(lines) + ("\n" if solution_text.endswith("\n") else "")


def strip_solution_markers(code: str) -> str:
    """The reference code of a solution cell: its ``### BEGIN/END SOLUTION`` lines dropped, code kept."""
    return "\n".join(line for line in code.splitlines() if not MARKER.match(line))


def _grade_id(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta.get("grade_id") if meta.get("solution") else None


def submission_notebook(release_nb, source_nb, replacements: dict[str, str | None]):
    """The release notebook as a student submits it: each solution cell (grade_id = task) holds the
    reference code of the source notebook's cell, markers stripped; a task in ``replacements`` gets
    that function spliced in instead, or keeps its stub when the replacement is None."""
    reference = {_grade_id(c): c for c in source_nb.cells if _grade_id(c)}
    notebook = copy.deepcopy(release_nb)
    for cell in notebook.cells:
        task = _grade_id(cell)
        if task is None or (task in replacements and replacements[task] is None):
            continue
        if task not in reference:
            raise CourseError(f"the release notebook has a solution cell {task} that the source notebook lacks: "
                              "release again after `daykit build`.")
        code = strip_solution_markers(reference[task].source)
        if task in replacements:
            code = submission_source(code, {task: replacements[task]})
        cell.source = code
    unknown = sorted(set(replacements) - set(reference))
    if unknown:
        raise CourseError(f"no solution cell for {', '.join(unknown)} in the notebook (tasks: {', '.join(reference)}).")
    return notebook


def submission_module(course: Course, day: str, replacements: dict[str, str | None]) -> str:
    """The day as a submitted ``.py`` module: the reference solution with the replacements spliced in;
    a None replacement puts back the task's whole cell as the stub has it (every solution region of
    the cell cleared, helper classes included), as in the release notebook."""
    text = course.solution(day).read_text(encoding="utf-8")
    stubbed = {task for task, source in replacements.items() if source is None}
    for cell in load_day(course, day).cells if stubbed else ():
        if cell.task in stubbed:
            if text.count(cell.source) != 1:
                raise CourseError(f"{course.solution(day)}: the cell of task {cell.task} is not found verbatim.")
            text = text.replace(cell.source, clear_solutions(cell.source, course.solution(day)))
            stubbed.discard(cell.task)
    if stubbed:
        raise CourseError(f"{course.solution(day)} has no task {', '.join(sorted(stubbed))}.")
    return submission_source(text, {task: source for task, source in replacements.items() if source is not None})


# ---------------------------------------------------------------------------------------- the class


def sample_class(course: Course, day: str) -> list[SampleStudent]:
    """The sample class of a day: ``reference``, ``stub`` (nothing started), then one student per
    known-wrong variant (``wrong_01``, ...) and one per alternative-correct variant (``right_01``, ...)."""
    tasks = [task.name for task in load_day(course, day).tasks]
    path = course.variants(day)
    variants = load_variants(path) if path.exists() else []
    students = [
        SampleStudent("reference", "the reference solution", {}),
        SampleStudent("stub", "the release notebook untouched", dict.fromkeys(tasks)),
    ]
    for correct, prefix in ((False, "wrong"), (True, "right")):
        chosen = [v for v in variants if v.correct is correct]
        for number, variant in enumerate(chosen, 1):
            students.append(SampleStudent(f"{prefix}_{number:02d}", f"{variant.task}: {variant.why}",
                                          {variant.task: variant.source()}))
    return students


def one_wrong_per_task(students: list[SampleStudent]) -> list[SampleStudent]:
    """The reference, the stub and the first known-wrong student of each task (the demo's class)."""
    kept, seen = [], set()
    for student in students:
        if student.student_id.startswith("wrong_"):
            task = next(iter(student.replacements))
            if task in seen:
                continue
            seen.add(task)
        elif student.student_id not in ("reference", "stub"):
            continue
        kept.append(student)
    return kept


def _read_notebook(path: Path, hint: str):
    if not path.exists():
        raise CourseError(f"{path} does not exist: {hint}")
    import nbformat  # imported here: it costs seconds, and the daykit command imports this module

    return nbformat.read(str(path), as_version=4)


def write_submissions(course_dir: Path, day: str, students: list[SampleStudent], kind: str = "ipynb",
                      course: Course | None = None) -> list[Path]:
    """Write each student's submission as ``submitted/<student>/<day>/<day>.<kind>`` plus timestamp.txt
    under ``course_dir``. Notebooks start from ``course_dir``'s release/ and source/ notebooks; ``.py``
    modules from ``course``'s (default: this one) solution and stub. Returns the files written."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    course_dir = Path(course_dir)
    if kind == "ipynb":
        release_nb = _read_notebook(course_dir / "release" / day / f"{day}.ipynb", f"release {day} first.")
        source_nb = _read_notebook(course_dir / "source" / day / f"{day}.ipynb", f"run `daykit build {day}` first.")
    if kind == "py":
        course = course or Course.here()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    written = []
    for student in students:
        folder = course_dir / "submitted" / student.student_id / day
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{day}.{kind}"
        if kind == "ipynb":
            path.write_text(json.dumps(submission_notebook(release_nb, source_nb, student.replacements), indent=1,
                                       sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        else:
            path.write_text(submission_module(course, day, student.replacements), encoding="utf-8")
        (folder / "timestamp.txt").write_text(stamp + "\n", encoding="utf-8")
        written.append(path)
    return written
