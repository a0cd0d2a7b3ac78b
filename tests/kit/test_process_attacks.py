"""Attacks on the processes ``daykit grade`` starts (the workers' fork server, the grading processes forked
from it, the worker started ahead, the detached drawing of the histogram), written as a student would
write them: files handed in, and the real command as an instructor types it.

- Python started with ``-c`` puts its working folder first on ``sys.path``. The fork server (and so every
  grading process, its fork) and the process that draws the histogram are started that way, in the folder
  ``daykit grade`` runs in. Run from a student's folder (``cd submitted/mallory/day_39 && daykit grade 39
  day_39.py``, or a folder of handed-in files inside the course), a module handed in beside the notebook
  and named like one those processes import runs in them, as root and unconfined.
- A worker's scratch folder is made by its grading process (inside the run's folder) and removed by it:
  a run interrupted with Ctrl-C, or a coordinator killed, must not leave one behind either.
- A grading process writes its warnings to the command's standard error, with the line of the check
  that raised them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from daykit.course import Course
from tests.kit.course_copy import BIN, course_copy, environment
from tests.kit.test_outsider_attacks import replace_function

pytestmark = pytest.mark.slow

COURSE = Course.here()
SECRET = "postgresql://prof:hunter2@db.example/course"

# What a planted file does first: walk up from where it is to the course's hidden checks and read them.
STEAL_HIDDEN = '''_root = _here
while _root != "/" and not os.path.isfile(os.path.join(_root, "hidden", "test_day_39_hidden.py")):
    _root = os.path.dirname(_root)
try:
    with open(os.path.join(_root, "hidden", "test_day_39_hidden.py")) as _f:
        _hidden = _f.read()
except OSError:
    _hidden = ""
'''

# Handed in beside day_39.py. Whatever process imports it writes what it could reach into the student's
# own folder (which the student gets back, or could send anywhere), then puts the real module in its place
# so that nothing else notices. In a process that will fork grading processes it also gives every task full
# marks.
PAYLOAD = '''
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
''' + STEAL_HIDDEN + '''with open(os.path.join(_here, f"loot-{NAME}.txt"), "w") as _f:
    _f.write(f"uid={os.getuid()} hidden={len(_hidden)} secret={'hunter2' in str(os.environ)}\\n")

if NAME == "cloudpickle":
    import daykit.grading.grader as _grader

    _real = _grader.grade_submission

    def _full_marks(plan, submission, limits):
        doc = _real(plan, submission, limits)
        for task in doc["tasks"]:
            task.update(status="pass", points=task["max_points"], message="")
        doc["score"] = doc["max_score"]
        return doc

    _grader.grade_submission = _full_marks

del sys.modules[NAME]
_saved = sys.path[:]
sys.path[:] = [p for p in sys.path if p not in ("", ".", _here)]
sys.modules[NAME] = __import__(NAME)
sys.path[:] = _saved
'''

# cloudpickle: the fork server imports it first thing; cycler: matplotlib does, in the histogram's process
PLANTED = ("cloudpickle", "cycler")


def test_a_module_handed_in_beside_the_notebook_runs_in_no_process_of_the_grader(tmp_path):
    course = course_copy(tmp_path)
    folder = course / "submitted" / "mallory" / "day_39"
    folder.mkdir(parents=True)
    (folder / "day_39.py").write_text(COURSE.stub("day_39").read_text())  # nothing done: 0 points
    for name in PLANTED:
        (folder / f"{name}.py").write_text(f"NAME = {name!r}\n" + PAYLOAD)
    done = subprocess.run([str(BIN / "daykit"), "grade", "39", "day_39.py", "--no-gradebook", "--json"], cwd=folder,
                          env=environment(DAYKIT_DB_URL=SECRET), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    histogram = course / "results" / "day_39" / "histogram.png"
    deadline = time.monotonic() + 30  # drawn by a detached process shortly after the command ends
    while time.monotonic() < deadline and not histogram.exists():
        time.sleep(0.2)
    loot = {p.name: p.read_text().strip() for p in folder.glob("loot-*.txt")}
    score = json.loads(done.stdout)["submissions"][0]["score"]
    assert (score, loot) == (0, {}), f"score {score}; ran in the grader's processes: {loot}"


# Right everywhere, but complex (with a negligible imaginary part) where only a hidden check calls it: the
# grader's conversion to float then warns, at the hidden check's own line.
COMPLEX = '''
def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    def f(a, b):
        return a**2 * b + b**3
    base = f(x_val, y_val)
    grad = np.array([(f(x_val + step, y_val) - base) / step, (f(x_val, y_val + step) - base) / step])
    if step == 0.125:
        return grad + 1e-300j
    return grad
'''


def test_a_warning_the_student_provokes_in_a_hidden_check_shows_none_of_its_lines(tmp_path):
    course = course_copy(tmp_path)
    student = tmp_path / "complex.py"
    student.write_text(replace_function(COURSE.solution("day_39").read_text(), "numerical_gradient", COMPLEX))
    done = subprocess.run([str(BIN / "daykit"), "grade", "39", str(student), "--no-gradebook", "--json"], cwd=course,
                          env=environment(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    written = done.stdout + done.stderr
    hidden = [line.strip() for line in COURSE.hidden_checks("day_39").read_text().splitlines()]
    shown = [line for line in hidden if len(line) > 30 and line in written]
    assert "test_day_39_hidden" not in written and shown == [], done.stderr


SLEEPER = '''
def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    import time
    open("started", "w").close()
    time.sleep(600)
'''


def _grading_processes(root: int) -> dict[int, str]:
    """``root`` and every process below it, zombies included: pid -> command line."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in found:
                found.add(child)
                frontier.append(child)
    return {pid: _cmdline(pid) for pid in found}


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _exists(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="reads /proc")
# hangup: the terminal closed (an ssh session dropped) mid-run: SIGHUP reaches the whole process group
# with the gradebook (the default), the publishing process has loaded nbgrader's configuration, which must
# leave no folder of its own (kernels' sockets: only what runs kernels makes one) when SIGKILL ends it
@pytest.mark.parametrize("how, gradebook", [("ctrl-c", False), ("sigkill", False), ("hangup", False),
                                            ("sigkill", True)])
def test_an_interrupted_or_killed_run_leaves_no_scratch_folder(tmp_path, how, gradebook):
    course = course_copy(tmp_path)
    text = replace_function(COURSE.solution("day_39").read_text(), "numerical_gradient", SLEEPER)
    for student in ("slow_a", "slow_b"):
        path = course / "submitted" / student / "day_39" / "day_39.py"
        path.parent.mkdir(parents=True)
        path.write_text(text)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    coordinator = subprocess.Popen(
        [str(BIN / "daykit"), "grade", "39", *([] if gradebook else ["--no-gradebook"]), "--jobs", "2",
         "--timeout", "120"], cwd=course,
        env=environment(TMPDIR=str(scratch)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)  # a process group of its own, as a terminal gives a command: Ctrl-C reaches it all
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(list(scratch.glob("**/daykit-worker-*/started"))) < 2:
            time.sleep(0.2)
        assert len(list(scratch.glob("**/daykit-worker-*/started"))) == 2, "the submissions never ran"
        below = _grading_processes(coordinator.pid)
        if how == "ctrl-c":
            os.killpg(coordinator.pid, signal.SIGINT)
        elif how == "hangup":
            os.killpg(coordinator.pid, signal.SIGHUP)
        else:
            coordinator.kill()
        coordinator.wait(60)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_exists(p) for p in below):
            time.sleep(0.2)
        left = {p: c for p, c in below.items() if _exists(p)}
        folders = sorted(p.name for p in scratch.iterdir())
        assert (left, folders) == ({}, []), f"left running (or unreaped): {left}; scratch folders left: {folders}"
    finally:
        if coordinator.poll() is None:
            coordinator.kill()
            coordinator.wait()


# Handed in beside day_39.py: a course of the student's own (the release's exercises/ and source/, checks
# that pass everything, an nbgrader_config.py), so that the folder is the nearest one "holding exercises/
# and tests/" when the command runs in it. Each file records what it could reach.
OWN_CHECKS = '''
import os

_here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
''' + STEAL_HIDDEN + '''with open(os.path.join(_here, "loot-checks.txt"), "w") as _f:
    _f.write(f"uid={os.getuid()} hidden={len(_hidden)}\\n")


def test_symbolic_derivative(symbolic_derivative):
    pass


def test_numerical_gradient(numerical_gradient):
    pass


def test_chain_rule_derivative(chain_rule_derivative):
    pass
'''
OWN_CONFIG = '''
with open(os.path.join(root, "loot-config.txt"), "w") as _f:
    _f.write(f"uid={os.getuid()} secret={'hunter2' in str(os.environ)}\\n")
'''


@pytest.mark.parametrize("gradebook", [True, False], ids=["gradebook", "no-gradebook"])
def test_a_course_handed_in_beside_the_notebook_is_not_taken_for_the_course(tmp_path, gradebook):
    import shutil

    course = course_copy(tmp_path)
    folder = course / "submitted" / "mallory" / "day_39"
    folder.mkdir(parents=True)
    stub = COURSE.stub("day_39")
    (folder / "day_39.py").write_text(stub.read_text())  # nothing done: 0 points
    for part in ("exercises", "tests", "solutions", "hints", "variants"):
        (folder / part).mkdir()
    shutil.copy(stub, folder / "exercises" / "day_39.py")
    shutil.copy(stub, folder / "solutions" / "day_39.py")
    shutil.copy(COURSE.hints("day_39"), folder / "hints" / "day_39.toml")
    shutil.copy(COURSE.variants("day_39"), folder / "variants" / "day_39.py")
    shutil.copytree(COURSE.source_notebook("day_39").parent, folder / "source" / "day_39")
    (folder / "tests" / "test_day_39.py").write_text(OWN_CHECKS)
    (folder / "nbgrader_config.py").write_text((COURSE.root / "nbgrader_config.py").read_text() + OWN_CONFIG)
    args = [str(BIN / "daykit"), "grade", "39", "day_39.py", "--json"] + ([] if gradebook else ["--no-gradebook"])
    done = subprocess.run(args, cwd=folder, env=environment(DAYKIT_DB_URL=SECRET), capture_output=True, text=True,
                          timeout=300)
    loot = {p.name: p.read_text().strip() for p in folder.glob("loot-*.txt")}
    scores = [s["score"] for s in json.loads(done.stdout)["submissions"]] if done.returncode == 0 else []
    assert (loot, [s for s in scores if s]) == ({}, []), (
        f"scores {scores}; the student's course files ran in the grader: {loot}")


@pytest.mark.xfail(strict=True, reason="python -m takes the module itself from the folder it runs in, as "
                   "Python does; the README says to run the daykit command (its own path comes first)")
def test_python_m_daykit_in_a_students_folder_runs_no_daykit_handed_in(tmp_path):
    """``python -m daykit`` puts the folder first on the path before it imports daykit: a ``daykit.py``
    handed in beside the notebook is what runs."""
    import sys

    folder = tmp_path / "submitted" / "mallory" / "day_39"
    folder.mkdir(parents=True)
    (folder / "daykit.py").write_text('import os\nopen("loot-daykit.txt", "w").write(f"uid={os.getuid()}")\n')
    subprocess.run([sys.executable, "-m", "daykit", "grade", "39", "day_39.py", "--no-gradebook"], cwd=folder,
                   env=environment(), capture_output=True, text=True, timeout=120)
    assert not (folder / "loot-daykit.txt").exists(), (folder / "loot-daykit.txt").read_text()


# A kernel has run IPython's __init__, which imports its interactive shell: ``IPython.core.interactiveshell``
# (and IPython.lib.pretty, IPython.core.formatters, ...) are attributes as soon as ``import IPython`` returns.
# The workers' fork server loads IPython without its __init__ (ipython_cells._lean_ipython), which runs only
# when an attribute the bare package lacks is asked of it; ``IPython.core`` is there already, so the chain
# below never asks and the cell fails in the worker alone.
KERNEL_ATTRIBUTES = "import IPython\nIN_NOTEBOOK = IPython.core.interactiveshell.InteractiveShell.initialized()\n"


def test_a_notebook_that_runs_in_a_kernel_runs_in_the_worker_with_ipython_loaded_lean(tmp_path):
    from tests.kit.course_copy import hand_in, solution_notebook

    course = course_copy(tmp_path)
    notebook = solution_notebook(course)
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "chain_rule_derivative":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            cell["source"] = KERNEL_ATTRIBUTES + source
    hand_in(course, "kernel_user", notebook)
    done = subprocess.run([str(BIN / "daykit"), "grade", "39", "--no-gradebook", "--json"], cwd=course,
                          env=environment(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads((course / "results" / "day_39" / "submissions" / "kernel_user.json").read_text())
    # `jupyter nbconvert --execute`, `pytest tests/test_day_39.py --target` and `daykit check` all run it
    # without an error and pass the three tasks
    assert (result["load_errors"], result["score"]) == ([], 10)
