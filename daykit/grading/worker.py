"""Student code runs here, in a worker process.

Workers are forked from a clean fork server that has imported NumPy and SymPy and nothing
of the course, so a submission costs only what its own code costs and finds no hidden check or
reference solution in its memory. The worker gets the submission's code as text, runs it in a fresh
namespace, and answers calls of its functions with plain data (see wire.py). It runs in its own
session and scratch folder with limits on memory, file size and processes; its standard streams are
captured up to a cap; it holds no file descriptor but its socket; the file system outside its scratch
folder and the Python installation is closed to it where the kernel offers Landlock; and when the
grader runs as root it also drops to an unprivileged user. This module imports nothing of daykit but
the wire format: the grading side lives in session.py.
"""

from __future__ import annotations

import builtins
import io
import os
import pickle
import resource
import signal
import socket
import struct
import sys
import time
import types
from dataclasses import dataclass

from daykit.grading import sandbox
from daykit.grading.wire import Unsendable, WireError, dumps, encode

HEADER = struct.Struct("!Q")
MAX_REPLY = 96 * 1024 * 1024
NOBODY = 65534


@dataclass(frozen=True)
class Limits:
    task_seconds: float = 10.0
    load_seconds: float = 20.0
    memory_bytes: int = 1024**3
    output_bytes: int = 64 * 1024
    file_bytes: int = 16 * 1024**2
    processes: int = 64


# ----------------------------------------------------------------------------------------- framing


def send_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(HEADER.pack(len(payload)) + payload)


def _recv_exact(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks, remaining = [], size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            sock.settimeout(left)
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def recv_frame(sock: socket.socket, deadline: float | None = None, limit: int = MAX_REPLY) -> bytes:
    (size,) = HEADER.unpack(_recv_exact(sock, HEADER.size, deadline))
    if size > limit:
        raise WireError(f"a reply of {size} bytes, over the limit of {limit}")
    return _recv_exact(sock, size, deadline)


# ------------------------------------------------------------------------------ the worker process


class CappedStream(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters written to it and drops the rest."""

    def __init__(self, limit: int) -> None:
        self.limit, self.kept, self.dropped = limit, [], 0
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.kept.append(text[:room])
            self.size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)


def _describe(exc: BaseException, labels: set[str]) -> str:
    where = ""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in labels:
            where = f" ({tb.tb_frame.f_code.co_filename}, line {tb.tb_lineno})"
        tb = tb.tb_next
    if isinstance(exc, SyntaxError):
        return f"SyntaxError: {exc.msg} ({exc.filename}, line {exc.lineno})"
    try:
        text = str(exc)
    except Exception:
        text = "<unprintable message>"
    text = text if len(text) <= 300 else text[:297] + "..."
    return f"{type(exc).__name__}: {text}{where}" if text else f"{type(exc).__name__}{where}"


def _message(exc: BaseException) -> str:
    try:
        return str(exc)[:300]
    except Exception:  # noqa: BLE001 - a hostile __str__
        return ""


def _builtin_kind(exc: BaseException) -> str | None:
    """The nearest built-in exception class of ``exc`` (LinAlgError → ValueError), if it is an Exception."""
    for cls in type(exc).__mro__:
        if cls.__module__ == "builtins" and issubclass(cls, Exception) and cls is not Exception:
            return cls.__name__
    return None


def _readable_by_others(path: str) -> bool:
    """Whether every folder above ``path`` lets other users through (for dropping privileges)."""
    current = os.path.abspath(path)
    while True:
        try:
            if not os.stat(current).st_mode & 0o001:
                return False
        except OSError:
            return False
        parent = os.path.dirname(current)
        if parent == current:
            return True
        current = parent


def _confine(limits: Limits, scratch: str, keep_fd: int) -> list[str]:
    os.setsid()
    os.closerange(3, keep_fd)
    os.closerange(keep_fd + 1, 1 << 16)
    with open("/proc/self/statm") as statm:
        baseline = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    memory = baseline + limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    applied = ["session", "rlimits"]
    roots = (sys.prefix, sys.base_prefix, scratch)
    if os.geteuid() == 0 and all(_readable_by_others(r) for r in roots):
        os.chown(scratch, NOBODY, NOBODY)
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
        applied.append("unprivileged-user")
    sandbox.set_parent_death_signal()
    applied += sandbox.restrict(scratch)
    os.chdir(scratch)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    sys.stdin = io.StringIO()
    sys.stdout = sys.stderr = CappedStream(limits.output_bytes)
    return applied


def _module_namespace(name: str) -> dict:
    """A fresh module registered under ``name``, as a notebook kernel (``__main__``) or an import
    would give it, so that code which looks its module up (dataclasses, pickle) finds it."""
    module = types.ModuleType(name)
    module.__dict__["__builtins__"] = builtins
    sys.modules[name] = module
    return module.__dict__


def _serve(sock: socket.socket, isolation: list[str]) -> None:
    namespace: dict = {}
    labels: set[str] = set()
    while True:
        frame = recv_frame(sock, None, limit=1 << 30)
        try:
            request = pickle.loads(frame)
        except Exception as exc:  # noqa: BLE001 - the grader sent something this process cannot rebuild
            send_frame(sock, dumps({"internal": f"the call's arguments could not be rebuilt here: {exc!r}"[:500]}))
            continue
        kind = request[0]
        if kind == "load":
            _, chunks, as_main = request
            namespace = _module_namespace("__main__" if as_main else "submission")
            errors = []
            for label, source in chunks:
                labels.add(label)
                try:
                    exec(compile(source, label, "exec"), namespace)
                except BaseException as exc:  # noqa: BLE001 - the student's code may raise anything
                    errors.append(_describe(exc, labels))
            defined = sorted(n for n, v in namespace.items() if callable(v) and not n.startswith("__"))
            reply = {"errors": errors, "defined": defined, "isolation": isolation}
        elif kind == "call":
            _, name, args, kwargs = request
            try:
                value = namespace[name](*args, **kwargs)
                reply = {"value": encode(value)}
            except NotImplementedError:
                reply = {"not_started": True}
            except Unsendable as exc:
                reply = {"unsendable": str(exc)}
            except BaseException as exc:  # noqa: BLE001
                reply = {"raised": _describe(exc, labels), "kind": _builtin_kind(exc), "message": _message(exc)}
        else:
            return
        try:
            payload = dumps(reply)
        except (TypeError, ValueError) as exc:
            payload = dumps({"unsendable": f"a value that is not plain data ({exc})"})
        send_frame(sock, payload)


def child_main(sock: socket.socket, limits: Limits, scratch: str) -> None:
    """The worker's entry point in the fork server's child; it never returns."""
    code = 0
    try:
        _serve(sock, _confine(limits, scratch, sock.fileno()))
    except BaseException:  # noqa: BLE001 - never return into the grader's code
        code = 70
    finally:
        os._exit(code)


