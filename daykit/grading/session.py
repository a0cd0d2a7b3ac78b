"""The grading side of a submission: its worker process, and proxies that call into it.

``Session`` runs a submission's code in a worker (see worker.py) and hands the runner one proxy per
function. Calling a proxy sends the arguments to the worker and returns the decoded plain data, or
raises what the runner understands: NotStarted, StudentError (the code raised, exited or sent
something that is not plain data), TaskTimeout. Each task gets its own time budget and a live
worker: after a crash or a timeout the next task starts a fresh one, so a failure costs one task.

Every error carries ``public``: the same in words without any value (no input, no message of the
student's, no exit code), which is all that a hidden check shows.

Three things make a call through the worker judge as a call in-process does:

- **Callables stay here.** A function that a check passes to a task (the function to integrate, to
  differentiate, to minimise) does not travel (but see the next point): the worker gets a stand-in, and
  calling it sends the plain-data arguments back here, where the real function runs and its plain-data
  result is sent to the worker. When the student's code calls it with objects of its own (a dual number,
  a graph node), the function runs here on stand-ins for those objects, each operation of which (``+``,
  ``*``, ``**``, comparisons, ``float()``...) is carried out by the worker on the real object. Callbacks
  are bounded in number per task and by the task's time budget; everything the worker sends, here too,
  passes the wire's validation. A callable is usable during the call it was passed to only.
- **A visible check's pure functions travel.** The exception: while a visible check runs (one a
  student has, and could run in full), a function it passes that keeps no state (``shareable``: a
  function of the visible checks' own module that stores nothing outside itself and reads only
  numbers, strings, arrays it never writes, math, NumPy (not its random state) and functions like
  itself) is sent by value and runs in the worker, as it does under pytest: thousands of round trips
  fewer for a task that iterates on it. A hidden check's functions, anything stateful, and any
  function passed in the same call as one that stays here, stay here.
- **Changes in place come back.** The worker sends, with its answer, the new contents of every
  array, list, dict or tuple argument that the call changed, and they are written into the caller's
  own objects, so that a check that an argument is not modified sees the change as under pytest.
"""

from __future__ import annotations

import atexit
import builtins
import copyreg
import dis
import functools
import io
import os
import pickle
import shutil
import signal
import socket
import tempfile
import time
import types

import cloudpickle
import numpy as np

from daykit.checking.runner import StudentError, TaskTimeout
from daykit.checks import NotStarted
from daykit.grading.wire import WireError, decode, loads
from daykit.grading.worker import Limits, recv_frame, send_frame
from daykit.grading.worker import _array as worker_array
from daykit.grading.zygote import Zygote, exit_description

MAX_CALLBACKS = 200_000  # calls of the checks' callables, and operations on the submission's objects, per task
MAX_MESSAGE = 500


class WorkerDied(StudentError):
    """The worker ended without answering: an exit, a signal, or the memory limit."""


class ChannelError(StudentError):
    """The worker broke the protocol or a bound: the task ends here, whatever the check would catch."""


def failure(cls: type[Exception], message: str, public: str) -> Exception:
    """An error with its message (capped) and its ``public`` form, the one without values."""
    error = cls(message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 3] + "...")
    error.public = public
    return error


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
        if _AHEAD:  # a process that grades many: its workers start warm
            _ZYGOTES[pid].warm()
    return _ZYGOTES[pid]


def adopt(server: Zygote) -> None:
    """Make ``server``, started by the process this one was forked from before it forked, this process's
    fork server: it started while that process was still loading the checks."""
    _ZYGOTES[os.getpid()] = server


def array_reduction(array: np.ndarray):
    """How an array of numbers crosses to the worker: its dtype, shape, memory order and bytes, rebuilt by
    worker._array (a third of the work of NumPy's own reduction, on each of thousands of callbacks)."""
    dtype, flags = array.dtype, array.flags
    if dtype.hasobject or dtype.fields is not None or dtype.kind not in "biufc" or not (
            flags.c_contiguous or flags.f_contiguous):
        return array.__reduce_ex__(pickle.HIGHEST_PROTOCOL)  # as NumPy sends it, layout and all
    order = "C" if flags.c_contiguous else "F"
    return worker_array, (dtype.str, array.shape, order, array.tobytes(order=order))


DISPATCH = {**copyreg.dispatch_table, np.ndarray: array_reduction}


def dumps(message) -> bytes:
    """``message`` pickled for the worker, when it holds no Reference (else raises _Referenced)."""
    stream = io.BytesIO()
    pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = DISPATCH
    pickler.dump(message)
    return stream.getvalue()


class _Pickler(pickle.Pickler):
    """Pickles what the grader sends: plain data, with ``References`` in place of callables and of the
    worker's own objects (the worker rebuilds them as stand-ins, or finds its objects again)."""

    dispatch_table = DISPATCH

    def persistent_id(self, obj):
        return obj.pid if isinstance(obj, Reference) else None


class _Referenced(Exception):
    """Raised by plain pickling on meeting a Reference: the message needs ``_Pickler``."""


class Reference:
    __slots__ = ("pid",)

    def __init__(self, kind: str, number: int) -> None:
        self.pid = (kind, number)

    def __reduce__(self):  # only ever pickled by _Pickler, as a persistent id
        raise _Referenced


# what a function that keeps no state never does: write a global, a closed-over variable, an attribute
# or an item (a conservative rule: a function that does is simply not shared), or import
STATEFUL = frozenset({"STORE_GLOBAL", "DELETE_GLOBAL", "STORE_DEREF", "DELETE_DEREF", "STORE_ATTR", "DELETE_ATTR",
                      "STORE_SUBSCR", "DELETE_SUBSCR", "IMPORT_NAME", "IMPORT_FROM"})
# what it never does either while it (or a function it reaches) holds an array that can be written: call,
# read an attribute, enter a with-block, or operate in place (``t = A; t += 1``, ``np.add(A, 1, out=A)``,
# ``A.fill(0)`` all write the array): the array is then only ever read, by operators
ACTING = frozenset({"PRECALL", "CALL", "CALL_KW", "CALL_FUNCTION_EX", "LOAD_ATTR", "LOAD_METHOD", "BEFORE_WITH",
                    "CALL_INTRINSIC_1", "CALL_INTRINSIC_2", "LOAD_SUPER_ATTR"})
# modules a shared function may read attributes of: they hold no state that a check could see (their
# attributes are read where the function runs); NumPy's random state, and its settings, excepted
PURE_MODULES = frozenset({"math", "cmath", "numpy"})
UNSHAREABLE = frozenset({  # functions that reach or change state by name: builtins, and NumPy's settings
    "setattr", "delattr", "getattr", "exec", "eval", "compile", "globals", "locals", "vars", "__import__", "open",
    "input", "breakpoint", "exit", "quit", "help", "seterr", "seterrcall", "setbufsize", "set_printoptions"})
MAX_SHARED_FUNCTIONS = 32


def _codes(code: types.CodeType):
    yield code
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            yield from _codes(constant)


def _writes(code: types.CodeType) -> bool:
    """Whether it writes, or looks into an object (``f.__dict__``, ``object.__setattr__``): a dunder attribute."""
    return any(i.opname in STATEFUL or (i.opname in ("LOAD_ATTR", "LOAD_METHOD") and str(i.argval).startswith("__"))
               for c in _codes(code) for i in dis.get_instructions(c))


def _acts(code: types.CodeType) -> bool:
    return any(i.opname in ACTING or (i.opname == "BINARY_OP" and i.argrepr.endswith("="))
               for c in _codes(code) for i in dis.get_instructions(c))


def _plain(value) -> bool:
    """Data a shared function may hold: numbers, strings, None, numeric arrays, tuples of them."""
    if value is None or type(value) in (bool, int, float, complex, str, bytes):
        return True
    if type(value) is tuple:
        return all(_plain(v) for v in value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biufc"
    return isinstance(value, np.generic) and value.dtype.kind in "biufc"


def _writable(value) -> bool:
    if type(value) is tuple:
        return any(_writable(v) for v in value)
    return isinstance(value, np.ndarray) and value.flags.writeable


def _pure_module(name) -> bool:
    return isinstance(name, str) and name.split(".")[0] in PURE_MODULES and not name.startswith("numpy.random")


def _library(item) -> bool:
    """A function or type of the builtins, math or NumPy that reaches no state (not a method bound to an
    object: ``np.random.rand`` and ``SEEN.append`` are; not one of UNSHAREABLE)."""
    if getattr(item, "__name__", None) in UNSHAREABLE:
        return False
    if isinstance(item, types.BuiltinFunctionType):
        owner = item.__self__
        return owner is None or (isinstance(owner, types.ModuleType) and
                                 (owner is builtins or _pure_module(owner.__name__)))
    if isinstance(item, type) or type(item) is types.FunctionType or type(item).__name__ == "_ArrayFunctionDispatcher":
        return getattr(item, "__module__", None) == "builtins" or _pure_module(getattr(item, "__module__", None))
    return False


def _reached(value, modules: frozenset[str], found: dict) -> bool:
    """Whether ``value`` (a function of ``modules``) and what it reads are shareable; adds to ``found``
    every function of the checks it reaches, and every array it holds (under their ids)."""
    if id(value) in found:
        return True
    found[id(value)] = value
    if (len(found) > MAX_SHARED_FUNCTIONS or type(value) is not types.FunctionType or value.__module__ not in modules
            or value.__dict__ or _writes(value.__code__)):  # an attribute of a function's own is state too
        return False
    held = [c.cell_contents for c in value.__closure__ or () if c.cell_contents is not value]
    held += list(value.__defaults__ or ()) + list((value.__kwdefaults__ or {}).values())
    for code in _codes(value.__code__):  # the globals it reads, followed through the attributes of modules
        instructions = list(dis.get_instructions(code))
        for i, instruction in enumerate(instructions):
            if instruction.opname not in ("LOAD_GLOBAL", "LOAD_NAME", "LOAD_FROM_DICT_OR_GLOBALS"):
                continue
            name, space = instruction.argval, value.__globals__
            if name not in space:
                space = space.get("__builtins__", builtins)
                space = vars(space) if isinstance(space, types.ModuleType) else space
                if name not in space:
                    continue  # a NameError wherever it runs
            item, step = space[name], i + 1
            while isinstance(item, types.ModuleType) and _pure_module(item.__name__) and step < len(instructions) \
                    and instructions[step].opname in ("LOAD_ATTR", "LOAD_METHOD"):
                item = getattr(item, instructions[step].argval, None)  # a missing one fails wherever it runs
                step += 1
            if isinstance(item, types.ModuleType):
                return False  # a module itself, handed on or kept: who reads it cannot be told
            if type(item) is types.FunctionType and step < len(instructions) \
                    and instructions[step].opname in ("LOAD_ATTR", "LOAD_METHOD"):
                return False  # an attribute of a function: its state
            held.append(item)
    for item in held:
        if type(item) is types.FunctionType and item.__module__ in modules:
            if not _reached(item, modules, found):
                return False
        elif _plain(item):
            found[id(item)] = item
        elif not (isinstance(item, np.ufunc) or _library(item)):
            return False
    return True


def shareable(value, modules: frozenset[str]) -> bool:
    """Whether ``value``, passed by a check of ``modules``, may run in the worker as it is: a plain function
    of one of those modules, without attributes, that writes nothing outside its own locals, whose closure,
    defaults and the globals it reads are plain data (``_plain``), ufuncs, functions of the builtins, math
    or NumPy that reach no state (``_library``: not NumPy's random state), or functions that are shareable
    themselves; and which, when any of them holds an array that can be written, only reads it (``ACTING``).
    Such a function behaves the same in either process: nothing it does can be seen from here."""
    found: dict = {}
    if not _reached(value, modules, found):
        return False
    functions = [f for f in found.values() if type(f) is types.FunctionType]
    return not (any(_writable(v) for v in found.values()) and any(_acts(f.__code__) for f in functions))


def _passed(value):
    """The callables among a call's arguments, as _outbound finds them."""
    if isinstance(value, RemoteObject):
        return
    if type(value) in (list, tuple):
        for item in value:
            yield from _passed(item)
    elif type(value) is dict:
        for item in value.values():
            yield from _passed(item)
    elif callable(value) and not isinstance(value, type):
        yield value


class _Shared:
    """A shareable function on its way to the worker, pickled by value (its module is not importable there)."""

    __slots__ = ("payload",)

    def __init__(self, function: types.FunctionType) -> None:
        module = __import__("sys").modules[function.__module__]
        cloudpickle.register_pickle_by_value(module)
        try:
            self.payload = cloudpickle.dumps(function, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            cloudpickle.unregister_pickle_by_value(module)

    def __reduce__(self):
        return pickle.loads, (self.payload,)


class Worker:
    """One student process from the fork server, and its socket.

    ``Worker.start(limits)`` gives one, and has the fork server start the next one meanwhile: forking
    and confining it happen while this one runs the submission, and reaping it (``retire``) while the
    next one runs. A worker started ahead has run nothing: it is confined before it reads its socket."""

    def __init__(self, limits: Limits, ahead: bool = False, cpus: tuple[int, ...] | None = None) -> None:
        self.limits = limits
        self.scratch = tempfile.mkdtemp(prefix="daykit-worker-")
        parent, child = socket.socketpair()
        self.sock, self.alive, self.status = parent, True, 0
        self.pid: int | None = None
        self.isolation: list[str] = []
        try:
            if ahead:
                zygote().spawn_later(child, limits, self.scratch, self._started, cpus)
            else:
                self._started(*zygote().spawn(child, limits, self.scratch))
        finally:
            child.close()

    def _started(self, pid: int, isolation: list[str]) -> None:
        self.pid, self.isolation = pid, list(isolation)

    @classmethod
    def start(cls, limits: Limits) -> Worker:
        """A worker: the one started ahead for these limits if there is one, else a new one; either way
        the next one starts ahead."""
        spare = _SPARES.pop(os.getpid(), None)
        if spare is not None and spare.limits != limits:
            spare.retire()
            spare = None
        if spare is not None and not spare._answered():  # pragma: no cover - the fork server ended
            spare = None
        worker = spare or cls(limits)
        if os.getpid() not in _FINISHING:
            _FINISHING.add(os.getpid())
            atexit.register(finish)  # a process that ends by returning; a grading process calls it itself
        if _AHEAD:
            _SPARES[os.getpid()] = cls(limits, ahead=True)
        return worker

    def retire(self) -> None:
        """End this worker without waiting for it: the fork server reaps it while grading goes on, and
        its scratch folder goes once it is gone."""
        if not self.alive:
            return
        self.alive = False
        self.sock.close()
        if not self._answered():
            shutil.rmtree(self.scratch, ignore_errors=True)
            return
        self._signal()
        scratch = self.scratch
        zygote().wait_later(self.pid, lambda status: shutil.rmtree(scratch, ignore_errors=True))

    def _answered(self) -> bool:
        """Whether the fork server has said which process this worker is (reading its replies up to this
        one's, for a worker started ahead); False only where the server ended first."""
        server = zygote()
        while self.pid is None and server.waiting:
            server.settle(1)
        return self.pid is not None

    def _signal(self) -> None:
        for kill in (os.killpg, os.kill):
            try:
                kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def send(self, message) -> None:
        # most messages (a callback's value, a task's plain arguments) hold no Reference: the C pickler
        # then does it all, without a call to persistent_id for every object inside an array's reduction
        try:
            payload = dumps(message)
        except _Referenced:
            stream = io.BytesIO()
            _Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL).dump(message)
            payload = stream.getvalue()
        send_frame(self.sock, payload)

    def request(self, message: tuple, deadline: float, serve=None) -> dict:
        """Send a request and return the worker's reply; meanwhile ``serve`` answers the worker's
        callbacks (a dict in, a dict out). A broken channel kills the worker."""
        try:
            self.send(message)
            while True:
                reply = loads(recv_frame(self.sock, deadline))
                if not isinstance(reply, dict):
                    raise WireError("a malformed reply")
                if "callback" not in reply:
                    return reply
                if serve is None:
                    raise WireError("a callback where none can be made")
                self.send(("reply", serve(reply)))
        except TimeoutError:
            self.kill()
            raise failure(TaskTimeout, "timed out", "it ran past its time limit") from None
        except (EOFError, OSError):
            self.kill()
            raise failure(WorkerDied, f"the process {exit_description(self.status)}",
                          "the process ended (an exit, a crash or the memory limit)") from None
        except WireError as exc:
            self.kill()
            raise failure(ChannelError, f"the process sent {exc}", "the process sent something that is not plain data"
                          ) from None
        except BaseException:  # a callback that broke a bound, or the grader itself interrupted
            self.kill()
            raise

    def kill(self) -> None:
        """End this worker now, and learn how it ended (``status``)."""
        if not self.alive:
            return
        self.alive = False
        self._signal()
        self.status = zygote().wait(self.pid)
        self.sock.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


def finish() -> None:
    """End this process's worker started ahead and reap every worker retired: nothing of the grading
    outlives it (called when a grading process ends)."""
    try:
        spare = _SPARES.pop(os.getpid(), None)
        if spare is not None:
            spare.retire()
        server = _ZYGOTES.get(os.getpid())
        if server is not None:
            server.settle()
    except (OSError, EOFError, RuntimeError):  # the fork server is gone, and its workers with it
        pass


def start_ahead(enabled: bool) -> None:
    """Whether ``Worker.start`` has the next worker started ahead: yes (the default) in a process that
    grades more than one submission, no where each process grades one."""
    global _AHEAD
    _AHEAD = enabled


def start_spare(limits: Limits, cpus: tuple[int, ...] | None = None) -> None:
    """Have this process's fork server start a worker now, for the first submission to take, on ``cpus``
    (default: this process's). A grading process asks for it before it loads its checks, and keeps to
    its CPU only once they are loaded: the two may run side by side meanwhile."""
    if os.getpid() not in _SPARES:
        _SPARES[os.getpid()] = Worker(limits, ahead=True, cpus=cpus)


_SPARES: dict[int, Worker] = {}  # per process: the worker started ahead for its next submission
_AHEAD = True
_FINISHING: set[int] = set()


class NotPlainData:
    """What a check gets for an answer that cannot cross as plain data (an object of the student's own
    class, a generator...): a value of no type the checks accept, so that they refuse it as they refuse
    the object itself in-process, and the verdict is the same (a failed check, not an error)."""

    __slots__ = ("description",)

    def __init__(self, description: str) -> None:
        self.description = description

    def __repr__(self) -> str:
        return (f"<{self.description}, which is not plain data: return numbers, NumPy arrays, SymPy expressions, "
                "or tuples, lists and dicts of them>")


class RemoteObject:
    """The grader's stand-in for an object of the submission's own, while a check's callable runs on it:
    every operation is carried out by the worker on the real object."""

    __slots__ = ("_session", "_number")

    def __init__(self, session: Session, number: int) -> None:
        self._session, self._number = session, number

    def _op(self, name: str, *operands):
        return self._session.operate(self._number, name, operands)

    def __repr__(self) -> str:
        return "<an object of the submission>"

    __hash__ = object.__hash__

    def __bool__(self):
        return _typed(self._op("bool"), bool, "__bool__")

    def __float__(self):
        return _typed(self._op("float"), float, "__float__")

    def __int__(self):
        return _typed(self._op("int"), int, "__int__")

    def __index__(self):
        return _typed(self._op("index"), int, "__index__")

    def __complex__(self):
        return _typed(self._op("complex"), complex, "__complex__")

    def __len__(self):
        return _typed(self._op("len"), int, "__len__")

    def __getitem__(self, key):
        return self._op("getitem", key)


def _typed(value, kind: type, method: str):
    if type(value) is not kind and not (kind is float and isinstance(value, float)):
        raise TypeError(f"{method} returned a {type(value).__name__}, not a {kind.__name__}")
    return value


def _forward(name: str):
    def method(self, other):
        return self._op(name, other)

    return method


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "lt", "le", "eq", "ne", "gt", "ge"):
    setattr(RemoteObject, f"__{_name}__", _forward(_name))
    if _name not in ("lt", "le", "eq", "ne", "gt", "ge"):
        setattr(RemoteObject, f"__r{_name}__", _forward(f"r{_name}"))
for _name in ("neg", "pos", "abs"):
    setattr(RemoteObject, f"__{_name}__", lambda self, _n=_name: self._op(_n))


def _apply(target, new) -> bool:
    """Write ``new`` into ``target`` in place where it can be done; whether it was."""
    if isinstance(target, np.ndarray) and isinstance(new, np.ndarray):
        if target.shape != new.shape or not target.flags.writeable:
            return False
        np.copyto(target, new, casting="unsafe")
        return True
    if isinstance(target, list) and isinstance(new, list):
        for index in range(min(len(target), len(new))):
            if not _apply(target[index], new[index]):
                target[index] = new[index]
        del target[len(new):]
        target.extend(new[len(target):])
        return True
    if isinstance(target, dict) and isinstance(new, dict):
        for key in [k for k in target if k not in new]:
            del target[key]
        for key, value in new.items():
            if key not in target or not _apply(target[key], value):
                target[key] = value
        return True
    if isinstance(target, tuple) and isinstance(new, tuple) and len(target) == len(new):
        return all([_apply(t, n) for t, n in zip(target, new, strict=True)])
    return False


class Session:
    """A submission's code in a worker, called task by task through proxies."""

    def __init__(self, chunks: list[tuple[str, str]], label: str, limits: Limits, as_main: bool = False) -> None:
        self.chunks, self.label, self.limits, self.as_main = chunks, label, limits, as_main
        self.worker: Worker | None = None
        self.deadline = 0.0
        self.defined: list[str] = []
        self.load_errors: list[str] = []
        self.isolation: list[str] = []
        self.notes: list[str] = []
        self.fatal: StudentError | TaskTimeout | None = None
        self.callables: dict = {}  # the checks' callables handed to the call under way, by number
        self.shared: frozenset[str] = frozenset()  # the modules of the visible checks under way (see shareable)
        self.travelling: set[int] = set()  # ids of the call's arguments that go to the worker as they are
        self.numbered = 0  # numbers are never reused, so a stand-in kept from an earlier call reaches nothing
        self.callbacks = 0
        self._start()

    def _start(self) -> None:
        self.worker = Worker.start(self.limits)
        # what held, as the worker's confined process told the fork server before any student code ran
        self.isolation = list(self.worker.isolation)
        deadline = time.monotonic() + self.limits.load_seconds
        try:
            reply = self.worker.request(("load", self.chunks, self.as_main), deadline)
        except TaskTimeout:
            self.fatal = failure(
                TaskTimeout,
                f"loading {self.label} took longer than {self.limits.load_seconds:g} s "
                "(is there an endless loop outside the functions?)",
                "loading the submission ran past its time limit",
            )
            return
        except StudentError as exc:
            self.fatal = failure(StudentError, f"{self.label} could not be loaded: {exc}",
                                 "the submission could not be loaded")
            return
        defined, errors = reply.get("defined", []), reply.get("errors", [])
        if not isinstance(defined, list) or not isinstance(errors, list):  # only a forged reply is so
            self.worker.kill()
            self.fatal = failure(ChannelError, f"{self.label} could not be loaded: the process sent a malformed reply",
                                 "the submission could not be loaded")
            return
        self.defined = [n for n in defined if isinstance(n, str)]
        self.load_errors = [str(e)[:400] for e in errors][:5]
        notes = reply.get("notes")  # what a notebook asked for and did not get (a shell command, say)
        self.notes = [str(n)[:200] for n in notes][:20] if isinstance(notes, list) else []

    def begin_task(self, shared: frozenset[str] = frozenset()) -> None:
        """A task's turn: a live worker, a fresh time budget. ``shared``: the modules of the checks about to
        run, when they are visible checks, whose stateless functions then run in the worker."""
        if self.fatal is None and (self.worker is None or not self.worker.alive):
            self._start()
        self.deadline = time.monotonic() + self.limits.task_seconds
        self.callbacks = 0
        self.shared = frozenset(shared)

    # ------------------------------------------------------------------- what travels to the worker

    def _outbound(self, value):
        """``value`` ready to pickle for the worker: callables and the worker's own objects by reference."""
        if isinstance(value, RemoteObject):
            return Reference("h", value._number)
        if type(value) in (list, tuple):
            return type(value)(self._outbound(v) for v in value)
        if type(value) is dict:
            return {k: self._outbound(v) for k, v in value.items()}
        if callable(value) and not isinstance(value, type):
            if id(value) in self.travelling:
                return _Shared(value)
            self.numbered += 1
            self.callables[self.numbered] = value
            return Reference("f", self.numbered)
        return value

    def _inbound(self, value, what: str):
        """Plain data from the worker (handles become stand-ins for the submission's objects)."""
        try:
            return decode(value, handles=lambda n: RemoteObject(self, n))
        except WireError as exc:
            raise failure(ChannelError, f"{what} {exc}", f"{what} something that is not plain data") from None

    def _spend(self, what: str) -> None:
        self.callbacks += 1
        if self.callbacks > MAX_CALLBACKS:
            raise failure(ChannelError, f"{what} more than {MAX_CALLBACKS} times in one task",
                          f"{what} too many times")
        if time.monotonic() > self.deadline:
            limit = self.limits.task_seconds
            raise failure(TaskTimeout, f"the task ran past the limit of {limit:g} s", "it ran past its time limit")

    def _callback(self, request: dict) -> dict:
        """Run a check's callable on the arguments the worker sent; the reply for the worker."""
        self._spend("the code called a function passed in")
        number = request.get("callback")
        if not (isinstance(number, int) and 0 < number <= self.numbered):
            raise failure(ChannelError, "the process called back a function it was never given",
                          "the process broke the protocol")
        if number not in self.callables:  # kept from an earlier call: usable during its own call only
            return {"raised": "RuntimeError"}
        args = self._inbound(request.get("args"), "a function passed in was given")
        kwargs = self._inbound(request.get("kwargs"), "a function passed in was given")
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise failure(ChannelError, "the process sent a malformed callback", "the process broke the protocol")
        try:
            value = self.callables[number](*args, **kwargs)
        except (TaskTimeout, ChannelError, WorkerDied):
            raise
        except Exception as exc:  # the check's function failed on what the student's code gave it
            kind = next((c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"), "Exception")
            return {"raised": kind}
        return {"value": self._outbound(value)}

    def operate(self, number: int, name: str, operands: tuple):
        """An operation of a check's callable on the submission's object ``number``, done by the worker."""
        self._spend("a function passed in operated on the code's objects")
        if self.worker is None or not self.worker.alive:
            raise failure(ChannelError, "the process ended earlier in this task", "the process ended")
        reply = self.worker.request(("op", number, name, self._outbound(operands)), self.deadline, self._callback)
        if "value" in reply:
            return self._inbound(reply["value"], "an object of the code's own gave")
        if "raised" in reply:
            raise _raised(f"an operation on the code's objects ({name})", reply)
        if "unsendable" in reply:
            raise TypeError(f"an operation on the code's objects ({name}) gave a value that cannot be sent")
        raise failure(ChannelError, f"the process could not carry out {name}", "the process broke the protocol")

    # --------------------------------------------------------------------------------- task calls

    def call(self, name: str, args: tuple, kwargs: dict):
        if self.fatal is not None:
            raise self.fatal
        if self.worker is None or not self.worker.alive:
            raise failure(StudentError, f"{name} cannot run: the process ended earlier in this task",
                          f"{name} cannot run: the process ended earlier in this task")
        self.callables = {}
        passed = list(_passed((args, kwargs)))
        # decided once per call, for all its functions: where one stays here, none goes (what that one
        # changes, a shared one would not see in the worker); a function a callback returns stays too
        if self.shared and all(shareable(f, self.shared) for f in passed):
            self.travelling = {id(f) for f in passed}
        try:
            message = ("call", name, self._outbound(tuple(args)), self._outbound(dict(kwargs)))
            reply = self.worker.request(message, self.deadline, self._callback)
        except TaskTimeout:
            limit = self.limits.task_seconds
            raise failure(TaskTimeout, f"{name} ran past the limit of {limit:g} s (an endless loop?)",
                          f"{name} ran past its time limit") from None
        except WorkerDied as exc:
            raise failure(WorkerDied, f"while running {name}, {exc}", f"while running {name}, {exc.public}") from None
        except ChannelError as exc:
            raise failure(ChannelError, f"{name}: {exc}", f"{name}: {exc.public}") from None
        finally:
            self.callables = {}
            self.travelling = set()
        try:
            self._copy_back(name, reply.get("changed"), args, kwargs)
        except StudentError:
            self.worker.kill()  # only a forged reply is malformed: the channel is broken
            raise
        if "value" in reply:
            try:
                return decode(reply["value"])
            except WireError as exc:
                self.worker.kill()
                raise failure(StudentError, f"{name} returned {exc}",
                              f"{name} returned something that is not plain data") from None
        if reply.get("not_started"):
            raise NotStarted(name)
        if "raised" in reply:
            raise _raised(name, reply)
        if "internal" in reply:
            raise failure(StudentError, f"{name} could not be called: {reply['internal']}",
                          f"{name} could not be called")
        if "unsendable" in reply:
            return NotPlainData(str(reply["unsendable"])[:200])
        self.worker.kill()
        raise failure(StudentError, f"{name}: the process sent a malformed reply", f"{name}: a malformed reply")

    def _copy_back(self, name: str, changed, args: tuple, kwargs: dict) -> None:
        """Write the arguments' new contents, as the worker sent them, into the caller's objects."""
        if changed is None:
            return
        if not isinstance(changed, dict):
            raise failure(StudentError, f"{name}: the process sent a malformed reply", f"{name}: a malformed reply")
        for key, state in changed.items():
            if key.startswith("=") and key[1:] in kwargs:
                target = kwargs[key[1:]]
            elif key.isdigit() and int(key) < len(args):
                target = args[int(key)]
            else:
                continue
            try:
                _apply(target, decode(state))
            except WireError as exc:
                raise failure(StudentError, f"{name} changed an argument into {exc}",
                              f"{name} changed an argument into something that is not plain data") from None
            except (TypeError, ValueError):  # a read-only or otherwise unwritable object of the check's
                continue

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
            self.worker.retire()


def _raised(name: str, reply: dict) -> Exception:
    """The student's exception as its built-in kind, with the student's own message kept apart."""
    kind = reply.get("kind") if isinstance(reply.get("kind"), str) else None
    base = getattr(builtins, kind, None) if kind else None
    if not (isinstance(base, type) and issubclass(base, Exception) and base.__name__ == kind):
        kind = None  # a name the worker sent is shown only when it is a built-in exception's own name
    shown = kind or "an exception"
    try:
        error = student_exception(kind)(f"{name} raised {str(reply.get('raised'))[:MAX_MESSAGE]}")
    except TypeError:  # a built-in kind whose constructor wants more
        error = StudentError(f"{name} raised {str(reply.get('raised'))[:MAX_MESSAGE]}")
    error.public = f"{name} raised {shown}"
    error.student_message = str(reply.get("message", ""))[:300]  # what the student's own raise said
    return error
