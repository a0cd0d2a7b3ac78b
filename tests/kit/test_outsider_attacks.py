"""Submissions written as a hostile (or careless) student would write them, from what a student has: the
README, the visible checks, ``daykit.checks`` and the exercise files, not the grader's own tests.

Each attack is a copy of the reference solution with one function rewritten, graded for real through
``daykit grade DAY FILE... --json`` in a copy of the course, beside an honest student. A test asserts
the promise the README makes; where the attack gets through today, the test is marked ``xfail(strict=True)``
with what got through, so that the suite stays green and the day the hole is closed the test says so.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from daykit.course import Course

pytestmark = pytest.mark.slow

COURSE = Course.here()
BIN = Path(sys.executable).parent
DAYS = ("day_39", "day_40")


def replace_function(source: str, name: str, new: str) -> str:
    """``source`` with the top-level function ``name`` (up to the next cell marker) replaced by ``new``."""
    start = source.index(f"\ndef {name}(") + 1
    end = source.index("\n# %%", start)
    return source[:start] + new.strip("\n") + "\n\n" + source[end:]


def course_copy(root: Path) -> Path:
    """The days' solutions, checks, hidden checks, source notebooks and the nbgrader config, in ``root``."""
    import shutil

    for day in DAYS:
        for path in (COURSE.solution(day), COURSE.checks(day), COURSE.hidden_checks(day), COURSE.stub(day)):
            target = root / path.relative_to(COURSE.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        shutil.copytree(COURSE.source_notebook(day).parent, root / "source" / day)
    shutil.copy2(COURSE.root / "nbgrader_config.py", root / "nbgrader_config.py")
    return root


# ------------------------------------------------------------------------------------------ day 39

TIMING = """
import time as _time
_seen = []


def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    if (x_val, y_val) != (2.0, 3.0) and not _seen:
        _seen.append(x_val)
        _time.sleep(max(0.0, min(6.0, SLEEP)))
    def f(a, b):
        return a**2 * b + b**3
    base = f(x_val, y_val)
    return np.array([(f(x_val + step, y_val) - base) / step, (f(x_val, y_val + step) - base) / step])
"""

DAY_39 = {
    # Right on [-31.6, 31.6], where every sample point falls, and wrong everywhere else.
    "steered": {
        "symbolic_derivative": """
def symbolic_derivative():
    x = sp.Symbol("x")
    return x**3 - 2*x**2 + 5, 3*x**2 - 4*x + sp.Heaviside(x - 50) * x**5
""",
        "chain_rule_derivative": """
def chain_rule_derivative():
    x = sp.Symbol("x")
    return sp.expand((2*x + 1)**2), 8*x + 4 + sp.Max(0, x - 40)
""",
    },
    # A correct derivative written as a Piecewise, as a careless student might.
    "piecewise": {
        "symbolic_derivative": """
def symbolic_derivative():
    x = sp.Symbol("x")
    return x**3 - 2*x**2 + 5, sp.Piecewise((x * (3*x - 4), x < 0), (3*x**2 - 4*x, True))
""",
    },
    # The first call that is not the visible one sleeps 2·(2 + x) seconds, or 2·(2 − x): the difference of
    # the two results' "seconds" is 4·x, whatever else the grading took.
    "timing_up": {"numerical_gradient": TIMING.replace("SLEEP", "2.0 * (2.0 + x_val)")},
    "timing_down": {"numerical_gradient": TIMING.replace("SLEEP", "2.0 * (2.0 - x_val)")},
    # On a call that is not a visible one, an exception class that calls itself a built-in (its __module__
    # is "builtins") and whose name is the call's arguments.
    "named_exception": {
        "numerical_gradient": """
def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    if (x_val, y_val) != (2.0, 3.0):
        name = f"hidden point x={x_val!r} y={y_val!r} step={step!r}"
        raise type(name, (ValueError,), {"__module__": "builtins"})()
    def f(a, b):
        return a**2 * b + b**3
    base = f(x_val, y_val)
    return np.array([(f(x_val + step, y_val) - base) / step, (f(x_val, y_val + step) - base) / step])
""",
    },
    # Every argument written to every descriptor, stream, warning and log the worker has.
    "shouting": {
        "numerical_gradient": """
import logging as _logging
import os as _os
import sys as _sys
import warnings as _warnings


def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    msg = f"LEAKED-ARGS {x_val!r} {y_val!r} {step!r}\\n"
    for fd in range(12):
        try:
            _os.write(fd, msg.encode())
        except OSError:
            pass
    for stream in (_sys.__stdout__, _sys.__stderr__, _sys.stdout, _sys.stderr):
        try:
            stream.write(msg)
            stream.flush()
        except Exception:
            pass
    _warnings.warn(msg)
    _logging.getLogger().error(msg)
    def f(a, b):
        return a**2 * b + b**3
    base = f(x_val, y_val)
    return np.array([(f(x_val + step, y_val) - base) / step, (f(x_val, y_val + step) - base) / step])
""",
    },
    # np.longdouble is a NumPy float type: the visible checks (expect_array) take it in pytest.
    "longdouble": {
        "numerical_gradient": """
def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    def f(a, b):
        return a**2 * b + b**3
    base = f(x_val, y_val)
    return np.array([(f(x_val + step, y_val) - base) / step, (f(x_val, y_val + step) - base) / step],
                    dtype=np.longdouble)
""",
    },
    # An answer whose value at a sample point needs exp(exp(31)) to 30 digits.
    "slow_to_compare": {
        "symbolic_derivative": """
def symbolic_derivative():
    x = sp.Symbol("x")
    return x**3 - 2*x**2 + 5, 3*x**2 - 4*x + sp.sin(sp.exp(sp.exp(x)))
""",
    },
}

# Run when the module loads: each probe that gets through says Y, and the summary comes back as the
# load error. Paths are the real course's, as a student who guessed them would write them.
PROBES = '''

# %%
def _probes(course):
    import os, socket, resource
    out = []
    def p(name, fn):
        try:
            fn()
            out.append(f"{name}=Y")
        except BaseException:
            out.append(f"{name}=N")
    def rd(path):
        with open(path, "rb") as fh:
            return len(fh.read())
    def wr(path):
        with open(path, "w") as fh:
            fh.write("pwned")
    ppid = os.getppid()
    p("hidden", lambda: rd(course + "/hidden/test_day_39_hidden.py"))
    p("solution", lambda: rd(course + "/solutions/day_39.py"))
    p("source", lambda: rd(course + "/source/day_39/day_39.ipynb"))
    p("listcourse", lambda: os.listdir(course))
    p("writeresults", lambda: wr(course + "/results/PWNED"))
    p("writecourse", lambda: wr(course + "/PWNED"))
    p("writetmp", lambda: wr("/tmp/PWNED-" + TAG))
    p("writeshm", lambda: wr("/dev/shm/PWNED-" + TAG))
    p("symlink", lambda: (os.symlink(course + "/hidden/test_day_39_hidden.py", "lnk"), rd("lnk")))
    p("hardlink", lambda: (os.link(course + "/hidden/test_day_39_hidden.py", "hln"), rd("hln")))
    p("parentenv", lambda: rd(f"/proc/{ppid}/environ"))
    p("parentmem", lambda: open(f"/proc/{ppid}/mem", "rb").close())
    p("otherpids", lambda: [d for d in os.listdir("/proc") if d.isdigit() and int(d) > 2][0])
    p("inet", lambda: socket.socket())
    p("unix", lambda: socket.socket(socket.AF_UNIX))
    p("setuid", lambda: os.setuid(0))
    p("rlimit", lambda: resource.setrlimit(resource.RLIMIT_NPROC, (resource.RLIM_INFINITY,) * 2))
    p("shell", lambda: os.system("echo PWNED > /tmp/PWNED-sh-" + TAG) == 0 or 1 / 0)
    p("shadow", lambda: rd("/etc/shadow"))
    raise RuntimeError("PROBE " + " ".join(out))


_probes(COURSE)
'''

# What a kernel has and the worker's stand-in does not: IPython's own get_ipython(), the In/Out history,
# the __IPYTHON__ builtin. A real kernel (nbgrader autograde) runs every cell of this notebook without error.
KERNELISMS = {
    "symbolic_derivative": 'from IPython import get_ipython\nget_ipython().run_line_magic("precision", "3")\n',
    "numerical_gradient": 'print("cells run so far:", len(In))\n',
    "chain_rule_derivative": "if __IPYTHON__:\n    pass\n",
}


def kernel_notebook(folder: Path) -> Path:
    """The source notebook (reference solutions, test cells) with a kernel-ism at the top of each task cell."""
    notebook = json.loads(COURSE.source_notebook("day_39").read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        task = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell["cell_type"] == "code" and task in KERNELISMS:
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            cell["source"] = KERNELISMS[task] + source
    path = folder / "kernelisms.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


# Day 40 hands its tasks functions; in the worker a check's function is a stand-in that calls back, and a
# submission's own object passed to it comes back to the grader as a handle whose every operation the
# worker carries out. A tracer that records those operations rebuilds a hidden check's function.
TRACER = """
class Tracer:
    def __init__(self, text="x"):
        self.text = text
    def _op(name, fmt):
        def method(self, *args):
            return Tracer(fmt.format(self.text, *[a.text if isinstance(a, Tracer) else repr(a) for a in args]))
        method.__name__ = name
        return method
    __add__ = _op("__add__", "({} + {})")
    __radd__ = _op("__radd__", "({1} + {0})")
    __sub__ = _op("__sub__", "({} - {})")
    __rsub__ = _op("__rsub__", "({1} - {0})")
    __mul__ = _op("__mul__", "({} * {})")
    __rmul__ = _op("__rmul__", "({1} * {0})")
    __truediv__ = _op("__truediv__", "({} / {})")
    __rtruediv__ = _op("__rtruediv__", "({1} / {0})")
    __pow__ = _op("__pow__", "({} ** {})")
    __neg__ = _op("__neg__", "(-{})")
    cos = _op("cos", "cos({})")
    sin = _op("sin", "sin({})")
    exp = _op("exp", "exp({})")
    log = _op("log", "log({})")


def central_difference(f, x, h=1e-5):
    visible = np.ndim(x) == 0 and float(x) in (1.0, 0.5) or np.ndim(x) == 1 and np.shape(x) == (7,)
    if not visible:
        try:
            traced = f(Tracer())
            text = traced.text if isinstance(traced, Tracer) else f"returned {type(traced).__name__}"
        except Exception as exc:
            text = None
        if text is not None and not text.startswith("returned"):
            raise type(f"f(x) = {text}"[:250], (ValueError,), {"__module__": "builtins"})()
    estimate = (f(x + h) - f(x - h)) / (2 * h)
    if np.ndim(x) == 0:
        return float(estimate)
    return np.asarray(estimate, dtype=float)
"""


def student_file(folder: Path, day: str, name: str, functions: dict[str, str]) -> Path:
    source = COURSE.solution(day).read_text(encoding="utf-8")
    for function, new in functions.items():
        source = replace_function(source, function, new)
    path = folder / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    return path


def grade(course: Path, day: str, files: list[Path], results: Path) -> subprocess.CompletedProcess:
    command = [str(BIN / "daykit"), "grade", day.removeprefix("day_"), *map(str, files), "--json",
               "--no-gradebook", "--jobs", "2", "--timeout", "8", "--results", str(results)]
    done = subprocess.run(command, cwd=course, capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


class Graded:
    def __init__(self, course: Path, results: Path, done: subprocess.CompletedProcess):
        self.course, self.results, self.done = course, results, done
        self.by_student = {s["student"]: s for s in json.loads(done.stdout)["submissions"]}

    def stored(self, student: str) -> dict:
        return json.loads((self.results / "submissions" / f"{student}.json").read_text())

    def status(self, student: str) -> dict[str, str]:
        return {t["task"]: t["status"] for t in self.by_student[student]["tasks"]}

    def everything_written(self) -> str:
        """stdout, stderr and every file of results/: what the instructor and the students get."""
        texts = [self.done.stdout, self.done.stderr]
        texts += [p.read_text(errors="replace") for p in sorted(self.results.rglob("*")) if p.is_file()
                  and p.suffix != ".png"]
        return "\n".join(texts)


TAG = "outsider" + str(abs(hash(COURSE.root)) % 10**6)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return course_copy(tmp_path_factory.mktemp("outsider") / "course")


@pytest.fixture(scope="module")
def graded_39(course, tmp_path_factory) -> Graded:
    folder = tmp_path_factory.mktemp("students_39")
    files = [student_file(folder, "day_39", "honest", {})]
    files += [student_file(folder, "day_39", name, functions) for name, functions in DAY_39.items()]
    probe = folder / "probe.py"
    probe.write_text(COURSE.solution("day_39").read_text() + f"\nTAG = {TAG!r}\nCOURSE = {str(course)!r}\n"
                     + PROBES, encoding="utf-8")
    files += [probe, kernel_notebook(folder)]
    return Graded(course, course / "results" / "day_39", grade(course, "day_39", files, course / "results" / "day_39"))


def _module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pytest_verdicts(day: str, path: Path) -> dict[str, str]:
    """Each task's verdict from the visible checks of ``tests/test_day_NN.py`` called on the module at
    ``path``, as ``pytest tests/test_day_NN.py --target FILE`` calls them (in this process: a subprocess
    costs seconds of start-up on each run)."""
    student = _module(path, f"outsider_{path.stem}")
    checks = _module(COURSE.checks(day), f"outsider_checks_{day}")
    verdicts: dict[str, str] = {}
    for name, check in vars(checks).items():
        if name.startswith("test_") and callable(check):
            tasks = list(inspect.signature(check).parameters)
            try:
                check(*[getattr(student, task) for task in tasks])
                verdicts.setdefault(tasks[0], "pass")
            except Exception:  # noqa: BLE001 - a failed check or the student's own exception: the task fails
                verdicts[tasks[0]] = "fail"
    assert verdicts, f"no check in {COURSE.checks(day)}"
    return verdicts


# ----------------------------------------------------------------------------------------- verdicts


def test_the_honest_student_beside_the_attacks_gets_full_marks(graded_39):
    honest = graded_39.by_student["honest"]
    assert honest["score"] == honest["max_score"] == 10, honest


def test_an_answer_right_only_where_the_points_fall_gets_no_points(graded_39):
    status = graded_39.status("steered")
    assert status["symbolic_derivative"] != "pass" and status["chain_rule_derivative"] != "pass", status


def test_an_answer_costly_to_evaluate_costs_its_own_task_only(graded_39):
    assert graded_39.status("slow_to_compare") == {
        "symbolic_derivative": "fail", "numerical_gradient": "pass", "chain_rule_derivative": "pass"}


# ------------------------------------------------------------------------------------ hidden values


def hidden_points() -> list[tuple[float, float]]:
    tree = ast.parse(COURSE.hidden_checks("day_39").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "POINTS":
            return ast.literal_eval(node.value)
    raise AssertionError("no POINTS in the hidden checks of day 39")


@pytest.mark.xfail(strict=True, reason="a result's 'seconds' is the submission's wall time to the microsecond: two "
                   "functions that sleep 2·(2 ± x) s on a hidden call write the hidden x into results JSON")
def test_the_time_a_submission_takes_does_not_tell_a_hidden_input(graded_39):
    first_hidden_x = hidden_points()[0][0]
    up, down = graded_39.stored("timing_up"), graded_39.stored("timing_down")
    assert graded_39.status("timing_up")["numerical_gradient"] == "pass"  # the attack costs nothing
    if "seconds" not in up:
        return
    recovered = (up["seconds"] - down["seconds"]) / 4.0
    assert abs(recovered - first_hidden_x) > 0.5, f"recovered x = {recovered:.3f}, hidden x = {first_hidden_x}"


def test_an_exception_class_named_after_the_arguments_shows_no_hidden_input(graded_39):
    message = {t["task"]: t["message"] for t in graded_39.by_student["named_exception"]["tasks"]}
    assert graded_39.status("named_exception")["numerical_gradient"] == "error"
    written = graded_39.everything_written()
    for x_val, y_val in hidden_points():
        assert f"x={x_val!r} y={y_val!r}" not in written, message["numerical_gradient"]


def test_arguments_written_to_every_descriptor_and_stream_reach_no_output(graded_39):
    written = graded_39.everything_written()
    assert "LEAKED-ARGS" not in written
    for x_val, y_val in hidden_points():
        assert f"{x_val!r} {y_val!r}" not in written
    # Writing into its own channel costs the task it was written in, and only that one.
    status = graded_39.status("shouting")
    assert status["symbolic_derivative"] == status["chain_rule_derivative"] == "pass", status


def test_nothing_of_the_hidden_checks_reaches_any_output(graded_39):
    hidden = COURSE.hidden_checks("day_39").read_text()
    written = graded_39.everything_written()
    for line in hidden.splitlines():
        line = line.strip()
        if len(line) > 30 and not line.startswith(("from ", "import ", '"""', "#")):
            assert line not in written, line


# ------------------------------------------------------------------------------------- confinement

def test_the_worker_reads_and_writes_nothing_of_the_course_or_the_machine(graded_39):
    errors = graded_39.stored("probe")["load_errors"]
    assert errors and "PROBE" in errors[0], errors
    probes = dict(re.findall(r"(\w+)=([YN])", errors[0]))
    assert len(probes) == 19, probes
    got_through = sorted(name for name, result in probes.items() if result == "Y")
    assert got_through == [], f"got through: {got_through}"
    strays = [Path(p) for p in (f"/tmp/PWNED-{TAG}", f"/dev/shm/PWNED-{TAG}", f"/tmp/PWNED-sh-{TAG}")]
    strays += [graded_39.course / "PWNED", graded_39.results / "PWNED"]
    assert [p for p in strays if p.exists()] == []
    # Loading raised at its very end, so every task was defined and passes.
    assert set(graded_39.status("probe").values()) == {"pass"}


# ------------------------------------------------------------------------------ pytest and grader


@pytest.fixture(scope="module")
def careless_forms(graded_39, tmp_path_factory) -> tuple[dict[str, str], dict[str, str]]:
    """A correct student who wrote f'(x) as a Piecewise and the gradient in long doubles: the verdicts of
    pytest (as the student runs it) and of daykit grade, task by task."""
    path = student_file(tmp_path_factory.mktemp("careless"), "day_39", "careless_forms",
                        {**DAY_39["piecewise"], **DAY_39["longdouble"]})
    return pytest_verdicts("day_39", path), {
        **graded_39.status("piecewise"), "numerical_gradient": graded_39.status("longdouble")["numerical_gradient"]}


def test_a_correct_piecewise_answer_gets_the_same_verdict_from_pytest_and_the_grader(careless_forms):
    by_pytest, by_grader = careless_forms
    assert by_pytest["symbolic_derivative"] == "pass"
    assert by_grader["symbolic_derivative"] == "pass"


def test_a_longdouble_result_gets_the_same_verdict_from_pytest_and_the_grader(careless_forms):
    by_pytest, by_grader = careless_forms
    assert by_pytest["numerical_gradient"] == "pass"
    assert by_grader["numerical_gradient"] == "pass"


def test_the_other_tasks_of_the_careless_student_agree(careless_forms):
    by_pytest, by_grader = careless_forms
    assert by_pytest["chain_rule_derivative"] == by_grader["chain_rule_derivative"] == "pass"


# ----------------------------------------------------------------------------------------- notebooks


def test_a_notebook_that_uses_what_a_kernel_has_gets_full_marks(graded_39):
    kernel = graded_39.stored("kernelisms")
    assert kernel["load_errors"] == [] and kernel["score"] == 10, kernel["load_errors"]


# Computes the first point only and hides the others behind a NumPy mask, which every comparison of a
# masked array skips. daykit grade sends the array's data and fails it (`daykit grade 40 masked.py`: the
# array of derivatives is [0.3679 0. 0. ...]); pytest and a notebook's test cell must fail it too.
MASKED = """
def central_difference(f, x, h=1e-5):
    if np.ndim(x) == 0:
        return float((f(x + h) - f(x - h)) / (2 * h))
    x = np.asarray(x, dtype=float)
    out = np.zeros(x.shape)
    out.flat[0] = (f(x.flat[0] + h) - f(x.flat[0] - h)) / (2 * h)
    mask = np.ones(x.shape, dtype=bool)
    mask.flat[0] = False
    return np.ma.array(out, mask=mask)
"""


def test_a_masked_array_hiding_wrong_entries_fails_pytest_as_it_fails_the_grader(tmp_path):
    path = student_file(tmp_path, "day_40", "masked", {"central_difference": MASKED})
    assert pytest_verdicts("day_40", path)["central_difference"] == "fail"


@pytest.fixture(scope="module")
def graded_40(course, tmp_path_factory) -> Graded:
    folder = tmp_path_factory.mktemp("students_40")
    files = [student_file(folder, "day_40", "honest", {}),
             student_file(folder, "day_40", "tracer", {"central_difference": TRACER})]
    return Graded(course, course / "results" / "day_40", grade(course, "day_40", files, course / "results" / "day_40"))


def test_a_hidden_checks_function_traced_through_its_handles_reaches_no_output(graded_40):
    assert graded_40.by_student["honest"]["score"] == graded_40.by_student["honest"]["max_score"]
    assert graded_40.status("tracer")["central_difference"] != "pass"
    assert "f(x) = " not in graded_40.everything_written()
