"""daykit build: stubs and notebooks rendered from one source, idempotently; stale files named; and
every authoring mistake reported with the file, the cell and what to do."""

import json
import shutil

import pytest

from daykit.authoring.build import build as build_all
from daykit.authoring.build import stale as stale_of
from daykit.authoring.model import load_day
from daykit.authoring.render import clear_solutions, render_notebook, render_stub
from daykit.checking.generate import tables
from daykit.course import Course, CourseError

HERE = Course.here()


def build(course, days):
    return build_all(course, days, tables)


def stale(course, days):
    return stale_of(course, days, tables)


@pytest.fixture
def course(tmp_path):
    """A one-day copy of the course (Day 39), built."""
    for folder in ("solutions", "tests", "hidden", "hints", "exercises", "source"):
        (tmp_path / folder).mkdir()
    for path in (HERE.solution("day_39"), HERE.checks("day_39"), HERE.hidden_checks("day_39"), HERE.hints("day_39")):
        shutil.copy(path, tmp_path / path.relative_to(HERE.root))
    copy = Course(tmp_path)
    build(copy, ["day_39"])
    return copy


def test_rendering_twice_gives_the_same_bytes():
    day = load_day(HERE, "day_39")
    assert render_stub(day) == render_stub(load_day(HERE, "day_39"))
    assert render_notebook(day) == render_notebook(load_day(HERE, "day_39"))


def test_a_fresh_build_is_current_and_a_second_build_writes_nothing(course):
    assert stale(course, ["day_39"]) == []
    assert build(course, ["day_39"]) == []


def test_check_names_every_stale_missing_or_orphaned_file(course):
    course.stub("day_39").write_text("edited by hand\n")
    course.source_notebook("day_39").unlink()
    (course.root / "exercises" / "day_77.py").write_text("# left from a removed day\n")
    assert stale(course, ["day_39"]) == [
        "exercises/day_39.py: out of date",
        "source/day_39/day_39.ipynb: missing",
        "exercises/day_77.py: no solution generates it",
    ]


def test_editing_a_check_makes_the_notebook_stale(course):
    path = course.checks("day_39")
    path.write_text(path.read_text() + "\n\ndef test_more(symbolic_derivative):\n    symbolic_derivative()\n")
    assert stale(course, ["day_39"]) == ["source/day_39/day_39.ipynb: out of date"]


def test_the_stub_replaces_each_region_with_nbgraders_stub_and_keeps_everything_else():
    source = "def f(x):\n    '''Doc.'''\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n"
    assert clear_solutions(source) == (
        "def f(x):\n    '''Doc.'''\n    y = 1\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    )


def test_the_notebook_carries_nbgraders_cells():
    notebook = json.loads(render_notebook(load_day(HERE, "day_39")))
    cells = {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in notebook["cells"]}
    for task, points in (("symbolic_derivative", 3), ("numerical_gradient", 4), ("chain_rule_derivative", 3)):
        assert cells[task]["metadata"]["nbgrader"]["solution"] is True
        test = cells[f"test_{task}"]
        assert test["metadata"]["nbgrader"] == {
            "grade": True, "grade_id": f"test_{task}", "locked": True, "points": points, "schema_version": 3,
            "solution": False, "task": False,
        }
        assert "### BEGIN HIDDEN TESTS" in "".join(test["source"])
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"


SOLUTION = '''# %% [markdown]
# # Day 77

# %%
import numpy as np

# %% task="twice" points=2
def twice(x):
    """Twice x.

    Example:
        >>> twice(2)
        4
    """
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
'''
CHECKS = "def test_twice(twice):\n    assert twice(2) == 4\n"


@pytest.mark.parametrize(
    ("solution", "checks", "message"),
    [
        (SOLUTION.replace('task="twice" points=2', 'task="twice" point=2'), CHECKS, "unknown cell option(s) point"),
        (SOLUTION.replace("points=2", "points=0"), CHECKS, 'task "twice" needs points=N'),
        (SOLUTION.replace('task="twice"', 'task="thrice"'), CHECKS, "defines no function thrice"),
        (SOLUTION.replace("    ### END SOLUTION\n", ""), CHECKS, "is never closed by ### END SOLUTION"),
        (SOLUTION.replace("    Example:\n        >>> twice(2)\n        4\n", ""), CHECKS, "has no 'Example' section"),
        (SOLUTION.replace("return 2 * x", "return 2 * x  ### END SOLUTION"), CHECKS, "must stand alone on its line"),
        (SOLUTION.replace("def twice(x):", "def twice(x:"), CHECKS, "line 1"),
        (SOLUTION, "def test_twice(thrice):\n    pass\n", "not a task of this day"),
        (SOLUTION, "def test_twice():\n    pass\n", "takes no task"),
        (SOLUTION, "def helper(twice):\n    pass\n", "task twice has no visible check"),
    ],
    ids=["misspelt option", "no points", "no function", "unclosed region", "no example", "marker not alone",
         "syntax error", "unknown task in a check", "check without a task", "task without a check"],
)
def test_an_authoring_mistake_names_the_file_and_what_is_wrong(tmp_path, solution, checks, message):
    for folder in ("solutions", "tests", "exercises"):
        (tmp_path / folder).mkdir()
    (tmp_path / "solutions" / "day_77.py").write_text(solution)
    (tmp_path / "tests" / "test_day_77.py").write_text(checks)
    with pytest.raises(CourseError) as error:
        load_day(Course(tmp_path), "day_77")
    assert message in str(error.value)
    assert "day_77.py" in str(error.value)


def test_the_cli_check_exits_non_zero_and_names_the_stale_file(course, monkeypatch, capsys):
    from daykit.cli import main

    course.stub("day_39").write_text("edited by hand\n")
    monkeypatch.chdir(course.root)
    assert main(["build", "--check"]) == 1
    assert "stale: exercises/day_39.py: out of date" in capsys.readouterr().out
    assert main(["build"]) == 0
    assert main(["build", "--check"]) == 0


@pytest.mark.slow
def test_a_students_globals_cannot_change_what_a_notebook_check_means(tmp_path):
    """A scratch cell defining ``x = 2.0`` (and shadowing a helper) must not fail correct answers."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.reads(render_notebook(load_day(HERE, "day_39")), as_version=4)
    after = next(i for i, cell in enumerate(notebook.cells) if cell.get("id") == "symbolic_derivative")
    notebook.cells.insert(after + 1, nbformat.v4.new_code_cell("x = 2.0\nexpect_close = None\ngradient_tolerance = 0"))
    NotebookClient(notebook, kernel_name="python3", timeout=120, allow_errors=True, resources={
        "metadata": {"path": str(tmp_path)}}).execute()
    tests = [cell for cell in notebook.cells if cell.get("id", "").startswith("test_")]
    assert len(tests) == 3
    for cell in tests:
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.outputs


def test_the_notebooks_table_of_known_mistakes_is_built_and_checked(course):
    """With variants, the setup cell embeds the day's table; a variant's reason or code changed makes the
    notebook stale (the table kept in .daykit/build/ is made again), and a build brings it back."""
    from daykit.checking.diagnosis import embedded_table

    shutil.copytree(HERE.root / "variants", course.root / "variants", ignore=shutil.ignore_patterns("day_4*"))
    assert stale(course, ["day_39"]) == ["source/day_39/day_39.ipynb: out of date"]
    build(course, ["day_39"])
    table = json.loads(embedded_table(course.source_notebook("day_39").read_text()))
    reasons = {v["reason"] for t in table["tasks"] for v in t["variants"].values()}
    assert "returns the pair in the wrong order" in reasons
    assert list((course.root / ".daykit" / "build").glob("day_39-*.json"))
    variants = course.variants("day_39")
    variants.write_text(variants.read_text().replace("returns the pair in the wrong order", "swaps the pair"))
    assert stale(course, ["day_39"]) == ["source/day_39/day_39.ipynb: out of date"]
    build(course, ["day_39"])
    assert "swaps the pair" in embedded_table(course.source_notebook("day_39").read_text())
    assert stale(course, ["day_39"]) == []
