"""Notebooks as IPython runs them: magics, shell escapes, help and ``display`` in a student's cells.

A notebook that a kernel runs cleanly (and so passes ``nbgrader autograde``) must get the same score from
``daykit grade``, and the same verdicts from ``daykit check`` and ``pytest --target``. Each cell goes
through IPython's own input transformer and runs with a stand-in for the kernel's shell
(daykit/checking/ipython_cells.py): harmless magics behave as in a kernel, shell escapes and whatever
reaches outside do not run and leave a note.

The stand-in is tested in-process first, construct by construct; then real notebooks, written the way
a student writes them (the reference code of each task, with magics at the top of its cell), are
graded by ``daykit grade`` beside the same notebooks without magics; one slow test autogrades them with
nbgrader itself and requires identical scores.
"""

import ast
import builtins
import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from IPython.core.error import UsageError
from IPython.core.inputtransformer2 import TransformerManager

from daykit.checking.ipython_cells import Shell, transform
from daykit.checking.loading import load_target
from daykit.course import Course
from daykit.demo.agreement import daykit_points, differences, nbgrader_points
from daykit.demo.sample_class import sample_class, submission_notebook
from daykit.grading.grade import ClassRun, Submission, graded_day
from daykit.grading.reports import feedback
from daykit.grading.worker import Limits
from daykit.nbgrader.release import release
from daykit.nbgrader.run import temporary_course
from daykit.student.practice import run_day

COURSE = Course.here()
ROOT = Path(__file__).resolve().parents[2]


def run_cells(*cells: str) -> tuple[dict, Shell]:
    namespace = {"__name__": "__main__"}
    shell = Shell(namespace)
    shell.install()
    for number, cell in enumerate(cells, 1):
        shell.run(cell, f"<cell {number}>")
    return namespace, shell


# ------------------------------------------------------------------------------- the transformation


@pytest.mark.parametrize("cell", [
    "ok = (1\n      != 2)\n",
    "ok = [1,\n      2] != [1,\n      3]\n",
    "text = '%d items' % 3\nshell = '!ls'\nquestion = 'why?'\n",
    "x = '''\n!ls\n%time\n?\n'''\n",
    "def f(a, b):\n    return (a\n            != b)\n",
    "remainder = (10\n             % 3)\n",
    "# what is this?\nx = 1  # why?\n",
    'def f():\n    """Is it?"""\n    return 1\n',
])
def test_plain_python_is_left_as_it_is(cell):
    assert transform(cell) == cell


TRICKY_PYTHON = [
    "ok = (1\n      != 2)", "rest = (10\n        % 3)", "text = '%d items' % 3", "cmd = '!ls'", "ask = 'why?'",
    "# is this help?", "x = 1  # or this?", 'doc = """\n!ls\n%time\nsp.diff?\n"""',
    "def f(a, b):\n    return (a\n            != b)", "ratio = 7 % 2 != 0", "flag = not (1 != 1)", "",
    "if True:\n    pass  # done?", "mapping = {'!': 1, '%': 2, '?': 3}", "y = (x := 4)\n",
]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(TRICKY_PYTHON), min_size=1, max_size=8))
def test_the_transformer_never_changes_what_plain_python_means(pieces):
    cell = "\n".join(pieces)
    assert ast.dump(ast.parse(transform(cell))) == ast.dump(ast.parse(cell))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("%!?;()[]{}'\"\\#:= \n\tabx01")), max_size=60))
def test_the_transformer_takes_any_text_without_failing(text):
    assert isinstance(transform(text), str)


def test_a_cell_keeps_its_line_numbers():
    assert transform("\n\nx = 1\n!ls\n").splitlines()[:3] == ["", "", "x = 1"]


def test_an_error_names_the_line_of_the_cell_it_happened_on():
    with pytest.raises(ZeroDivisionError) as caught:
        run_cells("\n\n%%time\nx = 1\ny = 1 / 0\n")
    lines = [(tb.tb_frame.f_code.co_filename, tb.tb_lineno) for tb in _frames(caught.value.__traceback__)]
    assert ("<cell 1>", 5) in lines


def test_a_syntax_error_in_a_magics_body_names_its_line_in_the_cell():
    with pytest.raises(SyntaxError) as caught:
        run_cells("x = 1\n", "\n%%time\ny = 2\nz = (\n")
    assert caught.value.filename == "<cell 2>" and caught.value.lineno == 4


def _frames(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


# ----------------------------------------------------------------------------- harmless magics run


def test_continuation_lines_starting_with_not_equal_run():
    namespace, shell = run_cells("ok = (1\n      != 2)\nsame = [0,\n        1] != [0, 1]\n")
    assert namespace["ok"] is True and namespace["same"] is False and shell.notes == []


def test_cell_time_runs_its_body_in_the_namespace_and_returns_the_last_value():
    namespace, _ = run_cells("%%time\ndef f(x):\n    return 2 * x\ny = f(3)\ny\n", "t = %time f(5)\n")
    assert namespace["y"] == 6 and namespace["t"] == 10


def test_help_and_display_magics_cost_nothing():
    namespace, shell = run_cells(
        "import math\n%matplotlib inline\n%precision 3\n%config InlineBackend.figure_format = 'svg'\n"
        "%load_ext autoreload\n%autoreload 2\nmath.sqrt?\nmath.sqrt??\n?math.floor\n",
        "%%html\n<b>bold</b>\n",
        "%%markdown\n# a title\n",
        "shown = display(math.pi)\n",
    )
    assert shell.notes == [] and namespace["shown"] is None


def test_display_is_a_builtin_of_the_notebook_as_in_a_kernel():
    namespace, _ = run_cells("def show(x):\n    display(x)\n    return x\n", "back = show(3)\n")
    assert namespace["back"] == 3
    assert "display" not in namespace and "display" not in vars(builtins)  # the process's own builtins untouched


def test_timeit_runs_its_statement_once_and_returns_a_result_with_ipythons_attributes():
    namespace, _ = run_cells(
        "calls = []\ndef f(x):\n    calls.append(x)\n    return x\n",
        "r = %timeit -o -n1 -r1 f(1)\n",
        "%timeit -n 1000 -r 7 f(2)\n",
        "%timeit -q -o f(3)\n",
        "%%timeit -n1000 setup_value = 4\nf(setup_value)\ninside = 1\n",
    )
    result = namespace["r"]
    assert namespace["calls"] == [1, 2, 3, 4]  # each statement once, however many loops it asked for
    assert result.loops == 1 and result.repeat == 1 and len(result.all_runs) == 1
    assert result.best >= 0 and result.average >= 0 and result.stdev == 0 and result.worst >= result.best
    assert "inside" not in namespace and "setup_value" not in namespace  # as IPython: a function's scope


def test_timeit_without_o_returns_none_and_v_stores_the_result():
    namespace, _ = run_cells("r = %timeit -n1 -r1 sum([1, 2])\n", "%timeit -v saved -n1 sum([1])\n")
    assert namespace["r"] is None and namespace["saved"].loops == 1


def test_capture_runs_its_cell_and_keeps_what_it_printed():
    namespace, shell = run_cells("%%capture out\nprint('hello')\ndef g():\n    return 7\n",
                                 "%%capture quiet --no-stdout\nprint('unseen')\n")
    assert namespace["g"]() == 7 and namespace["out"].stdout == "hello\n" and namespace["quiet"].stdout == ""
    assert shell.notes == []


def test_an_error_inside_capture_is_kept_in_the_capture_as_a_kernel_does():
    namespace, shell = run_cells("%%capture out\nbefore = 1\n1 / 0\nafter = 2\n")
    assert namespace["before"] == 1 and "after" not in namespace
    assert any("ZeroDivisionError" in note for note in shell.notes)


def test_time_inside_a_function_sees_its_local_variables():
    namespace, _ = run_cells("def f(a):\n    b = %time a + 1\n    return b\n", "v = f(4)\n")
    assert namespace["v"] == 5


def test_a_magic_ipython_does_not_have_fails_as_in_a_kernel():
    with pytest.raises(UsageError, match="matplotlb"):
        run_cells("%matplotlb inline\ndefined = True\n")
    with pytest.raises(UsageError, match="timme"):
        run_cells("%%timme\nx = 1\n")


# ------------------------------------------------------------------ what reaches outside never runs


def outside_cells(marker: Path, script: Path) -> list[str]:
    return [
        f"!touch {marker}\n",
        f"files = !touch {marker}; ls /\n",
        f"listing = %sx touch {marker}\n",
        f"%system touch {marker}\n",
        f"%%bash\ntouch {marker}\n",
        f"%%script sh\ntouch {marker}\n",
        f"%%sh\ntouch {marker}\n",
        f"%%writefile {marker}\nwritten\n",
        f"%run {script}\n",
        f"%load {script}\n",
        "%pip install not-a-package\n",
        "%cd /\n",
        "%env DAYKIT_H4_SET=1\n",
        f"%cat {script}\n",
        f"%rm {script}\n",
    ]


def test_shell_escapes_and_magics_that_reach_outside_do_nothing_and_leave_a_note(tmp_path):
    marker, script = tmp_path / "marker", tmp_path / "script.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\n")
    here = os.getcwd()
    namespace, shell = run_cells(*outside_cells(marker, script))
    assert not marker.exists() and script.exists() and os.getcwd() == here
    assert "DAYKIT_H4_SET" not in os.environ
    assert namespace["files"] == [] and namespace["listing"] == []
    assert f"shell command not run: !touch {marker}" in shell.notes
    assert any(n.startswith("shell command not run: %%bash") for n in shell.notes)
    assert any(n.startswith("magic not run: %pip install") for n in shell.notes)
    assert any(n.startswith("magic not run: %run") for n in shell.notes)


def test_notes_are_capped():
    _, shell = run_cells("".join(f"!echo {i}\n" for i in range(100)) + "!" + "x" * 1000 + "\n")
    assert len(shell.notes) <= 20 and all(len(n) <= 200 for n in shell.notes)


# ---------------------------------------------------------------------- notebooks a student writes


def with_magics(notebook, day: str):
    """The notebook with what students really type in their task cells: ``%%time`` at the top of one,
    help with ``?``, ``files = !ls``, ``%timeit -o``, ``%matplotlib inline``, a continuation line that
    starts with ``!=`` and ``display(...)`` in another, ``%%capture`` around a third. Each magic sits
    before the task's code, so the task is defined only if the magic runs as a kernel runs it."""
    notebook = copy.deepcopy(notebook)
    help_line = "sp.diff?\n" if day == "day_39" else "np.linspace?\n"
    tasks = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution")]
    first, second, third = tasks[:3]
    first.source = f"%%time\n{help_line}np.sum??\nfiles = !ls\n" + first.source
    name = second.metadata["nbgrader"]["grade_id"]
    second.source = (
        "%matplotlib inline\n%precision 3\n%config InlineBackend.figure_format = 'retina'\n"
        "%load_ext autoreload\n%autoreload 2\n"
        "def f(x):\n    return x + 1\n\n"
        "r = %timeit -o -n1 -r1 f(1)\n"
        "different = (f(1)\n             != f(2))\n"
        "assert r.loops == 1 and different\n"
        + second.source + f"\ndisplay({name})\n"
    )
    third.source = "%%capture captured\n" + third.source + f"\nprint({third.metadata['nbgrader']['grade_id']})\n"
    scratch = [nbformat.v4.new_code_cell("%%html\n<p>my notes</p>\n"),
               nbformat.v4.new_code_cell("print(captured.stdout[:20], files[:1], r.best >= 0)\n%who\n")]
    at = notebook.cells.index(third) + 1
    notebook.cells[at:at] = scratch
    return notebook


def write_notebook(folder: Path, student: str, day: str, notebook) -> Path:
    path = folder / "submitted" / student / day / f"{day}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    (path.parent / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC\n", encoding="utf-8")
    return path


def class_with_magics(folder: Path, day: str, release_nb, source_nb) -> list[str]:
    """The reference and one known-wrong student of each of the day's first three tasks, each written
    twice: ``<id>_magic`` with magics, ``<id>_plain`` without. Returns the student ids."""
    everyone = sample_class(COURSE, day)
    names = [c.metadata["nbgrader"]["grade_id"] for c in source_nb.cells
             if c.metadata.get("nbgrader", {}).get("solution")]
    chosen = [s for s in everyone if s.student_id == "reference"]
    for task in names[:3]:
        chosen += [s for s in everyone if s.student_id.startswith("wrong_") and task in s.replacements][:1]
    students = []
    for student in chosen:
        plain = submission_notebook(release_nb, source_nb, student.replacements)
        write_notebook(folder, f"{student.student_id}_plain", day, plain)
        write_notebook(folder, f"{student.student_id}_magic", day, with_magics(plain, day))
        students += [f"{student.student_id}_plain", f"{student.student_id}_magic"]
    return students


FAST_DAYS = ("day_39", "day_40")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """daykit grade on Day 39 and Day 40 notebooks with and without magics (the instructor's notebook
    stands in for the release: daykit grade runs the locked cells from it anyway)."""
    folder = tmp_path_factory.mktemp("magic_class")
    students = {}
    for day in FAST_DAYS:
        source_nb = nbformat.read(str(COURSE.source_notebook(day)), as_version=4)
        students[day] = class_with_magics(folder, day, source_nb, source_nb)
    limits = Limits(task_seconds=20, load_seconds=30)
    return folder, students, daykit_points(COURSE, folder, students, folder / "results", jobs=2, limits=limits)


@pytest.mark.parametrize("day", FAST_DAYS)
def test_daykit_grade_scores_a_notebook_with_magics_as_the_same_notebook_without(graded, day):
    _, students, points = graded
    scores = points[day]
    plain = {s.removesuffix("_plain"): scores[s] for s in students[day] if s.endswith("_plain")}
    magic = {s.removesuffix("_magic"): scores[s] for s in students[day] if s.endswith("_magic")}
    assert magic == plain
    max_score = graded_day(COURSE, day)[0].max_score
    assert sum(magic["reference"].values()) == max_score
    assert all(sum(p.values()) < max_score for s, p in magic.items() if s != "reference")  # the class is not trivial


def test_daykit_grade_notes_the_shell_command_it_did_not_run(graded):
    folder, _, _ = graded
    doc = json.loads((folder / "results" / "day_39" / "submissions" / "reference_magic.json").read_text())
    assert doc["notes"] == ["shell command not run: !ls"] and doc["load_errors"] == []
    plain = json.loads((folder / "results" / "day_39" / "submissions" / "reference_plain.json").read_text())
    assert plain["notes"] == []
    day = graded_day(COURSE, "day_39")[0]
    assert "While grading: shell command not run: !ls." in feedback(day, doc)
    assert "While grading" not in feedback(day, plain)


def test_pytest_target_daykit_check_and_load_target_see_the_same_notebook(graded):
    """The student's own tools read a notebook with the same transformation: ``load_target`` defines
    every task and notes the shell command; ``daykit check``'s run and ``pytest --target`` pass every
    visible check."""
    folder, _, _ = graded
    path = folder / "submitted" / "reference_magic" / "day_39" / "day_39.ipynb"
    notes = []
    namespace, error = load_target(path, "daykit_target_day_39", notes)
    assert error is None and notes == ["shell command not run: !ls"]
    assert all(callable(namespace[t]) for t in ("symbolic_derivative", "numerical_gradient", "chain_rule_derivative"))
    checked = run_day(COURSE, "day_39", target=path)
    assert checked.load_error is None and checked.done, [(r.task, r.status, r.message) for r in checked.results]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_day_39.py", "--target", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert "tasks: 3 passed, 0 failed, 0 not started" in run.stdout


def test_a_worker_runs_a_notebook_as_a_kernel_and_a_python_file_as_python(tmp_path, monkeypatch):
    """In the worker: ``display`` is a builtin as in a kernel, ``get_ipython()`` is the stand-in, no shell
    escape or magic that reaches outside runs (each is noted), and a ``.py`` submission runs as Python
    runs it (``display`` is not defined there). The student's cells are transformed and run in the
    worker only: here, in the process the grading processes are forked from, IPython's transformer
    and the stand-in shell fail if called, and the notebook still gets full marks."""
    class RanInTheGrader(BaseException):  # not an Exception: no fallback may swallow it
        pass

    def never(*args, **kwargs):
        raise RanInTheGrader("the grading process transformed or ran a student's cell")

    monkeypatch.setattr(TransformerManager, "transform_cell", never)
    monkeypatch.setattr(Shell, "run", never)
    day = graded_day(COURSE, "day_39")[0]
    source_nb = nbformat.read(str(COURSE.source_notebook("day_39")), as_version=4)
    marker, script = tmp_path / "ran", tmp_path / "script.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\n")
    notebook = submission_notebook(source_nb, source_nb, {})
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "numerical_gradient":
            cell.source = (
                "import builtins\nassert builtins.display is display and get_ipython() is not None\n"
                # IPython as a kernel has it: the stand-in behind IPython.get_ipython, the package whole
                "import IPython\nfrom IPython import get_ipython as _kernel\nassert _kernel() is get_ipython()\n"
                "assert IPython.version_info >= (8,) and callable(IPython.embed)\n"
                "from IPython.display import Markdown\nassert IPython.get_ipython() is get_ipython()\n"
                f"!touch {marker}\n" + cell.source.replace("### BEGIN SOLUTION", "display(step)", 1)
            )
    outside = outside_cells(marker, script)
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in outside]
    path = tmp_path / "kernel.ipynb"
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    module = tmp_path / "module.py"
    module.write_text(COURSE.solution("day_39").read_text(encoding="utf-8") + "\ndisplay(1)\n")
    run = ClassRun(COURSE, day, Limits(task_seconds=20, load_seconds=30), jobs=1, force=True, results=tmp_path / "r")
    docs = {d["student"]: d for d in run.grade([Submission("kernel", path), Submission("module", module)])}
    kernel, module_doc = docs["kernel"], docs["module"]
    assert kernel["score"] == day.max_score and kernel["load_errors"] == [] and not marker.exists()
    assert kernel["notes"][0] == f"shell command not run: !touch {marker}"
    assert len(kernel["notes"]) == len(outside)  # one each; the task cell's `!touch` is the same as the first
    assert module_doc["score"] == day.max_score and module_doc["notes"] == []
    assert any("NameError" in e and "display" in e for e in module_doc["load_errors"])


# ------------------------------------------------------------------------------ nbgrader agrees


@pytest.mark.slow
def test_nbgrader_autograde_and_daykit_grade_give_identical_scores_on_notebooks_with_magics(tmp_path_factory):
    course_dir = temporary_course(COURSE, parent=tmp_path_factory.mktemp("magic_nbgrader"))
    day = "day_39"
    release(Course(course_dir), [day])
    release_nb = nbformat.read(str(course_dir / "release" / day / f"{day}.ipynb"), as_version=4)
    source_nb = nbformat.read(str(course_dir / "source" / day / f"{day}.ipynb"), as_version=4)
    everyone = {s.student_id: s for s in sample_class(COURSE, day)}
    wrong = next(s for s in everyone.values() if s.student_id.startswith("wrong_")
                 and "numerical_gradient" in s.replacements)
    students = []
    for student in (everyone["reference"], wrong):
        plain = submission_notebook(release_nb, source_nb, student.replacements)
        write_notebook(course_dir, f"{student.student_id}_magic", day, with_magics(plain, day))
        students.append(f"{student.student_id}_magic")
    theirs = nbgrader_points(course_dir, {day: students})
    ours = daykit_points(COURSE, course_dir, {day: students}, tmp_path_factory.mktemp("magic_results"))
    assert differences(theirs, ours) == []
    assert sum(theirs[day]["reference_magic"].values()) == graded_day(COURSE, day)[0].max_score
    assert 0 < sum(theirs[day][f"{wrong.student_id}_magic"].values()) < graded_day(COURSE, day)[0].max_score
