"""``daykit check [DAY]``: the student's view of where they stand.

A practice run runs the day's *visible* checks (never the hidden ones) on the student's own
``exercises/day_NN.py`` (or the ``--target`` file, a ``.py`` or ``.ipynb``), with the statuses of
``daykit.checking.runner``. It works the same in the instructor repository and in the student edition:
the day's tasks, their points and its title are read from the exercise file itself (its
``# %% task="..." points=N`` cell headers).

The student's code runs in a child process, one task after another, and each task has the grader's
time limit (``daykit.checking.limit``). The child reports each task as soon as it ends, so the caller
can show it at once. A task that runs past its limit, calls ``sys.exit`` or ``os._exit``, or crashes the
child costs that task only: the tasks after it run in a fresh child. Ctrl-C stops the run with
``Interrupted``, which names the task that was running.

The named days are always run afresh. The course-wide progress bar also counts the other days; a day
whose exercise and checks are unchanged since its last run is taken from ``.daykit/progress.json``
instead of being run again.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import re
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from daykit.checking.diagnosis import diagnose_visible, load_table
from daykit.checking.limit import LOAD_SECONDS, TASK_SECONDS, RanPastLimit, load_ran_past, ran_past, time_limit
from daykit.checking.loading import load_target
from daykit.checking.runner import Status, TaskResult, callables, grade_task, load_checks
from daykit.checking.where import HEADER, TASK, pointer, student_frame
from daykit.course import Course, CourseError
from daykit.student.state import read_state, write_state

PROGRESS_FILE = "progress.json"
OUTPUT_LINES = 20
OUTPUT_CHARS = 20_000  # what a run keeps of what the student's code printed
GRACE = 2.0  # seconds past a limit for the child to report it itself, before it is stopped from outside


@dataclass(frozen=True)
class PracticeTask:
    name: str
    points: int


@dataclass(frozen=True)
class PracticeDay:
    """What a practice run needs about a day, read from its exercise file."""

    slug: str
    title: str
    path: Path
    label: str
    tasks: tuple[PracticeTask, ...]

    def task(self, name: str) -> PracticeTask:
        for task in self.tasks:
            if task.name == name:
                return task
        raise CourseError(f"{self.slug} has no task {name!r}: its tasks are {', '.join(self.names)}.")

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tasks]


@dataclass
class DayResult:
    day: PracticeDay
    results: list[TaskResult]
    load_error: str | None = None
    output: str = ""
    from_cache: bool = field(default=False, repr=False)
    label: str = ""  # the file that was checked, as the student names it (the exercise file unless --target)
    load_where: str | None = None  # the file, line and task of the load error, where known

    def __post_init__(self) -> None:
        self.label = self.label or self.day.label

    def count(self, status: Status) -> int:
        return sum(r.status is status for r in self.results)

    @property
    def passed(self) -> int:
        return self.count(Status.PASS)

    @property
    def done(self) -> bool:
        return self.passed == len(self.results)


class Interrupted(Exception):
    """Ctrl-C during a practice run; the message names what was running."""


POINTS = re.compile(r"\bpoints=(?P<points>\d+)\b")


def practice_day(course: Course, day: str) -> PracticeDay:
    """The day's title and tasks, from the ``# %% task="..." points=N`` headers of its exercise file.

    The headers are jupytext's percent format, read line by line: jupytext itself takes seconds to
    import, and a student waits for every ``daykit check``."""
    path = course.stub(day)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        fix = f"run `daykit build {day}`" if course.is_instructor else "restore it from the course repository"
        raise CourseError(f"{course.relative(path)} does not exist: {fix}.") from None
    tasks, title, in_markdown = [], None, False
    for line in lines:
        if HEADER.match(line):
            in_markdown = "[markdown]" in line
            task, points = TASK.search(line), POINTS.search(line)
            if task:
                tasks.append(PracticeTask(task["task"], int(points["points"]) if points else 0))
        elif in_markdown and title is None and line.lstrip("# ").strip():
            title = line.lstrip("# ").strip()
    if not tasks:
        raise CourseError(f"{course.relative(path)} has no task cells (lines like `# %% task=\"name\" points=3`); "
                          "restore it from the course repository.")
    return PracticeDay(day, title or day, path, course.relative(path), tuple(tasks))


# ------------------------------------------------------------------------------------ the child


class _Capture(io.TextIOBase):
    """What the student's code prints, up to OUTPUT_CHARS; the rest is counted, not kept."""

    encoding = "utf-8"

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        room = OUTPUT_CHARS - self.size
        if room > 0:
            self.parts.append(text[:room])
        self.size += len(text)
        return len(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def _where(exc: BaseException, path: Path, label: str) -> str:
    frame = student_frame(exc.__traceback__, [path])
    return pointer(frame[0], frame[1], label) if frame else ""


def _check_task(name: str, points: int, checks, functions: dict, error, label: str) -> TaskResult:
    if name not in functions and error:
        message = f"not checked: {label} does not load (see above)."
        return TaskResult(name, Status.ERROR, 0, points, message)
    return grade_task(name, points, [c for c in checks if c.task == name], functions, label)


def _diagnose(result: TaskResult, course: Course, day: str, checks, functions: dict, limit: float,
              failed: set[str]) -> None:
    """Name the known mistake a failed task shows, if its visible checks' calls tell it (diagnosis.py): the
    checks run once more on the task, within a time limit of their own; the day's table is read (or, in
    the instructor's repository, made from the variants) before the clock starts."""
    try:
        table = load_table(course, day)
        with time_limit(limit):
            found = diagnose_visible(table, result.task, [c for c in checks if c.task == result.task], functions,
                                     failed)
    except (Exception, RanPastLimit):  # noqa: BLE001 - a diagnosis is a bonus, never a new failure
        return
    if found is not None:
        result.message = f"{result.message}\n{found.message}"
        result.diagnosis = found.as_dict()


def _child(conn, course: Course, day: str, path: Path, label: str, tasks: list[tuple[str, int]],
           limit: float) -> None:
    """Load the student's file, then check the tasks one by one, sending each event to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    capture = _Capture()
    sys.stdout = sys.stderr = capture
    try:
        checks = [c for c in load_checks(course, day) if not c.hidden]
    except Exception as exc:  # the course's own checks, not the student's code
        conn.send(("broken_checks", f"{course.relative(course.checks(day))} could not be loaded: "
                                    f"{type(exc).__name__}: {exc}"))
        return
    try:
        with time_limit(LOAD_SECONDS):
            namespace, error = load_target(path, f"daykit_practice_{day}")
    except RanPastLimit as exc:
        conn.send(("output", capture.take()))
        conn.send(("load_timeout", _where(exc, path, label)))
        return
    if error:
        where = pointer(error.filename, error.line, label) if getattr(error, "filename", None) else None
        error = (str(error).replace(str(path), label), where)
    functions = callables(namespace)
    conn.send(("output", capture.take()))
    conn.send(("loaded", error))
    failed: set[str] = set()  # the tasks that did not pass: one that calls them is not diagnosed
    for name, points in tasks:
        conn.send(("start", name))
        stop = False
        try:
            with time_limit(limit):
                result = _check_task(name, points, checks, functions, error and error[0], label)
            if result.status in (Status.FAIL, Status.ERROR):
                _diagnose(result, course, day, checks, functions, limit, failed)
        except RanPastLimit as exc:
            result = TaskResult(name, Status.TIMEOUT, 0, points, ran_past(name, limit, _where(exc, path, label)))
            stop = True  # the interrupted code may have left things half-changed: a fresh child runs the rest
        except SystemExit as exc:
            at = _where(exc, path, label)
            result = TaskResult(name, Status.ERROR, 0, points,
                                f"{name} called sys.exit({exc.code!r}){f' at {at}' if at else ''}: a task must "
                                "return its answer, not end the program.")
        except BaseException as exc:  # a KeyboardInterrupt or the like raised by the student's code
            at = _where(exc, path, label)
            result = TaskResult(name, Status.ERROR, 0, points,
                                f"{name} raised {type(exc).__name__}{f' at {at}' if at else ''}: {exc}")
        if result.status is not Status.PASS:
            failed.add(name)
        conn.send(("output", capture.take()))
        conn.send(("done", result))
        if stop:
            return
    conn.send(("end",))


def _context():
    """fork where it is safe and fast (Linux: the child starts with what the parent imported), else spawn."""
    if sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _warm(notebook: bool) -> None:
    """Import what every day's checks import (and, for a notebook, what runs its cells) once, so that
    each forked child starts with it."""
    for name in ("numpy", "sympy"):
        try:
            __import__(name)
        except ImportError:
            pass
    if notebook:
        try:
            from daykit.checking.ipython_cells import preload

            preload()
        except ImportError:  # the child says so, naming the notebook
            pass


def _exit_words(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"was stopped by {signal.Signals(-code).name}"
        except ValueError:
            return f"was stopped by signal {-code}"
    return f"ended with exit code {code}"


Report = Callable[[str, object], None]


class _Run:
    """A day's practice run: one child after another until every task has a result."""

    def __init__(self, course: Course, info: PracticeDay, path: Path, label: str, limit: float,
                 report: Report | None) -> None:
        self.course, self.info, self.path, self.label, self.limit = course, info, path, label, limit
        self.report = report or (lambda kind, value: None)
        self.results: dict[str, TaskResult] = {}
        self.output: list[str] = []
        self.load_error: str | None = None
        self.load_where: str | None = None
        self.loaded = False

    def todo(self) -> list[PracticeTask]:
        return [t for t in self.info.tasks if t.name not in self.results]

    def finish(self, task: PracticeTask, status: Status, message: str) -> None:
        result = TaskResult(task.name, status, 0, task.points, message)
        self.results[task.name] = result
        self.report("done", result)

    def run(self) -> DayResult:
        self.report("begin", self.info)
        while self.todo():
            self.child(self.todo())
        results = [self.results[t.name] for t in self.info.tasks]
        return DayResult(self.info, results, self.load_error, "".join(self.output), label=self.label,
                         load_where=self.load_where)

    def child(self, todo: list[PracticeTask]) -> None:
        context = _context()
        mine, theirs = context.Pipe(duplex=False)
        process = context.Process(target=_child, daemon=True, args=(
            theirs, self.course, self.info.slug, self.path, self.label, [(t.name, t.points) for t in todo],
            self.limit))
        process.start()
        theirs.close()
        tasks = {t.name: t for t in todo}
        running: PracticeTask | None = None
        started = time.monotonic()
        deadline = started + LOAD_SECONDS + GRACE
        loading = True
        try:
            while True:
                if not mine.poll(None if deadline == float("inf") else max(0.0, deadline - time.monotonic())):
                    self.stopped(todo, running, loading, "")
                    return
                try:
                    kind, *value = mine.recv()
                except (EOFError, OSError):
                    process.join(5)
                    self.died(todo, running, loading, _exit_words(process.exitcode))
                    return
                if kind == "output":
                    self.output.append(value[0])
                elif kind == "broken_checks":
                    raise CourseError(f"{value[0]}. Restore it from the course repository.")
                elif kind == "load_timeout":
                    self.stopped(todo, None, True, value[0])
                    return
                elif kind == "loaded":
                    loading = False
                    if value[0] and not self.loaded:
                        self.load_error, self.load_where = value[0]
                    self.loaded = True
                    self.report("loaded", self.load_error)
                elif kind == "start":
                    running, started = tasks[value[0]], time.monotonic()
                    deadline = started + self.limit + GRACE if self.limit > 0 else float("inf")
                    self.report("start", running.name)
                elif kind == "done":
                    result = value[0]
                    self.results[result.task] = result
                    self.report("done", result)
                    running = None
                    if result.status is Status.TIMEOUT:
                        return
                elif kind == "end":
                    return
        except KeyboardInterrupt:
            try:  # what the child said before Ctrl-C reached us
                while mine.poll(0):
                    kind, *value = mine.recv()
                    if kind == "start":
                        running, started = tasks[value[0]], time.monotonic()
                    elif kind == "loaded":
                        loading = False
            except (EOFError, OSError, KeyboardInterrupt):
                pass
            if running is None and not loading:
                running = next((t for t in todo if t.name not in self.results), None)
            what = (f"{running.name} was running ({time.monotonic() - started:.0f} s in)" if running
                    else f"{self.label} was loading")
            raise Interrupted(f"stopped by Ctrl-C while {what}.") from None
        finally:
            if process.is_alive():
                process.kill()
            process.join(5)
            mine.close()

    def stopped(self, todo: list[PracticeTask], running: PracticeTask | None, loading: bool, where: str) -> None:
        """The child ran past a limit without saying so itself (it is stopped from outside)."""
        if loading:
            self.load_error = load_ran_past(self.label, LOAD_SECONDS, where)
            self.load_where = where or None
            self.report("loaded", self.load_error)
            for task in todo:
                self.finish(task, Status.TIMEOUT, f"not checked: {self.label} did not finish loading (see above).")
        else:
            task = running or todo[0]
            self.finish(task, Status.TIMEOUT, ran_past(task.name, self.limit, where))

    def died(self, todo: list[PracticeTask], running: PracticeTask | None, loading: bool, how: str) -> None:
        """The child ended without a word: ``os._exit``, a crash, or a signal."""
        if loading:
            self.load_error = f"the process {how} while loading {self.label} (os._exit, or a crash?)"
            self.report("loaded", self.load_error)
            for task in todo:
                if task.name not in self.results:
                    self.finish(task, Status.ERROR, f"not checked: {self.label} does not load (see above).")
            return
        task = running or next(t for t in todo if t.name not in self.results)
        self.finish(task, Status.ERROR, f"the process {how} while {task.name} ran: does it call os._exit, "
                                        "or crash Python? A task must return its answer.")


def run_day(course: Course, day: str, *, target: Path | None = None, label: str | None = None,
            limit: float = TASK_SECONDS, report: Report | None = None) -> DayResult:
    """Run the day's visible checks on the student's file (or ``target``), task by task, in a child process.

    ``report(kind, value)`` hears of each step as it happens: ``("begin", PracticeDay)``,
    ``("loaded", load error or None)``,
    ``("start", task name)``, ``("done", TaskResult)``.
    """
    info = practice_day(course, day)
    path = target or info.path
    label = label or (course.relative(path) if target else info.label)
    if _context().get_start_method() == "fork":
        _warm(path.suffix == ".ipynb")
    return _Run(course, info, path, label, limit, report).run()


# ------------------------------------------------------------------------------------------ progress


def fingerprint(course: Course, day: str) -> str:
    digest = hashlib.sha256()
    for path in (course.stub(day), course.checks(day)):
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def remember(course: Course, fresh: list[DayResult]) -> None:
    data = read_state(course, PROGRESS_FILE)
    for result in fresh:
        data[result.day.slug] = {
            "fingerprint": fingerprint(course, result.day.slug),
            "tasks": {r.task: r.status.value for r in result.results},
        }
    write_state(course, PROGRESS_FILE, data)


def recalled(course: Course, day: str) -> DayResult | None:
    """The day's last result, if its exercise and checks have not changed since."""
    entry = read_state(course, PROGRESS_FILE).get(day)
    if not isinstance(entry, dict) or entry.get("fingerprint") != fingerprint(course, day):
        return None
    info = practice_day(course, day)
    statuses = entry.get("tasks", {})
    if set(statuses) != set(info.names):
        return None
    try:
        results = [TaskResult(t.name, Status(statuses[t.name]), 0, t.points) for t in info.tasks]
    except ValueError:
        return None
    for result in results:
        result.points = result.max_points if result.status is Status.PASS else 0
    return DayResult(info, results, from_cache=True)


def course_results(course: Course, fresh: dict[str, DayResult]) -> list[DayResult]:
    """Every day of the course: the fresh results where given, else remembered, else run now."""
    out, ran = [], []
    for day in course.days():
        if day not in fresh and not course.stub(day).exists():
            continue  # a day still being written (instructor repository)
        result = fresh.get(day) or recalled(course, day)
        if result is None:
            result = run_day(course, day)
            ran.append(result)
        out.append(result)
    remember(course, [*fresh.values(), *ran])
    return out
