"""Helpers that every day's checks are written with.

A check is a plain function whose parameters are named after the tasks it calls, for example
``def test_symbolic_derivative(symbolic_derivative): ...``.  The same check runs in three places:
under pytest against a module, inside a notebook's test cell, and in the grader, where each task is
a proxy to a worker process and only plain data comes back.  The helpers below therefore judge plain
data (numbers, NumPy arrays, SymPy expressions, tuples) and never trust the object they are given.

This module is inlined into every generated notebook, so it imports nothing but the standard library,
NumPy and SymPy.

A failed check raises ``CheckFailure``.  Its ``detail`` describes the call, what came back and what
was expected; its ``kind`` says the same without any value, and is all a hidden check ever shows.
"""

import functools
import inspect
import math
import types

import numpy as np
import sympy as sp

EPS = float(np.finfo(float).eps)
NOT_STARTED = "not started"
SHARED_NAMES = "_daykit_check_names"  # a notebook's snapshot of the checks' names, made by its setup cell


class CheckFailure(AssertionError):
    """A check that did not pass: ``detail`` may show values, ``kind`` never does."""

    def __init__(self, detail, kind=None):
        super().__init__(detail)
        self.detail = detail
        self.kind = kind or detail


class NotStarted(Exception):
    """A task whose function still raises NotImplementedError."""


def describe(value, limit=120):
    """A short description of a value for a message: its type and a clipped repr."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=8, threshold=12)
        shown = f"array {text} (shape {value.shape}, dtype {value.dtype})"
    else:
        try:
            text = repr(value)
        except Exception:  # a hostile __repr__ must not break the message
            text = "<unprintable>"
        shown = f"{text} ({type(value).__name__})"
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def fail(detail, kind=None):
    raise CheckFailure(detail, kind)


# ----------------------------------------------------------------------------------------- shapes


def expect_tuple(got, length, *, call):
    """The result must be a tuple (or list) of ``length`` items; returns it as a tuple."""
    if not isinstance(got, (tuple, list)) or len(got) != length:
        fail(
            f"{call} should return a tuple of {length} items; it returned {describe(got)}.",
            f"the result should be a tuple of {length} items",
        )
    return tuple(got)


def expect_number(got, *, call, what="the result"):
    """A real, finite number (Python or NumPy scalar, or a 0-d array); returns it as a float."""
    if isinstance(got, np.ndarray) and got.shape == ():
        got = got[()]
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer, np.floating)):
        fail(
            f"{call}: {what} should be a real number; it is {describe(got)}.",
            f"{what} should be a real number",
        )
    value = float(got)
    if not math.isfinite(value):
        fail(f"{call}: {what} is {value}, not a finite number.", f"{what} is not finite")
    return value


def expect_array(got, shape, *, call, what="the result"):
    """A NumPy array of real numbers with the given shape (None matches any length); as floats."""
    if not isinstance(got, np.ndarray):
        fail(
            f"{call}: {what} should be a NumPy array of shape {shape}; it is {describe(got)}. "
            "Build it with np.array(...).",
            f"{what} should be a NumPy array",
        )
    if got.dtype.kind not in "iuf":
        fail(
            f"{call}: {what} should hold real numbers; its dtype is {got.dtype}.",
            f"{what} should hold real numbers",
        )
    if len(got.shape) != len(shape) or any(s is not None and s != g for s, g in zip(shape, got.shape, strict=False)):
        wanted = tuple("any" if s is None else s for s in shape)
        fail(
            f"{call}: {what} should have shape {wanted}; it has shape {got.shape}.",
            f"{what} has the wrong shape",
        )
    values = got.astype(float)
    if not np.all(np.isfinite(values)):
        fail(f"{call}: {what} contains inf or nan: {describe(got)}.", f"{what} is not finite")
    return values


def expect_expr(got, *, call, what="the result"):
    """A SymPy expression (plain numbers are accepted as constants); returns it as ``sp.Expr``."""
    if isinstance(got, str):
        fail(
            f"{call}: {what} should be a SymPy expression, not the string {got!r}. "
            "Build it from a symbol, for example x = sp.Symbol('x').",
            f"{what} should be a SymPy expression, not a string",
        )
    if isinstance(got, (int, float)) and not isinstance(got, bool):
        got = sp.sympify(got)
    if not isinstance(got, sp.Expr):
        fail(
            f"{call}: {what} should be a SymPy expression; it is {describe(got)}.",
            f"{what} should be a SymPy expression",
        )
    return got


# ------------------------------------------------------------------------------------- mathematics


def plain_symbols(expr):
    """The expression with every symbol replaced by a plain ``Symbol`` of the same name.

    Variables are matched by name whatever their assumptions: ``Symbol('x', real=True)`` is x.
    """
    return expr.xreplace({s: sp.Symbol(s.name) for s in expr.free_symbols if isinstance(s, sp.Symbol)})


def equivalent(got, expected, *, samples=12, seed=20260):
    """Whether two expressions are mathematically equal: simplify the difference, then sample it.

    A difference that simplifies to zero is equal.  Otherwise the difference is evaluated at random
    points; one point where it is clearly non-zero proves them different, and agreement at every
    sampled point is accepted (SymPy's simplify does not always find zero for equal forms).
    The answer depends on the expressions alone, so it is remembered.
    """
    return _equivalent(plain_symbols(got), plain_symbols(expected), samples, seed)


@functools.lru_cache(maxsize=4096)
def _equivalent(got, expected, samples, seed):
    diff = got - expected
    try:
        if sp.count_ops(diff) <= 400 and sp.simplify(diff) == 0:
            return True
    except Exception:
        pass
    symbols = sorted(diff.free_symbols, key=lambda s: s.name)
    rng = np.random.default_rng(seed)
    agreed = 0
    for _ in range(samples * 4):
        point = {s: sp.Float(rng.uniform(-2.5, 2.5)) for s in symbols}
        try:
            d = complex(diff.xreplace(point).evalf(30))
            scale = abs(complex(expected.xreplace(point).evalf(30)))
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if not (math.isfinite(abs(d)) and math.isfinite(scale)):
            continue
        if abs(d) > 1e-9 * max(1.0, scale):
            return False
        agreed += 1
        if agreed >= samples:
            return True
    return agreed > 0


def expect_equivalent(got, expected, *, call, what="the result", variables=None):
    """``got`` must be a SymPy expression equal to ``expected`` in any form.

    ``variables`` names the symbols the answer may use (default: those of ``expected``). Returns the
    answer with plain symbols, so that later steps (``sp.diff(answer, x)``) match variables by name.
    """
    got = expect_expr(got, call=call, what=what)
    allowed = set(variables) if variables is not None else {s.name for s in expected.free_symbols}
    extra = sorted({s.name for s in got.free_symbols} - allowed)
    if extra:
        fail(
            f"{call}: {what} uses the variable(s) {', '.join(extra)}; it should be written in "
            f"{', '.join(sorted(allowed)) or 'no variable'} only. Got {describe(got)}.",
            f"{what} uses the wrong variable(s)",
        )
    if not equivalent(got, expected):
        fail(
            f"{call}: {what} is {got}, which is not equal to the expected {expected}.",
            f"{what} is not the expected expression",
        )
    return plain_symbols(got)


def expect_close(got, expected, *, tol, call, what="the result", why=""):
    """Numbers or arrays equal to ``expected`` within the absolute tolerance ``tol``.

    ``tol`` is a number or an array matching ``expected``; ``why`` says where it comes from.
    """
    expected = np.asarray(expected, dtype=float)
    if expected.shape == ():
        values = np.asarray(expect_number(got, call=call, what=what))
    else:
        values = expect_array(got, expected.shape, call=call, what=what)
    error = np.abs(values - expected)
    if np.any(error > tol):
        reason = f" ({why})" if why else ""
        fail(
            f"{call}: {what} is {describe(got)}; expected about "
            f"{describe(float(expected) if expected.shape == () else expected)}, "
            f"within {np.max(tol):.3g}{reason}. The largest error is {np.max(error):.3g}.",
            f"{what} is off by more than the tolerance{reason}",
        )
    return values


def expect_raises(error, function, *args, call, what="the call", with_message=False, **kwargs):
    """Calling ``function(*args, **kwargs)`` must raise ``error`` (a class or a tuple of them).

    With ``with_message``, the exception must also say something (``raise ValueError("n must be
    even")``, not a bare ``raise ValueError``). Works the same in-process and through the grader, whose
    proxy raises the student's exception as its built-in kind with the student's own message.
    """
    names = " or ".join(e.__name__ for e in (error if isinstance(error, tuple) else (error,)))
    try:
        got = function(*args, **kwargs)
    except error as raised:
        said = getattr(raised, "student_message", None)
        if with_message and not str(raised if said is None else said).strip():
            fail(f"{call} raised {names} with no message; say what is wrong, for example "
                 f"raise {names.split()[0]}(\"...\").", f"{what} raised {names} with no message")
        return raised
    fail(f"{call} should raise {names}; it returned {describe(got)}.", f"{what} should raise {names}")


def expect_true(condition, detail, kind=None):
    """A condition the check computed itself; ``detail`` explains it when it does not hold."""
    if not condition:
        fail(detail, kind)


def finite_difference_tolerance(step, second=0.0, third=0.0, scale=1.0, safety=4.0):
    """The error a forward, backward or central difference with ``step`` may show, times ``safety``.

    Forward and backward differences are off by about h·|f''|/2, a central one by h²·|f'''|/6;
    rounding adds about eps·|f|/h.  ``second``, ``third`` and ``scale`` bound |f''|, |f'''| and |f|.
    """
    h = abs(step)
    truncation = h * np.abs(second) / 2 + h * h * np.abs(third) / 6
    rounding = 4 * EPS * np.abs(scale) / h
    return safety * (truncation + rounding) + 1e-12


# --------------------------------------------------------------------------------------- running


def task_names(check):
    """The tasks a check calls: its parameter names, first one the task it belongs to."""
    return list(inspect.signature(check).parameters)


def _unstarted(traceback, names):
    """The task among ``names`` whose function raised NotImplementedError (the innermost one)."""
    found = names[0]
    while traceback is not None:
        if traceback.tb_frame.f_code.co_name in names:
            found = traceback.tb_frame.f_code.co_name
        traceback = traceback.tb_next
    return found


def _shielded(check, namespace):
    """The check with the names of the checks' setup taking precedence over the notebook's own, so that a
    student's ``x = 2.0`` in a later cell cannot change what a check means by ``x``."""
    shared = namespace.get(SHARED_NAMES)
    if not isinstance(shared, dict):
        return check
    scope = {**namespace, **shared}
    return types.FunctionType(check.__code__, scope, check.__name__, check.__defaults__, check.__closure__)


def run_checks(namespace, *checks, quiet=False, hidden=False):
    """Run checks against the functions named in ``namespace`` (a notebook's globals).

    Raises the first failure with the same message as ``pytest``, naming the task: ``NotStarted`` for
    a task that still raises NotImplementedError, ``CheckFailure`` for a wrong answer (without the
    helpers' frames); the student's own exceptions pass through with their traceback. Unless
    ``quiet``, prints a line when every check passed. Failed ``hidden`` checks say only what kind of
    thing failed, never their input or expected value.
    """
    for check in checks:
        names = task_names(check)
        missing = [n for n in names if not callable(namespace.get(n))]
        if missing:
            fail(f"There is no function {missing[0]} to check: run the cell that defines it (above this one), "
                 "then run this cell again.")
        try:
            _shielded(check, namespace)(*[namespace[n] for n in names])
        except (NotImplementedError, NotStarted) as exc:
            culprit = _unstarted(exc.__traceback__, names)
            first = "" if culprit == names[0] else f"{names[0]} is checked with {culprit}, and "
            raise NotStarted(
                f"{first}{culprit} is {NOT_STARTED}: replace `raise NotImplementedError()` in its cell with "
                "your code, run that cell, then this one."
            ) from None
        except CheckFailure as failure:
            if hidden:
                raise CheckFailure(f"a hidden check of {names[0]} failed: {failure.kind}.") from None
            raise CheckFailure(failure.detail, failure.kind) from None
    if not (quiet or hidden):
        print(f"{task_names(checks[0])[0]}: {len(checks)} visible check(s) passed.")
