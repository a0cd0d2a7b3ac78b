"""Attacks on the sharing of a visible check's functions with the worker (session.shareable, _Shared).

While a visible check runs, a function it passes that keeps no state travels by value and runs in the
student's worker. Three promises must hold all the same:

1. nothing of a hidden check reaches the worker this way (real Day 40, 41 and 45, graded with a spy
   submission; a hidden check that calls a helper of the visible file; the visible phase's modules never
   carried into a hidden check or a diagnosis);
2. no verdict can be forged because a function runs there: a function that a check could see the effects
   of (a call counter, a record of the points evaluated, NumPy's global random state, a list reached
   through a module or a function's attribute, a bound method, a write through an alias, ``setattr``,
   ``exec``), or one that reads what the grader changes during the call, is seen to run in the grader,
   exactly as in-process;
3. one verdict: the real Day 41 and Day 45 visible checks judge submissions that play with the functions
   they get (keep them, call them later, change their closure, their defaults, their code, NumPy's error
   state) the same in-process, as pytest runs them, as through the grader.

Each test is written as the attack; it passes when the attack fails.
"""

import sys
import types

import numpy as np
import pytest

from daykit.authoring.model import load_day
from daykit.checking.loading import load_target
from daykit.checking.runner import Check, Status, callables, grade_functions, load_checks
from daykit.course import Course
from daykit.grading.session import Session, shareable
from daykit.grading.worker import Limits
from tests.kit.test_shared_functions import module

COURSE = Course.here()
VISIBLE = "daykit_checks_day_97"
HIDDEN = "daykit_checks_day_97_hidden"
LIMITS = Limits(task_seconds=20)


# ----------------------------------------------------------------------- what a careless author writes

CARELESS = '''
import sys
import types

import numpy as np

SCALE = 1.0
TALLY = np.zeros(1)
TABLE = np.zeros(2)
SEEN = []
record = SEEN.append


def out_counter():
    """Counts its calls into a closed-over array, by a ufunc's out=."""
    count = np.zeros(1)
    def f(x):
        np.add(count, 1, out=count)
        return x
    return f, lambda: int(count[0])


def fill_counter():
    """Counts its calls into a closed-over array, by a method call."""
    count = np.zeros(1)
    def f(x):
        count.fill(count[0] + 1)
        return x
    return f, lambda: int(count[0])


def points_recorder():
    """Records the points it is evaluated at, by np.copyto into rows of a closed-over array."""
    points = np.full(64, np.nan)
    def f(x):
        np.copyto(points[int(x):int(x) + 1], x)
        return x
    return f, lambda: int(np.sum(~np.isnan(points)))


def default_counter():
    """Counts its calls into an array held as a default argument."""
    def f(x, _count=np.zeros(1)):
        _count.fill(_count[0] + 1)
        return x
    return f, lambda: int(f.__defaults__[0][0])


def tally_by_alias(x):
    """Counts into a global array through a local alias: an in-place add, no store of the global."""
    t = TALLY
    t += 1
    return x


def through_the_module(x):
    """Appends to a module-level list reached as an attribute of the module."""
    sys.modules[__name__].SEEN.append(x)
    return x


notes = types.ModuleType(__name__ + "_notes")  # a module of its own, as a helper module would be
notes.points = []
sys.modules[notes.__name__] = notes


def through_another_module(x):
    """Appends to a list that another module holds."""
    notes.points.append(x)
    return x


def through_a_bound_method(x):
    record(x)
    return x


def log():
    """Holds the points seen, as its own attribute."""
log.points = []


def through_an_attribute(x):
    log.points.append(x)
    return x


def counter_object():
    """Counts in an attribute of a function, set with setattr."""
    def hold():
        pass
    hold.n = 0
    def f(x):
        setattr(hold, "n", hold.n + 1)
        return x
    return f, lambda: hold.n


def through_exec(x):
    exec("SEEN.append(x)")
    return x


def noisy(x):
    """A noisy gradient: draws from NumPy's global random state."""
    return x + 1e-3 * np.random.standard_normal()


def set_scale(x):
    global SCALE
    SCALE = x
    return x


def scaled(x):
    return SCALE * x


def set_table(x):
    TABLE[0] = x
    return x


def from_table(x):
    return TABLE[0] * x


def pure(x):
    return 2.0 * x + np.sin(x)
'''

STUDENT = '''
import numpy as np

KEPT = []


def call_n(f, n):
    return [float(f(float(i))) for i in range(n)]


def kind(f):
    return type(f).__name__


def first_then_second(first, second, x):
    first(x)
    return float(second(1.0))


def keep(f):
    KEPT.append(f)
    return type(f).__name__


def call_kept(x):
    return [float(f(x)) for f in KEPT]
'''


@pytest.fixture(scope="module")
def careless():
    return module(VISIBLE, CARELESS)


@pytest.fixture
def session():
    made = Session([("student.py", STUDENT)], "student.py", LIMITS)
    yield made
    made.close()


# ---------------------------------------------------------------------------- 2. forging a verdict

COUNTERS = ["out_counter", "fill_counter", "points_recorder", "default_counter", "counter_object"]


@pytest.mark.parametrize("name", COUNTERS)
def test_a_counter_in_a_closure_counts_every_call_as_in_process(careless, session, name):
    """A check that counts the calls (or records the points) sees each of the 7 calls the code made:
    the counter stays in the grader, whatever way it writes (out=, a method, a default, setattr)."""
    f, count = getattr(careless, name)()
    session.begin_task(frozenset({VISIBLE}))
    assert session.call("call_n", (f, 7), {}) == [float(i) for i in range(7)]
    assert count() == 7
    assert session.call("kind", (f,), {}) == "StandIn"


@pytest.mark.parametrize("name", ["through_the_module", "through_another_module", "through_a_bound_method",
                                  "through_an_attribute", "through_exec"])
def test_a_list_reached_another_way_records_every_call_as_in_process(careless, session, name):
    """A list reached through the module, a bound method, a function's attribute or exec: written
    here, as in-process."""
    f = getattr(careless, name)
    seen = {"through_an_attribute": careless.log.points, "through_another_module": careless.notes.points}.get(
        name, careless.SEEN)
    seen.clear()
    session.begin_task(frozenset({VISIBLE}))
    assert session.call("call_n", (f, 5), {}) == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert seen == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_a_write_through_a_local_alias_is_counted_as_in_process(careless, session):
    careless.TALLY[:] = 0
    session.begin_task(frozenset({VISIBLE}))
    session.call("call_n", (careless.tally_by_alias, 6), {})
    assert careless.TALLY[0] == 6


def test_numpy_global_random_state_is_drawn_here_as_in_process(careless, session):
    """A check that seeds NumPy and passes a noisy function can replay the noise (or count the draws)
    from its own random state: the draws are made here, not from a state the student's process owns."""
    np.random.seed(97)
    session.begin_task(frozenset({VISIBLE}))
    got = session.call("call_n", (careless.noisy, 4), {})
    np.random.seed(97)
    assert got == [float(i + 1e-3 * np.random.standard_normal()) for i in range(4)]


def test_wrong_code_cannot_pass_a_check_that_bounds_the_evaluations(careless):
    """A visible check that allows at most 10 evaluations fails code that makes 50 (a forged pass if the
    counter ran in the worker)."""
    source = "def minimize(f):\n    return [f(float(i)) for i in range(50)][-1]\n"

    def check(minimize):
        f, count = careless.out_counter()
        minimize(f)
        if count() > 10:
            from daykit.checks import fail

            fail(f"minimize evaluated f {count()} times; at most 10 allowed.", "too many evaluations")

    check.__module__ = VISIBLE
    day = types.SimpleNamespace(slug="day_97", tasks=[types.SimpleNamespace(name="minimize", points=1)])
    made = Session([("student.py", source)], "student.py", LIMITS)
    try:
        results = grade_functions(day, [Check("test_minimize", ("minimize",), check, False)], made.functions(),
                                  "student.py", before_task=made.begin_task)
    finally:
        made.close()
    assert [r.status for r in results] == [Status.FAIL]
    assert "50 times" in results[0].message


@pytest.mark.parametrize(("setter", "reader", "value"),
                         [("set_scale", "scaled", 5.0), ("set_table", "from_table", 4.0)])
def test_a_pure_function_reads_what_a_stateful_one_changed_in_the_same_call(careless, session, setter, reader, value):
    """Passed together, a function that changes a global (it stays here) and a pure one that reads it:
    the pure one must see the change, as in-process, so neither travels."""
    careless.SCALE, careless.TABLE[:] = 1.0, 1.0
    session.begin_task(frozenset({VISIBLE}))
    try:
        assert session.call("first_then_second", (getattr(careless, setter), getattr(careless, reader), value),
                            {}) == value
    finally:
        careless.SCALE, careless.TABLE[:] = 1.0, 0.0


def test_a_pure_function_still_travels(careless, session):
    """The rules above refuse the stateful, not the pure: Day 41's own kind of function still runs in the
    worker."""
    assert shareable(careless.pure, frozenset({VISIBLE}))
    session.begin_task(frozenset({VISIBLE}))
    assert session.call("kind", (careless.pure,), {}) == "function"


# ------------------------------------------------------------------- 1. hidden checks stay in the grader

SPY = '''

import functools as _functools
import types as _types

_RECEIVED, _DEPTH = [], [0]


def _real_function_in(value):
    if isinstance(value, _types.FunctionType):
        return True
    if isinstance(value, (list, tuple)):
        return any(_real_function_in(v) for v in value)
    if isinstance(value, dict):
        return any(_real_function_in(v) for v in value.values())
    return False


def _spied(function):
    @_functools.wraps(function)
    def spied(*args, **kwargs):
        if _DEPTH[0] == 0:
            _RECEIVED.append(_real_function_in(list(args)) or _real_function_in(kwargs))
        _DEPTH[0] += 1
        try:
            return function(*args, **kwargs)
        finally:
            _DEPTH[0] -= 1
    return spied


for _name, _value in list(globals().items()):
    if isinstance(_value, _types.FunctionType) and not _name.startswith("_"):
        globals()[_name] = _spied(_value)


def spy_received():
    return list(_RECEIVED)
'''


@pytest.mark.parametrize("day", ["day_40", "day_41", "day_45"])
def test_a_spy_gets_real_functions_from_visible_checks_only(day):
    """The reference with a spy around every task: each call records whether any real function (not a
    stand-in) came in. Here, each call is known to come from a visible or a hidden check; no hidden
    check's call may bring one, and the visible ones do (the spy sees them)."""
    source = (COURSE.root / "solutions" / f"{day}.py").read_text() + SPY
    checks = load_checks(COURSE, day)
    assert any(c.hidden for c in checks)
    made = Session([(f"{day}.py", source)], f"{day}.py", Limits(task_seconds=30))
    phase, hidden_now = [], [False]

    def before_task(**shared):
        hidden_now[0] = "shared" not in shared
        made.begin_task(**shared)

    def watched(proxy):
        def call(*args, **kwargs):
            phase.append(hidden_now[0])
            return proxy(*args, **kwargs)
        return call

    try:
        functions = {name: watched(proxy) for name, proxy in made.functions().items()}
        results = grade_functions(load_day(COURSE, day), checks, functions, day, before_task=before_task)
        made.begin_task()
        received = made.call("spy_received", (), {})
    finally:
        made.close()
    assert all(r.status is Status.PASS for r in results), [(r.task, r.message) for r in results]
    assert len(received) == len(phase)
    assert any(phase) and any(got for got, hidden in zip(received, phase, strict=True) if not hidden)
    assert [i for i, (got, hidden) in enumerate(zip(received, phase, strict=True)) if got and hidden] == []


def test_a_hidden_checks_helper_of_the_visible_file_is_not_the_visible_modules_own():
    """Day 41's hidden checks call quadratic_gradient, the visible file's helper, with their own matrices:
    what they make belongs to the file as the hidden module imported it, never to the module the visible
    checks run from, so it is not shareable even while a visible check runs."""
    checks = load_checks(COURSE, "day_41")
    visible = next(c.function for c in checks if not c.hidden).__module__
    hidden = sys.modules[next(c.function for c in checks if c.hidden).__module__]
    secret = hidden.quadratic_gradient(np.diag([7.0, 3.0]))
    assert secret.__module__ != visible
    assert not shareable(secret, frozenset({visible}))
    assert shareable(sys.modules[visible].quadratic_gradient(np.diag([7.0, 3.0])), frozenset({visible}))


def test_no_visible_phase_outlives_its_task(careless):
    """A task whose visible check fails gets no hidden check; the next hidden check, and the diagnosis that
    follows (begin_task with no modules), share nothing."""
    day = types.SimpleNamespace(slug="day_97", tasks=[types.SimpleNamespace(name="kind", points=1),
                                                      types.SimpleNamespace(name="keep", points=1)])
    hidden_module = module(HIDDEN, "import numpy as np\n")
    seen = {}

    def make(where, task, f, hidden, outcome=None):
        def check(function):
            seen[(where, task)] = function(f)
            if outcome is not None and seen[(where, task)] != outcome:
                from daykit.checks import fail

                fail("not the kind expected", "not the kind expected")
        check.__module__ = where
        return Check(f"test_{task}{'_hidden' if hidden else ''}", (task,), check, hidden)

    secret = eval("lambda x: 2 * x", hidden_module.__dict__)
    checks = [make(VISIBLE, "kind", careless.pure, False, outcome="no such kind"),
              make(VISIBLE, "keep", careless.pure, False),
              make(HIDDEN, "kind", careless.pure, True),
              make(HIDDEN, "keep", careless.pure, True), make(HIDDEN, "keep", secret, True)]
    made = Session([("student.py", STUDENT)], "student.py", LIMITS)
    try:
        results = grade_functions(day, checks, made.functions(), "student.py", before_task=made.begin_task)
        made.begin_task()
        after = made.call("kind", (careless.pure,), {})
    finally:
        made.close()
    assert [r.status for r in results] == [Status.FAIL, Status.PASS]
    assert seen == {(VISIBLE, "kind"): "function", (VISIBLE, "keep"): "function", (HIDDEN, "keep"): "StandIn"}
    assert after == "StandIn"


def test_functions_a_hidden_check_builds_never_travel(careless, session):
    """functools.partial of a visible function with hidden arguments, a visible function with a hidden
    default or closed over a hidden function: none is shareable, whatever the phase."""
    import functools

    hidden_module = module(HIDDEN, "import numpy as np\ndef secret(x):\n    return 7.0 * x\n")
    shared = frozenset({VISIBLE})
    assert not shareable(functools.partial(careless.pure), shared)
    outer = eval("lambda f: (lambda x: f(x))", careless.__dict__)  # a closure of the visible module's
    assert not shareable(outer(hidden_module.secret), shared)
    assert shareable(outer(careless.pure), shared)
    over_closure = eval("lambda g: (lambda x: g(x) + 1)", careless.__dict__)
    assert not shareable(over_closure(outer(hidden_module.secret)), shared)
    with_default = eval("lambda g: (lambda x, g=g: g(x))", careless.__dict__)
    assert not shareable(with_default(hidden_module.secret), shared)
    assert shareable(with_default(careless.pure), shared)
    session.begin_task(shared)
    assert session.call("kind", (functools.partial(careless.pure),), {}) == "StandIn"
    assert session.call("kind", (outer(hidden_module.secret),), {}) == "StandIn"


def test_a_function_kept_from_a_visible_call_holds_nothing_of_a_hidden_one(careless, session):
    """The student keeps the shared function and calls it in a later (hidden) call: it runs on its own,
    visible, data; a stand-in kept from a hidden call reaches nothing later."""
    session.begin_task(frozenset({VISIBLE}))
    assert session.call("keep", (careless.pure,), {}) == "function"
    session.begin_task()
    assert session.call("keep", (lambda x: 7.0 * x,), {}) == "StandIn"
    with pytest.raises(Exception, match="RuntimeError"):
        session.call("call_kept", (0.5,), {})
    session.begin_task()
    assert session.call("call_n", (careless.pure, 1), {}) == [0.0]


# ----------------------------------------------------------------------------------- 3. one verdict

PLAYFUL = {
    # keeps every function it gets and, on later calls, calls the kept ones too (pure: no change)
    "keeps": '''
_KEPT = []
def _play(f):
    _KEPT.append(f)
    for g in _KEPT[:-1]:
        try:
            g(1.0)
        except Exception:
            pass
    return f
''',
    # calls them with NumPy's floating-point warnings turned into errors
    "raises_on_overflow": '''
import numpy as _np
def _play(f):
    def strict(*args, **kwargs):
        with _np.errstate(all="raise"):
            return f(*args, **kwargs)
    return strict
''',
    # sets a real function's closure and defaults to garbage after calling it once
    "spoils_after_use": '''
def _play(f):
    def spoiled(*args, **kwargs):
        value = f(*args, **kwargs)
        for cell in getattr(f, "__closure__", None) or ():
            try:
                cell.cell_contents = None
            except Exception:
                pass
        try:
            f.__defaults__ = None
        except Exception:
            pass
        return value
    return spoiled
''',
}

WRAP = '''
import types as _types


def _wrapped(function):
    def call(*args, **kwargs):
        return function(*[_play(a) if callable(a) else a for a in args], **kwargs)
    call.__name__ = function.__name__
    return call


for _name, _value in list(globals().items()):
    if isinstance(_value, _types.FunctionType) and not _name.startswith("_"):
        globals()[_name] = _wrapped(_value)
'''


@pytest.mark.parametrize("day", ["day_41", "day_45"])
@pytest.mark.parametrize("play", sorted(PLAYFUL))
def test_one_verdict_when_the_code_plays_with_the_functions_it_gets(day, play, tmp_path):
    """The visible checks, in-process (as pytest runs them) and through the grader, judge the same."""
    path = tmp_path / f"{day}.py"
    path.write_text((COURSE.root / "solutions" / f"{day}.py").read_text() + PLAYFUL[play] + WRAP)
    visible = [c for c in load_checks(COURSE, day) if not c.hidden]
    model = load_day(COURSE, day)
    namespace, _ = load_target(path, f"daykit_shared_attack_{day}_{play}")
    here = grade_functions(model, visible, callables(namespace), str(path))
    made = Session([(path.name, path.read_text())], path.name, Limits(task_seconds=30))
    try:
        there = grade_functions(model, visible, made.functions(), str(path), before_task=made.begin_task)
    finally:
        made.close()
    assert [(r.task, r.status) for r in there] == [(r.task, r.status) for r in here]
