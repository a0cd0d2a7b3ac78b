"""The student edition of Day 39, written from a copy of the instructor course: it holds nothing to
rebuild a solution or a hidden check from, its checks say "not started" on the stubs and pass on the
reference, and its release notebook alone is enough to work the day."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from daykit.course import Course, CourseError
from daykit.student.edition import TOP_LEVEL, leaks, student_repo

REPO = Path(__file__).resolve().parents[2]
DAY = "day_39"
INSTRUCTOR_FILES = [
    "pyproject.toml", "nbgrader_config.py", f"solutions/{DAY}.py", f"exercises/{DAY}.py", f"tests/test_{DAY}.py",
    f"hidden/test_{DAY}_hidden.py", f"hints/{DAY}.toml", f"source/{DAY}/{DAY}.ipynb", f"variants/{DAY}.py",
]


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """(instructor course, edition folder): Day 39 only, released with nbgrader in a scratch copy."""
    root = tmp_path_factory.mktemp("instructor")
    for relative in INSTRUCTOR_FILES:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / relative, root / relative)
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    course = Course(root)
    edition = tmp_path_factory.mktemp("edition") / "student"
    assert student_repo(course, edition) == []
    return course, edition


def run_in(edition, *args):
    env = dict(os.environ, PYTHONPATH=str(edition))  # the edition's own daykit, not the instructor's
    return subprocess.run([sys.executable, *args], cwd=edition, env=env, capture_output=True, text=True, timeout=300)


def test_the_edition_holds_only_what_a_student_needs(made):
    course, edition = made
    assert {p.name for p in edition.iterdir()} == TOP_LEVEL
    shipped = sorted(str(p.relative_to(edition)) for p in edition.rglob("*") if p.is_file())
    assert [p for p in shipped if not p.startswith("daykit/")] == [
        ".gitignore", "README.md", f"exercises/{DAY}.py", f"hints/{DAY}.toml", "pyproject.toml",
        f"release/{DAY}/{DAY}.ipynb", f"tests/test_{DAY}.py",
    ]
    for instructor_only in ("release.py", "build.py", "content.py", "variants.py", "student_repo.py", "grade.py"):
        assert f"daykit/{instructor_only}" not in shipped
    pyproject = (edition / "pyproject.toml").read_text()
    assert "nbgrader" not in pyproject and '"sympy' in pyproject and "daykit.checking.pytest_plugin" in pyproject
    readme = (edition / "README.md").read_text()
    assert "pip install -e ." in readme and f"pytest tests/test_{DAY}.py" in readme


def test_the_audit_finds_a_planted_solution_line_hidden_check_or_instructor_folder(made, tmp_path):
    course, edition = made
    copy = tmp_path / "copy"
    shutil.copytree(edition, copy)
    assert leaks(course, [DAY], copy) == []
    with (copy / f"exercises/{DAY}.py").open("a") as stream:
        stream.write("\n    df_dx = (f(x_val + step, y_val) - base) / step\n")
    (copy / "hints" / "notes.txt").write_text("see test_numerical_gradient_at_other_points\n")
    (copy / "hidden").mkdir()
    problems = "\n".join(leaks(course, [DAY], copy))
    assert f"exercises/{DAY}.py: holds a line of the reference solution of {DAY}" in problems
    assert "hints/notes.txt: names the hidden check test_numerical_gradient_at_other_points" in problems
    assert "hidden: instructor-only" in problems


def test_its_checks_are_not_started_on_the_stubs_and_pass_on_the_reference(made, tmp_path):
    course, edition = made
    stubs = run_in(edition, "-m", "pytest", f"tests/test_{DAY}.py", "-p", "no:cacheprovider")
    assert stubs.returncode == 1, stubs.stdout + stubs.stderr
    assert "tasks: 0 passed, 0 failed, 3 not started" in stubs.stdout
    solved = tmp_path / "solved"
    shutil.copytree(edition, solved)
    shutil.copy2(course.solution(DAY), solved / "exercises" / f"{DAY}.py")
    reference = run_in(solved, "-m", "pytest", "tests", "-p", "no:cacheprovider")
    assert reference.returncode == 0, reference.stdout + reference.stderr
    assert "tasks: 3 passed, 0 failed, 0 not started" in reference.stdout


def test_its_daykit_checks_and_hints_but_has_no_instructor_commands(made):
    course, edition = made
    check = run_in(edition, "-m", "daykit", "check", "39")
    assert check.returncode == 1 and "0/3 tasks (0%)" in check.stdout, check.stdout + check.stderr
    assert run_in(edition, "-m", "daykit", "hint", "39", "numerical_gradient").returncode == 0
    build = run_in(edition, "-m", "daykit", "build")
    assert build.returncode != 0 and "invalid choice: 'build'" in build.stderr


def test_it_refuses_to_overwrite_what_is_not_an_edition(made, tmp_path):
    course, _ = made
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "thesis.tex").write_text("mine")
    with pytest.raises(CourseError, match="not empty"):
        student_repo(course, tmp_path / "work")
    with pytest.raises(CourseError, match="does not look like a student edition"):
        student_repo(course, tmp_path / "work", force=True)
    with pytest.raises(CourseError, match="outside"):
        student_repo(course, course.root / "student")


def run_notebook(notebook):
    """Execute every cell, carrying on past errors; returns the outputs of each cell by id."""
    client = NotebookClient(notebook, kernel_name="python3", timeout=120, allow_errors=True,
                            resources={"metadata": {"path": "."}})
    client.execute()
    return {cell.get("id"): cell.get("outputs", []) for cell in notebook.cells if cell.cell_type == "code"}


def errors(outputs):
    return [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]


def test_the_release_notebook_alone_teaches_and_checks_the_day(made):
    course, edition = made
    path = edition / "release" / DAY / f"{DAY}.ipynb"
    tasks = ["symbolic_derivative", "numerical_gradient", "chain_rule_derivative"]
    stub = nbformat.read(path, as_version=4)
    assert "BEGIN HIDDEN TESTS" not in path.read_text()
    outputs = run_notebook(stub)
    for task in tasks:
        assert errors(outputs[f"test_{task}"]) == [
            f"NotStarted: {task} is not started: replace `raise NotImplementedError()` in its cell with your code, "
            "run that cell, then this one."
        ]
    solved = nbformat.read(path, as_version=4)
    reference = {c.get("id"): c.source for c in nbformat.read(course.source_notebook(DAY), as_version=4).cells}
    for cell in solved.cells:
        if cell.get("id") in tasks:
            cell.source = reference[cell.id]
    outputs = run_notebook(solved)
    for task in tasks:
        assert errors(outputs[f"test_{task}"]) == []
        assert "visible check(s) passed" in "".join(o.get("text", "") for o in outputs[f"test_{task}"])
    assert not [e for cell in outputs.values() for e in errors(cell)]

