"""Student code runs here, in a worker process.

Workers are forked from a clean fork server that has imported NumPy and SymPy and nothing
of the course, so a submission costs only what its own code costs and finds no hidden check or
reference solution in its memory. The worker gets the submission's code as text, runs it in a fresh
namespace, and answers calls of its functions with plain data (see wire.py). A supervisor (see
``child_main``) forks it into a PID and a network namespace of its own and ends whatever it leaves
behind; it runs in its own session and scratch folder with limits on memory, file size and processes,
an allow-listed environment, its standard streams captured up to a cap, no file descriptor but its
socket, and no capability: as root under a user id of its own, with seccomp, Landlock and
no_new_privs (see sandbox.py for each mechanism, and ``_confine`` for their order). This module
imports nothing of daykit but the wire format, the limits and the stand-in for IPython's shell that a
notebook's cells run with (checking/ipython_cells.py): the grading side lives in session.py.
"""

from __future__ import annotations

import builtins
import io
import operator
import os
import pickle
import resource
import select
import signal
import socket
import struct
import sys
import time
import types

import numpy as np

from daykit.checking import ipython_cells
from daykit.grading import sandbox
from daykit.grading.limits import Limits
from daykit.grading.wire import Unsendable, WireError, dumps, encode

HEADER = struct.Struct("!Q")
MAX_REPLY = 96 * 1024 * 1024


# ----------------------------------------------------------------------------------------- framing


def send_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(HEADER.pack(len(payload)) + payload)


def _recv_exact(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks, remaining = [], size
    while remaining:
        chunk = _recv_some(sock, min(remaining, 1 << 20), deadline)
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


FIRST_READ = 4096  # a frame's header and, for most messages, all of its payload in one read


def recv_frame(sock: socket.socket, deadline: float | None = None, limit: int = MAX_REPLY) -> bytes:
    """The next message. Each side sends one message and waits for the answer, so one read never holds
    more than one frame; a second one in it is a broken protocol."""
    first = _recv_some(sock, HEADER.size + FIRST_READ, deadline)
    if len(first) < HEADER.size:
        first += _recv_exact(sock, HEADER.size - len(first), deadline)
    (size,) = HEADER.unpack_from(first)
    if size > limit:
        raise WireError(f"a reply of {size} bytes, over the limit of {limit}")
    body = first[HEADER.size:]
    if len(body) > size:
        raise WireError("a second message before the first was answered")
    return body if len(body) == size else body + _recv_exact(sock, size - len(body), deadline)


def _recv_some(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    if deadline is not None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        sock.settimeout(left)
    chunk = sock.recv(size)
    if not chunk:
        raise EOFError
    return chunk


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
        if getattr(builtins, cls.__name__, None) is cls and issubclass(cls, Exception) and cls is not Exception:
            return cls.__name__  # a class of the builtins module itself, not one that only claims to be
    return None


def _close_fds(keep: set[int]) -> None:
    """Close every file descriptor but the standard streams and ``keep``."""
    low, top = 3, max(resource.getrlimit(resource.RLIMIT_NOFILE)[0], 1 << 16)
    for fd in sorted(k for k in keep if k >= 3):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, top)


def _confine(limits: Limits, scratch: str, made: list[str], supervisor: int, supervisor_alive: int) -> list[str]:
    """Confine the student's process for good, before any of its code runs; returns what held.

    In order: its own session; limits on memory, file size and core files; an environment from an
    allow-list; as root, user 65534 and no capabilities (see sandbox.drop_root); a limit on processes
    where the user is one the kernel applies it to; no_new_privs; Landlock; seccomp; death with its
    supervisor. ``made`` lists the namespaces its supervisor made for it.
    """
    os.setsid()
    with open("/proc/self/statm") as statm:
        baseline = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    memory = baseline + limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    applied = ["session", "rlimits", *made]
    allowed = sandbox.environment(dict(os.environ), scratch)
    os.environ.clear()
    os.environ.update(allowed)
    applied.append("environment-allow-list")
    if os.geteuid() == 0 and sandbox.linux():
        identity = sandbox.drop_root(scratch, sandbox.worker_uid(supervisor))
    else:
        identity = "own-user"
        if "user-namespace" in made:  # the namespace gave this process capabilities inside it: drop them
            sandbox.clear_bounding_set()
            sandbox.set_capabilities(0)
    applied.append(identity)
    if identity.startswith("unprivileged") or "user-namespace" in made:  # a user whose count is the worker's
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
        applied.append("process-limit")
    if sandbox.no_new_privileges():
        applied.append("no-new-privs")
    applied += sandbox.restrict(scratch)
    if sandbox.seccomp():
        applied.append("seccomp")
    if sandbox.no_capabilities():
        applied.append("no-capabilities")
    if sandbox.linux() and sandbox.bounding_set() == 0:
        applied.append("empty-bounding-set")
    sandbox.die_with_parent()  # after the change of user, which clears it
    if select.select([supervisor_alive], [], [], 0)[0]:  # the supervisor ended before that: so do we
        os._exit(70)
    os.close(supervisor_alive)
    os.chdir(scratch)
    # its own folder first on the path, as in a notebook's kernel (the fork server starts without it)
    sys.path.insert(0, "")
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


# ------------------------------------------------------------------ calls, callbacks and copy-back


class StandIn:
    """What student code gets for a callable that a check passes in: calling it asks the grader to run
    the real one on the same (plain) arguments. It holds a number and nothing of the real function: no
    code, defaults, closure, globals or source to read."""

    __slots__ = ("_number",)

    def __init__(self, number: int) -> None:
        object.__setattr__(self, "_number", number)

    def __call__(self, *args, **kwargs):
        return _CHANNEL.callback(self._number, args, kwargs)

    def __setattr__(self, name, value):
        raise AttributeError(f"a function passed in by the check has no attribute {name!r} to set")

    def __repr__(self) -> str:
        return "<function passed in by the check>"


def _array(dtype: str, shape: tuple, order: str, data: bytes) -> np.ndarray:
    """An array the grader sent (see session.array_reduction), rebuilt from its bytes: writable, and in
    the memory order it had."""
    return np.frombuffer(data, dtype=np.dtype(dtype)).reshape(shape, order=order).copy(order=order)


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid):
        kind, number = pid
        if kind == "f":
            return StandIn(number)
        if kind == "h":
            return _CHANNEL.handles[number]
        raise pickle.UnpicklingError(f"an unknown reference {kind!r}")


# operations the grader's stand-in for one of this process's objects forwards here
BINARY = {name: getattr(operator, name) for name in (
    "add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "lt", "le", "eq", "ne", "gt", "ge")}
UNARY = {"neg": operator.neg, "pos": operator.pos, "abs": operator.abs, "bool": bool, "float": float,
         "int": int, "index": operator.index, "len": len, "complex": complex}
MAX_HANDLES = 1_000_000


class _Channel:
    """This process's side of the socket: it answers the grader's requests and asks for callbacks."""

    def __init__(self, sock: socket.socket, isolation: list[str]) -> None:
        self.sock, self.isolation = sock, isolation
        self.namespace: dict = {}
        self.labels: set[str] = set()
        self.handles: dict[int, object] = {}

    def keep(self, value) -> int:
        if len(self.handles) >= MAX_HANDLES:
            raise Unsendable("too many objects of the submission's own")
        self.handles[len(self.handles)] = value
        return len(self.handles) - 1

    def receive(self):
        return _Unpickler(io.BytesIO(recv_frame(self.sock, None, limit=1 << 30))).load()

    def send(self, message: dict) -> None:
        try:
            payload = dumps(message)
        except (TypeError, ValueError) as exc:
            payload = dumps({"unsendable": f"a value that is not plain data ({exc})"})
        send_frame(self.sock, payload)

    def serve(self) -> None:
        while True:
            try:
                request = self.receive()
            except Exception as exc:  # noqa: BLE001 - the grader sent something this process cannot rebuild
                self.send({"internal": f"the call's arguments could not be rebuilt here: {type(exc).__name__}"})
                continue
            if request[0] not in ("load", "call", "op"):
                return
            self.send(self.answer(request))

    def answer(self, request: tuple) -> dict:
        if request[0] == "load":
            return self.load(*request[1:])
        if request[0] == "call":
            return self.call(*request[1:])
        if request[0] == "op":
            return self.operate(*request[1:])
        return {"internal": f"a request {request[0]!r} that is not accepted here"}

    def load(self, chunks, as_main) -> dict:
        namespace = self.namespace = _module_namespace("__main__" if as_main else "submission")
        shell = None
        if as_main:  # a notebook: its cells run as IPython runs them, with a stand-in for the kernel's shell
            shell = ipython_cells.Shell(namespace)
            shell.install(into_builtins=True)
        labels, errors = self.labels, []
        for label, source in chunks:
            labels.add(label)
            try:
                if shell is not None:
                    shell.run(source, label)
                else:
                    exec(compile(source, label, "exec"), namespace)
            except BaseException as exc:  # noqa: BLE001 - the student's code may raise anything
                errors.append(_describe(exc, labels))
        defined = sorted(n for n, v in namespace.items() if callable(v) and not n.startswith("__")
                         and not (shell is not None and n == "get_ipython" and v == shell.get_ipython))
        notes = list(shell.notes) if shell is not None else []
        return {"errors": errors, "defined": defined, "isolation": self.isolation, "notes": notes}

    def call(self, name, args, kwargs) -> dict:
        """Call a task; then send back, besides its result, the arguments it changed in place."""
        self.handles = {}
        arguments = {str(i): a for i, a in enumerate(args)} | {f"={k}": v for k, v in kwargs.items()}
        before = {key: _state(value) for key, value in arguments.items()}
        try:
            reply = {"value": encode(self.namespace[name](*args, **kwargs))}
        except NotImplementedError:
            return {"not_started": True}
        except Unsendable as exc:
            reply = {"unsendable": str(exc)}
        except BaseException as exc:  # noqa: BLE001
            reply = {"raised": _describe(exc, self.labels), "kind": _builtin_kind(exc), "message": _message(exc)}
        changed = {}
        for key, value in arguments.items():
            if before[key] is not None and (now := _state(value)) is not None and now != before[key]:
                changed[key] = now
        if changed:
            reply["changed"] = changed
        return reply

    def operate(self, number, name, operands) -> dict:
        """One operation of a check's callable on an object of the submission's own."""
        try:
            target = self.handles[number]
        except (KeyError, TypeError):
            return {"internal": "an object that no longer exists"}
        try:
            if name in BINARY:
                (other,) = operands
                value = BINARY[name](target, other)
            elif name.startswith("r") and name[1:] in BINARY:
                (other,) = operands
                value = BINARY[name[1:]](other, target)
            elif name in UNARY:
                value = UNARY[name](target)
            elif name == "getitem":
                value = target[operands[0]]
            else:
                return {"internal": f"an operation {name!r} that is not accepted here"}
            return {"value": encode(value, handle=self.keep)}
        except Unsendable as exc:
            return {"unsendable": str(exc)}
        except BaseException as exc:  # noqa: BLE001
            return {"raised": _describe(exc, self.labels), "kind": _builtin_kind(exc), "message": _message(exc)}

    def callback(self, number: int, args: tuple, kwargs: dict):
        """Ask the grader to run the check's callable ``number`` on these arguments; serve the operations
        it makes on the submission's own objects meanwhile; return what it returned."""
        self.send({"callback": number, "args": encode(list(args), handle=self.keep),
                   "kwargs": encode(dict(kwargs), handle=self.keep)})
        while True:
            request = self.receive()
            if request[0] == "reply":
                answer = request[1]
                if "value" in answer:
                    return answer["value"]
                kind = getattr(builtins, str(answer.get("raised")), None)
                if not (isinstance(kind, type) and issubclass(kind, Exception)):
                    kind = RuntimeError
                try:
                    error = kind(f"the function passed in raised {kind.__name__}")
                except TypeError:  # a kind that needs more arguments
                    error = RuntimeError(f"the function passed in raised {kind.__name__}")
                raise error
            self.send(self.answer(request))


_CHANNEL: _Channel


def _state(value):
    """An argument's contents as plain data, to tell whether a call changed it; None for what cannot."""
    if not isinstance(value, (np.ndarray, list, dict, tuple)):
        return None
    try:
        return encode(value)
    except Unsendable:
        return None


def _serve(sock: socket.socket, isolation: list[str]) -> None:
    global _CHANNEL
    _CHANNEL = _Channel(sock, isolation)
    _CHANNEL.serve()


def _report(fd: int, line: str) -> None:
    os.write(fd, (line + "\n").encode())


def _end_descendants() -> None:
    """Kill every process left below this one (a subreaper: orphans come here) and reap them all."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid:
            continue
        left = sandbox.children(os.getpid())
        if not left:  # none that can be seen (no /proc): do not wait for them
            return
        for child in left:
            try:
                os.kill(child, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def _exit_as(status: int) -> None:
    """End this process the way the student's ended, so the grader can say how it ended."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        try:
            signal.signal(number, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [number])
        except (OSError, ValueError):
            pass
        os.kill(os.getpid(), number)
        os._exit(128 + number)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)


def child_main(sock: socket.socket, limits: Limits, scratch: str, report: int = -1, parent: int | None = None) -> None:
    """The worker's entry point in the fork server's child; it never returns.

    This first process is the worker's supervisor and runs nothing of the student's. It makes the
    namespaces, forks the student's process into them (the init of its own PID namespace), writes that
    process's pid and then (from the student's process, once confined) its isolation list to
    ``report`` for the fork server, waits for it, ends every process still left below it, and exits
    the way the student's process did. It dies with the fork server, and the student's process with it.
    """
    code = 70
    try:
        sandbox.die_with_parent(parent)
        os.setsid()
        _close_fds({sock.fileno(), report})
        made = sandbox.new_namespaces()
        if sandbox.become_subreaper():
            made.append("subreaper")
        alive_r, alive_w = os.pipe()
        supervisor = os.getpid()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(alive_w)
                isolation = _confine(limits, scratch, made, supervisor, alive_r)
                if report >= 0:
                    _report(report, "isolation " + " ".join(isolation))
                    os.close(report)
                _serve(sock, isolation)
                code = 0
            except BaseException:  # noqa: BLE001 - never return into the grader's code
                code = 70
            finally:
                os._exit(code)
        os.close(alive_r)
        sock.close()
        if report >= 0:
            _report(report, f"pid {pid}")
            os.close(report)
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except InterruptedError:
                continue
        _end_descendants()
        _exit_as(status)
    except BaseException:  # noqa: BLE001 - never return into the grader's code
        code = 70
    finally:
        os._exit(code)
