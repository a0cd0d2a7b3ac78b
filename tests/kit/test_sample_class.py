"""The sample class's splicing: a replaced function is there, everything else is identical, and a stub
stays a stub. Fast: no nbgrader run (the release notebook is made here by clearing the source one)."""

import copy
from functools import cache

import nbformat
import pytest

from daykit.authoring.render import clear_solutions
from daykit.course import Course, CourseError
from daykit.demo.sample_class import (
    function_source,
    one_wrong_per_task,
    sample_class,
    strip_solution_markers,
    submission_module,
    submission_notebook,
    submission_source,
    write_submissions,
)

COURSE = Course.here()
DAYS = COURSE.days()


@cache
def students_of(day):
    return tuple(sample_class(COURSE, day))

SOLUTION = '''"""A module."""

import math


def helper(x):
    return x + 1


@staticmethod
def decorated(x):
    """Doc."""
    return math.sqrt(x)


def last(x):
    return helper(x) * 2
'''


def test_replacing_a_function_keeps_every_other_line():
    new = "def decorated(x):\n    return -1\n"
    out = submission_source(SOLUTION, {"decorated": new})
    assert "return -1" in out and "math.sqrt" not in out
    assert "@staticmethod" not in out  # decorators belong to the replaced function
    assert out.replace(new, "") == SOLUTION.replace(function_source(SOLUTION, "decorated"), "")
    assert out.endswith("\n")


def test_replacing_two_functions_and_none_leaves_the_rest():
    out = submission_source(SOLUTION, {"helper": "def helper(x):\n    return 0", "last": None})
    assert "return 0" in out and "return x + 1" not in out
    assert "return helper(x) * 2" in out
    assert submission_source(SOLUTION, {}) == SOLUTION


def test_replacing_a_missing_function_names_it():
    with pytest.raises(CourseError, match="no top-level function nowhere"):
        submission_source(SOLUTION, {"nowhere": "def nowhere(): pass"})


def _notebooks(day):
    source = nbformat.read(str(COURSE.source_notebook(day)), as_version=4)
    release = copy.deepcopy(source)
    for cell in release.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = clear_solutions(cell.source)
    return release, source


def _solution_cells(notebook):
    return {c.metadata.nbgrader.grade_id: c.source for c in notebook.cells if c.metadata.get("nbgrader", {}).get(
        "solution")}


@pytest.fixture(params=DAYS)
def day(request):
    return request.param


def test_the_reference_notebook_holds_the_reference_code(day):
    release, source = _notebooks(day)
    out = submission_notebook(release, source, {})
    for task, code in _solution_cells(out).items():
        assert code == strip_solution_markers(_solution_cells(source)[task])
        assert "### BEGIN SOLUTION" not in code and "NotImplementedError" not in code
    others = [(c.cell_type, c.source) for c in out.cells if not c.metadata.get("nbgrader", {}).get("solution")]
    assert others == [(c.cell_type, c.source) for c in release.cells if not c.metadata.get("nbgrader", {}).get(
        "solution")]


def test_a_stub_stays_a_stub_and_a_variant_is_spliced_in(day):
    release, source = _notebooks(day)
    students = list(students_of(day))
    stub = next(s for s in students if s.student_id == "stub")
    assert _solution_cells(submission_notebook(release, source, stub.replacements)) == _solution_cells(release)
    for student in students:
        if not student.student_id.startswith(("wrong_", "right_")):
            continue
        (task, function), = student.replacements.items()
        cells = _solution_cells(submission_notebook(release, source, student.replacements))
        assert function.strip() in cells[task]
        assert all("NotImplementedError" not in code for code in cells.values())
        for other, code in cells.items():
            if other != task:
                assert code == strip_solution_markers(_solution_cells(source)[other])


def test_sample_students_have_valid_ids_and_descriptions(day):
    students = list(students_of(day))
    ids = [s.student_id for s in students]
    assert ids[:2] == ["reference", "stub"] and len(set(ids)) == len(ids)
    assert all(i.replace("_", "").isalnum() and i.islower() and len(i) <= 12 for i in ids)
    wrong = [s for s in students if s.student_id.startswith("wrong_")]
    assert bool(wrong) == COURSE.variants(day).exists()
    assert all(s.description.startswith(next(iter(s.replacements))) for s in wrong)
    demo = one_wrong_per_task(students)
    tasks = [next(iter(s.replacements)) for s in demo if s.student_id.startswith("wrong_")]
    assert len(tasks) == len(set(tasks)) == len({next(iter(s.replacements)) for s in wrong})


def test_a_py_submission_is_the_solution_with_the_stub_or_variant_in(day):
    students = list(students_of(day))
    stub = next(s for s in students if s.student_id == "stub")
    text = submission_module(COURSE, day, stub.replacements)
    assert text == COURSE.stub(day).read_text()
    for wrong in students[2:]:
        (task, function), = wrong.replacements.items()
        assert function.strip() in submission_module(COURSE, day, wrong.replacements)


def test_write_submissions_lays_out_nbgrader_folders(day, tmp_path):
    release, source = _notebooks(day)
    for folder, notebook in (("release", release), ("source", source)):
        (tmp_path / folder / day).mkdir(parents=True)
        nbformat.write(notebook, str(tmp_path / folder / day / f"{day}.ipynb"))
    students = one_wrong_per_task(list(students_of(day)))
    written = write_submissions(tmp_path, day, students)
    assert written == [tmp_path / "submitted" / s.student_id / day / f"{day}.ipynb" for s in students]
    assert all((p.parent / "timestamp.txt").read_text().strip().endswith("UTC") for p in written)
    nbformat.validate(nbformat.read(str(written[0]), as_version=4))
    py = write_submissions(tmp_path, day, students[:1], kind="py", course=COURSE)
    assert py[0].read_text() == COURSE.solution(day).read_text()
