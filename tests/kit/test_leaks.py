"""Nothing hidden leaves the grader, and the checks' callables stay in it.

Submissions that try to get a hidden check's inputs out, the way a student could: raise with the
arguments in the message, print them and return them as a string, keep them in a global that every
later call returns, exit with a code made from them, and read everything there is to read in the
functions the checks hand them (code, constants, defaults, closures, globals, source, pickles, the
garbage collector's view of memory). They are graded by ``daykit grade --json``, as an instructor runs
it, and no number that a hidden check gives a task (its literals, the data it draws, the constants
in its callables) may appear in what the grader writes: the JSON on stdout, results/<day>/submissions/,
feedback/<student>.md and grades.csv. The same search finds the visible checks' inputs there, which
shows that the submissions do leak what reaches them, and that the search would see it.
"""

import functools
import json
import re
import subprocess
import sys
import types

import numpy as np
import pytest
import sympy as sp

from daykit.authoring.model import load_day
from daykit.checking.loading import load_target
from daykit.checking.runner import StudentError, callables, load_checks
from daykit.course import Course
from daykit.grading import session as session_module
from daykit.grading.session import Session
from daykit.grading.worker import Limits
from tests.kit.adversaries import WRAP, attacked

pytestmark = pytest.mark.slow

COURSE = Course.here()
DAYS = COURSE.days()

# Every leaky submission answers honestly the calls the visible checks make (a student has their file:
# it ships), so that its tasks reach their hidden checks, and does something else with any other call.
# ``_key`` tells the calls apart by the plain values they are given.
KEY = """
import numpy as _np


def _key(args, kwargs):
    out = []

    def walk(value):
        if isinstance(value, (bool, _np.bool_)):
            out.append(repr(bool(value)))
        elif isinstance(value, (int, float, _np.integer, _np.floating)):
            out.append(repr(float(value)))
        elif isinstance(value, _np.ndarray):
            out.append(repr(value.shape))
            out.extend(repr(float(v)) for v in value.ravel()[:64])
        elif isinstance(value, (list, tuple)):
            out.append("[")
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for k in sorted(value):
                out.append(k)
                walk(value[k])
        elif callable(value):
            out.append("f")
        else:
            out.append(str(value))

    walk(args)
    walk(kwargs)
    return "|".join(out)
"""

HONEST_ON_VISIBLE = KEY + WRAP + """

def _unless_visible(function):
    def task(*args, **kwargs):
        if _key(args, kwargs) in VISIBLE:
            return _visible(function, args, kwargs)
        return _leak(function, args, kwargs)
    return task


def _visible(function, args, kwargs):
    return function(*args, **kwargs)


_wrap_every_task(_unless_visible)
"""

LEAKS = {
    # the control: raises with its inputs on every call, so the visible checks' messages show them
    "raises_on_every_call": WRAP + """

def _raising(function):
    def task(*args, **kwargs):
        raise ValueError(repr(args) + repr(kwargs))
    return task


_wrap_every_task(_raising)
""",
    "raises_inputs": HONEST_ON_VISIBLE + """

def _leak(function, args, kwargs):
    raise ValueError(repr(args) + repr(kwargs))
""",
    "prints_and_returns_inputs": HONEST_ON_VISIBLE + """

def _leak(function, args, kwargs):
    print("inputs:", args, kwargs)
    return "inputs: " + repr(args) + repr(kwargs)
""",
    # keeps every other call's inputs, and returns them from the next visible call
    "replays_inputs": HONEST_ON_VISIBLE + """
SEEN = []


def _leak(function, args, kwargs):
    SEEN.append(repr(args) + repr(kwargs))
    return function(*args, **kwargs)


def _visible(function, args, kwargs):
    return " | ".join(SEEN)[-20000:] if SEEN else function(*args, **kwargs)
""",
    "exits_with_inputs": HONEST_ON_VISIBLE + """
import os


def _leak(function, args, kwargs):
    numbers = [float(_np.sum(a)) for a in args if isinstance(a, (int, float, _np.ndarray))]
    os._exit(int(abs(numbers[0]) * 1000) % 256 if numbers else 7)
""",
    # reads all there is to read in the callables it is handed, keeps it, and says it when it can
    "introspects_callables": HONEST_ON_VISIBLE + """
import gc
import inspect
import pickle

FOUND = []


def _everything_about(f):
    found = []
    for attribute in ("__code__", "__defaults__", "__kwdefaults__", "__closure__", "__globals__", "__dict__",
                      "__wrapped__", "__self__", "__func__", "__qualname__", "__name__", "__reduce__"):
        try:
            value = getattr(f, attribute)
            found.append(repr(value))
            if attribute == "__code__":
                found.append(repr(value.co_consts))
            if attribute == "__closure__" and value:
                found.extend(repr(cell.cell_contents) for cell in value)
        except Exception as exc:
            found.append(type(exc).__name__)
    for probe in (inspect.getsource, pickle.dumps, lambda g: g.__reduce_ex__(2), lambda g: vars(type(g))):
        try:
            found.append(repr(probe(f)))
        except Exception as exc:
            found.append(type(exc).__name__)
    if not FOUND:  # once: every function in memory that comes from a check file
        for obj in gc.get_objects():
            if isinstance(obj, type(_everything_about)) and any(
                    part in obj.__code__.co_filename for part in ("hidden", "tests", "test_day")):
                found.append(repr((obj.__code__.co_consts, obj.__defaults__)))
    return found


def _leak(function, args, kwargs):
    for value in (*args, *kwargs.values()):
        if callable(value):
            FOUND.extend(_everything_about(value))
    raise ValueError("found: " + " ".join(FOUND)[-20000:])


def _visible(function, args, kwargs):
    return "found: " + " ".join(FOUND)[-20000:] if FOUND else function(*args, **kwargs)
""",
}


@functools.cache
def visible_calls(day: str) -> frozenset[str]:
    """The keys of the calls the visible checks make, tasks calling tasks included."""
    scope: dict = {}
    exec(KEY, scope)
    keys = {key for hidden, _, called in checked(day) if not hidden for key in called}
    return frozenset(keys) | {scope["_key"]((), {})}


def leaky(day: str, name: str) -> str:
    return attacked(day, f"VISIBLE = {set(visible_calls(day))!r}\n{LEAKS[name]}")


# ------------------------------------------------------------------- what the checks give the tasks


def numbers_in(value, into: set[float], depth: int = 0) -> None:
    """Every number in a value a check passes: in containers, arrays, SymPy numbers, and in the constants,
    defaults and closures of the callables it passes."""
    if depth > 6:
        return
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float, np.integer, np.floating)):
        into.add(float(value))
    elif isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        into.update(float(v) for v in value.ravel()[:10_000])
    elif isinstance(value, (list, tuple)):
        for v in value:
            numbers_in(v, into, depth + 1)
    elif isinstance(value, dict):
        for v in value.values():
            numbers_in(v, into, depth + 1)
    elif isinstance(value, sp.Basic):
        into.update(float(a) for a in value.atoms(sp.Number) if a.is_real)
    elif isinstance(value, types.FunctionType):
        code_numbers(value.__code__, into)
        numbers_in(value.__defaults__ or (), into, depth + 1)
        for cell in value.__closure__ or ():
            try:
                numbers_in(cell.cell_contents, into, depth + 1)
            except ValueError:  # an empty cell
                pass


def code_numbers(code: types.CodeType, into: set[float]) -> None:
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            code_numbers(const, into)
        else:
            numbers_in(const, into)


@functools.cache
def checked(day: str) -> list[tuple[bool, set[float], set[str]]]:
    """Each check of the day run on the reference, every task recording what it is given (calls between
    tasks included): (hidden, the numbers given, the keys of the calls) per check."""
    scope: dict = {}
    exec(KEY, scope)
    namespace, _ = load_target(COURSE.solution(day), f"daykit_leaks_{day}")
    for name in [n for n in callables(namespace) if n in check_tasks(day)]:
        namespace[name] = recording(namespace[name], namespace, scope["_key"])
    found = []
    for check in load_checks(COURSE, day):
        namespace["__numbers__"], namespace["__keys__"] = set(), set()
        check.function(*[namespace[name] for name in check.tasks])
        found.append((check.hidden, namespace["__numbers__"], namespace["__keys__"]))
    return found


def recording(function, namespace, key):
    def call(*args, **kwargs):
        numbers_in(args, namespace["__numbers__"])
        numbers_in(kwargs, namespace["__numbers__"])
        namespace["__keys__"].add(key(args, kwargs))
        return function(*args, **kwargs)

    return call


@functools.cache
def check_tasks(day: str) -> frozenset[str]:
    return frozenset(t.name for t in load_day(COURSE, day).tasks)


@functools.cache
def inputs(day: str) -> dict[bool, set[float]]:
    """The numbers the day's visible (False) and hidden (True) checks give the reference's tasks."""
    seen: dict[bool, set[float]] = {False: set(), True: set()}
    for hidden, numbers, _ in checked(day):
        seen[hidden] |= numbers
    return seen


def token(value: float) -> str | None:
    """How a number shows in text: its repr (``-1.25``) when short, else its first five significant
    digits (``0.73125`` of 0.7312512..., as both Python and NumPy print it); None for a number too plain
    to tell apart from any other (an integer, 0.5, 1e-05)."""
    text = repr(float(value))
    digits = text.lstrip("-").split("e")[0].replace(".", "").strip("0")
    if "e" in text or "inf" in text or "nan" in text or float(value).is_integer() or len(digits) < 2:
        return None
    if len(digits) <= 4:
        return text
    kept, count = "", 0
    for ch in text:
        kept += ch
        count += ch.isdigit() and (count > 0 or ch != "0")
        if count == 5:
            return kept + "…"
    return None


def tokens(values: set[float]) -> set[str]:
    return {t for t in map(token, values) if t}


def found(text: str, wanted: set[str]) -> set[str]:
    """The tokens that stand in ``text`` as numbers (not inside a longer one); a long token's digits may
    go on, as a printed number's do."""
    hits = set()
    for t in wanted:
        number = re.escape(t.rstrip("…").lstrip("-"))
        end = "" if t.endswith("…") else r"(?![\d]|e[-+]?\d)"
        if re.search(rf"(?<![\d.]){number}{end}", text):
            hits.add(t)
    return hits


# ------------------------------------------------------------------------------- graded as users do


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """What ``daykit grade DAY <leaky submissions> --json`` shows and writes, per day (graded when first
    asked for): the JSON document, and the text about each submission."""
    return _Graded(tmp_path_factory.mktemp("leaks"))


class _Graded(dict):
    def __init__(self, folder):
        super().__init__()
        self.folder = folder

    def __missing__(self, day):
        self[day] = graded_leaks(self.folder, day)
        return self[day]


def graded_leaks(folder, day):
    """Grade the day's leaky submissions with `daykit grade --json`; what it shows, and what it writes."""
    files = []
    for name in LEAKS:
        path = folder / f"{day}-submissions" / f"{name}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(leaky(day, name))
        files.append(str(path))
    results = folder / "results" / day
    shown = subprocess.run(
        [sys.executable, "-m", "daykit", "grade", day.removeprefix("day_"), *files, "--json", "--force",
         "--jobs", "2", "--timeout", "5", "--results", str(results)],
        cwd=COURSE.root, capture_output=True, text=True, timeout=600,
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    document = json.loads(shown.stdout)
    assert {s["student"] for s in document["submissions"]} == set(LEAKS)
    stored, feedback = sorted((results / "submissions").glob("*.json")), sorted((results / "feedback").glob("*.md"))
    assert len(stored) == len(feedback) == len(LEAKS)
    grades = (results / "grades.csv").read_text().splitlines()
    per_student = {}
    for name in LEAKS:  # what the grader shows and writes about each submission
        text = "\n".join([
            json.dumps([s for s in document["submissions"] if s["student"] == name]),
            (results / "submissions" / f"{name}.json").read_text(),
            (results / "feedback" / f"{name}.md").read_text(),
            *[row for row in grades if f",{name}," in row],
        ])
        per_student[name] = re.sub(r'"seconds": [0-9.e-]+', "", text)  # the grader's own timing
    return document, per_student


@pytest.mark.parametrize("day", DAYS)
def test_no_hidden_input_appears_in_what_the_grader_writes(outputs, day):
    seen = inputs(day)
    hidden = tokens(seen[True]) - tokens(seen[False])
    assert hidden, "the hidden checks give no number to look for"
    # the control, which leaks on visible calls too, shows visible inputs and the checks' own numbers
    text = "\n".join(t for name, t in outputs[day][1].items() if name != "raises_on_every_call")
    leaked = found(text, hidden)
    assert not leaked, f"{day}: hidden inputs in the grader's output: {sorted(leaked)}"


def test_the_submissions_do_leak_what_visible_checks_give_them(outputs):
    """The control: the submission that raises with its inputs on every call shows the visible checks'
    inputs in what the grader writes, and the same search finds them there."""
    shown = {}
    for day in DAYS:
        control = outputs[day][1]["raises_on_every_call"]
        assert "raised ValueError: (" in control, control[:500]
        visible = {repr(v) for v in inputs(day)[False] if not float(v).is_integer()}
        shown[day] = found(control, visible)
    # a visible check shows the inputs of its first failing call (Day 39's checks call with the defaults)
    assert sum(bool(hits) for hits in shown.values()) >= 5, shown


def test_hidden_checks_were_reached_and_say_only_the_kind_of_failure(outputs):
    """The leaky submissions pass the visible checks and meet the hidden ones, whose messages name the
    task and the kind of failure only: no line, no exit code, no message of the student's."""
    for day in DAYS:
        document = outputs[day][0]
        by_student = {s["student"]: {t["task"]: t for t in s["tasks"]} for s in document["submissions"]}
        for tasks in by_student.values():
            for task in tasks.values():
                assert len(task["message"]) <= 600
                if task["message"].startswith("a hidden check"):
                    assert not re.search(r"line \d", task["message"]) and "ValueError(" not in task["message"], task
        raised = [t for t in by_student["raises_inputs"].values() if t["message"].startswith("a hidden check")]
        assert raised, f"{day}: no task of raises_inputs reached a hidden check"
        assert all(t["status"] == "error" and t["message"].endswith("raised ValueError.") for t in raised), raised
        exited = [t for t in by_student["exits_with_inputs"].values() if t["message"].startswith("a hidden check")]
        assert exited and all("the process ended" in t["message"] and "code" not in t["message"] for t in exited)


# ------------------------------------------------------------------------ the callables stay here


PEEK = '''
import gc
import inspect
import pickle

def peek(f, x):
    found = []
    for attribute in ("__code__", "__defaults__", "__kwdefaults__", "__closure__", "__globals__", "__dict__",
                      "__wrapped__", "__self__", "__func__", "__reduce__"):
        try:
            found.append(repr(getattr(f, attribute)))
        except Exception as exc:
            found.append(type(exc).__name__)
    for probe in (inspect.getsource, inspect.signature, pickle.dumps, lambda g: g.__reduce_ex__(2),
                  lambda g: vars(type(g)), lambda g: type(g).__call__.__globals__.keys()):
        try:
            found.append(repr(probe(f)))
        except Exception as exc:
            found.append(type(exc).__name__)
    big = []
    for obj in gc.get_objects():  # every container in this process's memory holding a number in (4000, 10000)
        try:
            items = list(obj.values()) if isinstance(obj, dict) else list(obj) if isinstance(obj, (list, tuple)) else []
        except Exception:
            items = []
        big += [v for v in items if isinstance(v, float) and 4000 < v < 10000]
    return " ".join(found), big, f(x), f(x=x)

KEPT = []

def keep(f):
    KEPT.append(f)
    return f(1.0)

def reuse():
    return KEPT[0](1.0)

def hammer(f, n):
    return sum(f(float(i)) for i in range(n))
'''


def secret_function():
    first, second = 7321.4567, 9182.7364

    def f(x, c=4455.6677):
        return first * x + second + c

    return f


def test_a_callable_reaches_student_code_as_a_stand_in_that_tells_nothing():
    session = Session([("peek.py", PEEK)], "peek.py", Limits(task_seconds=20))
    try:
        session.begin_task()
        found, big, value, by_keyword = session.call("peek", (secret_function(), 0.5), {})
    finally:
        session.close()
    f = secret_function()
    assert value == by_keyword == f(0.5)  # the stand-in works: the grader ran the real function
    for secret in ("7321.45", "9182.73", "4455.66", "first", "second", "secret_function"):
        assert secret not in found, (secret, found)
    assert big == [], big  # nothing of the function is anywhere in the worker's memory
    assert "AttributeError" in found  # __code__, __closure__, __globals__ ... are simply not there


def test_a_kept_callable_reaches_nothing_in_a_later_call():
    session = Session([("peek.py", PEEK)], "peek.py", Limits(task_seconds=20))
    try:
        session.begin_task()
        assert session.call("keep", (secret_function(),), {}) == secret_function()(1.0)
        with pytest.raises(RuntimeError):  # the student's own code sees an exception; no value
            session.call("reuse", (), {})
    finally:
        session.close()


def test_callbacks_are_bounded_per_task(monkeypatch):
    monkeypatch.setattr(session_module, "MAX_CALLBACKS", 50)
    session = Session([("peek.py", PEEK)], "peek.py", Limits(task_seconds=20))
    try:
        session.begin_task()
        assert session.call("hammer", (lambda x: x, 40), {}) == sum(range(40))
        session.begin_task()
        with pytest.raises(StudentError) as raised:
            session.call("hammer", (lambda x: x, 80), {})
        assert "too many times" in raised.value.public
        session.begin_task()  # the next task gets a fresh worker
        assert session.call("hammer", (lambda x: 2 * x, 10), {}) == 90
    finally:
        session.close()


OBJECTS = '''
class Dual:
    def __init__(self, a, b):
        self.a, self.b = a, b
    def __add__(self, o):
        o = o if isinstance(o, Dual) else Dual(o, 0.0)
        return Dual(self.a + o.a, self.b + o.b)
    __radd__ = __add__
    def __mul__(self, o):
        o = o if isinstance(o, Dual) else Dual(o, 0.0)
        return Dual(self.a * o.a, self.b * o.a + self.a * o.b)
    __rmul__ = __mul__
    def __gt__(self, o):
        return self.a > (o.a if isinstance(o, Dual) else o)
    def __float__(self):
        return float(self.a)

def derivative(f, x):
    y = f(Dual(x, 1.0))
    return (y.a, y.b) if isinstance(y, Dual) else (float(y), 0.0)
'''


def test_a_callable_runs_here_on_the_students_own_objects():
    """Forward-mode AD: the check's function runs in the grader on stand-ins for the student's dual
    numbers, each operation done by the worker; comparisons and float() come back as plain values."""
    def f(x):
        return 3 * x * x + x + 2 if x > 0 else 0.0 * x

    session = Session([("objects.py", OBJECTS)], "objects.py", Limits(task_seconds=20))
    try:
        session.begin_task()
        assert session.call("derivative", (f, 2.0), {}) == (16.0, 13.0)
        assert session.call("derivative", (lambda x: float(x) + 1.0, 2.0), {}) == (3.0, 0.0)
    finally:
        session.close()
