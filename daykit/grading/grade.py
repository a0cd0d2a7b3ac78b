"""``daykit grade``: grade a class in parallel, in isolation, and resumably.

Submissions (``.py`` files or notebooks) are graded by a pool of grading processes, one per core by
default; with no day named, or several, one pool grades every day's submissions. A grading process
never imports student code: it reads the submission as text (a notebook's
code cells, without its test cells: the notebook's own checks and metadata are not trusted), runs it
in a worker (see session.py), and judges what comes back with the day's visible and hidden checks.
Each result is written atomically as it finishes (results/<day>/submissions/<student>.json); a
re-run skips every submission whose file and checks are unchanged, unless ``--force``.

This process, the coordinator, plans the run, hands out the jobs and stores the results; it never loads
a check, nor NumPy or SymPy. The grading processes are forked by the workers' fork server (grader.py).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import multiprocessing.connection
import os
import secrets
import signal
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from daykit import __version__
from daykit.authoring.model import Day, Task
from daykit.checking.loading import notebook_cells
from daykit.checking.verdicts import Status
from daykit.course import Course, CourseError, write_atomically
from daykit.grading import sandbox
from daykit.grading.command import split_targets
from daykit.grading.jobs import (  # noqa: F401 - what the grader's callers find here
    MAX_SUBMISSION_BYTES,
    RESULTS_VERSION,
    Job,
    Orders,
    Plan,
    Submission,
    _all_tasks,
    _shown,
    document,
    notebook_chunks,
    read_chunks,
    refusal,
)
from daykit.grading.limits import Limits
from daykit.grading.publisher import Publisher
from daykit.grading.zygote import Zygote, warm_ups_for
from daykit.notebook import grade_id, graded_code, is_test_cell, nbgrader_meta

# ------------------------------------------------------------------------------------- discovery

# What nbgrader's collect puts beside a notebook; not the student's, so never "also found".
COLLECTED = {"timestamp.txt"}


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


# ----------------------------------------------------------------------------------------- pool


WARM_UP_FROM = 2  # submissions per grading process from which its checks warm up before the first


@dataclass
class _Slot:
    connection: multiprocessing.connection.Connection
    pid: int | None = None  # the grading process, once the fork server has answered
    job: Job | None = None
    deadline: float = 0.0


class Pool:
    """Grading processes (grader.py), each forked by the workers' fork server from its clean state, with
    a fork server of its own beside it: this process sends them the days and the jobs and takes back the
    results; it never loads a check (nor NumPy or SymPy) itself.

    ``server``: the fork server, if one is starting already (the pool ends it); ``courses``: each day's
    course; ``seed``: the run's sampling seed (default: a fresh one)."""

    RETRIES = 1  # a submission whose grading process died is graded once more, in a fresh process

    def __init__(self, plans: dict[str, Plan], limits: Limits, size: int, server: Zygote | None = None,
                 courses: dict[str, Course] | None = None, seed: int | None = None) -> None:
        self.plans, self.limits, self.size = plans, limits, size
        self.server, self.courses = server, courses or {}
        self.seed = secrets.randbits(64) if seed is None else seed
        self.slots: list[_Slot] = []
        self.failures: dict[tuple[str, str], int] = {}
        self.ahead = self.warm = False
        self.extras: tuple[str, ...] = ()  # the optional warm-ups of the workers' fork servers (zygote.py)

    def job_seconds(self, slug: str) -> float:
        """How long one submission may take in all: each task's limit twice, with room to spare."""
        tasks = len(self.plans[slug].day.tasks)
        return self.limits.load_seconds * 2 + tasks * (self.limits.task_seconds * 2 + 10) + 30

    def _exercise(self, slug: str) -> str:
        """The day's exercise file, as its students have it ("" where there is none)."""
        course = self.courses.get(slug)
        try:
            return course.stub(slug).read_text(encoding="utf-8") if course else ""
        except OSError:
            return ""

    def cpus(self, index: int) -> tuple[int, ...]:
        """The CPU of the ``index``-th grading process: a grading process and its worker take turns on
        every call and callback, and a turn on the CPU that is already running costs no wake-up of
        another one (with thousands of callbacks per submission, it shows). Where this process may run
        on one CPU only, nothing is chosen."""
        allowed = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
        return (allowed[index % len(allowed)],) if len(allowed) > 1 else ()

    def _start(self, index: int) -> _Slot:
        if self.server is None:
            self.server = Zygote()
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        slot = _Slot(multiprocessing.connection.Connection(mine.detach()))
        try:
            self.server.fork_grader(theirs, lambda pid: setattr(slot, "pid", pid), self.warm, self.extras)
        finally:
            theirs.close()
        days = {slug: (self.courses[slug], plan.day, plan.locked) for slug, plan in self.plans.items()}
        orders = Orders(days, self.limits, self.seed, self.ahead, self.warm, self.cpus(index), os.getcwd())
        self._send(slot, orders)  # read once the process is forked: the server may still be importing
        return slot

    @staticmethod
    def _send(slot: _Slot, message) -> None:
        try:
            slot.connection.send(message)
        except OSError:  # the process has ended: its connection reads as ended, and says so
            pass

    def _end(self, slot: _Slot) -> None:
        """Kill the slot's grading process (unless it has ended) and have the fork server reap it."""
        slot.connection.close()
        try:
            if slot.pid is None:
                self.server.settle()  # its pid: a child of the server, not reaped until asked, so never reused
            if slot.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(slot.pid, signal.SIGKILL)
                self.server.wait_later(slot.pid, lambda status: None)
        except (OSError, RuntimeError):  # the fork server is gone, and the grading processes with it
            pass

    def _failed(self, slot: _Slot, job: Job, reason: str, pending: deque) -> dict | None:
        """The grading machinery failed on ``job`` (its process died or overran): grade it again in a
        fresh process, or, the second time, a document marked ``machinery`` that is never stored."""
        self._end(slot)
        slug, submission = job
        key = (slug, submission.student)
        self.failures[key] = self.failures.get(key, 0) + 1
        if self.failures[key] <= self.RETRIES:
            pending.appendleft(job)
            return None
        day = self.plans[slug].day
        message = f"{reason}, twice; no result was stored: grade it again"
        return document(day, submission, _all_tasks(day, Status.ERROR, message), machinery=reason)

    def run(self, jobs: list[Job], then_close: Callable[[Callable[[], None]], None] | None = None):
        """Grade every job, yielding each results document as it finishes. Once the last is in, the pool's
        ``close`` is handed to ``then_close`` (to end the processes in the background while the results are
        published, say); without it, or if the run stops early, the pool is closed at once."""
        pending = deque(jobs)
        self.ahead = len(jobs) > self.size  # a process grades more than one: start each next worker ahead
        self.warm = len(jobs) >= WARM_UP_FROM * self.size  # the workers' fork servers warm up, and the checks
        self.extras = warm_ups_for([self._exercise(slug) for slug in self.plans]) if self.warm else ()
        self.slots = [self._start(index) for index in range(min(self.size, len(pending)))]
        try:
            while pending or any(s.job for s in self.slots):
                for slot in self.slots:
                    if slot.job is None and pending:
                        slot.job = pending.popleft()
                        slot.deadline = time.monotonic() + self.job_seconds(slot.job[0])
                        self._send(slot, slot.job)
                busy = [s for s in self.slots if s.job]
                timeout = max(0.0, min(s.deadline for s in busy) - time.monotonic())
                ready = multiprocessing.connection.wait([s.connection for s in busy], timeout)
                for index, slot in enumerate(self.slots):
                    if slot.job is None:
                        continue
                    result, failure = None, None
                    if slot.connection in ready:
                        try:
                            result = slot.connection.recv()
                        except (EOFError, OSError):
                            failure = "the grading process ended without a result"
                    elif time.monotonic() > slot.deadline:
                        failure = f"grading took longer than {self.job_seconds(slot.job[0]):g} s"
                    if result is None and failure is None:
                        continue
                    job, slot.job = slot.job, None
                    if failure is not None:
                        result = self._failed(slot, job, failure, pending)
                        self.slots[index] = self._start(index)
                    if result is not None:
                        yield result
        except BaseException:
            self.close()
            raise
        if then_close is None:
            self.close()
        else:
            then_close(self.close)

    def close(self, seconds: float = 2.0) -> None:
        """Let each grading process finish (it reaps its workers), end any still running after ``seconds``,
        have the fork server reap them all, and end the fork server."""
        for slot in self.slots:
            if slot.job is None:
                self._send(slot, None)
        running = {slot.connection: slot for slot in self.slots if slot.job is None}
        deadline = time.monotonic() + seconds
        while running and time.monotonic() < deadline:
            for connection in multiprocessing.connection.wait(list(running), deadline - time.monotonic()):
                try:
                    connection.recv()
                except (EOFError, OSError):  # it has ended
                    running.pop(connection)
        for slot in self.slots:
            self._end(slot)
        self.slots = []
        if self.server is not None:
            with contextlib.suppress(OSError, RuntimeError):
                self.server.settle()
            self.server.close()
            self.server = None


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


def in_background(stack: contextlib.ExitStack, function: Callable[[], None]) -> None:
    """Start ``function`` in a thread of its own; ``stack`` waits for it on exit, and raises what it raised."""
    raised: list[BaseException] = []

    def target() -> None:
        try:
            function()
        except BaseException as exc:  # noqa: BLE001 - raised again in the thread that waits for it
            raised.append(exc)

    thread = threading.Thread(target=target, name="daykit-background", daemon=True)
    thread.start()

    def join() -> None:
        thread.join()
        if raised:
            raise raised[0]

    stack.callback(join)


def grade_together(batches: list[tuple[ClassRun, list[Submission]]], jobs: int = 0, progress=None,
                   cluster: str = "", server: Zygote | None = None,
                   background: contextlib.ExitStack | None = None) -> list[list[dict]]:
    """Grade several days' classes with one pool of grading processes; results per batch, in order.
    ``server``: the workers' fork server, if one was started already (the caller closes it); ``background``:
    where the pool's processes may end after the results are in, while the caller goes on (see
    ``in_background``; by default they have ended when this returns)."""
    limits = {run.limits for run, _ in batches}
    if len(limits) > 1:
        raise ValueError("the classes graded together must share their limits")
    seed = secrets.randbits(64)  # points no submission can know: equivalent() samples afresh each run
    given = server
    try:
        plans, todo, results, total = {}, [], {}, 0
        for run, submissions in batches:
            done, pending = run.plan(submissions)
            if pending and server is None and not cluster:
                # the grading processes' fork server imports NumPy and SymPy while the days are planned here
                server = Zygote()
            plans[run.day.slug] = Plan(run.day, [], run.locked)  # the checks load where the day is graded
            results.update({(run.day.slug, student): doc for student, doc in done.items()})
            todo += [(run.day.slug, s) for s in pending]
            total += len(submissions)
        if progress:
            progress(len(results), total)
        runs = {run.day.slug: run for run, _ in batches}
        size = jobs or os.cpu_count() or 1
        if todo:
            courses = {slug: run.course for slug, run in runs.items()}
            if cluster:
                from daykit.grading.cluster import pool  # Dask is an extra: imported only when asked for

                grader = pool(cluster, plans, limits.pop(), size, courses, seed)
            else:
                grader, server = Pool(plans, limits.pop(), size, server, courses, seed), None
            if background is not None and not cluster:  # a Dask client is closed where it was opened
                results_in = grader.run(todo, functools.partial(in_background, background))
            else:
                results_in = grader.run(todo)
            for doc in results_in:
                # a failure of the grading machinery is shown, never stored: the next run grades it again
                stored = doc if doc.get("machinery") else runs[doc["day"]].record(doc)
                results[(doc["day"], doc["student"])] = stored
                if progress:
                    progress(len(results), total)
    finally:
        if server is not None and server is not given:  # started here and never handed to the pool
            server.close()
    return [[results[(run.day.slug, s.student)] for s in submissions] for run, submissions in batches]


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
    background = contextlib.ExitStack()  # the grading processes end there while the results are published
    try:
        # what publishing will need whatever the results, done while they are graded; files named on the
        # command line mostly do not go to the gradebook (see command.run), which is then opened only if
        # one does, after grading
        publisher.prepare([run.day.slug for run, _ in batches], gradebook=not args.no_gradebook and not files)
        # every day in one pool: the grading processes and their workers start once for the whole course
        graded = grade_together(batches, args.jobs, progress_bar(), batches[0][0].cluster, server, background)
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
        with background:
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
