"""The whole nbgrader cycle for every day, in one temporary course.

generate_assignment (one call for all days) → the release notebook has stubs and no hidden tests;
nbgrader's validator passes the source notebook and (inverted) fails every test cell of the release
one; autograde (one call per day, two students) gives the reference full marks per task and the
untouched release zero. The per-day nbgrader steps run side by side in two processes.
"""

from functools import cache

import nbformat
import pytest

from daykit.authoring.model import load_day
from daykit.course import Course
from daykit.demo.sample_class import SampleStudent, sample_class, write_submissions
from daykit.nbgrader.release import release
from daykit.nbgrader.run import add_students, autograde, side_by_side, temporary_course, validation_problems

pytestmark = pytest.mark.slow

COURSE = Course.here()
DAYS = COURSE.days()
STUDENTS = ("reference", "stub")
WORKERS = 2


@cache
def model(day):
    return load_day(COURSE, day)


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """Release every day once, lay out a reference and a stub submission per day, then run each
    day's autograde and both validations; every outcome (or the error it raised) by day and step."""
    course_dir = temporary_course(COURSE, parent=tmp_path_factory.mktemp("nbgrader"))
    course = Course(course_dir)
    released = release(course, DAYS)
    calls, keys = [], []
    for day in DAYS:
        students: list[SampleStudent] = [s for s in sample_class(COURSE, day) if s.student_id in STUDENTS]
        write_submissions(course_dir, day, students)
        calls += [
            (autograde, (course_dir, day, list(STUDENTS))),
            (validation_problems, (course.source_notebook(day), False)),
            (validation_problems, (released[day], True)),
        ]
        keys += [(day, "autograde"), (day, "source"), (day, "release")]
    add_students(course_dir, list(STUDENTS))  # before the autogrades run side by side
    outcomes = side_by_side(calls, workers=WORKERS, return_exceptions=True)
    return {"released": released, **dict(zip(keys, outcomes, strict=True))}


def outcome(cycle, day, step):
    found = cycle[(day, step)]
    if isinstance(found, BaseException):
        raise found
    return found


@pytest.mark.parametrize("day", DAYS)
def test_release_has_stubs_and_no_hidden_tests(cycle, day):
    notebook = nbformat.read(str(cycle["released"][day]), as_version=4)
    text = nbformat.writes(notebook)
    solutions = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert [c.metadata.nbgrader.grade_id for c in solutions] == [t.name for t in model(day).tasks]
    for cell in solutions:
        assert "# YOUR CODE HERE" in cell.source and "raise NotImplementedError()" in cell.source, cell.source
        assert "### BEGIN SOLUTION" not in cell.source
    assert "BEGIN HIDDEN TESTS" not in text
    hidden = model(day).hidden
    leaked = [c.name for c in (hidden.checks if hidden else ()) if c.name in text]
    assert leaked == [], f"hidden checks in the release notebook of {day}"


@pytest.mark.parametrize("day", DAYS)
def test_source_notebook_validates(cycle, day):
    assert outcome(cycle, day, "source") == {}


@pytest.mark.parametrize("day", DAYS)
def test_release_notebook_fails_every_test_cell(cycle, day):
    assert outcome(cycle, day, "release") == {}


@pytest.mark.parametrize("day", DAYS)
def test_autograde_gives_reference_full_marks_and_stub_zero(cycle, day):
    scores = outcome(cycle, day, "autograde")
    full = {f"test_{task.name}": float(task.points) for task in model(day).tasks}
    assert scores["reference"] == full
    assert sum(scores["reference"].values()) == model(day).max_score
    assert scores["stub"] == dict.fromkeys(full, 0.0)
