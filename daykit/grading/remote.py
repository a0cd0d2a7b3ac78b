"""Grading on another machine: what a Dask worker does with a submission (see cluster.py for Dask).

A run's checks and locked cells reach the machine once, as a ``Shipment`` (the check files' text, not
their objects); each submission reaches it as its file's bytes. Nothing else is shared with the
coordinator, not even a file system. The machine grades as a grading process of the local pool does:
a *grading process* per thread, started afresh with ``python -c`` (never forked from the Dask worker,
which runs threads), loads the shipped checks, starts its own fork server (no course data in it,
workers forked from it) and runs ``grader.grading_loop``, the local pool's very loop. The thread
writes the submission's bytes to a scratch folder, sends the job, and waits within the pool's deadline;
a grading process that dies or overruns is replaced and the submission graded once more, and the
second time the result says so and is never stored, as in the local pool.
"""

from __future__ import annotations

import os
import pickle
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import cloudpickle

from daykit import __version__
from daykit.authoring.model import Day
from daykit.checking.runner import Status, load_checks
from daykit.checks import sampling_seed
from daykit.course import Course
from daykit.grading import sandbox
from daykit.grading.grade import Plan, Pool, Submission, _all_tasks, document
from daykit.grading.grader import grading_loop
from daykit.grading.worker import Limits

FD_ENV = "DAYKIT_GRADING_FD"
PARENT_ENV = "DAYKIT_GRADING_PARENT"
HOST_MAIN = "from daykit.grading.remote import host_main; host_main()"
IDLE_SECONDS = 600  # a grading process with no job for this long ends (its coordinator may be gone)


@dataclass(frozen=True)
class ShippedDay:
    day: Day
    locked: dict[str, str | None]
    checks: str | None  # the text of tests/test_<day>.py
    hidden: str | None  # the text of hidden/test_<day>_hidden.py
    package: str | None = None  # the text of tests/__init__.py, where the course has one
    library: bytes | None = None  # the day's known mistakes (plan.library), pickled: see ``_pickled_library``


@dataclass(frozen=True)
class Shipment:
    """What a machine needs to grade a run: the days' checks as text, the locked cells, the limits and
    the run's sampling seed (the coordinator's, so that every machine samples the same points)."""

    version: str
    seed: int
    limits: Limits
    days: dict[str, ShippedDay]

    @classmethod
    def of(cls, courses: dict[str, Course], plans: dict[str, Plan], limits: Limits, seed: int) -> Shipment:
        days = {}
        for slug, plan in plans.items():
            course = courses[slug]
            package = course.root / "tests" / "__init__.py"
            days[slug] = ShippedDay(plan.day, plan.locked, _text(course.checks(slug)),
                                    _text(course.hidden_checks(slug)), _text(package), _pickled_library(plan))
        return cls(__version__, seed, limits, days)

    def plans(self) -> dict[str, Plan]:
        """The plans, with the checks loaded here from their text as ``load_checks`` loads them."""
        root = Path(tempfile.mkdtemp(prefix="daykit-checks-"))
        try:
            (root / "tests").mkdir()
            (root / "hidden").mkdir()
            course = Course(root)
            plans = {}
            for slug, shipped in self.days.items():
                (root / "tests" / "__init__.py").write_text(shipped.package or "", encoding="utf-8")
                for path, text in ((course.checks(slug), shipped.checks), (course.hidden_checks(slug), shipped.hidden)):
                    if text is not None:
                        path.write_text(text, encoding="utf-8")
            checks = {slug: load_checks(course, slug) for slug in self.days}
            for slug, shipped in self.days.items():  # a library may name the checks' functions: loaded first
                extra = {"library": cloudpickle.loads(shipped.library)} if shipped.library is not None else {}
                plans[slug] = Plan(shipped.day, checks[slug], shipped.locked, **extra)
            return plans
        finally:
            shutil.rmtree(root, ignore_errors=True)


def _pickled_library(plan: Plan) -> bytes | None:
    """The plan's library of known mistakes as bytes. Its variants' and reference's functions travel by
    value (their modules exist on the coordinator only); the checks' functions by name, as the
    grading machine loads the checks under the same module names."""
    library = getattr(plan, "library", None)
    if library is None:
        return None
    by_value = [module for name, module in list(sys.modules.items())
                if name.startswith(("daykit_variants_", "daykit_diagnosis_reference_"))]
    for module in by_value:
        cloudpickle.register_pickle_by_value(module)
    try:
        return cloudpickle.dumps(library)
    finally:
        for module in by_value:
            cloudpickle.unregister_pickle_by_value(module)


def _text(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


# ------------------------------------------------------------------------------ the grading process


def _orphaned(run_folder: str, parent: int) -> None:
    """SIGTERM: end this process (its workers' fork server ends with it and removes its own folder). When the
    Dask worker that started it is gone (killed, say, and restarted by its nanny), the run it held here is
    gone too, and its folder (the submissions' files being graded) goes with it; a SIGTERM from anything
    else leaves the folder to the run, whose other grading processes may be using it. The parent-death
    signal comes as the thread that started this process ends, which may be a moment before the rest of the
    Dask worker, so that moment is waited for (a second at most)."""
    deadline = time.monotonic() + 1.0
    while os.getppid() == parent and time.monotonic() < deadline:
        time.sleep(0.01)
    if os.getppid() != parent and os.path.basename(run_folder).startswith("daykit-run-"):
        shutil.rmtree(run_folder, ignore_errors=True)
    os._exit(0)


class _IdleEnds:
    """The grading process's end of its channel: a receive that waits too long gives None (stop)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def recv(self):
        if not self.connection.poll(IDLE_SECONDS):
            return None
        return self.connection.recv()

    def send(self, value) -> None:
        self.connection.send(value)


def host_main() -> None:
    """A grading process on a grading machine: load the shipment, then grade jobs until told to stop."""
    connection = Connection(int(os.environ.pop(FD_ENV)))
    parent = int(os.environ.pop(PARENT_ENV))
    run_folder = os.getcwd()  # the run's folder on this machine (Run.scratch): a Host starts in it
    signal.signal(signal.SIGTERM, lambda *_: _orphaned(run_folder, parent))
    sandbox.die_with_parent(None, signal.SIGTERM)
    if os.getppid() != parent:  # it died while this process was starting
        _orphaned(run_folder, parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        shipment = pickle.loads(connection.recv_bytes())
        sampling_seed(shipment.seed)
        plans = shipment.plans()
        grading_loop(_IdleEnds(connection), plans, shipment.limits)
    except (EOFError, OSError):  # the Dask worker is gone
        pass
    except BaseException:  # noqa: BLE001 - said in the Dask worker's log; its submission fails as machinery
        traceback.print_exc()
        os._exit(1)
    os._exit(0)


_SPAWNS: queue.Queue = queue.Queue()
_SPAWNER_LOCK = threading.Lock()
_SPAWNER: list[threading.Thread] = []


def _spawner() -> None:
    # Grading processes are started from this one long-lived thread: their parent-death signal follows
    # the thread that started them, and a Dask worker's task threads may come and go.
    while True:
        command, box, done = _SPAWNS.get()
        try:
            box["process"] = subprocess.Popen(**command)
        except BaseException as exc:  # noqa: BLE001 - handed to the thread that asked
            box["error"] = exc
        done.set()


def _spawn(**command) -> subprocess.Popen:
    with _SPAWNER_LOCK:
        if not _SPAWNER or not _SPAWNER[0].is_alive():
            _SPAWNER[:] = [threading.Thread(target=_spawner, name="daykit-grading-spawner", daemon=True)]
            _SPAWNER[0].start()
    box, done = {}, threading.Event()
    _SPAWNS.put((command, box, done))
    done.wait()
    if "error" in box:
        raise box["error"]
    return box["process"]


class Host:
    """One grading process on this machine, started with the run's shipment."""

    def __init__(self, shipment: bytes, scratch: str) -> None:
        mine, theirs = socket.socketpair()
        environment = {**os.environ, FD_ENV: str(theirs.fileno()), PARENT_ENV: str(os.getpid())}
        try:
            self.process = _spawn(args=[sys.executable, "-P", "-c", HOST_MAIN],
                                  pass_fds=[theirs.fileno()], env=environment, cwd=scratch, stdin=subprocess.DEVNULL)
        finally:
            theirs.close()
        self.connection = Connection(mine.detach())
        self.connection.send_bytes(shipment)

    def grade(self, job: tuple[str, Submission], seconds: float) -> tuple[dict | None, str]:
        """The results document, or None and why the grading machinery failed."""
        try:
            self.connection.send(job)
            if not self.connection.poll(seconds):
                return None, f"grading took longer than {seconds:g} s"
            return self.connection.recv(), ""
        except (EOFError, OSError):
            return None, "the grading process ended without a result"

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self, kill: bool = False) -> None:
        if not kill and self.alive():
            try:
                self.connection.send(None)
                self.process.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.alive():
            self.process.kill()
        self.process.wait()
        self.connection.close()


# ------------------------------------------------------------------------------- a run on a machine


@dataclass(frozen=True)
class Job:
    """A submission as it travels: its file's bytes, never its path on the coordinator's disk."""

    day: str
    student: str
    path: str  # as the coordinator names it; the results document says this path
    data: bytes
    also_found: tuple[str, ...] = ()


class Run:
    """A run's grading processes on this machine: one per thread grading at once, kept between jobs."""

    RETRIES = Pool.RETRIES

    def __init__(self, shipment: bytes) -> None:
        loaded: Shipment = pickle.loads(shipment)
        self.shipment = shipment
        self.days = {slug: shipped.day for slug, shipped in loaded.days.items()}
        self.timing = Pool({slug: Plan(day, [], {}) for slug, day in self.days.items()}, loaded.limits, 1)
        self.scratch = tempfile.mkdtemp(prefix="daykit-run-")
        self.idle: list[Host] = []
        self.busy: set[Host] = set()
        self.lock = threading.Lock()
        self.closed = False

    def _host(self) -> Host:
        with self.lock:
            if self.closed:
                raise RuntimeError("this run was closed: its coordinator is gone")
            while self.idle:
                host = self.idle.pop()
                if host.alive():
                    self.busy.add(host)
                    return host
                host.close(kill=True)
        host = Host(self.shipment, self.scratch)
        with self.lock:
            self.busy.add(host)
        return host

    def _done(self, host: Host, keep: bool) -> None:
        with self.lock:
            self.busy.discard(host)
            if keep and not self.closed:
                self.idle.append(host)
                return
        host.close(kill=True)

    def grade(self, job: Job) -> dict:
        """Grade one submission from its bytes; the document names the coordinator's path."""
        folder = Path(tempfile.mkdtemp(dir=self.scratch))
        try:
            here = folder / Path(job.path).name
            here.write_bytes(job.data)
            submission = Submission(job.student, here, also_found=job.also_found)
            seconds = self.timing.job_seconds(job.day)
            for _ in range(self.RETRIES + 1):
                host = self._host()
                doc, failure = host.grade((job.day, submission), seconds)
                self._done(host, keep=doc is not None)
                if doc is not None:
                    return _renamed(doc, str(here), job.path)
            day = self.days[job.day]
            message = f"{failure}, twice; no result was stored: grade it again"
            shown = Submission(job.student, Path(job.path), also_found=job.also_found)
            return document(day, shown, _all_tasks(day, Status.ERROR, message), machinery=failure)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        with self.lock:
            self.closed = True
            hosts, self.idle = self.idle + list(self.busy), []
        for host in hosts:
            host.close(kill=host in self.busy)
        shutil.rmtree(self.scratch, ignore_errors=True)


def _renamed(value, here: str, there: str):
    """``value`` with every mention of the file's path on this machine replaced by the coordinator's."""
    if isinstance(value, str):
        return value.replace(here, there)
    if isinstance(value, list):
        return [_renamed(v, here, there) for v in value]
    if isinstance(value, dict):
        return {k: _renamed(v, here, there) for k, v in value.items()}
    return value


_RUNS: dict[str, Run] = {}
_RUNS_LOCK = threading.Lock()


def install(key: str, shipment: bytes) -> None:
    """Make run ``key`` known on this machine (a Dask worker plugin's setup calls it)."""
    with _RUNS_LOCK:
        if key not in _RUNS:
            _RUNS[key] = Run(shipment)


def forget(key: str) -> None:
    """End run ``key`` here: its grading processes and scratch folder (the plugin's teardown)."""
    with _RUNS_LOCK:
        run = _RUNS.pop(key, None)
    if run is not None:
        run.close()


def grade(key: str, job: Job) -> dict:
    """The task a Dask worker runs for one submission of run ``key``."""
    with _RUNS_LOCK:
        run = _RUNS.get(key)
    if run is None:
        raise RuntimeError(f"the grading run {key} is not installed on this worker")
    return run.grade(job)


def version() -> str:
    """The daykit this machine runs (a result depends on it: it must be the coordinator's)."""
    return __version__


def new_key() -> str:
    return f"daykit-grade-{uuid.uuid4().hex[:12]}"
