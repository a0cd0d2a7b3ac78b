"""A grading process: it holds a day's checks, hidden ones included, and judges what a worker returns.

The workers' fork server (zygote.py) forks it on the coordinator's request (``Pool`` in grade.py), from
the server's clean state: NumPy, SymPy and IPython are imported, nothing of the course is. Before this
process reads anything, the server forks a second copy of itself beside it, which becomes this process's
own fork server for workers; so no worker is ever forked from a process that has loaded a check. Then
the coordinator sends its ``Orders`` (the days, their locked cells, the limits, the run's sampling seed),
this process loads the checks and grades one job at a time, returning each results document. It dies
with the fork server that forked it, which dies with the coordinator.

The coordinator imports none of this (nor NumPy or SymPy): a run pays for them once, in the fork server.
A Dask cluster's machines run the same loop (``grading_loop``) on plans shipped to them (remote.py).
"""

from __future__ import annotations

import functools
import multiprocessing.connection
import os
import resource
import signal
import time
import warnings
from typing import TYPE_CHECKING

from daykit.checking.loading import load_target
from daykit.checking.runner import Check, Status, callables, grade_functions, load_checks
from daykit.checks import sampling_seed
from daykit.grading.jobs import Orders, Plan, Submission, _all_tasks, document, read_chunks
from daykit.grading.session import Session, adopt, finish, start_ahead, start_spare, zygote
from daykit.grading.zygote import Zygote, run_on

if TYPE_CHECKING:
    from daykit.authoring.model import Day
    from daykit.course import Course
    from daykit.grading.limits import Limits

GRADER_MEMORY_BYTES = 2 * 1024**3  # what a grading process may grow by, comparing answers


def serve(connection_fd: int, server: Zygote) -> None:
    """The grading process the fork server forked, on the socket ``connection_fd`` to the coordinator, with
    ``server`` (its own fork server for workers)."""
    warnings.simplefilter("ignore")  # see grading_loop
    connection = multiprocessing.connection.Connection(connection_fd)
    orders: Orders = connection.recv()
    adopt(server)
    start_spare(orders.limits, orders.cpus)  # the first worker forks and confines itself while the checks load
    os.chdir(orders.cwd)
    sampling_seed(orders.seed)
    from daykit.checking.library import LazyLibrary, load_library

    plans = {}
    for slug, (course, day, locked) in orders.days.items():
        checks = load_checks(course, slug)
        plans[slug] = Plan(day, checks, locked, LazyLibrary(functools.partial(load_library, course, slug)))
        if orders.warm:
            warm_up(course, day, checks)
    grading_loop(connection, plans, orders.limits, ahead=orders.ahead, cpus=orders.cpus)  # its server: adopted


def warm_up(course: Course, day: Day, checks: list[Check]) -> None:
    """Run the checks once on the reference, in this trusted process, before the first submission.

    SymPy imports much of itself on first use, and the checks remember what they proved; a process that
    grades many submissions starts with both. The reference runs here, never in a worker, and workers
    come from a fork server that shares nothing with this process. For a run of fewer than
    grade.WARM_UP_FROM submissions per grading process it is not done: its one submission would pay twice.
    """
    namespace, error = load_target(course.solution(day.slug), f"daykit_reference_{day.slug}")
    if error is None:
        grade_functions(day, checks, callables(namespace), "the reference")


def limit_memory(extra: int) -> None:
    """Cap this process's address space at its present size plus ``extra`` bytes (the soft limit only,
    so the processes it starts may set their own): a comparison that would outgrow it raises MemoryError,
    which fails that task only (see runner.run_check)."""
    with open("/proc/self/statm") as statm:
        size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = size + extra
    resource.setrlimit(resource.RLIMIT_AS, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def grading_loop(connection, plans: dict[str, Plan], limits: Limits, server: Zygote | None = None,
                 ahead: bool = True, cpus: tuple[int, ...] = ()) -> None:
    """Grade each job ``(day, submission)`` received on ``connection`` and send back its results document,
    until None comes (or the connection ends). The caller has made this process die with its parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the coordinator decides when to stop
    # a warning names the check's file and prints its line (a hidden one's too) on the command's standard
    # error, and a student can provoke one; the verdict says what failed
    warnings.simplefilter("ignore")
    run_on(cpus)  # this process, and the workers it asks for, keep to a CPU of their own
    start_ahead(ahead)
    if server is not None:
        adopt(server)  # its own fork server, forked beside it from the clean one
    zygote()  # start the workers' fork server (where none was given) while the first job is on its way
    limit_memory(max(GRADER_MEMORY_BYTES, 2 * limits.memory_bytes))
    try:
        while True:
            try:
                job = connection.recv()
            except EOFError:
                return
            if job is None:
                return
            slug, submission = job
            connection.send(grade_submission(plans[slug], submission, limits))
    finally:
        finish()  # the worker started ahead, and the reaping of those retired


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
                from daykit.checking.library import diagnose_results

                diagnose_results(plan.library, results, functions, session.begin_task, limits.task_seconds)
        finally:
            session.close()
    return document(day, submission, results, isolation=isolation, load_errors=load_errors, notes=notes,
                    also_found=list(submission.also_found), seconds=time.monotonic() - started,
                    **({"refused": submission.problem} if submission.problem else {}))
