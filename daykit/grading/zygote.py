"""The fork server for workers: a fresh interpreter that imports NumPy and SymPy once and
then forks a worker on each request, so workers start in milliseconds and inherit nothing of the
course (no hidden check, no reference solution is ever in a worker's memory).

The grading process talks to it over a socket pair: ``spawn`` passes the worker's socket as a file
descriptor and gets the worker's pid back; ``wait`` reaps a worker and returns how it ended. The
zygote dies with the grading process that started it, and its workers die with it.
"""

from __future__ import annotations

import os
import pickle
import signal
import socket
import subprocess
import sys

from daykit.grading.worker import Limits

# What every submission needs. matplotlib is left out: no day's code imports it at the top, and the
# display-only cells that plot are never run by the grader; a submission that plots pays for it.
PRELOAD = ("numpy", "sympy", "cloudpickle", "daykit.grading.worker")
ENVIRONMENT = {
    "MPLBACKEND": "Agg",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
}
CONTROL_FD_ENV = "DAYKIT_ZYGOTE_FD"


def _serve(control: socket.socket) -> None:
    from daykit.grading import sandbox
    from daykit.grading.worker import child_main

    sandbox.set_parent_death_signal()
    for name in PRELOAD:
        __import__(name)
    _warm_up()
    control.sendall(b"R")  # ready
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1 << 16, 1)
        except OSError:
            return
        if not message:
            return
        request = pickle.loads(message)
        if request[0] == "spawn":
            _, limits, scratch = request
            pid = os.fork()
            if pid == 0:
                control.close()
                child_main(socket.socket(fileno=fds[0]), limits, scratch)
            for fd in fds:
                os.close(fd)
            control.sendall(pickle.dumps(("pid", pid)))
        elif request[0] == "wait":
            try:
                _, status = os.waitpid(request[1], 0)
            except ChildProcessError:
                status = 0
            control.sendall(pickle.dumps(("status", status)))


def _warm_up() -> None:
    """Exercise NumPy and SymPy once here, so that every worker forked later inherits what they import
    and cache on first use (SymPy's first derivative costs a worker about 80 ms otherwise)."""
    import numpy as np
    import sympy as sp

    x, y = sp.symbols("x y")
    expr = sp.expand((2 * x + 1) ** 2) * sp.sin(x) / (x**2 + 1) + sp.exp(-y) * sp.log(x + 2) - sp.sqrt(x)
    sp.simplify(sp.diff(expr, x) - sp.diff(expr, x))
    sp.Matrix([expr, y**2]).jacobian([x, y])
    sp.lambdify((x, y), expr, "numpy")(1.0, 2.0)
    np.linalg.solve(np.eye(3) * 2.0, np.ones(3))
    np.linalg.eigvalsh(np.eye(3))
    from daykit.checking.ipython_cells import preload

    preload()  # every notebook's cells go through IPython's transformer in the worker


def main() -> None:
    control = socket.socket(fileno=int(os.environ.pop(CONTROL_FD_ENV)))
    try:
        _serve(control)
    finally:
        os._exit(0)


class Zygote:
    """The grading process's handle on its fork server."""

    def __init__(self) -> None:
        mine, theirs = socket.socketpair()
        environment = dict(os.environ, **ENVIRONMENT, **{CONTROL_FD_ENV: str(theirs.fileno())})
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from daykit.grading.zygote import main; main()"],
            pass_fds=[theirs.fileno()],
            env=environment,
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.control = mine
        if self.control.recv(1) != b"R":
            raise RuntimeError("the worker fork server did not start")

    def _ask(self, request: tuple, fds: list[int] = ()) -> tuple:
        socket.send_fds(self.control, [pickle.dumps(request)], list(fds))
        return pickle.loads(self.control.recv(1 << 16))

    def spawn(self, sock: socket.socket, limits: Limits, scratch: str) -> int:
        kind, pid = self._ask(("spawn", limits, scratch), [sock.fileno()])
        return pid

    def wait(self, pid: int) -> int:
        kind, status = self._ask(("wait", pid))
        return status

    def close(self) -> None:
        self.control.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def exit_description(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        return f"was killed by {name}"
    return f"exited with code {os.WEXITSTATUS(status)}"
