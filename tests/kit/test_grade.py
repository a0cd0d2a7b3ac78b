"""`daykit grade` against hostile submissions: each attack gets exactly the grade it earned.

One class of Day 39 submissions is graded once (in parallel, as `daykit grade` does); each test then
reads the grade one submission got. Every attack sits beside an honest reference student, whose full
marks show that no submission can change another's grade.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest

from daykit.authoring.model import load_day
from daykit.course import Course
from daykit.grading import sandbox
from daykit.grading.grade import ClassRun, Submission
from daykit.grading.worker import Limits

COURSE = Course.here()
DAY = load_day(COURSE, "day_39")
REFERENCE = COURSE.solution("day_39").read_text()
STUB = COURSE.stub("day_39").read_text()
HIDDEN = COURSE.hidden_checks("day_39")
LIMITS = Limits(task_seconds=3, load_seconds=5, memory_bytes=512 * 2**20)
LANDLOCK = sandbox.abi_version()

pytestmark = pytest.mark.slow


def replace_function(source: str, name: str, new: str) -> str:
    """The source with the top-level function ``name`` replaced by ``new`` (or removed if empty)."""
    pattern = re.compile(rf"^def {name}\(.*?(?=^# %%|^def |\Z)", re.S | re.M)
    assert pattern.search(source), name
    return pattern.sub(lambda _: new.strip() + "\n\n\n" if new else "", source, count=1)


def prepend(code: str) -> str:
    return code.strip() + "\n" + REFERENCE


WRONG_GRADIENT = """
def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    return np.array([0.0, 0.0])
"""


def with_body(name: str, body: str) -> str:
    """The reference with ``body`` run at the start of function ``name``."""
    marker = f"def {name}("
    head, tail = REFERENCE.split(marker, 1)
    signature, rest = tail.split("### BEGIN SOLUTION", 1)
    indented = "\n".join("    " + line for line in body.strip().splitlines())
    return head + marker + signature + "### BEGIN SOLUTION\n" + indented + "\n" + rest


def python_submissions(tmp: Path) -> dict[str, str]:
    results_file = tmp / "results" / "submissions" / "reference.json"
    return {
        "reference": REFERENCE,
        "stub": STUB,
        "patch_numpy": prepend(
            "import numpy\nnumpy.allclose = lambda *a, **k: True\nnumpy.isclose = lambda *a, **k: True\n"
            "numpy.testing.assert_allclose = lambda *a, **k: None\nnumpy.abs = lambda x: 0 * x"
        ).replace(REFERENCE, replace_function(REFERENCE, "numerical_gradient", WRONG_GRADIENT)),
        "patch_sympy": replace_function(
            prepend("import sympy\nsympy.Basic.__eq__ = lambda a, b: True\nsympy.simplify = lambda *a, **k: 0"),
            "symbolic_derivative",
            "def symbolic_derivative():\n    x = sp.Symbol('x')\n    return x, x\n",
        ),
        "patch_pytest": replace_function(
            prepend("import pytest\npytest.approx = lambda *a, **k: True\npytest.fail = lambda *a, **k: None"),
            "chain_rule_derivative",
            "def chain_rule_derivative():\n    x = sp.Symbol('x')\n    return (2*x + 1)**2, 4*x + 2\n",
        ),
        "liars": replace_function(
            replace_function(
                replace_function(
                    prepend(
                        "import sympy\nclass Liar:\n    def __eq__(self, other):\n        return True\n"
                        "    __hash__ = object.__hash__\n"
                        "class Always(float):\n    def __eq__(self, other):\n        return True\n"
                        "class SymbolLiar(sympy.Symbol):\n    def __eq__(self, other):\n        return True\n"
                        "    __hash__ = sympy.Symbol.__hash__\n"
                    ),
                    "symbolic_derivative",
                    "def symbolic_derivative():\n    return Liar(), Liar()\n",
                ),
                "numerical_gradient",
                "def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):\n"
                "    return np.array([Always(0.0), Always(0.0)])\n",
            ),
            "chain_rule_derivative",
            "def chain_rule_derivative():\n    return SymbolLiar('x'), SymbolLiar('x')\n",
        ),
        "sys_exit_in_task": with_body("numerical_gradient", "import sys\nsys.exit(0)"),
        "os_exit_in_task": with_body("symbolic_derivative", "import os\nos._exit(3)"),
        "keyboard_interrupt": with_body("chain_rule_derivative", "raise KeyboardInterrupt"),
        "system_exit_at_import": "raise SystemExit(1)\n" + REFERENCE,
        "keyboard_interrupt_at_import": "raise KeyboardInterrupt\n" + REFERENCE,
        "sys_exit_after_definitions": REFERENCE + "\nimport sys\nsys.exit(0)\n",
        "os_exit_at_import": "import os\nos._exit(0)\n" + REFERENCE,
        "endless_loop": with_body("numerical_gradient", "while True:\n    pass"),
        "endless_import": REFERENCE + "\nwhile True:\n    pass\n",
        "memory_hog": with_body("symbolic_derivative", "hog = bytearray(8 * 2**30)"),
        "output_flood": with_body(
            "chain_rule_derivative", "print('x' * 50_000_000)\nimport os\nos.write(1, b'y' * 10_000_000)"
        ),
        "syntax_error": REFERENCE.replace("def chain_rule_derivative():", "def chain_rule_derivative(:"),
        "missing_function": replace_function(REFERENCE, "chain_rule_derivative", ""),
        "tamper_results": prepend(
            f"try:\n    open({str(results_file)!r}, 'w').write('{{}}')\nexcept OSError:\n    pass\n"
            f"try:\n    open({str(tmp / 'reference.py')!r}, 'w').write('raise SystemExit')\nexcept OSError:\n    pass"
        ),
        "steal_hidden": with_body(
            "numerical_gradient",
            f"try:\n    open({str(HIDDEN)!r}).read()\n    return np.array([0.0, 0.0])\nexcept OSError:\n    pass",
        ),
        "kill_parent": prepend("import os, signal\ntry:\n    os.kill(os.getppid(), signal.SIGKILL)\nexcept OSError:\n"
                               "    pass"),
    }


def notebook(replace: dict[str, str] | None = None, drop_tests=False, edit_tests=False, meddle=False):
    """A notebook submission made from the instructor's notebook (hidden tests are never run)."""
    nb = nbformat.read(str(COURSE.source_notebook("day_39")), as_version=4)
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and drop_tests:
            continue
        if meta.get("grade") and edit_tests:
            cell.source = "pass"
        if meta.get("grade_id") in (replace or {}):
            cell.source = replace[meta["grade_id"]]
        if meddle:
            meta["points"] = 100
            cell.metadata["nbgrader"] = meta
        cells.append(cell)
    nb.cells = cells
    if meddle:
        nb.metadata["kernelspec"] = {"name": "not-a-kernel", "display_name": "?", "language": "python"}
    return nbformat.writes(nb)


def notebook_submissions() -> dict[str, str]:
    return {
        "nb_reference": notebook(),
        "nb_tests_deleted": notebook(drop_tests=True),
        "nb_tests_edited": notebook({"numerical_gradient": WRONG_GRADIENT}, edit_tests=True),
        "nb_metadata_changed": notebook(meddle=True),
        "nb_unreadable": '{"cells": [ this is not json',
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    submissions = []
    for student, text in python_submissions(tmp).items():
        path = tmp / f"{student}.py"
        path.write_text(text)
        submissions.append(Submission(student, path))
    for student, text in notebook_submissions().items():
        path = tmp / f"{student}.ipynb"
        path.write_text(text)
        submissions.append(Submission(student, path))
    run = ClassRun(COURSE, DAY, LIMITS, jobs=2, results=tmp / "results")
    docs = run.grade(submissions)
    return {doc["student"]: doc for doc in docs}, run, submissions


def statuses(doc):
    return {t["task"]: (t["status"], t["points"]) for t in doc["tasks"]}


EXPECTED = {
    "reference": 10,
    "stub": 0,
    "patch_numpy": 6,
    "patch_pytest": 7,
    "liars": 0,
    "sys_exit_in_task": 6,
    "os_exit_in_task": 7,
    "keyboard_interrupt": 7,
    "system_exit_at_import": 0,
    "keyboard_interrupt_at_import": 0,
    "sys_exit_after_definitions": 10,
    "os_exit_at_import": 0,
    "endless_loop": 6,
    "endless_import": 0,
    "memory_hog": 7,
    "output_flood": 10,
    "syntax_error": 0,
    "missing_function": 7,
    "nb_reference": 10,
    "nb_tests_deleted": 10,
    "nb_tests_edited": 6,
    "nb_metadata_changed": 10,
    "nb_unreadable": 0,
}


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_submission_gets_the_grade_it_earned(graded, student):
    docs, _, _ = graded
    assert docs[student]["score"] == EXPECTED[student], statuses(docs[student])
    assert docs[student]["max_score"] == 10


def test_patching_sympy_cannot_pass_a_wrong_derivative(graded):
    docs, _, _ = graded
    assert statuses(docs["patch_sympy"])["symbolic_derivative"] == ("fail", 0)
    assert docs["patch_sympy"]["score"] <= 7


def test_statuses_say_what_happened(graded):
    docs, _, _ = graded
    assert {s for s, _ in statuses(docs["stub"]).values()} == {"not_started"}
    assert statuses(docs["endless_loop"])["numerical_gradient"][0] == "timeout"
    assert {s for s, _ in statuses(docs["endless_import"]).values()} == {"timeout"}
    assert statuses(docs["os_exit_in_task"])["symbolic_derivative"][0] == "error"
    assert "exited with code 3" in docs["os_exit_in_task"]["tasks"][0]["message"]
    assert "MemoryError" in docs["memory_hog"]["tasks"][0]["message"]
    assert "defines no function chain_rule_derivative" in docs["missing_function"]["tasks"][2]["message"]
    assert "line" in docs["syntax_error"]["tasks"][2]["message"]
    assert "SyntaxError" in docs["syntax_error"]["tasks"][2]["message"]
    assert "not a readable notebook" in docs["nb_unreadable"]["tasks"][0]["message"]
    assert "not plain data" in docs["liars"]["tasks"][0]["message"]


@pytest.mark.skipif(LANDLOCK < 1, reason="the kernel has no Landlock")
def test_a_worker_cannot_read_hidden_checks_or_write_outside_its_scratch(graded, tmp_path_factory):
    docs, run, submissions = graded
    assert docs["steal_hidden"]["score"] == 10
    assert docs["tamper_results"]["score"] == 10
    stored = json.loads((run.folder / "submissions" / "reference.json").read_text())
    assert stored["score"] == 10 and stored["student"] == "reference"
    assert "landlock-fs" in docs["reference"]["isolation"]


@pytest.mark.skipif(LANDLOCK < 6, reason="the kernel's Landlock cannot scope signals")
def test_a_worker_cannot_kill_the_fork_server(graded):
    docs, _, _ = graded
    assert docs["kill_parent"]["score"] == 10


def test_hidden_checks_never_show_their_values(graded):
    docs, _, _ = graded
    for doc in docs.values():
        for task in doc["tasks"]:
            if task["message"].startswith("a hidden check failed"):
                assert "-1.25" not in task["message"] and "0.125" not in task["message"]


def test_a_second_run_reuses_every_current_result(graded):
    docs, run, submissions = graded
    again = ClassRun(COURSE, DAY, LIMITS, jobs=2, results=run.folder)
    calls = []
    redone = again.grade(submissions, progress=lambda done, total: calls.append(done))
    assert calls == [len(submissions)]  # everything was current: nothing graded again
    assert [d["score"] for d in redone] == [docs[s.student]["score"] for s in submissions]


def test_a_changed_submission_is_graded_again(graded, tmp_path):
    _, run, _ = graded
    path = tmp_path / "reference.py"
    path.write_text(REFERENCE)
    folder = tmp_path / "results"
    first = ClassRun(COURSE, DAY, LIMITS, jobs=1, results=folder).grade([Submission("reference", path)])
    path.write_text(STUB)
    second = ClassRun(COURSE, DAY, LIMITS, jobs=1, results=folder).grade([Submission("reference", path)])
    assert (first[0]["score"], second[0]["score"]) == (10, 0)


def test_an_interrupted_run_loses_nothing_and_resumes(tmp_path):
    """Ctrl-C in the middle of a class: finished results stay; the next run grades only the rest."""
    import os
    import signal
    import subprocess
    import sys
    import time

    files = []
    for index in range(2):
        files.append(tmp_path / f"quick_{index}.py")
        files[-1].write_text(REFERENCE)
    for index in range(3):
        files.append(tmp_path / f"slow_{index}.py")
        files[-1].write_text(with_body("symbolic_derivative", "import time\ntime.sleep(30)"))
    results = tmp_path / "results"
    command = [sys.executable, "-m", "daykit", "grade", "39", *map(str, files), "--jobs", "1",
               "--timeout", "3", "--results", str(results)]
    process = subprocess.Popen(command, cwd=COURSE.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(list((results / "submissions").glob("*.json"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err.decode()
    finished = {p.name: p.stat().st_mtime_ns for p in (results / "submissions").glob("*.json")}
    assert {"quick_0.json", "quick_1.json"} <= set(finished) and len(finished) < len(files)
    assert not [p for p in (results / "submissions").iterdir() if p.name.startswith(".")]  # no partial file
    assert not [line for line in os.popen("ps -eo args").read().splitlines() if "time.sleep(30)" in line]

    again = subprocess.run([*command, "--json"], cwd=COURSE.root, capture_output=True, timeout=120)
    assert again.returncode == 0, again.stderr.decode()
    scores = {s["student"]: s["score"] for s in json.loads(again.stdout)["submissions"]}
    assert scores == {"quick_0": 10, "quick_1": 10, "slow_0": 7, "slow_1": 7, "slow_2": 7}
    for name, mtime in finished.items():
        if name.startswith("quick"):
            assert (results / "submissions" / name).stat().st_mtime_ns == mtime  # not graded again


def test_a_student_exception_reaches_the_check_as_its_builtin_kind():
    """A check expecting ValueError (or LinAlgError, a ValueError) catches the student's through the proxy."""
    from daykit.checking.runner import StudentError
    from daykit.grading.session import student_exception

    assert issubclass(student_exception("ValueError"), ValueError)
    assert issubclass(student_exception("ValueError"), StudentError)
    assert issubclass(student_exception("ZeroDivisionError"), ArithmeticError)
    for dangerous in ("SystemExit", "KeyboardInterrupt", "GeneratorExit", "BaseException", "Exception", "print", None):
        assert student_exception(dangerous) is StudentError


def test_expect_raises_sees_the_students_own_message_through_the_proxy():
    from daykit.checks import CheckFailure, expect_raises
    from daykit.grading.session import student_exception

    def bare(*_):
        error = student_exception("ValueError")("f raised ValueError (f.py, line 3)")
        error.student_message = ""
        raise error

    def said(*_):
        error = student_exception("ValueError")("f raised ValueError: n must be even (f.py, line 3)")
        error.student_message = "n must be even"
        raise error

    expect_raises(ValueError, said, call="f(3)", with_message=True)
    expect_raises(ValueError, bare, call="f(3)")
    with pytest.raises(CheckFailure, match="no message"):
        expect_raises(ValueError, bare, call="f(3)", with_message=True)
    with pytest.raises(CheckFailure, match="should raise ValueError"):
        expect_raises(ValueError, lambda: 1, call="f(3)")
