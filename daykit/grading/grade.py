"""``daykit grade``: grade a class in parallel, in isolation, and resumably.

Submissions (``.py`` files or notebooks) are graded by a pool of grading processes, one per core by
default; with no day named, or several, one pool grades every day's submissions. A grading process
never imports student code: it reads the submission as text (a notebook's
code cells, without its test cells: the notebook's own checks and metadata are not trusted), runs it
in a worker (see session.py), and judges what comes back with the day's visible and hidden checks.
Each result is written atomically as it finishes (results/<day>/submissions/<student>.json); a
re-run skips every submission whose file and checks are unchanged, unless ``--force``.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import resource
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from daykit import __version__
from daykit.authoring.model import Day, Task
from daykit.checking.library import LazyLibrary, Library, diagnose_results, load_library
from daykit.checking.loading import LoadError, load_target, notebook_cells
from daykit.checking.runner import Check, Status, TaskResult, callables, grade_functions, load_checks
from daykit.checks import sampling_seed
from daykit.course import Course, CourseError, write_atomically
from daykit.grading import sandbox
from daykit.grading.command import split_targets
from daykit.grading.publish import Publisher
from daykit.grading.session import Session, adopt, finish, start_ahead, zygote
from daykit.grading.worker import Limits
from daykit.grading.zygote import Zygote, run_on
from daykit.notebook import grade_id, graded_code, is_test_cell, nbgrader_meta

RESULTS_VERSION = 2  # 2: a hidden check's message holds no value; a result of version 1 is graded again
MAX_SUBMISSION_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Submission:
    student: str
    path: Path
    problem: str = ""  # why it is not graded (an error for every task), or ""
    also_found: tuple[str, ...] = ()  # what else was in the student's folder, not graded


# ------------------------------------------------------------------------------------- discovery

# What nbgrader's collect puts beside a notebook; not the student's, so never "also found".
COLLECTED = {"timestamp.txt"}


def _shown(path: Path) -> str:
    """``path`` as the instructor names it: from the folder they run ``daykit grade`` in, where it is below."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def refusal(path: Path, within: Path) -> str:
    """Why ``path`` cannot be graded as a student's own file: it is a symbolic link, or resolves outside
    ``within`` (the course's submitted/ or the folder named on the command line); "" when it can."""
    if path.is_symlink():
        return (f"{_shown(path)} is a symbolic link; only a student's own file is graded, never what "
                "a link points to.")
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return ""  # missing: read_chunks says so
    if not resolved.is_relative_to(within.resolve()):
        return f"{_shown(path)} resolves outside {_shown(within)}; only files inside it are graded."
    return ""


def submission_in(folder: Path, day: str, student: str, within: Path) -> Submission:
    """The one file of a student's ``<day>/`` folder that is graded, the same one nbgrader grades:
    ``<day>.ipynb``; where there is none, ``<day>.py`` (which nbgrader cannot grade). Everything else
    in the folder is listed as not graded; a folder with neither is an error that names what it holds."""
    expected = folder / f"{day}.ipynb"
    for link in (folder.parent, folder):
        if link.is_symlink():
            return Submission(student, expected, problem=f"{_shown(link)} is a symbolic link; only a "
                              "student's own folder is graded, never what a link points to.")
    problem = refusal(folder, within)
    if problem:
        return Submission(student, expected, problem=problem)
    entries = sorted(p.name for p in folder.iterdir() if not p.name.startswith(".") and p.name not in COLLECTED)
    chosen = next((name for name in (f"{day}.ipynb", f"{day}.py") if name in entries), None)
    if chosen is None:
        found = ", ".join(entries) if entries else "nothing"
        return Submission(student, expected, problem=(
            f"{_shown(folder)} has no {day}.ipynb (the one notebook nbgrader grades) and no {day}.py; "
            f"found: {found}. "
            f"Rename the student's notebook to {day}.ipynb and grade again."))
    path = folder / chosen
    others = tuple(name for name in entries if name != chosen)
    return Submission(student, path, problem=refusal(path, folder), also_found=others)


def find_submissions(course: Course, day: str) -> list[Submission]:
    """Every ``submitted/<student>/<day>/`` of the nbgrader course, with the file that is graded there."""
    submitted = course.root / "submitted"
    return [submission_in(folder, day, folder.parent.name, submitted)
            for folder in sorted(submitted.glob(f"*/{day}")) if folder.is_dir()]


def submission_at(path: Path, day: str) -> Submission:
    """A file or folder named on the command line. A file is graded as named (a symbolic link is
    refused); its student is the folder above ``<day>/`` (nbgrader's layout) or the file's stem. A folder
    (``<student>/<day>/`` or ``<student>/``) is searched as ``daykit grade`` searches submitted/."""
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        if path.name != day and (path / day).is_dir():
            return submission_in(path / day, day, path.name, path)
        student = path.parent.name if path.name == day else path.name
        return submission_in(path, day, student, path)
    student = path.parent.parent.name if path.parent.name == day else path.stem
    return Submission(student, path, problem=refusal(path, path.parent))


def notebook_chunks(path: Path, locked: dict[str, str | None]) -> list[tuple[str, str]]:
    """The code a notebook runs when graded, cell by cell, as nbgrader would run it.

    The student's own cells run as written. A cell whose grade_id names a locked cell of the
    instructor's notebook runs the instructor's text instead (nbgrader restores locked cells), and
    test cells, the checks' setup and display-only cells do not run at all: the notebook's own
    checks and metadata are never trusted, and can only cost the student, never earn a point.
    """
    chunks = []
    for index, cell in enumerate(notebook_cells(path)):
        if cell["cell_type"] != "code":
            continue
        cell_id = grade_id(cell)
        if cell_id in locked:
            source = locked[cell_id]
        elif is_test_cell(cell):
            source = None
        else:
            source = cell["source"]
        if source is not None:
            chunks.append((f"{path.name} [cell {index + 1}]", source))  # the worker runs it as IPython would
    return chunks


def read_chunks(path: Path, locked: dict[str, str | None]) -> tuple[list[tuple[str, str]], str | None]:
    """The code a submission runs, as (label, source) pairs, or the reason it cannot be read."""
    if path.is_symlink():
        return [], refusal(path, path.parent)
    if not path.is_file():
        return [], f"{path} does not exist."
    if path.stat().st_size > MAX_SUBMISSION_BYTES:
        return [], f"{path} is larger than {MAX_SUBMISSION_BYTES // 2**20} MiB."
    if path.suffix == ".ipynb":
        try:
            return notebook_chunks(path, locked), None
        except LoadError as exc:
            return [], str(exc)
    if path.suffix == ".py":
        try:
            return [(path.name, path.read_text(encoding="utf-8"))], None
        except (OSError, UnicodeDecodeError) as exc:
            return [], f"{path} could not be read: {exc}"
    return [], f"{path} is neither a .py file nor a notebook (.ipynb)."


def file_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def submission_digest(submission: Submission) -> str:
    """What a stored result is valid for: the graded file and what else was beside it ("" when it was
    refused, so that it is looked at again each run)."""
    if submission.problem:
        return ""
    digest = file_hash(submission.path)
    if digest and submission.also_found:
        digest = hashlib.sha256(f"{digest}|{'|'.join(submission.also_found)}".encode()).hexdigest()
    return digest


def fingerprint(course: Course, day: Day, limits: Limits) -> str:
    """What a result depends on besides the submission: the checks, the tasks, the kit, the limits."""
    digest = hashlib.sha256(f"{__version__}|{limits}".encode())
    for task in day.tasks:
        digest.update(f"{task.name}:{task.points};".encode())
    for path in (course.checks(day.slug), course.hidden_checks(day.slug), course.variants(day.slug)):
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


# --------------------------------------------------------------------------------------- grading


def _all_tasks(day: Day, status: Status, message: str) -> list[TaskResult]:
    return [TaskResult(t.name, status, 0, t.points, message) for t in day.tasks]


@dataclass(frozen=True)
class Plan:
    """What grading a day's submissions takes: its tasks, its checks, and its locked cells' code."""

    day: Day
    checks: list[Check]
    locked: dict[str, str | None]
    library: Library | LazyLibrary | None = None  # the day's known mistakes, to name the one a failing task shows


def graded_day(course: Course, slug: str) -> tuple[Day, dict[str, str | None]]:
    """The day as the grader needs it, read from its nbgrader source notebook as plain JSON: its title,
    its tasks and their points in order (one test cell ``test_<task>`` each), and its locked cells.
    ``daykit build --check`` keeps that notebook current with the solution and the checks."""
    path = course.source_notebook(slug)
    if not path.exists():
        raise CourseError(f"{path} does not exist: run `daykit build {slug}` first.")
    cells = notebook_cells(path)
    tasks = []
    for cell in cells:
        name, points = grade_id(cell), nbgrader_meta(cell).get("points")
        if is_test_cell(cell) and name and name.startswith("test_") and isinstance(points, (int, float)):
            tasks.append(Task(name.removeprefix("test_"), points, ""))
    if not tasks:
        raise CourseError(f"{path} has no autograded test cells: run `daykit build {slug}`.")
    first = next((c["source"] for c in cells if c["cell_type"] == "markdown" and c["source"].strip()), slug)
    title = first.strip().splitlines()[0].lstrip("# ").strip()
    return Day(slug=slug, title=title, text="", cells=(), tasks=tuple(tasks)), graded_code(cells)


def grade_submission(plan: Plan, submission: Submission, limits: Limits) -> dict:
    """Grade one submission in a worker; returns its results document."""
    day, checks = plan.day, plan.checks
    started = time.monotonic()
    chunks, error = ([], submission.problem) if submission.problem else read_chunks(submission.path, plan.locked)
    label = f"{submission.student}/{submission.path.name}"
    isolation, load_errors, notes = [], [], []
    if error:
        results = _all_tasks(day, Status.ERROR, error)
    else:
        session = Session(chunks, label, limits, as_main=submission.path.suffix == ".ipynb")  # as in a kernel
        try:
            if session.fatal is not None:
                functions = {t.name: session.proxy(t.name) for t in day.tasks}
            else:
                functions = session.functions()
            source = label + (f" (loading it raised {session.load_errors[0]})" if session.load_errors else "")
            results = grade_functions(day, checks, functions, source, before_task=session.begin_task,
                                      check_seconds=limits.task_seconds)
            isolation, load_errors, notes = session.isolation, session.load_errors, session.notes
            if plan.library is not None and session.fatal is None:
                diagnose_results(plan.library, results, functions, session.begin_task, limits.task_seconds)
        finally:
            session.close()
    return document(day, submission, results, isolation=isolation, load_errors=load_errors, notes=notes,
                    also_found=list(submission.also_found), seconds=time.monotonic() - started,
                    **({"refused": submission.problem} if submission.problem else {}))


def document(day: Day, submission: Submission, results: list[TaskResult], **extra) -> dict:
    return {
        "version": RESULTS_VERSION,
        "day": day.slug,
        "student": submission.student,
        "path": str(submission.path),
        "score": sum(r.points for r in results),
        "max_score": day.max_score,
        "tasks": [r.as_dict() for r in results],
        **extra,
    }


# ----------------------------------------------------------------------------------------- pool


GRADER_MEMORY_BYTES = 2 * 1024**3  # what a grading process may grow by, comparing answers


def limit_memory(extra: int) -> None:
    """Cap this process's address space at its present size plus ``extra`` bytes (the soft limit only,
    so the processes it starts may set their own): a comparison that would outgrow it raises MemoryError,
    which fails that task only (see runner.run_check)."""
    with open("/proc/self/statm") as statm:
        size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = size + extra
    resource.setrlimit(resource.RLIMIT_AS, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _grading_process(connection, plans: dict[str, Plan], limits: Limits, parent: int | None = None,
                     inherited: tuple[int, ...] = (), server: Zygote | None = None, ahead: bool = True,
                     cpus: tuple[int, ...] = ()) -> None:
    # die with the coordinator, and hold none of its pipe ends: a killed coordinator leaves nothing behind
    sandbox.die_with_parent(parent)
    for fd in inherited:
        try:
            os.close(fd)
        except OSError:
            pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the coordinator decides when to stop
    run_on(cpus)  # this process, and the workers it asks for, keep to a CPU of their own
    start_ahead(ahead)
    if server is not None:
        adopt(server)  # the fork server the coordinator started early for this process
    zygote()  # start the workers' fork server while the first job is on its way
    limit_memory(max(GRADER_MEMORY_BYTES, 2 * limits.memory_bytes))
    try:
        while True:
            job = connection.recv()
            if job is None:
                return
            slug, submission = job
            connection.send(grade_submission(plans[slug], submission, limits))
    finally:
        finish()  # the worker started ahead, and the reaping of those retired


Job = tuple[str, Submission]  # (day, submission)


@dataclass
class _Slot:
    process: multiprocessing.Process
    connection: multiprocessing.connection.Connection
    job: Job | None = None
    deadline: float = 0.0


class Pool:
    """Grading processes forked from this one, which has loaded the days and their checks."""

    RETRIES = 1  # a submission whose grading process died is graded once more, in a fresh process

    def __init__(self, plans: dict[str, Plan], limits: Limits, size: int, server: Zygote | None = None) -> None:
        self.plans, self.limits, self.size = plans, limits, size
        self.template = server  # a fork server already starting: each grading process gets a clone of it
        self.context = multiprocessing.get_context("fork")
        self.slots: list[_Slot] = []
        self.failures: dict[tuple[str, str], int] = {}
        self.ahead = True

    def job_seconds(self, slug: str) -> float:
        """How long one submission may take in all: each task's limit twice, with room to spare."""
        tasks = len(self.plans[slug].day.tasks)
        return self.limits.load_seconds * 2 + tasks * (self.limits.task_seconds * 2 + 10) + 30

    def cpus(self, index: int) -> tuple[int, ...]:
        """The CPU of the ``index``-th grading process: a grading process and its worker take turns on
        every call and callback, and a turn on the CPU that is already running costs no wake-up of
        another one (with thousands of callbacks per submission, it shows). Where this process may run
        on one CPU only, nothing is chosen."""
        allowed = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
        return (allowed[index % len(allowed)],) if len(allowed) > 1 else ()

    def _start(self, index: int) -> _Slot:
        mine, theirs = self.context.Pipe()
        inherited = [mine.fileno()] + [fd for s in self.slots for fd in (s.connection.fileno(), s.process.sentinel)
                                       if fd != theirs.fileno()]
        server = None
        if self.template is not None:
            inherited.append(self.template.control.fileno())  # the grading process talks to its clone only
            try:
                server = self.template.clone()
            except OSError:  # the template ended: the grading process starts a fork server of its own
                self.template = None
        process = self.context.Process(target=_grading_process, daemon=True,
                                       args=(theirs, self.plans, self.limits, os.getpid(), tuple(inherited), server,
                                             self.ahead, self.cpus(index)))
        process.start()
        theirs.close()
        if server is not None:
            server.hand_over()
        return _Slot(process, mine)

    def _failed(self, slot: _Slot, job: Job, reason: str, pending: deque) -> dict | None:
        """The grading machinery failed on ``job`` (its process died or overran): grade it again in a
        fresh process, or, the second time, a document marked ``machinery`` that is never stored."""
        slot.process.kill()
        slot.process.join()
        slug, submission = job
        key = (slug, submission.student)
        self.failures[key] = self.failures.get(key, 0) + 1
        if self.failures[key] <= self.RETRIES:
            pending.appendleft(job)
            return None
        day = self.plans[slug].day
        message = f"{reason}, twice; no result was stored: grade it again"
        return document(day, submission, _all_tasks(day, Status.ERROR, message), machinery=reason)

    def run(self, jobs: list[Job]):
        """Grade every job, yielding each results document as it finishes."""
        pending = deque(jobs)
        self.ahead = len(jobs) > self.size  # a process grades more than one: start each next worker ahead
        self.slots = []
        for index in range(min(self.size, len(pending))):
            self.slots.append(self._start(index))  # one at a time: each closes the pipe ends of those before
        try:
            while pending or any(s.job for s in self.slots):
                for slot in self.slots:
                    if slot.job is None and pending:
                        slot.job = pending.popleft()
                        slot.deadline = time.monotonic() + self.job_seconds(slot.job[0])
                        slot.connection.send(slot.job)
                busy = [s for s in self.slots if s.job]
                timeout = max(0.0, min(s.deadline for s in busy) - time.monotonic())
                ready = multiprocessing.connection.wait(
                    [s.connection for s in busy] + [s.process.sentinel for s in busy], timeout
                )
                for index, slot in enumerate(self.slots):
                    if slot.job is None:
                        continue
                    result, failure = None, None
                    if slot.connection in ready:
                        try:
                            result = slot.connection.recv()
                        except (EOFError, OSError):
                            failure = "the grading process ended without a result"
                    elif slot.process.sentinel in ready:
                        failure = "the grading process ended without a result"
                    elif time.monotonic() > slot.deadline:
                        failure = f"grading took longer than {self.job_seconds(slot.job[0]):g} s"
                    if result is None and failure is None:
                        continue
                    job, slot.job = slot.job, None
                    if failure is not None:
                        result = self._failed(slot, job, failure, pending)
                    if not slot.process.is_alive():
                        self.slots[index] = self._start(index)
                    if result is not None:
                        yield result
        finally:
            self.close()

    def close(self) -> None:
        if self.template is not None:
            self.template.close()
            self.template = None
        for slot in self.slots:
            if slot.process.is_alive() and slot.job is None:
                try:
                    slot.connection.send(None)
                except OSError:
                    pass
        for slot in self.slots:
            slot.process.join(timeout=2)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()
        self.slots = []


# ------------------------------------------------------------------------------------- the class


def results_folder(course: Course, day: str) -> Path:
    return course.root / "results" / day


def cached_result(path: Path, submission: Submission, digest: str, checks_fingerprint: str) -> dict | None:
    """A stored result still valid for this very file and these checks, else None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != RESULTS_VERSION:
        return None
    if data.get("student") != submission.student or data.get("sha256") != digest or not digest:
        return None
    return data if data.get("fingerprint") == checks_fingerprint else None


@dataclass
class ClassRun:
    """One day's class: where its results go, and which of them are still current."""

    course: Course
    day: Day
    limits: Limits = Limits()
    jobs: int = 0
    force: bool = False
    results: Path | None = None
    cluster: str = ""  # grade on a Dask cluster: "local", "local:N" or a scheduler's address (cluster.py)
    # set by plan(): what the results depend on, and what grading needs
    checks: list[Check] = field(default_factory=list, init=False)
    locked: dict[str, str | None] = field(default_factory=dict, init=False)
    fingerprint: str = field(default="", init=False)
    digests: dict[str, str] = field(default_factory=dict, init=False)

    @property
    def folder(self) -> Path:
        return self.results or results_folder(self.course, self.day.slug)

    def grade(self, submissions: list[Submission], progress=None) -> list[dict]:
        """Results for every submission, in the order given; graded only where not already current."""
        return grade_together([(self, submissions)], self.jobs, progress, self.cluster)[0]

    def plan(self, submissions: list[Submission]) -> tuple[dict[str, dict], list[Submission]]:
        """The current results there are, by student, and the submissions still to grade."""
        students = [s.student for s in submissions]
        duplicates = {s for s in students if students.count(s) > 1}
        if duplicates:
            raise CourseError(f"{self.day.slug}: more than one submission for {', '.join(sorted(duplicates))}.")
        self.checks = load_checks(self.course, self.day.slug)
        self.locked = graded_day(self.course, self.day.slug)[1]
        self.fingerprint = fingerprint(self.course, self.day, self.limits)
        self.digests = {s.student: submission_digest(s) for s in submissions}
        done, todo = {}, []
        for submission in submissions:
            path = self.folder / "submissions" / f"{submission.student}.json"
            current = None if self.force else cached_result(
                path, submission, self.digests[submission.student], self.fingerprint
            )
            if current is None:
                todo.append(submission)
            else:
                done[submission.student] = current
        return done, todo

    def record(self, doc: dict) -> dict:
        """Store a finished result atomically, stamped with what it depends on."""
        doc["sha256"] = self.digests[doc["student"]]
        doc["fingerprint"] = self.fingerprint
        write_atomically(self.folder / "submissions" / f"{doc['student']}.json", json.dumps(doc, indent=1) + "\n")
        return doc


def grade_together(batches: list[tuple[ClassRun, list[Submission]]], jobs: int = 0, progress=None,
                   cluster: str = "", server: Zygote | None = None) -> list[list[dict]]:
    """Grade several days' classes with one pool of grading processes; results per batch, in order.
    ``server``: the workers' fork server, if one was started already (the caller closes it)."""
    limits = {run.limits for run, _ in batches}
    if len(limits) > 1:
        raise ValueError("the classes graded together must share their limits")
    previous = sampling_seed(None)  # points no submission can know: equivalent() samples afresh each run
    given = server
    try:
        plans, todo, results, total = {}, [], {}, 0
        for run, submissions in batches:
            done, pending = run.plan(submissions)
            if pending and server is None and not cluster:
                # the first grading process's fork server imports NumPy and SymPy while the days load here
                server = Zygote()
            plans[run.day.slug] = Plan(run.day, run.checks, run.locked, library(run, cluster) if pending else None)
            results.update({(run.day.slug, student): doc for student, doc in done.items()})
            todo += [(run.day.slug, s) for s in pending]
            total += len(submissions)
        if progress:
            progress(len(results), total)
        runs = {run.day.slug: run for run, _ in batches}
        size = jobs or os.cpu_count() or 1
        if len(todo) >= WARM_UP_FROM * size:  # a class: the grading processes are forked warm, sharing one library
            if server is not None:
                server.warm()  # and so are the fork servers they get, and every worker
            for slug in dict.fromkeys(slug for slug, _ in todo):
                if isinstance(plans[slug].library, LazyLibrary):
                    plans[slug].library.library  # noqa: B018 - built here, while the fork server starts
                warm_up(runs[slug].course, runs[slug].day, runs[slug].checks)
        if todo:
            if cluster:
                from daykit.grading.cluster import pool  # Dask is an extra: imported only when asked for

                grader = pool(cluster, plans, limits.pop(), size, {slug: run.course for slug, run in runs.items()})
            else:
                gc.freeze()  # what is loaded is kept: the grading processes' collections never walk (or copy) it
                grader, server = Pool(plans, limits.pop(), size, server), None
            for doc in grader.run(todo):
                # a failure of the grading machinery is shown, never stored: the next run grades it again
                stored = doc if doc.get("machinery") else runs[doc["day"]].record(doc)
                results[(doc["day"], doc["student"])] = stored
                if progress:
                    progress(len(results), total)
    finally:
        sampling_seed(previous)
        if server is not None and server is not given:  # started here and never handed to the pool
            server.close()
    return [[results[(run.day.slug, s.student)] for s in submissions] for run, submissions in batches]


def library(run: ClassRun, cluster: str) -> Library | LazyLibrary | None:
    """The day's known mistakes, to name the one a failing task shows: for a cluster, built now (its
    machines get it by value); else built on first use (a run that passes never builds it), which for a
    class is here, before the grading processes are forked (see grade_together)."""
    if cluster:
        return load_library(run.course, run.day.slug)
    return LazyLibrary(lambda: load_library(run.course, run.day.slug))


WARM_UP_FROM = 2  # submissions per grading process from which the day is made ready before forking


def warm_up(course: Course, day: Day, checks: list[Check]) -> None:
    """Run the checks once on the reference, in this trusted process, before forking the graders.

    SymPy imports much of itself on first use, and the checks remember what they proved; every
    grading process forked afterwards starts with both. The reference runs here, never in a worker,
    and workers come from a fork server that shares nothing with this process. For a run of fewer than
    WARM_UP_FROM submissions per grading process it is not done: each process warms up on its first
    submission, in parallel, and a run of one submission (one process) would pay it twice over, once
    here while the fork server and the publishing process start on the same cores.
    """
    namespace, error = load_target(course.solution(day.slug), f"daykit_reference_{day.slug}")
    if error is None:
        grade_functions(day, checks, callables(namespace), "the reference")


def public_view(doc: dict) -> dict:
    """The results document as ``--json`` shows it."""
    keys = ("student", "path", "score", "max_score")
    tasks = [{k: t[k] for k in ("task", "status", "points", "max_points", "message", "diagnosis") if k in t}
             for t in doc["tasks"]]
    return {**{k: doc[k] for k in keys}, "tasks": tasks}


def progress_bar(stream=sys.stderr):
    """A one-line progress bar on a terminal; silent elsewhere."""
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        if not stream.isatty() or not total:
            return
        width = 30
        filled = int(width * done / total)
        bar = "█" * filled + "·" * (width - filled)
        stream.write(f"\r  grading [{bar}] {done}/{total}  {time.monotonic() - started:5.1f} s")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show


# ------------------------------------------------------------------------------------- the command


def confinement_warning(docs: list[dict]) -> str:
    """One warning for the run, naming each confinement promise that did not hold for some worker
    (from the ``isolation`` its confined process reported); "" when every promise held."""
    weaker = sorted({w for doc in docs if doc.get("isolation") for w in sandbox.weaker(doc["isolation"])})
    if not weaker:
        return ""
    return "daykit: on this machine a worker's confinement is weaker than the README says:\n" + "\n".join(
        f"  - {line}" for line in weaker)


def _no_submissions(course: Course, slugs: list[str]) -> CourseError:
    if len(slugs) == 1:
        slug = slugs[0]
        return CourseError(
            f"no submissions in {course.root / 'submitted'}/*/{slug}/: collect them with "
            f"`nbgrader collect {slug}`, or name the files: daykit grade {slug} path/to/{slug}.ipynb"
        )
    return CourseError(
        f"no submissions in {course.root / 'submitted'}/*/<day>/ for any of {', '.join(slugs)}: collect them "
        "with `nbgrader collect <day>`, or name a day and the files: daykit grade 39 path/to/day_39.ipynb"
    )


def run(args, publisher: Publisher | None = None, server: Zygote | None = None) -> int:
    """``daykit grade`` (see command.py, which starts ``publisher`` and the workers' fork server ``server``
    before it imports this module); the run closes what it is given, or starts and closes its own."""
    try:
        return _run(args, publisher, server)
    finally:
        if publisher is not None:
            publisher.close()
        if server is not None:
            server.close()  # unless a grading process took it over (then only the handle is closed)


def _run(args, publisher: Publisher | None, server: Zygote | None = None) -> int:
    from daykit.grading.reports import summary, summary_text, table

    course = Course.here()
    if not course.is_instructor:
        raise CourseError("`daykit grade` needs the instructor repository (with solutions/ and hidden/).")
    days, files = split_targets(args.targets)
    if files and len(days) != 1:
        raise CourseError(f"name one day before the submissions ({'none' if not days else ', '.join(days)} named): "
                          f"daykit grade 39 {' '.join(files[:2])}")
    slugs = course.select(days)  # every day of the course when none is named
    limits = Limits(task_seconds=args.timeout, memory_bytes=args.memory * 2**20)
    results = Path(args.results) if args.results else None
    batches = []
    for slug in slugs:
        day, _ = graded_day(course, slug)
        submissions = [submission_at(Path(p), slug) for p in files] if files else find_submissions(course, slug)
        if submissions:
            folder = None if results is None else results if len(slugs) == 1 else results / slug
            run = ClassRun(course, day, limits, args.jobs, args.force, folder,
                           cluster=args.scheduler or args.cluster or "")
            batches.append((run, submissions))
    if not batches:
        raise _no_submissions(course, slugs)
    started = time.monotonic()
    if publisher is None:
        sys.modules.setdefault("rfc3987_syntax", None)  # see command.run
        publisher = Publisher(course)
    try:
        # every day in one pool: the grading processes and their workers start once for the whole course
        graded = grade_together(batches, args.jobs, progress_bar(), batches[0][0].cluster, server)
        outputs, notes = [], []
        for (run, _), docs in zip(batches, graded, strict=True):
            # the class's reports from every stored result of the day, whatever this run graded; nbgrader's
            # gradebook and autograded notebooks for the submissions nbgrader collected
            published = publisher.call("publish", course, run.day, docs, run.folder, gradebook=not args.no_gradebook)
            notes += published.skipped + published.notes
            outputs.append((run, docs, published))
        if any(run.folder == results_folder(course, run.day.slug) for run, _ in batches):
            stored = [d for d in course.days() if (results_folder(course, d) / "submissions").is_dir()]
            publisher.call("course_grades", course, {d: graded_day(course, d)[0] for d in stored},
                           course.root / "results", course.root / "grades.csv", gradebook=not args.no_gradebook)
    finally:
        publisher.close()
    for line in notes:
        print(f"daykit: {line}", file=sys.stderr)
    weaker = confinement_warning([d for docs in graded for d in docs])
    if weaker:
        print(weaker, file=sys.stderr)
    # the results are stored either way; a gradebook that was to be written and was not is a failed run
    status = 1 if any(published.unwritten for _, _, published in outputs) else 0
    if args.json:
        views = [{"day": run.day.slug, "submissions": [public_view(d) for d in docs]} for run, docs, _ in outputs]
        print(json.dumps(views[0] if len(slugs) == 1 else {"days": views}, indent=1))
        return status
    for run, docs, published in outputs:
        if len(outputs) > 1:
            print(f"== {run.day.slug}: {run.day.title}\n")
        print(table(run.day, docs))
        print()
        print(summary_text(summary(run.day, published.docs)))
        where = f"results, grades.csv, summary.json, histogram.png and feedback/ in {course.relative(run.folder)}/"
        if published.gradebook:
            where += f"; {len(published.gradebook)} in nbgrader's gradebook and autograded/"
        print(f"\n{run.day.slug}: {len(docs)} submission(s) graded; the class has {len(published.docs)}; {where}")
        print()
    count = sum(len(docs) for docs in graded)
    print(f"{count} submission(s) of {len(outputs)} day(s) graded in {time.monotonic() - started:.1f} s")
    return status
