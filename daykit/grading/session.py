"""The grading side of a submission: its worker process, and proxies that call into it.

``Session`` runs a submission's code in a worker (see worker.py) and hands the runner one proxy per
function. Calling a proxy sends the arguments to the worker and returns the decoded plain data, or
raises what the runner understands: NotStarted, StudentError (the code raised, exited or sent
something that is not plain data), TaskTimeout. Each task gets its own time budget and a live
worker: after a crash or a timeout the next task starts a fresh one, so a failure costs one task.
"""

from __future__ import annotations

import builtins
import functools
import os
import shutil
import signal
import socket
import tempfile
import time

import cloudpickle

from daykit.checking.runner import StudentError, TaskTimeout
from daykit.checks import NotStarted
from daykit.grading.wire import WireError, decode, loads
from daykit.grading.worker import Limits, recv_frame, send_frame
from daykit.grading.zygote import Zygote, exit_description


class WorkerDied(StudentError):
    """The worker ended without answering: an exit, a signal, or the memory limit."""


@functools.cache
def student_exception(kind: str | None) -> type[StudentError]:
    """A StudentError that is also the built-in exception the student's code raised (a ValueError,
    say), so that a check expecting that exception catches it. Only Exception's built-in subclasses
    qualify: nothing a student sends can become a SystemExit or a KeyboardInterrupt here."""
    base = getattr(builtins, kind, None) if isinstance(kind, str) else None
    if not (isinstance(base, type) and issubclass(base, Exception)) or base is Exception:
        return StudentError
    try:
        return type(f"Student{base.__name__}", (StudentError, base), {})
    except TypeError:  # an incompatible layout
        return StudentError


_ZYGOTES: dict[int, Zygote] = {}


def zygote() -> Zygote:
    """This process's fork server for workers, started on first use (one per process, never shared)."""
    pid = os.getpid()
    if pid not in _ZYGOTES:
        _ZYGOTES[pid] = Zygote()
    return _ZYGOTES[pid]


class Worker:
    """One student process from the fork server, and its socket."""

    def __init__(self, limits: Limits) -> None:
        self.scratch = tempfile.mkdtemp(prefix="daykit-worker-")
        parent, child = socket.socketpair()
        self.pid = zygote().spawn(child, limits, self.scratch)
        child.close()
        self.sock, self.alive, self.status = parent, True, 0

    def request(self, message: tuple, deadline: float) -> dict:
        try:
            send_frame(self.sock, cloudpickle.dumps(message))
            reply = loads(recv_frame(self.sock, deadline))
        except TimeoutError:
            self.kill()
            raise TaskTimeout("timed out") from None
        except (EOFError, OSError):
            self.kill()
            raise WorkerDied(f"the process {exit_description(self.status)}") from None
        except WireError as exc:
            self.kill()
            raise StudentError(f"the process sent {exc}") from None
        if not isinstance(reply, dict):
            self.kill()
            raise StudentError("the process sent a malformed reply")
        return reply

    def kill(self) -> None:
        if not self.alive:
            return
        self.alive = False
        for kill in (os.killpg, os.kill):
            try:
                kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.status = zygote().wait(self.pid)
        self.sock.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


class Session:
    """A submission's code in a worker, called task by task through proxies."""

    def __init__(self, chunks: list[tuple[str, str]], label: str, limits: Limits, as_main: bool = False) -> None:
        self.chunks, self.label, self.limits, self.as_main = chunks, label, limits, as_main
        self.worker: Worker | None = None
        self.deadline = 0.0
        self.defined: list[str] = []
        self.load_errors: list[str] = []
        self.isolation: list[str] = []
        self.fatal: StudentError | TaskTimeout | None = None
        self._start()

    def _start(self) -> None:
        self.worker = Worker(self.limits)
        deadline = time.monotonic() + self.limits.load_seconds
        try:
            reply = self.worker.request(("load", self.chunks, self.as_main), deadline)
        except TaskTimeout:
            self.fatal = TaskTimeout(
                f"loading {self.label} took longer than {self.limits.load_seconds:g} s "
                "(is there an endless loop outside the functions?)"
            )
            return
        except StudentError as exc:
            self.fatal = StudentError(f"{self.label} could not be loaded: {exc}")
            return
        self.defined = [n for n in reply.get("defined", []) if isinstance(n, str)]
        self.load_errors = [str(e)[:400] for e in reply.get("errors", [])][:5]
        self.isolation = [str(i) for i in reply.get("isolation", [])]

    def begin_task(self) -> None:
        if self.fatal is None and (self.worker is None or not self.worker.alive):
            self._start()
        self.deadline = time.monotonic() + self.limits.task_seconds

    def call(self, name: str, args: tuple, kwargs: dict):
        if self.fatal is not None:
            raise self.fatal
        if self.worker is None or not self.worker.alive:
            raise StudentError(f"{name} cannot run: the process ended earlier in this task")
        try:
            reply = self.worker.request(("call", name, args, kwargs), self.deadline)
        except TaskTimeout:
            limit = self.limits.task_seconds
            raise TaskTimeout(f"{name} ran past the limit of {limit:g} s (an endless loop?)") from None
        except WorkerDied as exc:
            raise WorkerDied(f"while running {name}, {exc}") from None
        if "value" in reply:
            try:
                return decode(reply["value"])
            except WireError as exc:
                raise StudentError(f"{name} returned {exc}") from None
        if reply.get("not_started"):
            raise NotStarted(name)
        if "raised" in reply:
            error = student_exception(reply.get("kind"))(f"{name} raised {str(reply['raised'])[:500]}")
            error.student_message = str(reply.get("message", ""))[:300]  # what the student's own raise said
            raise error
        if "internal" in reply:
            raise StudentError(f"{name} could not be called: {str(reply['internal'])[:500]}")
        if "unsendable" in reply:
            raise StudentError(
                f"{name} returned {str(reply['unsendable'])[:200]}, which is not plain data: return numbers, "
                "NumPy arrays, SymPy expressions, or tuples, lists and dicts of them"
            )
        raise StudentError(f"{name}: the process sent a malformed reply")

    def proxy(self, name: str):
        def call(*args, **kwargs):
            return self.call(name, args, kwargs)

        call.__name__ = name
        return call

    def functions(self) -> dict:
        """A proxy for every function the submission defined."""
        return {name: self.proxy(name) for name in self.defined}

    def close(self) -> None:
        if self.worker is not None:
            self.worker.kill()
