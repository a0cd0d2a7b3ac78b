"""The student's tools as a student runs them: `daykit check`, `daykit watch` and `pytest`, typed in a
copy of the student's files for Day 39, on the submissions students really write: a task that loops
forever, one that calls sys.exit("bye"), one that raises, a syntax error inside a later task, a
solution right only at the visible inputs, and a notebook given with --target.

The commands run as subprocesses of the course's venv, in a folder laid out like the student edition
(exercises/, tests/, hints/ and a pyproject.toml with the pytest settings), holding one day only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from daykit.checking.limit import TASK_SECONDS
from daykit.checking.loading import load_target
from daykit.checking.runner import Status, callables, grade_task, load_checks
from daykit.course import Course
from daykit.grading.worker import Limits

COURSE = Course.here()
BIN = Path(sys.executable).parent
REFERENCE = COURSE.solution("day_39").read_text(encoding="utf-8")
LIMIT = "1.5"  # seconds per task in these runs; the default is the grader's (see the first test)


def with_body(source: str, name: str, body: str) -> str:
    """``source`` with ``body`` run at the start of the solution region of function ``name``."""
    marker = f"def {name}("
    head, tail = source.split(marker, 1)
    signature, rest = tail.split("### BEGIN SOLUTION", 1)
    indented = "\n".join("    " + line for line in body.strip().splitlines())
    return head + marker + signature + "### BEGIN SOLUTION\n" + indented + "\n" + rest


# symbolic_derivative exits, numerical_gradient never ends, chain_rule_derivative raises
MISBEHAVING = with_body(
    with_body(with_body(REFERENCE, "symbolic_derivative", 'import sys\nsys.exit("bye")'),
              "numerical_gradient", "while True:\n    x_val += 0"),
    "chain_rule_derivative", "return {}['expanded']",
)
# a syntax error on a line of numerical_gradient, the second of three tasks
SYNTAX = REFERENCE.replace("    base = f(x_val, y_val)\n", "    base = f(x_val, y_val\n", 1)
# right at the visible inputs only: the exact gradient plus a term in the step, not a finite difference
VISIBLE_ONLY = with_body(REFERENCE, "numerical_gradient",
                         "return np.array([2 * x_val * y_val + step * y_val, x_val**2 + 3 * y_val**2 + 9 * step])")


def line_of(source: str, text: str) -> int:
    return next(i for i, line in enumerate(source.splitlines(), start=1) if text in line)


def loop_lines(source: str) -> str:
    """A pattern for the lines of the endless loop: the signal may land on its head or its body."""
    body = line_of(source, "x_val += 0")
    return f"({body - 1}|{body})"


@pytest.fixture
def student(tmp_path: Path) -> Path:
    """A student's folder for Day 39, laid out like the edition: stub, visible checks, hints, pytest settings."""
    for path in (COURSE.stub("day_39"), COURSE.checks("day_39"), COURSE.hints("day_39")):
        target = tmp_path / path.relative_to(COURSE.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\ntestpaths = ["tests"]\npythonpath = ["."]\n')
    return tmp_path


def save(student: Path, text: str, name: str = "exercises/day_39.py") -> Path:
    path = student / name
    path.write_text(text, encoding="utf-8")
    return path


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DAYKIT_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["NO_COLOR"] = "1"
    return env


def run(student: Path, *command: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(list(command), cwd=student, env=environment(), capture_output=True, text=True,
                          timeout=timeout)


def check(student: Path, *args: str) -> subprocess.CompletedProcess:
    return run(student, str(BIN / "daykit"), "check", *args)


def pytest_run(student: Path, *args: str) -> subprocess.CompletedProcess:
    return run(student, str(BIN / "python"), "-m", "pytest", "-p", "no:cacheprovider", "tests/test_day_39.py", *args)


class Lines:
    """A command's output read as it comes, each line with the time it arrived."""

    def __init__(self, student: Path, *command: str, stdin=subprocess.DEVNULL) -> None:
        self.process = subprocess.Popen(list(command), cwd=student, env=environment(), stdin=stdin,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                                        start_new_session=True)
        self.lines: list[tuple[float, str]] = []
        self.start = time.monotonic()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append((time.monotonic() - self.start, line.rstrip("\n")))

    def wait_for(self, pattern: str, timeout: float = 60) -> float:
        """When a line matching ``pattern`` arrived (waiting for it if need be)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, line in list(self.lines):
                if re.search(pattern, line):
                    return at
            if self.process.poll() is not None and not self.reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r} in:\n{self.text}")

    @property
    def text(self) -> str:
        return "\n".join(line for _, line in self.lines)

    def finish(self, timeout: float = 60) -> int:
        code = self.process.wait(timeout)
        self.reader.join(5)
        return code


def test_the_time_limit_is_the_graders():
    assert TASK_SECONDS == Limits().task_seconds


def test_check_streams_each_task_and_survives_exit_a_loop_and_an_exception(student):
    source = save(student, MISBEHAVING).read_text()
    command = Lines(student, str(BIN / "daykit"), "check", "39", "--time-limit", LIMIT)
    first = command.wait_for(r"symbolic_derivative .*error")
    stopped = command.wait_for(r"numerical_gradient .*timed out")
    assert command.finish() == 1
    # the first task's line was printed before the second task ran into its limit
    assert stopped - first > float(LIMIT) * 0.8, command.text
    text = " ".join(command.text.split())
    assert f"symbolic_derivative called sys.exit('bye') at exercises/day_39.py, line {line_of(source, 'sys.exit')}" \
           f", in symbolic_derivative" in text
    assert re.search(f"numerical_gradient ran past the {LIMIT} s limit — is there a loop that never ends\\? It was "
                     f"running exercises/day_39.py, line {loop_lines(source)}, in numerical_gradient", text), text
    assert (f"chain_rule_derivative raised KeyError at exercises/day_39.py, line "
            f"{line_of(source, 'expanded' + chr(39) + ']')}, in chain_rule_derivative") in text
    assert "Well done" not in text and "Next: fix symbolic_derivative" in text


def test_ctrl_c_names_the_task_that_was_running(student):
    save(student, MISBEHAVING)
    command = Lines(student, str(BIN / "daykit"), "check", "39", "--time-limit", "60")
    command.wait_for(r"symbolic_derivative .*error")
    time.sleep(1.0)
    os.killpg(command.process.pid, signal.SIGINT)
    assert command.finish() == 130
    assert "stopped by Ctrl-C while numerical_gradient was running" in command.text


def test_a_syntax_error_names_its_line_and_task_in_check_and_pytest(student):
    line = line_of(save(student, SYNTAX).read_text(), "base = f(x_val, y_val")
    where = f"exercises/day_39.py, line {line}, in numerical_gradient"
    result = check(student, "39")
    text = " ".join(result.stdout.split())
    assert result.returncode == 1 and f"does not load: {where}: SyntaxError" in text
    assert f"Next: fix {where}" in text
    result = pytest_run(student)
    assert result.returncode == 1
    assert f"does not load: {where}: SyntaxError" in result.stdout
    assert f"Next: fix {where}" in result.stdout and "Next: fix symbolic_derivative" not in result.stdout
    assert "tasks: 0 passed, 0 failed, 0 not started, 3 not checked" in result.stdout


def test_pytest_limits_each_task_and_names_exits_and_lines(student):
    source = save(student, MISBEHAVING).read_text()
    started = time.monotonic()
    result = pytest_run(student, "--time-limit", LIMIT)
    # three checks of numerical_gradient share one limit: the loop costs it once
    assert time.monotonic() - started < 60
    out = result.stdout
    assert result.returncode == 1
    assert re.search(f"x numerical_gradient     failed  numerical_gradient ran past the {LIMIT} s limit — is there a "
                     f"loop that never ends\\? It was running exercises/day_39.py, line {loop_lines(source)}", out), out
    assert "not run: numerical_gradient already ran past its" in out
    exit_line = line_of(source, "sys.exit")
    assert f"symbolic_derivative called sys.exit('bye') at exercises/day_39.py, line {exit_line}" in out
    assert "chain_rule_derivative raised KeyError at exercises/day_39.py, line" in out


def test_right_only_at_the_visible_inputs_is_not_congratulated(student):
    save(student, VISIBLE_ONLY)
    result = check(student, "39")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "Visible checks passed; at grading, hidden checks try other inputs" in text
    assert "Well done" not in text and "10/10" not in text


def test_feedback_for_a_hidden_failure_says_what_to_explore(tmp_path):
    from daykit.authoring.model import load_day
    from daykit.grading.reports import feedback

    day = load_day(COURSE, "day_39")
    path = save(tmp_path, VISIBLE_ONLY, "day_39.py")
    namespace, error = load_target(path, "daykit_visible_only")
    assert error is None
    checks = load_checks(COURSE, "day_39")
    results = [grade_task(t.name, t.points, [c for c in checks if c.task == t.name], callables(namespace), "day_39.py")
               for t in day.tasks]
    assert [r.status for r in results] == [Status.PASS, Status.FAIL, Status.PASS]
    doc = {"student": "sam", "score": 6, "max_score": 10, "path": str(path),
           "tasks": [r.as_dict() for r in results]}
    text = feedback(day, doc)
    gradient = text.split("## numerical_gradient", 1)[1].split("## chain_rule_derivative", 1)[0]
    assert "hidden" in gradient and "inputs of your own" in gradient
    assert "pytest" not in gradient


def test_target_a_notebook_in_check_and_pytest(student):
    notebook = json.loads(COURSE.source_notebook("day_39").read_text(encoding="utf-8"))  # nbformat 4 as JSON
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "numerical_gradient":
            cell["source"] = with_body("".join(cell["source"]), "numerical_gradient", "return 1 / 0")
    (student / "work").mkdir()
    (student / "work" / "mine.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    result = check(student, "39", "--target", "work/mine.ipynb")
    text = " ".join(result.stdout.split())
    assert result.returncode == 1, result.stderr
    assert "(work/mine.ipynb)" in text and "symbolic_derivative 3 pt passed" in text
    assert re.search(r"numerical_gradient raised ZeroDivisionError at work/mine\.ipynb, code cell \d+, line \d+, "
                     r"in numerical_gradient", text), text
    assert "Course progress" not in text  # the student's exercises are not what was checked


def test_check_refuses_a_target_that_is_not_there(student):
    result = check(student, "39", "--target", "nowhere.ipynb")
    assert result.returncode == 2 and "--target nowhere.ipynb" in result.stderr and "does not exist" in result.stderr


def test_watch_shows_the_running_task_then_its_timeout_and_reruns_on_save(student):
    save(student, MISBEHAVING)
    command = Lines(student, str(BIN / "daykit"), "watch", "39", "--time-limit", LIMIT, stdin=subprocess.PIPE)
    command.wait_for(r"numerical_gradient .*running")
    command.wait_for(r"numerical_gradient .*timed out")
    command.wait_for(r"Watching exercises/day_39.py")
    time.sleep(0.1)
    save(student, REFERENCE)
    command.wait_for(r"visible checks: 3 passed")
    command.process.stdin.write("q\n")
    command.process.stdin.flush()
    assert command.finish() == 0
    assert "Stopped watching" in command.text
