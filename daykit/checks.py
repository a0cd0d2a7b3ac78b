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

A failed visible check of a task with known mistakes also says which one the task's code seems to make,
where its behaviour on the visible checks' calls fits exactly one (see "known mistakes" below; the
instructor's side, which records the variants' behaviour, is daykit.checking.library).
"""

import cmath
import contextlib
import copy
import hashlib
import inspect
import io
import json
import math
import secrets
import textwrap
import types
import warnings
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

EPS = float(np.finfo(float).eps)
NOT_STARTED = "not started"
SHARED_NAMES = "_daykit_check_names"  # a notebook's snapshot of the checks' names, made by its setup cell


MESSAGE_WIDTH = 78  # nbgrader validate cuts every line of an error at 87 characters, its indent included


def _message_lines(exc):
    """A check's failure as IPython shows it (``_render_traceback_``): the message alone, first and last,
    no frame of the kit, wrapped so that no line is cut where it is shown (``nbgrader validate``)."""
    lines = []
    for paragraph in f"{type(exc).__name__}: {exc}".splitlines():
        lines += textwrap.wrap(paragraph, MESSAGE_WIDTH, break_on_hyphens=False) or [""]
    return lines


class CheckFailure(AssertionError):
    """A check that did not pass: ``detail`` may show values, ``kind`` never does."""

    def __init__(self, detail, kind=None):
        super().__init__(detail)
        self.detail = detail
        self.kind = kind or detail

    _render_traceback_ = _message_lines


class NotStarted(Exception):
    """A task whose function still raises NotImplementedError."""

    _render_traceback_ = _message_lines


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
    __tracebackhide__ = True  # IPython and pytest leave this helper's frame out of tracebacks
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
    got = np.asarray(got)  # a plain ndarray of its data, as the grader receives it: no subclass method judges
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


# How large an expression may be before it is compared (see ``measure``). The course's answers are a few
# dozen nodes of degree below ten; these bounds keep every comparison to a fraction of a second.
MAX_NODES = 4000  # nodes of the expression tree, counted as written (an unevaluated sum counts every term)
MAX_DEGREE = 1000  # the degree in the variables once powers of powers are combined: x**(10**8) is refused
MAX_EXPONENT = 1000  # a constant exponent of an expression with variables
MAX_BITS = 100_000  # the size of a constant once computed: 10**(10**6) is refused before anything computes it
MAX_TOWER = 2  # powers with variable exponents nested in one another: x**(x**x) is the most accepted
EXACT_TERMS = 5000  # at most this many terms once expanded: compare exactly as rational functions

DEFAULT_SEED = 20260
_SAMPLING = {"seed": DEFAULT_SEED}


def sampling_seed(seed=None):
    """Set the seed of the points ``equivalent`` samples; returns the previous one.

    ``None`` draws an unpredictable seed: the grader does so once per run, so that no answer can be made
    to agree at the points it will sample. pytest and notebooks keep the fixed ``DEFAULT_SEED``.
    """
    previous = _SAMPLING["seed"]
    _SAMPLING["seed"] = secrets.randbits(64) if seed is None else int(seed)
    return previous


class TooLarge(CheckFailure):
    """An expression too large to compare within the checks' budget (a failed check, not an error)."""

    def __init__(self, reason):
        super().__init__(f"the answer is too large to compare: {reason}", "the answer is too large to compare")
        self.reason = reason


def _number(x):
    """|x| as a float for a SymPy number small enough to be one, else infinity."""
    try:
        return abs(float(x))
    except (TypeError, OverflowError, ValueError):
        return math.inf


class _Size:
    """What ``measure`` finds of a subexpression.

    ``degree``: its degree in the variables once powers of powers are combined (a bound);
    ``tower``: how deeply variable exponents nest in it; ``bits``: a bound of the size, in bits, of the
    exact numbers that evaluating it computes; ``exact``: whether it is a constant built of rational
    numbers with +, × and powers (and so becomes a rational number when evaluated, of at most ``bits``
    bits in numerator and denominator); ``constant``: whether it has no variable.
    """

    __slots__ = ("degree", "tower", "bits", "exact", "constant")

    def __init__(self, degree=0.0, tower=0, bits=0.0, exact=False, constant=True):
        self.degree, self.tower, self.bits, self.exact, self.constant = degree, tower, bits, exact, constant


def _magnitude(exponent, size):
    """A bound of |exponent| for a constant exponent (infinity when there is none to be had cheaply)."""
    if exponent.is_Number:
        return _number(exponent)
    if size.exact:
        return 2.0 ** min(size.bits, 1000.0)
    if exponent.is_NumberSymbol:
        return 4.0
    if size.tower == 0:  # no exponential inside: its value is cheap to compute
        return _number(exponent.evalf(15))
    return math.inf


def _power(base, exponent, size):
    """The size of base**exponent, from the base's size and the exponent (with its size)."""
    evaluates = exponent.is_Number or size.exact  # base**exponent is computed, not kept as a power
    tower = base.tower
    if not (evaluates or exponent.is_NumberSymbol):  # an exponential: x**x, 2**x, E**(1 + pi)
        tower = max(base.tower, size.tower) + 1
        if tower > MAX_TOWER:
            raise TooLarge(f"it nests powers with variable exponents more than {MAX_TOWER} deep")
        if not size.constant:
            return _Size(base.degree + size.degree, tower, base.bits + size.bits, constant=False)
    magnitude = _magnitude(exponent, size)
    if not base.constant and magnitude > MAX_EXPONENT:
        raise TooLarge(f"it raises an expression to a power larger than {MAX_EXPONENT}")
    bits = base.bits * magnitude if evaluates and base.bits else base.bits
    return _Size(base.degree * magnitude if base.degree else 0.0, tower, bits,
                 exact=base.exact and evaluates, constant=base.constant)


def _measure(expr, memo):
    known = memo.get(expr)
    if known is not None:
        return known
    if isinstance(expr, sp.Symbol):
        size = _Size(degree=1.0, constant=False)
    elif expr.is_Rational:
        size = _Size(bits=float(max(abs(expr.p).bit_length(), expr.q.bit_length())), exact=True)
    elif expr.is_Number or expr.is_NumberSymbol or expr is sp.I:
        size = _Size()  # a float (computed at fixed precision) or a constant kept as a symbol
    elif expr.is_Pow or isinstance(expr, sp.exp):
        base, exponent = expr.args if expr.is_Pow else (sp.E, expr.args[0])
        size = _power(_measure(base, memo), exponent, _measure(exponent, memo))
    else:
        parts = [_measure(arg, memo) for arg in expr.args]
        degrees = [p.degree for p in parts]
        size = _Size(
            degree=sum(degrees) if expr.is_Mul else max(degrees, default=0.0),
            tower=max((p.tower for p in parts), default=0),
            bits=sum(p.bits for p in parts),
            exact=(expr.is_Add or expr.is_Mul) and all(p.exact for p in parts),
            constant=all(p.constant for p in parts),
        )
    if size.degree > MAX_DEGREE:
        raise TooLarge(f"its degree is over {MAX_DEGREE}")
    if size.bits > MAX_BITS:
        raise TooLarge(f"it computes a number of more than {MAX_BITS:,} bits")
    memo[expr] = size
    return size


def measure(expr):
    """Refuse an expression too large to compare, before any symbolic work: ``TooLarge`` says why.

    Counts the tree's nodes as written (with a stop, so a sum of a million unevaluated terms costs
    nothing), then bounds what evaluating it could build: the degree once powers of powers are
    combined, the size of every constant, and how deeply variable exponents nest.
    """
    if not isinstance(expr, sp.Basic):
        return _Size()
    for count, _node in enumerate(sp.preorder_traversal(expr), start=1):
        if count > MAX_NODES:
            raise TooLarge(f"it has more than {MAX_NODES} parts")
    try:
        return _measure(expr, {})
    except RecursionError:
        raise TooLarge("it is nested too deeply") from None


def _exact_rational(expr):
    """Whether ``expr`` is built from symbols and rational numbers with +, × and integer powers."""
    if expr.is_Symbol or expr.is_Rational:
        return True
    if expr.is_Pow:
        return expr.args[1].is_Integer and _exact_rational(expr.args[0])
    if expr.is_Add or expr.is_Mul:
        return all(_exact_rational(arg) for arg in expr.args)
    return False


def _expanded_terms(expr, degree, variables):
    """An upper bound of the number of terms of ``expr`` once expanded (numerator and denominator): the
    monomials of its degree in its variables, or fewer if its sums and products say so."""
    monomials = 2 * math.comb(int(degree) + variables, variables)
    return min(_terms(expr), monomials)


def _terms(expr):
    if expr.is_Add:
        return sum(_terms(arg) for arg in expr.args)
    if expr.is_Mul:
        return math.prod(_terms(arg) for arg in expr.args)
    if expr.is_Pow:
        inner, power = _terms(expr.args[0]), abs(int(expr.args[1]))
        if inner > EXACT_TERMS or power > 4 * EXACT_TERMS:
            return math.inf
        return math.comb(power + inner - 1, inner - 1) if inner > 1 else 1
    return 1


def _sample_points(symbols, seed, count):
    """``count`` points for ``symbols``: each coordinate, with equal chance, uniform in [-3, 3] or
    ±10**u with u uniform in [-2, 1.5], so that negatives, small and large values are all tried."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        point = {}
        for symbol in symbols:
            if rng.random() < 0.5:
                value = rng.uniform(-3.0, 3.0)
            else:
                value = rng.choice([-1.0, 1.0]) * 10 ** rng.uniform(-2.0, 1.5)
            point[symbol] = sp.Float(float(value), 40)
        yield point


def _value(expr, point):
    """The expression's value at a point as a finite complex number, or None (undefined, infinite)."""
    try:
        value = complex(expr.xreplace(point).evalf(30))
    except Exception:  # noqa: BLE001 - whatever SymPy cannot evaluate there has no value there
        return None
    return value if cmath.isfinite(value) else None


def equivalent(got, expected, *, samples=24, seed=None):
    """Whether two expressions are mathematically equal (variables matched by name).

    Raises ``TooLarge`` for an expression too large to compare (see ``measure``). Where both are
    rational functions with rational coefficients, they are compared exactly (their difference in the
    field of rational functions, ``sp.field``). Otherwise
    they are compared at ``samples`` random points (from ``seed``, or the one ``sampling_seed`` set):
    every point where the expected value is finite must agree within 1e-9 (relative), and a point where
    the expected value is finite but the answer is not (undefined, infinite, or complex where the
    expected value is real) proves them different. Only where too few points have a finite expected
    value does a bounded ``sp.simplify`` of the difference decide.
    """
    degree = max(measure(got).degree, measure(expected).degree)
    got, expected = plain_symbols(got), plain_symbols(expected)
    seed = _SAMPLING["seed"] if seed is None else seed
    key = (got, expected, samples, seed)
    if key not in _PROVED:
        if len(_PROVED) > 4096:
            _PROVED.clear()
        _PROVED[key] = _equivalent(got, expected, samples, seed, degree)
    return _PROVED[key]


_PROVED = {}  # what equivalent() decided, by its arguments: the checks compare the same pairs again


# Functions that make an expression piecewise: an answer may agree with a smooth expected expression
# wherever the points fall and differ on a piece that they miss (Heaviside(x - 50)*x**5).
PIECEWISE = (sp.Heaviside, sp.Max, sp.Min, sp.Abs, sp.sign, sp.Piecewise)


def _pieces(expr, symbol):
    """An expression in one variable, built with the functions of PIECEWISE, as its pieces on the real
    line: [(expression, the set where it holds)], or None where the pieces cannot be worked out."""
    real = sp.Dummy(symbol.name, real=True)
    try:
        folded = sp.piecewise_fold(expr.xreplace({symbol: real}).rewrite(sp.Piecewise))
        if not isinstance(folded, sp.Piecewise):
            return [(folded.xreplace({real: symbol}), sp.S.Reals)]
        pieces, rest = [], sp.S.Reals
        for piece, condition in folded.args:
            where = rest if condition is sp.true else condition.as_set().intersect(rest)
            rest = rest - where
            pieces.append((piece.xreplace({real: symbol}), where))
        return pieces
    except Exception:  # noqa: BLE001 - conditions SymPy cannot solve: the points alone judge
        return None


def _points_in(where, seed, count):
    """Up to ``count`` random points of a set of the real line made of intervals, spread like
    _sample_points (near the ends, and far along an unbounded side); None for any other kind of set."""
    intervals = where.args if isinstance(where, sp.Union) else (where,)
    if not all(isinstance(i, sp.Interval) for i in intervals):
        return None
    rng = np.random.default_rng(seed)
    points = []
    for _ in range(count):
        interval = intervals[rng.integers(len(intervals))]
        low, high = float(interval.start), float(interval.end)
        offset = 10 ** rng.uniform(-2.0, 3.0) if rng.random() < 0.5 else rng.uniform(0.0, 3.0)
        if math.isinf(low) and math.isinf(high):
            value = rng.choice([-1.0, 1.0]) * offset
        elif math.isinf(high):
            value = low + offset
        elif math.isinf(low):
            value = high - offset
        else:
            value = rng.uniform(low, high)
        if value in interval:
            points.append(value)
    return points


def _piece_agrees(piece, expected, symbol, where, samples, seed, degree):
    """Whether a piece of an answer equals the expected expression where the piece holds."""
    if where.measure == 0:
        return True  # a point or nothing: no interval on which the two could differ
    if _equivalent(piece, expected, samples, seed, degree):
        return True  # equal everywhere, so on its part of the line too
    points = _points_in(where, seed, samples * 4)
    if points is None:
        return False
    agreed = 0
    for value in points:
        point = {symbol: sp.Float(value, 40)}
        want = _value(expected, point)
        if want is None:
            continue
        have = _value(piece, point)
        if have is None or abs(have - want) > 1e-9 * max(1.0, abs(want)):
            return False
        agreed += 1
    return agreed > 0


def _equivalent(got, expected, samples, seed, degree):
    symbols = sorted(got.free_symbols | expected.free_symbols, key=lambda s: s.name)
    if len(symbols) == 1 and got.has(*PIECEWISE) and not expected.has(*PIECEWISE):
        # Each piece of the answer must equal the expected expression where that piece holds, tried at
        # points of its own part of the line, so that no piece can hide where the usual points fall short.
        pieces = _pieces(got, symbols[0])
        if pieces is not None:
            return all(
                not piece.has(*PIECEWISE) and _piece_agrees(piece, expected, symbols[0], where, samples, seed, degree)
                for piece, where in pieces
            )
    if _exact_rational(got) and _exact_rational(expected):
        terms = sum(_expanded_terms(e, degree, len(symbols)) for e in (got, expected))
        if terms <= EXACT_TERMS:  # equal as rational functions: their difference is zero in Q(symbols)
            try:
                if not symbols:
                    return sp.expand(got - expected) == 0
                return sp.field(symbols, sp.QQ)[0].from_expr(got - expected) == 0
            except Exception:  # noqa: BLE001 - a division by zero written unevaluated: sample it instead
                pass
    agreed = 0
    for point in _sample_points(symbols, seed, samples * 4):
        want = _value(expected, point)
        if want is None:
            continue
        have = _value(got, point)
        if have is None or abs(have - want) > 1e-9 * max(1.0, abs(want)):
            return False
        agreed += 1
        if agreed >= samples:
            return True
    difference = got - expected
    try:
        return sp.count_ops(difference) <= 200 and sp.simplify(difference) == 0
    except Exception:  # noqa: BLE001 - what cannot be simplified is not proved equal
        return False


def expect_equivalent(got, expected, *, call, what="the result", variables=None):
    """``got`` must be a SymPy expression equal to ``expected`` in any form (see ``equivalent``).

    ``variables`` names the symbols the answer may use (default: those of ``expected``). Returns the
    answer with plain symbols, so that later steps (``sp.diff(answer, x)``) match variables by name.
    An answer too large to compare fails the check.
    """
    got = expect_expr(got, call=call, what=what)
    try:
        measure(got)
    except TooLarge as exc:
        fail(f"{call}: {what} is too large to compare ({exc.reason}).", f"{what}: the answer is too large to compare")
    allowed = set(variables) if variables is not None else {s.name for s in expected.free_symbols}
    extra = sorted({s.name for s in got.free_symbols} - allowed)
    if extra:
        fail(
            f"{call}: {what} uses the variable(s) {', '.join(extra)}; it should be written in "
            f"{', '.join(sorted(allowed)) or 'no variable'} only. Got {describe(got)}.",
            f"{what} uses the wrong variable(s)",
        )
    try:
        same = equivalent(got, expected)
    except TooLarge as exc:
        fail(f"{call}: {what} is too large to compare ({exc.reason}).", f"{what}: the answer is too large to compare")
    if not same:
        fail(
            f"{call}: {what} is {describe(got, 300)}, which is not equal to the expected {expected}.",
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
    __tracebackhide__ = True
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
    __tracebackhide__ = True
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


# ---------------------------------------------------------------------------------- known mistakes
#
# What pytest, ``daykit check`` and a notebook's test cells need to name a known mistake from the visible
# checks alone. A day's table (made by daykit.checking.library from the reference and the known-wrong
# variants, trusted code a student never gets) keeps, for each task, the visible calls that tell its known
# mistakes apart and, on each, every mistake's outcome as a salted hash (``fingerprint``), so that no value
# can be read back from it. A failing task is called once more by its visible checks; where its outcomes
# hash as one mistake's on every such call, and as no other's, that mistake is named in its author's words.

RTOL, ATOL = 1e-6, 1e-7  # how close two numbers must be to count as the same behaviour
AS_REFERENCE = "as the reference"  # a variant that does what the reference does on a call (its value not kept)
MISTAKES = "_daykit_mistakes"  # a notebook's table of known mistakes, made by its setup cell


@dataclass(frozen=True)
class Outcome:
    """What a call did: ``kind`` is "value", "raises" (``value`` the built-in exception's name),
    "timeout", or "unstable" (a variant that did something else when called again: it matches nothing);
    ``changed`` the array arguments it modified, as (position or name, value after)."""

    kind: str
    value: object = None
    changed: tuple = ()


def _raised(exc):
    """The outcome of a call that raised ``exc``: its built-in kind, and whether it said nothing."""
    said = getattr(exc, "student_message", None)
    silent = not str(exc if said is None else said).strip()
    return Outcome("raises", _builtin_kind(exc) + (" with no message" if silent else ""))


def _snapshot(value):
    try:
        return copy.deepcopy(value)
    except Exception:  # noqa: BLE001 - what cannot be copied is kept as it is
        return value


class _Any:
    """A part of a result that changes from run to run even in the reference (a time measured): ignored."""

    def __repr__(self):
        return "<any>"


ANY = _Any()


def blinded(value, paths):
    """``value`` with the parts at ``paths`` (a frozenset of key and index paths) replaced by ANY."""
    if not paths:
        return value
    if () in paths:
        return ANY
    if isinstance(value, dict):
        return {k: blinded(v, frozenset(p[1:] for p in paths if p[0] == k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        items = [blinded(v, frozenset(p[1:] for p in paths if p[0] == i)) for i, v in enumerate(value)]
        return items if isinstance(value, list) else tuple(items)
    return value


def _is_number(value):
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _close(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= ATOL + RTOL * max(abs(a), abs(b))


def same_value(a, b):
    """Whether two results are the same answer, as the checks would judge them."""
    try:
        return _same(a, b)
    except Exception:  # noqa: BLE001 - what cannot be compared is not the same (a time budget is no Exception)
        return False


def _same(a, b):
    if a is ANY or b is ANY:
        return True
    if isinstance(a, sp.Basic) or isinstance(b, sp.Basic):
        if _is_number(a):
            a = sp.sympify(float(a))
        if _is_number(b):
            b = sp.sympify(float(b))
        if isinstance(a, sp.Expr) and isinstance(b, sp.Expr):
            try:
                return bool(equivalent(a, b))
            except TooLarge:
                return False
        return isinstance(a, sp.Basic) and isinstance(b, sp.Basic) and bool(a == b)
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        return (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase) and a.shape == b.shape
                and all(_same(x, y) for x, y in zip(a, b, strict=True)))
    if _is_number(a) and _is_number(b):
        return _close(float(a), float(b))
    if isinstance(a, (bool, np.bool_)) or isinstance(b, (bool, np.bool_)):
        return isinstance(a, (bool, np.bool_)) and isinstance(b, (bool, np.bool_)) and bool(a) == bool(b)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape:
            return False
        if a.dtype.kind in "iuf" and b.dtype.kind in "iuf":
            return bool(np.allclose(a.astype(float), b.astype(float), rtol=RTOL, atol=ATOL, equal_nan=True))
        return all(_same(x, y) for x, y in zip(a.ravel().tolist(), b.ravel().tolist(), strict=True))
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b, strict=True)))
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
                and all(_same(a[k], b[k]) for k in a))
    if callable(a) or callable(b):
        return callable(a) and callable(b)
    return type(a) is type(b) and bool(a == b)


_POINTS = (0.7, -1.3, 2.1)


def _digits(number):
    """A number to 6 significant digits, and 0 for any below 1e-9 (rounding's noise about zero)."""
    if not math.isfinite(number):
        return repr(number)
    return "0" if abs(number) < 1e-9 else f"{number:.6g}"


def _canonical(value):
    """A text for a value that is the same for the same answer (numbers to 6 significant digits,
    expressions by their values at fixed points)."""
    if value is ANY:
        return "any"
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if _is_number(value):
        return f"n{_digits(float(value))}"
    if isinstance(value, (bool, np.bool_)):
        return f"b{bool(value)}"
    if isinstance(value, sp.Expr):
        symbols = sorted(value.free_symbols, key=lambda s: s.name)
        values = []
        for shift, point in enumerate(_POINTS):
            at = {s: point + 0.37 * i + 0.11 * shift for i, s in enumerate(symbols)}
            try:
                number = complex(value.xreplace(at).evalf(20))
                values.append(f"{_digits(number.real)},{_digits(number.imag)}")
            except Exception:  # noqa: BLE001 - undefined there
                values.append("?")
        return f"e{[s.name for s in symbols]}[{';'.join(values)}]"
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iuf":
            return f"a{value.shape}[{','.join(_digits(float(x)) for x in value.ravel())}]"
        return f"a{value.shape}[{','.join(_canonical(x) for x in value.ravel().tolist())}]"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}[{','.join(_canonical(x) for x in value)}]"
    if isinstance(value, dict):
        return "d{" + ",".join(f"{k!r}:{_canonical(value[k])}" for k in sorted(value, key=repr)) + "}"
    if callable(value):
        return "callable"
    try:
        return f"{type(value).__name__}:{value!r}"[:200]
    except Exception:  # noqa: BLE001
        return type(value).__name__


def outcome_text(outcome):
    """An outcome as a canonical text: the same for the same behaviour."""
    return (f"{outcome.kind}:{_canonical(outcome.value) if outcome.kind == 'value' else outcome.value}"
            + "".join(f"/{w}={_canonical(v)}" for w, v in outcome.changed))


def fingerprint(outcome, salt):
    """An outcome as a salted hash of its canonical text: what a student's table keeps of a variant's
    outcome on a visible call, so that no value can be read back from it."""
    return hashlib.sha256(f"{salt}|{outcome_text(outcome)}".encode()).hexdigest()[:20]


def mistake_message(reason):
    """The words a student reads: what the code seems to do, and what to change."""
    return (f"It behaves like a known mistake: {reason.rstrip('.')}. "
            "Change that part of the code, then check again.")


@dataclass(frozen=True)
class Diagnosis:
    variant: str  # the variant's id (its slug)
    reason: str  # the variant's reason, in the author's words

    def as_dict(self):
        return {"variant": self.variant, "reason": self.reason}

    @property
    def message(self):
        return mistake_message(self.reason)


@contextlib.contextmanager
def _quiet():
    """Nothing the code prints or warns while it is diagnosed is shown (its calls may be hidden ones)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"), \
            contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


@dataclass
class VisibleTask:
    """What the student's tools need to diagnose one task from its visible checks: the telling visible
    calls (by key), the parts of their results ignored, and each diagnosable variant's reason and, on each
    of those calls, its outcome's salted hash (``fingerprint``), or AS_REFERENCE where it does what the
    reference does. No value is kept: neither the reference's nor a variant's can be read back."""

    task: str
    telling: list
    ignored: dict
    variants: dict  # slug -> {"reason": why, "outcomes": {key: fingerprint | AS_REFERENCE}}
    uses: list = field(default_factory=list)  # the other tasks it calls: while one fails, no diagnosis

    def salt(self, key):
        return f"{self.task}|{key}"

    def as_json(self):
        return {"task": self.task, "telling": self.telling, "ignored": self.ignored, "variants": self.variants,
                "uses": self.uses}

    @classmethod
    def from_json(cls, data):
        ignored = {str(k): [tuple(p) for p in v] for k, v in data["ignored"].items()}
        variants = {str(slug): {"reason": str(v["reason"]),
                                "outcomes": {str(k): str(o) for k, o in v["outcomes"].items()}}
                    for slug, v in data["variants"].items()}
        return cls(str(data["task"]), [str(k) for k in data["telling"]], ignored, variants,
                   [str(u) for u in data.get("uses", [])])

    def diagnose(self, observed):
        """The variant the observed calls (key -> (outcome, whether its check went past it)) fit alone.

        Where a variant does what the reference does, the student's call fits when the check went on
        past it (the student did what the reference does there too); elsewhere the outcomes must match."""
        keys = [k for k in self.telling if k in observed]
        if all(observed[k][1] for k in keys):
            return None  # no telling call failed: nothing to diagnose (the checks passed there)
        fits = []
        for slug, variant in self.variants.items():
            outcomes = variant["outcomes"]
            if all(outcomes[k] == AS_REFERENCE for k in keys):
                continue  # nothing observed tells this one from the reference
            if all(observed[k][1] if outcomes[k] == AS_REFERENCE
                   else fingerprint(observed[k][0], self.salt(k)) == outcomes[k] for k in keys):
                fits.append((slug, variant["reason"]))
        return Diagnosis(*fits[0]) if len(fits) == 1 else None


def _observing(function, check, keys, observed, ignored):
    """``function``, recording each call's outcome in ``observed`` under ``check#n``."""

    def recorded(*args, **kwargs):
        key = f"{check}#{len(keys)}"
        keys.append(key)
        before = _snapshot((args, kwargs))
        try:
            value = function(*args, **kwargs)
        except Exception as exc:
            observed[key] = (_raised(exc), True)
            raise
        changed = []
        for (where, old), new in zip([*enumerate(before[0]), *before[1].items()],
                                     [*args, *(kwargs[k] for k in before[1])], strict=True):
            if isinstance(old, (np.ndarray, list, dict)) and not same_value(old, new):
                changed.append((where, _snapshot(new)))
        paths = frozenset(tuple(p) for p in ignored.get(key, []))
        observed[key] = (Outcome("value", blinded(_snapshot(value), paths), tuple(changed)), True)
        return value

    recorded.__name__ = getattr(function, "__name__", "task")
    return recorded


def observe_checks(task, checks, functions, ignored=None):
    """Run ``checks`` (visible checks of ``task``: objects with ``name``, ``function`` and ``tasks``) on the
    student's ``functions``, recording the outcome of each call to ``task`` by key, and whether the check
    went on past it. A check stops at its first failure: calls after it are not observed."""
    observed = {}
    ignored = ignored or {}
    for check in checks:
        if check.tasks[0] != task or any(not callable(functions.get(n)) for n in check.tasks):
            continue
        keys = []
        recorded = _observing(functions[task], check.name, keys, observed, ignored)
        arguments = [recorded if name == task else functions[name] for name in check.tasks]
        try:
            with _quiet():
                check.function(*arguments)
        except Exception:  # noqa: BLE001 - the check failed: its last call is where it stopped
            if keys and keys[-1] in observed:
                observed[keys[-1]] = (observed[keys[-1]][0], False)
    return observed


def diagnose_visible(table, task, checks, functions, failed=frozenset()):
    """The diagnosis of a failing task from its visible checks alone (``table``: task -> VisibleTask); none
    while a task it calls (``failed``: those that did not pass) may be why it fails."""
    if task not in table or set(table[task].uses) & set(failed):
        return None
    try:
        observed = observe_checks(task, checks, functions, table[task].ignored)
        return table[task].diagnose(observed)
    except Exception:  # noqa: BLE001 - a diagnosis is a bonus
        return None


def mistakes_json(tasks, day):
    """A day's table (VisibleTask by task) as the compact JSON text a notebook's setup cell embeds."""
    return json.dumps({"day": day, "tasks": [t.as_json() for t in tasks.values()]}, sort_keys=True,
                      separators=(",", ":"))


class MistakeTable:
    """A notebook's table of known mistakes (made by its setup cell from the day's JSON table): it names
    the mistake a failing task's visible checks show, and remembers which tasks last failed, since a task
    that calls a failing one is not diagnosed (its failure may be the other's)."""

    def __init__(self, text):
        data = json.loads(text)
        self.day = data["day"]
        self.tasks = {t["task"]: VisibleTask.from_json(t) for t in data["tasks"]}
        self.failed = set()

    def passed(self, task):
        self.failed.discard(task)

    def diagnose(self, task, checks, namespace):
        """The diagnosis of ``task``, whose visible ``checks`` (check functions) just failed in ``namespace``."""
        self.failed.add(task)
        if task not in self.tasks:
            return None
        try:
            shown = [types.SimpleNamespace(name=c.__name__, tasks=task_names(c), function=_shielded(c, namespace))
                     for c in checks]
            functions = {n: v for n, v in namespace.items() if callable(v)}
            return diagnose_visible(self.tasks, task, shown, functions, self.failed - {task})
        except Exception:  # noqa: BLE001 - a diagnosis is a bonus, never a new failure
            return None


def _mistake_table(namespace):
    """The notebook's table of known mistakes, made by its setup cell (None in a day without one)."""
    shared = namespace.get(SHARED_NAMES)
    table = shared.get(MISTAKES) if isinstance(shared, dict) else None
    return table if isinstance(table, MistakeTable) else None


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


def _builtin_kind(exc):
    return next((c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"), "Exception")


@contextlib.contextmanager
def _silenced():
    """Nothing printed during a hidden check is shown: it could show the hidden inputs."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


def run_checks(namespace, *checks, quiet=False, hidden=False):
    """Run checks against the functions named in ``namespace`` (a notebook's globals).

    Raises the first failure with the same message as ``pytest``, naming the task: ``NotStarted`` for
    a task that still raises NotImplementedError, ``CheckFailure`` for a wrong answer. IPython shows
    either as its message alone (``_render_traceback_``); this function and the helpers hide their
    frames (``__tracebackhide__``), so the student's own exceptions show the check's line and the
    student's. Unless ``quiet``, prints a line when every check passed. ``hidden`` checks print
    nothing, silence what the code prints while they run, and when they fail say only what kind of
    thing failed (or the kind of exception raised), never an input, an expected value or a message.
    A visible failure of a task with known mistakes (the setup cell's table, see ``MistakeTable``) also
    says, as pytest does, which one the code seems to make, if its behaviour fits exactly one.
    """
    __tracebackhide__ = True
    table = _mistake_table(namespace)
    for check in checks:
        names = task_names(check)
        missing = [n for n in names if not callable(namespace.get(n))]
        if missing:
            fail(f"There is no function {missing[0]} to check: run the cell that defines it (above this one), "
                 "then run this cell again.")
        try:
            with _silenced() if hidden else contextlib.nullcontext():
                _shielded(check, namespace)(*[namespace[n] for n in names])
        except (NotImplementedError, NotStarted) as exc:
            if table is not None:
                table.failed.add(names[0])
            culprit = _unstarted(exc.__traceback__, names)
            first = "" if culprit == names[0] else f"{names[0]} is checked with {culprit}, and "
            raise NotStarted(
                f"{first}{culprit} is {NOT_STARTED}: replace `raise NotImplementedError()` in its cell with "
                "your code, run that cell, then this one."
            ) from None
        except CheckFailure as failure:
            if hidden:
                if table is not None:
                    table.failed.add(names[0])
                raise CheckFailure(f"a hidden check of {names[0]} failed: {failure.kind}.") from None
            found = table.diagnose(names[0], checks, namespace) if table is not None else None
            detail = failure.detail if found is None else f"{failure.detail}\n{found.message}"
            raise CheckFailure(detail, failure.kind) from None
        except Exception as exc:
            if not hidden:
                found = table.diagnose(names[0], checks, namespace) if table is not None else None
                if found is not None:
                    exc.add_note(found.message)
                raise
            if table is not None:
                table.failed.add(names[0])
            kind = _builtin_kind(exc)
            raise CheckFailure(f"a hidden check of {names[0]} failed: {names[0]} raised {kind}.") from None
    if table is not None and not hidden:
        table.passed(task_names(checks[0])[0])
    if not (quiet or hidden):
        print(f"{task_names(checks[0])[0]}: {len(checks)} visible check(s) passed.")
