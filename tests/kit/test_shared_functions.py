"""A visible check's functions that keep no state run in the worker, as under pytest; every other
function a check passes (a hidden check's, a stateful one) stays in the grader behind a stand-in.

The worker's code tells which it got: the student's own function returns the type's name of what it
was given, and what its code object names, where it can read one."""

import sys
import types

import numpy as np
import pytest

from daykit.checking.runner import Check, Status, grade_functions
from daykit.grading.session import Session, shareable
from daykit.grading.worker import Limits

VISIBLE = "daykit_checks_day_98"
HIDDEN = "daykit_checks_day_98_hidden"

STUDENT = '''
def kind(f, *args):
    f(*args)
    return type(f).__name__

def through(f, n):
    return [float(f(float(i))) for i in range(n)]
'''


def module(name: str, source: str) -> types.ModuleType:
    """A module of checks' helpers, as runner.load_checks makes one (in sys.modules under its name)."""
    made = types.ModuleType(name)
    exec(compile(source, f"/checks/{name}.py", "exec"), made.__dict__)
    sys.modules[name] = made
    return made


HELPERS = '''
import math
import numpy as np

SCALE = 3.0
A = np.array([[2.0, 0.0], [0.0, 1.0]])
CALLS = []

def pure(x):
    return SCALE * math.sin(x) + np.cos(x)

def gradient(A):
    A = np.array(A, dtype=float)
    return lambda x: A @ x

def defaults(x, a=2.0, b=(1, 2)):
    return a * x + b[0]

def uses_pure(x):
    return pure(x) + 1

def counted(x):
    CALLS.append(x)
    return x

def counter():
    seen = []
    def f(x):
        seen.append(x)
        return x
    return f

def nonlocal_counter():
    n = 0
    def f(x):
        nonlocal n
        n += 1
        return x
    return f

def writes_global(x):
    global SCALE
    SCALE = x
    return x

def writes_an_item(x):
    out = np.zeros(1)
    out[0] = x
    return out

def imports(x):
    import os
    return x

def over_a_dict():
    table = {"a": 1.0}
    return lambda x: table["a"] * x

def calls_counted(x):
    return counted(x)
'''


@pytest.fixture(scope="module")
def helpers():
    return module(VISIBLE, HELPERS)


def test_only_stateless_functions_of_the_checks_module_are_shareable(helpers):
    shared = frozenset({VISIBLE})
    for name in ("pure", "defaults", "uses_pure"):
        assert shareable(getattr(helpers, name), shared), name
    assert shareable(helpers.gradient([[1, 0], [0, 1]]), shared)
    assert shareable(lambda x: x, frozenset({__name__}))
    for made in (helpers.counter(), helpers.nonlocal_counter(), helpers.over_a_dict()):
        assert not shareable(made, shared)
    for name in ("counted", "writes_global", "writes_an_item", "imports", "calls_counted"):
        assert not shareable(getattr(helpers, name), shared), name
    assert not shareable(helpers.pure, frozenset({HIDDEN}))  # a function of another module
    assert not shareable(np.sin, shared) and not shareable(print, shared)  # not a Python function


def run(functions_and_args, shared):
    session = Session([("student.py", STUDENT)], "student.py", Limits(task_seconds=20))
    try:
        kinds = []
        for f, args in functions_and_args:
            session.begin_task(shared)
            kinds.append(session.call("kind", (f, *args), {}))
        return kinds
    finally:
        session.close()


def test_a_visible_checks_stateless_function_runs_in_the_worker_and_the_rest_stay_here(helpers):
    given = [(helpers.pure, (0.5,)), (helpers.gradient([[2, 0], [0, 1]]), (np.ones(2),)), (helpers.counted, (1.0,)),
             (helpers.counter(), (1.0,))]
    assert run(given, frozenset({VISIBLE})) == ["function", "function", "StandIn", "StandIn"]
    assert run(given, frozenset()) == ["StandIn"] * 4  # a hidden check's turn, or a diagnosis


def test_a_stateful_function_keeps_counting_in_the_grader(helpers):
    helpers.CALLS.clear()
    session = Session([("student.py", STUDENT)], "student.py", Limits(task_seconds=20))
    try:
        session.begin_task(frozenset({VISIBLE}))
        assert session.call("through", (helpers.counted, 4), {}) == [0.0, 1.0, 2.0, 3.0]
        assert session.call("through", (helpers.pure, 2), {}) == [helpers.pure(0.0), helpers.pure(1.0)]
    finally:
        session.close()
    assert helpers.CALLS == [0.0, 1.0, 2.0, 3.0]  # every call was seen here, as in-process


def test_grade_functions_shares_only_during_visible_checks(helpers):
    """The runner tells the session which checks run: the visible one's function travels, the hidden
    one's (the same function) does not."""
    hidden = module(HIDDEN, "from daykit_checks_day_98 import pure\n")
    seen = {}

    def make(where, f):
        def check(kind):
            seen[where] = kind(f, 0.5)
        check.__module__ = where
        return check

    day = types.SimpleNamespace(slug="day_98", tasks=[types.SimpleNamespace(name="kind", points=1)])
    checks = [Check("test_kind", ("kind",), make(VISIBLE, helpers.pure), False),
              Check("test_kind_hidden", ("kind",), make(HIDDEN, hidden.pure), True)]
    session = Session([("student.py", STUDENT)], "student.py", Limits(task_seconds=20))
    try:
        results = grade_functions(day, checks, session.functions(), "student.py", before_task=session.begin_task)
    finally:
        session.close()
    assert [r.status for r in results] == [Status.PASS]
    assert seen == {VISIBLE: "function", HIDDEN: "StandIn"}
