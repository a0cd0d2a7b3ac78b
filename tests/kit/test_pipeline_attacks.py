"""nbgrader's pipelines get the course's steps by dotted name: attacks from a student and a careless instructor.

A Day 39 course configured as before ``daykit.nbgrader.pipelines`` existed (its nbgrader_config.py imports
the step lists from ``daykit.nbgrader.preprocessors``), released with a due date and the "zero" late policy.
Three students hand in: exactly on the due date, half a second after it, and a student whose answer, when
a hidden check calls it, reads the hidden test cell's source from the call stack and writes it past
Python's stdout (to the process's file descriptor, and as rich display output). ``daykit grade`` grades
them; nbgrader's ``generate_feedback`` runs as ``python -m nbgrader`` in the course folder; the leaker is
graded once more by ``nbgrader autograde``, whose kernel runs its answer. Then the feedback must hold no
hidden test line, the late penalty must fall on the second student only, and an nbgrader that cannot
import the course's steps, or whose own steps are not the ones named, must stop rather than write
feedback without them (with the old config too: nbgrader only logs an error in a config file).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from daykit.course import Course
from daykit.demo.sample_class import submission_notebook
from daykit.nbgrader.release import release
from daykit.nbgrader.run import load_config
from tests.kit.course_copy import BIN, COURSE, command, course_copy, environment, hand_in

DAY = "day_39"
OLD_IMPORT = "from daykit.nbgrader.preprocessors import autograde_steps, feedback_steps"
# what an nbgrader_config.py written before the steps were named in it ends with
OLD_STEPS = (f"\n{OLD_IMPORT}\n\nc.Autograde.sanitize_preprocessors = autograde_steps()\n"
             "c.GenerateFeedback.preprocessors = feedback_steps()\n")
POLICY = '\nc.LateSubmissionPlugin.penalty_method = "zero"\n'
DUE = "2026-12-02 12:00:00 UTC"
STAMPS = {"a_exact": "2026-12-02 12:00:00.000000 UTC", "b_half_second_late": "2026-12-02 12:00:00.500000 UTC",
          "c_leaker": "2026-12-01 10:00:00.000000 UTC"}
# A right answer that, called from a hidden check, finds the test cell's source on the call stack and
# writes every line of it, prefixed, to fd 1 (ipykernel forwards it) and as display output.
LEAKER = '''def symbolic_derivative():
    import linecache as _lc
    import os as _os
    import sys as _sys

    frame = _sys._getframe(1)
    while frame is not None:
        text = "".join(_lc.getlines(frame.f_code.co_filename))
        if "hidden=True" in text:
            leak = "".join("LEAK>" + line + "\\n" for line in text.splitlines())
            _os.write(1, leak.encode())
            _os.write(2, leak.encode())
            from IPython.display import display as _display

            _display({"text/plain": leak}, raw=True)
            break
        frame = frame.f_back
    import sympy as sp

    x = sp.Symbol("x")
    return x**3 - 2 * x**2 + 5, 3 * x**2 - 4 * x
'''


def old_config(root: Path) -> None:
    path = root / "nbgrader_config.py"
    text = path.read_text(encoding="utf-8")
    assert "daykit" not in "".join(line for line in text.splitlines() if line.startswith(("import", "from")))
    path.write_text(text + OLD_STEPS, encoding="utf-8")


def new_config(root: Path) -> None:
    path = root / "nbgrader_config.py"
    path.write_text(path.read_text(encoding="utf-8").replace(OLD_STEPS, ""), encoding="utf-8")


def test_an_old_config_names_the_same_steps_as_the_new_one(tmp_path):
    from traitlets.utils.importstring import import_item

    new = load_config(COURSE.root)
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy2(COURSE.root / "nbgrader_config.py", folder / "nbgrader_config.py")
    old_config(folder)
    old = load_config(folder)
    for section, trait in (("Autograde", "sanitize_preprocessors"), ("GenerateFeedback", "preprocessors")):
        steps = [import_item(name) if isinstance(name, str) else name for name in old[section][trait]]
        assert steps == [import_item(name) for name in new[section][trait]]
    assert any(step.__name__ == "ClearHiddenTestsAndTraces" for step in steps)


def hidden_lines(root: Path) -> list[str]:
    source = nbformat.read(root / "source" / DAY / f"{DAY}.ipynb", as_version=4)
    found, inside = [], False
    for cell in source.cells:
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line or "END HIDDEN TESTS" in line:
                inside = "BEGIN" in line
            elif inside and re.search(r"def test_\w+|hidden=True|POINTS|day_39_function", line):
                found.append(line.strip())
    return found


def feedback_text(root: Path, student: str) -> str:
    html = (root / "feedback" / student / DAY / f"{DAY}.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser").get_text()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from nbgrader.api import Gradebook
    from nbgrader.utils import parse_utc

    from daykit.nbgrader.run import nbgrader_api, quiet_gradebook

    root = course_copy(tmp_path_factory.mktemp("pipeline_attacks"), DAY, POLICY)
    old_config(root)
    env = environment()
    release(Course(root), [DAY])
    api = nbgrader_api(root)
    with quiet_gradebook(), Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        gradebook.update_or_create_assignment(DAY, duedate=parse_utc(DUE))
    released = nbformat.read(root / "release" / DAY / f"{DAY}.ipynb", as_version=4)
    source = nbformat.read(root / "source" / DAY / f"{DAY}.ipynb", as_version=4)
    for student, stamp in STAMPS.items():
        notebook = submission_notebook(released, source, {"symbolic_derivative": LEAKER} if "leak" in student else {})
        hand_in(root, student, json.loads(nbformat.writes(notebook)), stamp=stamp)
    command(root, "daykit", "grade", "39", env=env)
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", DAY, "--force"], cwd=root,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    # the leaker once more, graded by nbgrader itself: its answer runs in a kernel, its writes in the outputs
    theirs = root.parent / "by_nbgrader"
    shutil.copytree(root, theirs, ignore=shutil.ignore_patterns("feedback", "autograded"))
    command(theirs, "nbgrader", "autograde", DAY, "--force", "--student", "c_leaker", env=env)
    command(theirs, "nbgrader", "generate_feedback", DAY, "--force", "--student", "c_leaker", env=env)
    return {"root": root, "theirs": theirs, "env": env}


def outputs(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    return json.dumps([cell.get("outputs", []) for cell in notebook.cells])


@pytest.mark.slow
def test_the_leakers_answer_wrote_the_hidden_tests_into_what_nbgrader_autograded(course):
    written = outputs(course["theirs"] / "autograded" / "c_leaker" / DAY / f"{DAY}.ipynb")
    # the attacks ran: what feedback is made from holds the hidden tests
    assert "LEAK>### BEGIN HIDDEN TESTS" in written
    assert [line for line in hidden_lines(course["root"]) if "LEAK>" + line in written]
    assert "display_data" in written


@pytest.mark.slow
def test_nbgraders_own_feedback_of_the_leaker_shows_no_hidden_test_line(course):
    lines = hidden_lines(course["root"])
    text = feedback_text(course["theirs"], "c_leaker")
    assert "symbolic_derivative" in text and "LEAK>" in text  # its other lines are shown
    assert [line for line in lines if line in text] == []
    assert "BEGIN HIDDEN TESTS" not in text


@pytest.mark.slow
def test_feedback_shows_no_hidden_test_line_whatever_the_answer_writes(course):
    lines = hidden_lines(course["root"])
    assert len(lines) > 3 and any(line.startswith("def test_") for line in lines)
    for student in STAMPS:
        text = feedback_text(course["root"], student)
        assert [line for line in lines if line in text] == [], f"hidden test lines in {student}'s feedback"
        assert "BEGIN HIDDEN TESTS" not in text


@pytest.mark.slow
def test_the_late_penalty_falls_on_the_half_second_late_student_only(course):
    from nbgrader.api import Gradebook

    from daykit.nbgrader.run import nbgrader_api, quiet_gradebook

    api = nbgrader_api(course["root"])
    with quiet_gradebook(), Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        found = {}
        for student in STAMPS:
            notebook = gradebook.find_submission_notebook(DAY, DAY, student)
            found[student] = (notebook.score, notebook.late_submission_penalty or 0.0)
    assert found["a_exact"][1] == 0.0 and found["c_leaker"][1] == 0.0
    assert found["b_half_second_late"] == (found["b_half_second_late"][0], found["b_half_second_late"][0])
    assert found["b_half_second_late"][0] > 0


def refusing(tmp_path: Path, code: str) -> dict:
    """The instructor's environment, with ``code`` run at every Python start-up (a sitecustomize)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(code, encoding="utf-8")
    return {**environment(), "PYTHONPATH": str(hook)}


REFUSE = """import sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name == {name!r}:
            raise ImportError("refused: " + name)
sys.meta_path.insert(0, Refuse())
"""
# an nbgrader whose generate_feedback steps are not the ones pipelines.py names
OTHER_NBGRADER = """import daykit.nbgrader.pipelines as p
p.FEEDBACK = p.FEEDBACK[:-1]
"""


def feedback_in_copy(course, tmp_path, config: str, env: dict) -> tuple[subprocess.CompletedProcess, Path]:
    """``nbgrader generate_feedback`` in a copy of the graded course, with the old or the new config."""
    root = tmp_path / "course"
    shutil.copytree(course["root"], root, ignore=shutil.ignore_patterns("feedback"))
    if config == "new":
        new_config(root)
    done = subprocess.run([str(BIN / "nbgrader"), "generate_feedback", DAY, "--force"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)
    return done, root


def written_feedback(root: Path) -> list[Path]:
    return sorted((root / "feedback").glob("*/*/*.html"))


@pytest.mark.slow
def test_feedback_stops_when_its_step_cannot_be_imported(course, tmp_path):
    """The new config names the step; nbgrader cannot import it: an error naming it, and no feedback."""
    env = refusing(tmp_path, REFUSE.format(name="daykit.nbgrader.preprocessors"))
    done, root = feedback_in_copy(course, tmp_path, "new", env)
    assert done.returncode != 0
    assert "daykit.nbgrader.preprocessors" in done.stdout + done.stderr
    assert written_feedback(root) == []


@pytest.mark.slow
@pytest.mark.parametrize("config", ["old", "new"])
def test_feedback_stops_when_nbgraders_steps_are_not_the_ones_named(course, tmp_path, config):
    """An nbgrader whose feedback steps differ from the names: the step's check must stop the command.
    Checked when the module loads, the old config (which imports it) failed to load, and nbgrader, which
    only logs a config file's errors, wrote feedback with its own steps: the hidden tests included."""
    done, root = feedback_in_copy(course, tmp_path, config, refusing(tmp_path, OTHER_NBGRADER))
    assert done.returncode != 0, [path.read_text(encoding="utf-8").count("BEGIN HIDDEN TESTS")
                                  for path in written_feedback(root)]
    assert "update pipelines.py" in done.stdout + done.stderr
    assert written_feedback(root) == []


@pytest.mark.slow
@pytest.mark.parametrize("config", [
    pytest.param("old", marks=pytest.mark.xfail(
        strict=True, reason="nbgrader logs a config file's errors and goes on with its own steps: a config that "
        "imports daykit cannot stop it when daykit is not installed where nbgrader runs")),
    "new",  # names the steps without importing daykit: nbgrader cannot import them, and stops
])
def test_feedback_stops_when_daykit_is_not_where_nbgrader_runs(course, tmp_path, config):
    done, root = feedback_in_copy(course, tmp_path, config, refusing(tmp_path, REFUSE.format(name="daykit")))
    assert done.returncode != 0 and written_feedback(root) == []


@pytest.mark.slow
def test_feedback_from_another_folder_with_the_course_root_on_the_command_line_hides_the_tests(course, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(course["root"], root, ignore=shutil.ignore_patterns("feedback"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run([str(BIN / "nbgrader"), "generate_feedback", DAY, "--force",
                           f"--CourseDirectory.root={root}"], cwd=elsewhere, env=course["env"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = hidden_lines(course["root"])
    assert len(written_feedback(root)) == len(STAMPS)
    for student in STAMPS:
        text = feedback_text(root, student)
        assert "symbolic_derivative" in text
        assert [line for line in lines if line in text] == [] and "BEGIN HIDDEN TESTS" not in text
