"""The fork server for workers: a fresh interpreter that imports NumPy and SymPy once and
then forks a worker on each request, so workers start in milliseconds and inherit nothing of the
course (no hidden check, no reference solution is ever in a worker's memory).

A process talks to it over a socket pair: ``spawn`` passes the worker's socket as a file descriptor
and gets the pid of the student's process back (a supervisor between the two makes its namespaces and
ends whatever it leaves behind: see worker.child_main); ``wait`` reaps the worker and returns how the
student's process ended. ``grader`` forks a grading process (grader.py) on the socket passed, and beside
it a copy of this server as that process's own fork server for workers, both before either reads
anything of the course; ``wait`` reaps a grading process too, and ends its fork server. The zygote starts
with an environment built from an allow-list, dies with the process that started it, and everything it
forks dies with it.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from daykit.grading import sandbox

if TYPE_CHECKING:  # the worker imports NumPy: a coordinator starts its fork server before it imports them
    from daykit.grading.worker import Limits

# What every submission needs. matplotlib is left out: no day's code imports it at the top, and the
# display-only cells that plot are never run by the grader; a submission that plots pays for it.
# sympy.tensor.tensor: SymPy imports it (and all of sympy.combinatorics) inside the first sum or difference
# of expressions, so a worker and then its grading process would each pay 25-35 ms for it, one after the other.
PRELOAD = ("numpy", "sympy", "sympy.tensor.tensor", "cloudpickle", "daykit.grading.worker")
# What a class's submissions and checks import on first use, loaded by the warm-up (see _warm_up).
FIRST_USE = ("numpy.random", "sympy.codegen.ast", "sympy.sets.setexpr", "sympy.assumptions.wrapper")
# Warm-ups that only some days' code needs, by a name their exercise files use: `sp.lambdify(..., "numpy")`
# loads the whole NumPy namespace (f2py, testing, masked arrays...), 65-80 ms that a class of Day 39 never
# needs and a class of Day 45 would pay in every worker. A class warms those its days' exercises name
# (grade.Pool, with warm_ups_for); a Dask machine, which warms without knowing the days, all of them.
OPTIONAL_WARM_UPS = ("lambdify",)


def warm_ups_for(texts: list[str]) -> tuple[str, ...]:
    """The optional warm-ups that the exercise files ``texts`` name."""
    return tuple(name for name in OPTIONAL_WARM_UPS if any(name in text for text in texts))
ENVIRONMENT = {
    "MPLBACKEND": "Agg",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",  # nothing of a submission is cached; daykit's own: see publish.compile_bytecode
}
CONTROL_FD_ENV = "DAYKIT_ZYGOTE_FD"
PARENT_ENV = "DAYKIT_ZYGOTE_PARENT"
SCRATCH_ENV = "DAYKIT_ZYGOTE_SCRATCH"
SCRATCH_PREFIX = "daykit-run-"


_CHILDREN: set[int] = set()  # what this server forked and has not reaped: ended with it


def _serve(control: socket.socket, parent: int | None, scratch: str | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the process that started it decides when to stop
    signal.signal(signal.SIGTERM, lambda *_: _end_all(scratch))
    sandbox.die_with_parent(parent, signal.SIGTERM)  # a parent killed outright: end everything, leave nothing
    gc.disable()  # importing makes objects by the hundred thousand and frees almost none: a tenth faster
    for name in PRELOAD:
        __import__(name)
    _settle()
    _loop(control)


_FOR_WORKERS = {"loaded": False}


def _for_workers() -> None:
    """Import what only workers need, before the first is forked: IPython's transformer, which every
    notebook's cells go through. A grading process does not need it: the server forks one without it,
    and the grading process's own fork server imports it (while the grading process loads its checks)."""
    if _FOR_WORKERS["loaded"]:
        return
    from daykit.checking.ipython_cells import preload

    gc.disable()
    preload()
    _settle()
    _FOR_WORKERS["loaded"] = True


def _settle() -> None:
    """Before forking: what is loaded so far is never collected, so that a worker's collections do not
    walk (and copy, page by page) the server's objects."""
    gc.enable()
    gc.freeze()


def _loop(control: socket.socket) -> None:
    from daykit.grading.worker import child_main

    control.sendall(b"R")  # ready
    supervisors: dict[int, int] = {}  # the student's process -> its supervisor, this process's child
    graders: dict[int, int] = {}  # a grading process -> its own fork server, both this process's children
    # grading processes whose fork server is still to fork, with the warm-ups it is to have (None: none at all)
    waiting: list[tuple[int, socket.socket, tuple[str, ...] | None]] = []
    while True:
        if waiting and not select.select([control], [], [], 0)[0]:  # no more asked for at once
            _fork_servers(control, waiting, graders)
        try:
            message, fds, _, _ = socket.recv_fds(control, 1 << 16, 1)
        except OSError:
            return
        if not message:
            return
        request = pickle.loads(message)
        if request[0] == "grader" and len(fds) == 1:
            grader, theirs = _fork_grader(control, fds[0], [end for _, end, _ in waiting])
            _CHILDREN.add(grader)
            _, warm, extras = request
            waiting.append((grader, theirs, tuple(extras) if warm else None))
            control.sendall(pickle.dumps(("grader", grader)))
            continue
        if waiting:
            _fork_servers(control, waiting, graders)
        if request[0] in ("spawn", "warm"):
            _for_workers()
        if request[0] == "spawn":
            _, limits, scratch, cpus = request
            report, report_end = os.pipe()
            me = os.getpid()
            supervisor = os.fork()
            if supervisor == 0:
                _CHILDREN.clear()
                control.close()
                os.close(report)
                run_on(cpus)
                child_main(socket.socket(fileno=fds[0]), limits, scratch, report_end, me)
            for fd in fds:
                os.close(fd)
            os.close(report_end)
            _CHILDREN.add(supervisor)
            worker, isolation = _read_report(report)
            worker = worker or supervisor
            supervisors[worker] = supervisor
            control.sendall(pickle.dumps(("pid", worker, isolation)))
        elif request[0] == "wait":
            status = _reap(supervisors.pop(request[1], request[1]))
            server = graders.pop(request[1], None)
            if server is not None:  # a grading process's own fork server ends with it
                _end(server)
            control.sendall(pickle.dumps(("status", status)))
        elif request[0] == "warm" and not fds:
            _warm(OPTIONAL_WARM_UPS)
            control.sendall(pickle.dumps(("warm",)))
        else:
            for fd in fds:
                os.close(fd)
            control.sendall(pickle.dumps(("refused", request[0])))


def _warm(extras: tuple[str, ...] = ()) -> None:
    """Warm up (once), with the optional warm-ups ``extras`` (each once)."""
    done = _FOR_WORKERS.setdefault("warmed", set())
    wanted = {name for name in extras if name in OPTIONAL_WARM_UPS} - done
    if _FOR_WORKERS.get("warm") and not wanted:
        return
    if not _FOR_WORKERS.get("warm"):
        _for_workers()
    _warm_up(wanted, base=not _FOR_WORKERS.get("warm"))
    _settle()
    _FOR_WORKERS["warm"] = True
    done |= wanted


def _fork_grader(control: socket.socket, connection_fd: int, others: list[socket.socket]
                 ) -> tuple[int, socket.socket]:
    """A grading process on ``connection_fd`` (see grader.py), a copy of this process forked before it reads
    anything of the course and dying with this one; and the end of the socket to its own fork server
    (``_fork_servers`` forks it: for a class, once this server has warmed up, while the grading processes
    load their checks). ``others``: the ends of the grading processes forked before, not this one's."""
    me = os.getpid()
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    grader = os.fork()
    if grader == 0:
        status = 0
        try:
            _CHILDREN.clear()
            sandbox.die_with_parent(me)
            for end in (control, theirs, *others):
                end.close()
            from daykit.grading.grader import serve

            serve(connection_fd, Zygote(mine))
        except BaseException:  # noqa: BLE001 - on the grading process's standard error, as any process would
            traceback.print_exc()
            status = 1
        finally:
            os._exit(status)
    mine.close()
    os.close(connection_fd)
    return grader, theirs


def _fork_servers(control: socket.socket, waiting: list, graders: dict[int, int]) -> None:
    """Each waiting grading process's own fork server for workers: a copy of this server (warmed up first
    where one of them grades a class), serving that process alone until it closes its end or dies."""
    warm = [extras for _, _, extras in waiting if extras is not None]
    if warm:
        _warm(tuple(name for extras in warm for name in extras))
    me = os.getpid()
    while waiting:
        grader, theirs, _ = waiting.pop(0)
        server = os.fork()
        if server == 0:
            try:
                _CHILDREN.clear()
                sandbox.die_with_parent(me)
                for end in (control, *(end for _, end, _ in waiting)):
                    end.close()
                _for_workers()
                _loop(theirs)  # until the grading process closes its end, or dies
            finally:
                os._exit(0)
        theirs.close()
        graders[grader] = server
        _CHILDREN.add(server)


def _reap(pid: int) -> int:
    _CHILDREN.discard(pid)
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return 0


def _end_all(scratch: str | None) -> None:
    """End every process this server forked (what they forked ends with them), then the run's scratch
    folder (the workers' folders are in it), then this server."""
    ended = list(_CHILDREN)
    for pid in ended:
        _end(pid)
    if scratch and os.path.basename(scratch).startswith(SCRATCH_PREFIX):
        shutil.rmtree(scratch, ignore_errors=True)
        if ended:  # once more after a while: a worker killed through its parent may still be ending
            time.sleep(0.1)
            shutil.rmtree(scratch, ignore_errors=True)
    os._exit(0)


def _end(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _reap(pid)


def run_on(cpus) -> None:
    """Keep this process to ``cpus`` where the platform allows: a grading process to the CPU grade.Pool.cpus
    chose, and each worker to its grading process's."""
    if cpus and hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, cpus)
        except (OSError, ValueError):
            pass


def _read_report(fd: int) -> tuple[int | None, list[str]]:
    """What a worker's supervisor and then its confined process write before any student code runs:
    the pid of the student's process and the isolation that held for it (until both have closed)."""
    chunks = []
    with os.fdopen(fd, "rb") as stream:
        while chunk := stream.read(4096):
            chunks.append(chunk)
    pid, isolation = None, []
    for line in b"".join(chunks).decode(errors="replace").splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "pid" and rest.isdigit():
            pid = int(rest)
        elif kind == "isolation":
            isolation = rest.split()
    return pid, isolation


def _warm_up(extras=(), base: bool = True) -> None:
    """Exercise NumPy and SymPy once here, so that every worker forked later inherits what they import
    and cache on first use (SymPy's first derivative costs a worker about 80 ms otherwise). Asked for
    (``Zygote.warm``) by a run of many submissions: a run of one would pay it before its only worker
    starts, for calls that worker may never make. ``extras``: the OPTIONAL_WARM_UPS to do too; without
    ``base``, only those."""
    import numpy as np
    import sympy as sp

    x, y = sp.symbols("x y")
    expr = sp.expand((2 * x + 1) ** 2) * sp.sin(x) / (x**2 + 1) + sp.exp(-y) * sp.log(x + 2) - sp.sqrt(x)
    if base:
        for name in FIRST_USE:
            __import__(name)
        sp.simplify(sp.diff(expr, x) - sp.diff(expr, x))
        sp.Matrix([expr, y**2]).jacobian([x, y])
        np.linalg.solve(np.eye(3) * 2.0, np.ones(3))
        np.linalg.eigvalsh(np.eye(3))
    if "lambdify" in extras:
        sp.lambdify((x, y), expr, "numpy")(1.0, 2.0)


def main() -> None:
    control = socket.socket(fileno=int(os.environ.pop(CONTROL_FD_ENV)))
    parent = os.environ.pop(PARENT_ENV, "")
    scratch = os.environ.pop(SCRATCH_ENV, None)
    try:
        _serve(control, int(parent) if parent.isdigit() else None, scratch)
    finally:  # the process that started it closed its end, or ended
        _end_all(scratch)


class Zygote:
    """The grading process's handle on its fork server.

    Requests may be sent ahead of their replies (a worker started for the next submission while this
    one is checked, a worker reaped while the next one runs): the server answers in order, and each
    reply goes to what its request asked for. The socket keeps message boundaries, so that requests
    and replies sent back to back are never read as one."""

    def __init__(self, control: socket.socket | None = None) -> None:
        self.ready = False  # it imports NumPy and SymPy meanwhile: the first reply waits for it
        self.waiting: deque[Callable[[tuple], None]] = deque()  # per request sent, what takes its reply
        self.asked = False
        self.process: subprocess.Popen | None = None
        if control is not None:  # a grading process's own fork server (see _fork_grader)
            self.control = control
            return
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        # the run's scratch folder: every worker's folder is made in it, and it goes with the server
        self.scratch = tempfile.mkdtemp(prefix=SCRATCH_PREFIX)
        # built from an allow-list: nothing of the instructor's environment reaches a worker
        environment = {**sandbox.environment(os.environ, self.scratch), **ENVIRONMENT,
                       CONTROL_FD_ENV: str(theirs.fileno()), PARENT_ENV: str(os.getpid()), SCRATCH_ENV: self.scratch}
        self.isolation: dict[int, list[str]] = {}
        self.process = subprocess.Popen(
            # -P: nothing from the folder the command runs in (a student's, say) on its path
            [sys.executable, "-P", "-c", "from daykit.grading.zygote import main; main()"],
            pass_fds=[theirs.fileno()],
            env=environment,
            stdin=subprocess.DEVNULL,
            # out of the command's process group: a signal to the group (Ctrl-C, a terminal that hangs up)
            # ends the command, whose end (or death: see _serve) ends this server in order
            start_new_session=True,
        )
        theirs.close()
        self.control = mine

    def fork_grader(self, sock: socket.socket, then: Callable[[int | None], None], warm: bool = False,
                    extras: tuple[str, ...] = ()) -> None:
        """A grading process (grader.py) on ``sock``, forked from this server with its own fork server
        beside it (``warm``: a warmed-up one, for a class, with the OPTIONAL_WARM_UPS ``extras``); does not
        wait: ``then(pid)`` once the server answers (None if it refused)."""
        self.send(("grader", warm, tuple(extras)), lambda reply: then(reply[1] if reply[0] == "grader" else None),
                  [sock.fileno()])

    def send(self, request: tuple, then: Callable[[tuple], None], fds: list[int] = ()) -> None:
        """Send ``request`` now; ``then`` gets its reply when it comes (see ``settle``). The server reads
        it once it is ready."""
        socket.send_fds(self.control, [pickle.dumps(request)], list(fds))
        self.asked = True
        self.waiting.append(then)

    def settle(self, count: int | None = None) -> None:
        """Read the replies to the requests sent so far (the first ``count`` of them), in order."""
        if not self.ready:
            if self.control.recv(16) != b"R":
                raise RuntimeError("the worker fork server did not start")
            self.ready = True
        for _ in range(len(self.waiting) if count is None else count):
            message = self.control.recv(1 << 16)
            if not message:
                raise RuntimeError("the worker fork server ended")
            self.waiting.popleft()(pickle.loads(message))

    def _ask(self, request: tuple, fds: list[int] = ()) -> tuple:
        replies = []
        self.send(request, replies.append, fds)
        self.settle()
        return replies[0]

    def warm(self) -> None:
        """Have the server warm up (see ``_warm_up``) before it serves the requests sent after this one;
        does not wait."""
        self.send(("warm",), lambda reply: None)

    def spawn(self, sock: socket.socket, limits: Limits, scratch: str) -> tuple[int, list[str]]:
        """A worker on ``sock``: its pid and the isolation that held for it, as it reported before running."""
        kind, pid, isolation = self._ask(("spawn", limits, scratch, _cpus()), [sock.fileno()])
        return pid, isolation

    def spawn_later(self, sock: socket.socket, limits: Limits, scratch: str,
                    then: Callable[[int, list[str]], None], cpus: tuple[int, ...] | None = None) -> None:
        """Start a worker on ``sock`` while this process goes on; ``then(pid, isolation)`` once it answers.
        ``cpus``: where it may run (default: where this process may)."""
        self.send(("spawn", limits, scratch, list(cpus) if cpus else _cpus()), lambda reply: then(reply[1], reply[2]),
                  [sock.fileno()])

    def wait(self, pid: int) -> int:
        kind, status = self._ask(("wait", pid))
        return status

    def wait_later(self, pid: int, then: Callable[[int], None]) -> None:
        """Reap the worker ``pid`` while this process goes on; ``then(status)`` once it is gone."""
        self.send(("wait", pid), lambda reply: then(reply[1]))

    def close(self) -> None:
        self.control.close()
        if self.process is None:  # a grading process's own: it ends with it, and the server reaps it
            return
        if not self.asked:  # started ahead for a run that found nothing to grade: still importing, or idle
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)


def _cpus() -> list[int] | None:
    """The CPUs this process may run on: its workers get the same."""
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None


def exit_description(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        return f"was killed by {name}"
    return f"exited with code {os.WEXITSTATUS(status)}"
