"""nbgrader's route as an instructor and a student walk it, with the real commands, for Day 39.

The instructor runs ``nbgrader autograde`` and ``nbgrader generate_feedback`` in the course folder and
publishes the HTML: it holds no line of a hidden test, no hidden check's name and no hidden input, even
for a submission built to print and echo every input it is given; the failures it reports are there.
autograde logs a checksum warning only for the test cell a student really changed. A student runs
``nbgrader validate`` on a notebook with a wrong answer: the whole message, expected value included.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from daykit.checking.loading import load_module
from daykit.checking.runner import load_checks
from daykit.checks import CheckFailure
from daykit.course import Course
from daykit.demo.sample_class import SampleStudent, function_source, strip_solution_markers, write_submissions
from daykit.nbgrader.release import release
from daykit.nbgrader.run import temporary_course

pytestmark = pytest.mark.slow

COURSE = Course.here()
DAY = "day_39"
SPIED = "numerical_gradient"
WRONG = '''def symbolic_derivative():
    import sympy as sp

    x = sp.Symbol("x")
    return x**3 - 2 * x**2 + 5, 3 * x**2 + 4 * x
'''
NBGRADER = str(Path(sys.executable).parent / "nbgrader")
ENV = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def calls_of_checks(hidden: bool) -> set[tuple[float, ...]]:
    """The arguments (defaults applied) the visible or the hidden checks pass to ``SPIED``, on the reference."""
    reference = load_module(COURSE.solution(DAY), "daykit_feedback_reference")
    signature = inspect.signature(getattr(reference, SPIED))
    seen = set()

    def recorder(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        seen.add(tuple(float(v) for v in bound.arguments.values()))
        return getattr(reference, SPIED)(*args, **kwargs)

    for check in load_checks(COURSE, DAY):
        if check.hidden == hidden and check.task == SPIED:
            check.function(*[recorder if name == SPIED else getattr(reference, name) for name in check.tasks])
    return seen


def spy_source(visible: set) -> str:
    """``SPIED`` right wherever the visible checks call it; anywhere else it prints its inputs and raises
    an exception that holds them, as a student fishing for the hidden inputs would write it."""
    honest = strip_solution_markers(function_source(COURSE.solution(DAY).read_text(encoding="utf-8"), SPIED))
    honest = honest.replace(f"def {SPIED}(", f"def _honest_{SPIED}(", 1)
    return f'''{honest}

import functools as _functools
import inspect as _inspect


@_functools.wraps(_honest_{SPIED})
def {SPIED}(*args, **kwargs):
    bound = _inspect.signature(_honest_{SPIED}).bind(*args, **kwargs)
    bound.apply_defaults()
    key = tuple(float(v) for v in bound.arguments.values())
    if key not in {sorted(visible)!r}:
        print(f"SPY{{key}}")
        raise ValueError(f"SPY{{key}}")
    return _honest_{SPIED}(*args, **kwargs)
'''


def hidden_test_lines(source_nb, release_nb) -> set[str]:
    """Every line of the source notebook's hidden tests that no text of the release notebook holds anyway."""
    shown = "\n".join(cell.source for cell in release_nb.cells)
    found, inside = set(), False
    for cell in source_nb.cells:
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line or "END HIDDEN TESTS" in line:
                inside = "BEGIN" in line
                found.add(line.strip())
            elif inside and re.search(r"[A-Za-z0-9]", line) and line.strip() not in shown:  # a substring
                found.add(line.strip())
    return found


def flat(text: str) -> str:
    return " ".join(text.split())


def nbgrader(*args, cwd) -> subprocess.CompletedProcess:
    done = subprocess.run([NBGRADER, *args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A temporary Day 39 course, released, with three submissions autograded and given feedback by nbgrader's
    own commands: a visible failure, the spy, and the reference with one test cell edited. Meanwhile the
    student with the visible failure runs ``nbgrader validate`` in a folder of their own."""
    course_dir = temporary_course(COURSE, parent=tmp_path_factory.mktemp("nbgrader"))
    released = release(Course(course_dir), [DAY])[DAY]
    visible, hidden = calls_of_checks(hidden=False), calls_of_checks(hidden=True)
    assert hidden - visible, "the hidden checks call numerical_gradient with no input of their own"
    students = [
        SampleStudent("visible", "a wrong derivative", {"symbolic_derivative": WRONG}),
        SampleStudent("spy", "prints and echoes its hidden inputs", {SPIED: spy_source(visible)}),
        SampleStudent("tamperer", "the reference, a test cell edited", {}),
    ]
    write_submissions(course_dir, DAY, students)
    edited = course_dir / "submitted" / "tamperer" / DAY / f"{DAY}.ipynb"
    notebook = json.loads(edited.read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if c.get("id") == "test_chain_rule_derivative")
    cell["source"] = "".join(cell["source"]).replace("run_checks(", "print('no checks today') or run_checks(", 1)
    edited.write_text(json.dumps(notebook), encoding="utf-8")
    student_dir = tmp_path_factory.mktemp("student")
    submitted = course_dir / "submitted" / "visible" / DAY / f"{DAY}.ipynb"
    (student_dir / f"{DAY}.ipynb").write_bytes(submitted.read_bytes())
    validate = subprocess.Popen([NBGRADER, "validate", f"{DAY}.ipynb"], cwd=student_dir, env=ENV,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        autograde = nbgrader("autograde", DAY, "--force", cwd=course_dir)
        nbgrader("generate_feedback", DAY, "--force", cwd=course_dir)
        validated = validate.communicate(timeout=600)[0]
    finally:
        validate.kill()
    return {
        "course": course_dir,
        "log": autograde.stdout + autograde.stderr,
        "validate": validated,
        "hidden lines": hidden_test_lines(nbformat.read(course_dir / "source" / DAY / f"{DAY}.ipynb", as_version=4),
                                          nbformat.read(released, as_version=4)),
        "hidden inputs": hidden - visible,
        "students": [s.student_id for s in students],
    }


def feedback_text(graded, student) -> str:
    html = (graded["course"] / "feedback" / student / DAY / f"{DAY}.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser").get_text()


def test_feedback_shows_no_hidden_test_line_name_or_input(graded):
    lines = graded["hidden lines"]
    assert "### BEGIN HIDDEN TESTS" in lines and len(lines) > 10
    names = [n for n in re.findall(r"def (test_\w+)", "\n".join(lines))]
    assert names, "no hidden check function among the hidden lines"
    for student in graded["students"]:
        text = feedback_text(graded, student)
        assert [line for line in lines if line in text] == [], f"hidden test lines in {student}'s feedback"
        assert [name for name in names if name in text] == [], f"hidden check names in {student}'s feedback"
        assert "SPY(" not in text
        for inputs in graded["hidden inputs"]:
            assert str(inputs) not in text


def wrong_answer_message() -> str:
    """What the visible check of symbolic_derivative says of WRONG, run in-process as pytest runs it."""
    wrong = {}
    exec(WRONG, wrong)
    check = next(c for c in load_checks(COURSE, DAY) if c.task == "symbolic_derivative" and not c.hidden)
    with pytest.raises(CheckFailure) as failure:
        check.function(wrong["symbolic_derivative"])
    assert "3*x**2 - 4*x" in str(failure.value)  # the expected value is in the message
    return f"CheckFailure: {failure.value}"


def test_feedback_still_says_what_failed(graded):
    spy = flat(feedback_text(graded, "spy"))
    assert "a hidden check of numerical_gradient failed: numerical_gradient raised ValueError." in spy
    assert "numerical_gradient: 3 visible check(s) passed." in spy
    assert flat(wrong_answer_message()) in flat(feedback_text(graded, "visible"))


def test_autograde_warns_only_about_the_test_cell_a_student_changed(graded):
    warnings, student = [], None
    for line in graded["log"].splitlines():
        found = re.search(r"submitted/([^/]+)/", line)
        if found and "Sanitizing" in line:
            student = found.group(1)
        if "checksum" in line.lower():
            warnings.append((student, re.sub(r"\(should be.*", "", line.split("]", 1)[-1]).strip()))
    assert warnings == [("tamperer", "Attribute 'checksum' for cell test_chain_rule_derivative has changed!")]


def test_validate_shows_the_whole_message(graded):
    """A student's ``nbgrader validate`` of a notebook with a wrong answer, run in the notebook's folder."""
    assert "VALIDATION FAILED ON 1 CELL(S)" in graded["validate"], graded["validate"]
    assert flat(wrong_answer_message()) in flat(graded["validate"]), graded["validate"]
