"""``daykit grade DAY --cluster local[:N]`` or ``--scheduler ADDRESS``: grading on a Dask cluster.

Everything but where a submission is graded stays as it is: ``grade_together`` plans the run, stores
each result atomically as it comes back, resumes after an interruption and draws the progress bar; it
only gets a ``ClusterPool`` in place of the local ``Pool``, with the same ``run(jobs)``.

What travels: the run's checks (their files' text), locked cells, limits and sampling seed go once
per run, as a Dask worker plugin that every worker (a restarted or late one too) installs before its
first task (remote.py); each submission goes as a task holding its file's bytes, never a path. A
submission that is refused or cannot be read is judged here as the local pool judges it, without
running anything of the student's. On each worker, a grading process per thread grades inside the
same confinement as the local pool: its own fork server with no course data, workers forked from it.

A worker lost mid-task costs a retry, not a result: Dask's scheduler gives the task to another worker
(``distributed.scheduler.allowed-failures`` times). A task that fails for good gets a result marked
``machinery``, which is shown and never stored, so that the next run grades it again.

A Dask cluster runs whatever pickled code its clients send: reach it only from the instructor's
machines, over TLS (Dask's ``distributed.comm.tls`` settings, which ``Client`` reads), see the README.
"""

from __future__ import annotations

import logging
import pickle
import re
import secrets
from collections import deque

from daykit.checking.library import load_library
from daykit.checking.runner import Status
from daykit.course import Course, CourseError
from daykit.grading import remote
from daykit.grading.grade import MAX_SUBMISSION_BYTES, Plan, Submission, _all_tasks, document
from daykit.grading.grader import grade_submission
from daykit.grading.worker import Limits

try:
    from distributed import WorkerPlugin
except ImportError:  # the `dask` extra is not installed: pool() says how to install it
    WorkerPlugin = object

LOCAL = re.compile(r"local(?::(?P<workers>\d+))?")
CONNECT_SECONDS = 30
WORKERS_SECONDS = 120  # how long a run waits for a scheduler's first worker (a batch job may be queued)
INSTALL = "pip install 'daykit[dask]'"


def pool(where: str, plans: dict[str, Plan], limits: Limits, size: int, courses: dict[str, Course],
         seed: int | None = None) -> ClusterPool:
    """The pool that grades on the Dask cluster ``where``: ``local`` or ``local:N`` (a LocalCluster of N
    single-threaded worker processes on this machine, N = ``size`` by default) or a scheduler's address
    (``tcp://host:8786``, ``tls://host:8786``). ``seed``: the run's sampling seed, every machine's (default:
    a fresh one)."""
    if WorkerPlugin is object:
        raise CourseError(f"grading on a Dask cluster needs Dask's distributed scheduler: {INSTALL}")
    match = LOCAL.fullmatch(where)
    if where.startswith("local") and (match is None or match["workers"] == "0"):
        raise CourseError(f"--cluster {where}: write `--cluster local` or `--cluster local:N` with N workers, N > 0.")
    workers = (int(match["workers"]) if match["workers"] else size) if match else 0
    # each day's library of known mistakes travels built (see remote.Shipment): built here, once
    plans = {slug: Plan(plan.day, plan.checks, plan.locked, load_library(courses[slug], slug))
             for slug, plan in plans.items()}
    seed = secrets.randbits(64) if seed is None else seed
    return ClusterPool(where, plans, limits, courses, local_workers=workers, seed=seed)


class Shipping(WorkerPlugin):
    """The run's shipment, installed on every worker of the cluster, now and as workers join."""

    def __init__(self, key: str, shipment: bytes) -> None:
        self.key, self.shipment = key, shipment

    def setup(self, worker) -> None:
        remote.install(self.key, self.shipment)

    def teardown(self, worker) -> None:
        remote.forget(self.key)


class ClusterPool:
    """Grades jobs on a Dask cluster, yielding each results document as it finishes, like ``grade.Pool``."""

    def __init__(self, where: str, plans: dict[str, Plan], limits: Limits, courses: dict[str, Course],
                 local_workers: int = 0, seed: int = 0) -> None:
        self.where, self.plans, self.limits, self.courses, self.seed = where, plans, limits, courses, seed
        self.local_workers = local_workers
        self.client = self.cluster = None
        self.key = ""  # the run's plugin, while it is registered
        self.futures: dict = {}

    def _connect(self) -> None:
        from distributed import Client, LocalCluster

        if self.local_workers:
            self.cluster = LocalCluster(n_workers=self.local_workers, threads_per_worker=1, processes=True,
                                        host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
            return
        try:
            self.client = Client(self.where, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as exc:
            raise CourseError(f"the Dask scheduler at {self.where} did not answer ({exc}): start one with "
                              "`dask scheduler` and its workers with `dask worker ADDRESS` (see the README).") from None
        try:
            self.client.wait_for_workers(1, timeout=WORKERS_SECONDS)
        except TimeoutError:
            raise CourseError(f"the Dask scheduler at {self.where} has no worker: start one with "
                              f"`dask worker {self.where}`.") from None
        try:
            versions = self.client.run(remote.version)
        except Exception as exc:  # noqa: BLE001 - a worker without daykit cannot even load the function
            raise CourseError(f"a Dask worker of {self.where} cannot run daykit ({type(exc).__name__}: {exc}): "
                              f"install daykit {remote.__version__} on every worker ({INSTALL}).") from None
        wrong = sorted(address for address, version in versions.items() if version != remote.__version__)
        if wrong:
            raise CourseError(f"the Dask workers {', '.join(wrong)} run another daykit than {remote.__version__}: "
                              "a result depends on the version; install the same one everywhere.")

    def threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def travelling(self, slug: str, submission: Submission) -> remote.Job | dict:
        """The job as it travels (the file's bytes), or, for a submission that is refused or cannot be
        read, its results document made here: the local pool judges those without running anything."""
        path = submission.path
        try:
            unreadable = (bool(submission.problem) or path.is_symlink() or not path.is_file()
                          or path.suffix not in (".py", ".ipynb") or path.stat().st_size > MAX_SUBMISSION_BYTES)
            data = None if unreadable else path.read_bytes()
        except OSError:
            data = None
        if data is None:
            return grade_submission(self.plans[slug], submission, self.limits)
        return remote.Job(slug, submission.student, str(path), data, submission.also_found)

    def run(self, jobs: list[tuple[str, Submission]]):
        """Grade every job on the cluster, yielding each results document as it finishes."""
        from distributed import as_completed

        try:
            self._connect()
            key = self.key = remote.new_key()
            shipment = remote.Shipment.of(self.courses, self.plans, self.limits, self.seed)
            self.client.register_plugin(Shipping(key, pickle.dumps(shipment)), name=key)
            pending, ready, waiting = deque(jobs), deque(), as_completed()
            window = 2 * self.threads() + 2  # enough queued to keep every thread busy; the rest stays on disk
            number = 0
            while pending or ready or waiting.count():
                while pending and waiting.count() < window:
                    slug, submission = pending.popleft()
                    job = self.travelling(slug, submission)
                    if isinstance(job, dict):
                        ready.append(job)
                        continue
                    number += 1
                    future = self.client.submit(remote.grade, key, job, key=f"{key}-{number}", pure=False, retries=1)
                    self.futures[future.key] = (future, slug, submission)
                    waiting.add(future)
                if ready:
                    yield ready.popleft()
                    continue
                if not waiting.count():
                    continue
                future = next(waiting)
                _, slug, submission = self.futures.pop(future.key)
                try:
                    doc = future.result()
                except Exception as exc:  # noqa: BLE001 - the task failed for good (its workers died, say)
                    doc = self.failed(slug, submission, exc)
                future.release()
                yield doc
        finally:
            self.close()

    def failed(self, slug: str, submission: Submission, exc: BaseException) -> dict:
        reason = f"the Dask cluster could not grade it ({type(exc).__name__}: {str(exc)[:200]})"
        day = self.plans[slug].day
        message = f"{reason}; no result was stored: grade it again"
        return document(day, submission, _all_tasks(day, Status.ERROR, message), machinery=reason)

    def _forget(self, key: str) -> None:
        try:
            self.client.unregister_worker_plugin(key)
        except Exception:  # noqa: BLE001 - a worker that is gone keeps nothing to forget
            pass

    def close(self) -> None:
        if self.client is not None:
            if self.futures:
                self.client.cancel([future for future, _, _ in self.futures.values()])
                self.futures = {}
            if self.key:
                self._forget(self.key)
                self.key = ""
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None
