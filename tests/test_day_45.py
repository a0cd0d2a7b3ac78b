"""Day 45 checks: forward-mode AD with dual numbers, reverse-mode gradients, three methods compared.

Run them with ``pytest tests/test_day_45.py`` (your exercises) or ``--target solutions``.
Each check's parameters name the task functions it calls.

AD is exact up to rounding, so its results are judged with a tolerance derived from floating-point
rounding alone (``ad_reference`` below): a few eps times the size of the terms, about 1e-14 relative
for these functions. A finite difference or a wrong rule is off by far more.
"""

import numpy as np
import sympy as sp

from daykit.checks import (
    EPS,
    expect_close,
    expect_number,
    expect_raises,
    expect_true,
    expect_tuple,
    finite_difference_tolerance,
)

AD_SAFETY = 8.0  # the running-error bound below is first order and follows SymPy's form of f


def rounding_bounds(expr, symbols, point):
    """Bounds, in units of eps, on the rounding error of computing expr and its gradient in floats.

    First-order running error analysis: walk the expression tree, computing every node's value v and
    gradient d in floating point together with E_v and E_d, bounds on their errors in units of eps.
    Each operation inherits its operands' errors, propagated by its own derivative, and adds the
    rounding of its result (one unit of its size per rounding):

        a + b:  E_v = E_a + E_b + |a + b|
        a * b:  E_v = |b| E_a + |a| E_b + |ab|
        a ** n: E_v = |n a^(n-1)| E_a + 2 |a^n|

    and likewise for the gradient parts a' + b', a'b + ab' and n a^(n-1) a', whose products and sums
    round too. Any method exact to rounding (forward or reverse mode, or evaluating the symbolic
    derivative in floats) stays within a small multiple of eps·E of the truth. The walk follows
    SymPy's form of f, so the test functions avoid cancellations SymPy would simplify away.

    Returns (value, E_v, E_d) with E_d an array with one entry per symbol.
    """
    index = {s: i for i, s in enumerate(symbols)}
    n = len(symbols)

    def walk(e):
        if e in index:
            d = np.zeros(n)
            d[index[e]] = 1.0
            return float(point[index[e]]), 0.0, d, np.zeros(n)
        if e.is_Number:
            return float(e), abs(float(e)), np.zeros(n), np.zeros(n)
        if e.is_Add or e.is_Mul:
            parts = [walk(a) for a in e.args]
            v, ev, d, ed = parts[0]
            for w, ew, dw, edw in parts[1:]:
                if e.is_Add:
                    v, ev, d, ed = v + w, ev + ew + abs(v + w), d + dw, ed + edw + np.abs(d + dw)
                else:
                    new_d = d * w + v * dw
                    new_ed = abs(w) * ed + np.abs(d) * ew + abs(v) * edw + np.abs(dw) * ev
                    new_ed = new_ed + np.abs(d * w) + np.abs(v * dw) + np.abs(new_d)
                    v, ev, d, ed = v * w, abs(w) * ev + abs(v) * ew + abs(v * w), new_d, new_ed
            return v, ev, d, ed
        if e.is_Pow and e.exp.is_Number:
            k = float(e.exp)
            a, ea, da, eda = walk(e.base)
            v = a**k
            slope = k * a ** (k - 1)
            curve = k * (k - 1) * a ** (k - 2) if k != 1 else 0.0
            d = slope * da
            ed = abs(curve) * np.abs(da) * ea + abs(slope) * eda + 3 * np.abs(d)
            return v, abs(slope) * ea + 2 * abs(v), d, ed
        raise TypeError(f"rounding_bounds handles +, *, / and constant powers only, not {e.func}")

    value, ev, _, ed = walk(sp.sympify(expr))
    return value, ev, ed


def ad_reference(f, point):
    """The exact value and gradient of f at point, and the tolerances of an exact-to-rounding method.

    SymPy builds f(*symbols) (f uses only operators, so it runs on symbols), differentiates it, and
    evaluates at the point with 30 digits. Returns (value, gradient, value_tol, gradient_tol).
    """
    symbols = sp.symbols(f"ad45_v0:{len(point)}")
    expr = sp.sympify(f(*symbols))
    subs = {s: sp.Float(float(p), 30) for s, p in zip(symbols, point, strict=True)}
    value = float(expr.evalf(30, subs=subs))
    gradient = np.array([float(sp.diff(expr, s).evalf(30, subs=subs)) for s in symbols])
    _, ev, ed = rounding_bounds(expr, symbols, [float(p) for p in point])
    return value, gradient, AD_SAFETY * EPS * ev + 1e-300, AD_SAFETY * EPS * ed + 1e-300


AD_WHY = "AD is exact up to rounding: a few eps times the size of the terms"


def check_forward_mode(forward_mode_derivative, f, text, x0, *, reference=ad_reference):
    """Call forward_mode_derivative(f, x0) and judge both numbers against the exact ones."""
    call = f"forward_mode_derivative({text}, {x0})"
    value, derivative = expect_tuple(forward_mode_derivative(f, x0), 2, call=call)
    exact_value, exact_gradient, value_tol, gradient_tol = reference(f, [x0])
    expect_close(value, exact_value, tol=value_tol, call=call, what="the value f(x)", why=AD_WHY)
    expect_close(
        derivative,
        exact_gradient[0],
        tol=gradient_tol[0],
        call=call,
        what="the derivative f'(x)",
        why=AD_WHY,
    )


def check_reverse_mode(reverse_mode_gradient, f, text, point, *, reference=ad_reference):
    """Call reverse_mode_gradient(f, point) and judge the value and the gradient against the exact ones."""
    call = f"reverse_mode_gradient({text}, {point!r})"
    value, gradient = expect_tuple(reverse_mode_gradient(f, point), 2, call=call)
    exact_value, exact_gradient, value_tol, gradient_tol = reference(f, list(point))
    expect_close(value, exact_value, tol=value_tol, call=call, what="the value f(point)", why=AD_WHY)
    expect_close(
        gradient,
        exact_gradient,
        tol=gradient_tol,
        call=call,
        what="the gradient",
        why=AD_WHY,
    )


# ---------------------------------------------------------------- the functions the checks pass in


def ad45_square_twice(x):
    """A shared subexpression: y is used twice, and x is both factors of y. d/dx = 4x."""
    y = x * x
    return y + y


def ad45_diamond(x, y):
    """A diamond: a feeds the output directly and through b, so a's adjoint has two parts."""
    a = x * y
    b = a + x
    return a * b


# ------------------------------------------------------------------------------------- checks


def test_forward_mode_derivative_example(forward_mode_derivative):
    check_forward_mode(
        forward_mode_derivative, lambda x: 3 * x**3 - 2 / x + (x - 1) ** 2, "lambda x: 3*x**3 - 2/x + (x - 1)**2", 2.0
    )


def test_forward_mode_derivative_reflected_operators(forward_mode_derivative):
    check_forward_mode(
        forward_mode_derivative,
        lambda x: (2 - x) * (1 + x) / (3 + x**2) - 1 / x + -x,
        "lambda x: (2 - x) * (1 + x) / (3 + x**2) - 1 / x + -x",
        0.75,
    )


def test_forward_mode_derivative_powers(forward_mode_derivative):
    check_forward_mode(
        forward_mode_derivative,
        lambda x: x**-2 + x**0.5 - (1 + x * x) ** (1 / 3),
        "lambda x: x**-2 + x**0.5 - (1 + x*x)**(1/3)",
        1.7,
    )


def test_forward_mode_derivative_constant_and_errors(forward_mode_derivative):
    call = "forward_mode_derivative(lambda x: 7.5, 1.0)"
    value, derivative = expect_tuple(forward_mode_derivative(lambda x: 7.5, 1.0), 2, call=call)
    expect_close(value, 7.5, tol=0.0, call=call, what="the value of a constant function")
    expect_close(derivative, 0.0, tol=0.0, call=call, what="the derivative of a constant function")
    expect_raises(
        ValueError,
        forward_mode_derivative,
        lambda x: x * x,
        float("nan"),
        call="forward_mode_derivative(lambda x: x * x, nan)",
        what="x is not a finite number",
    )


def test_reverse_mode_gradient_example(reverse_mode_gradient):
    check_reverse_mode(reverse_mode_gradient, lambda x, y: x * y + y**2 / x, "lambda x, y: x*y + y**2/x", [2.0, 3.0])


def test_reverse_mode_gradient_shared_subexpression(reverse_mode_gradient):
    check_reverse_mode(reverse_mode_gradient, ad45_square_twice, "(y = x*x; return y + y)", [1.5])


def test_reverse_mode_gradient_diamond(reverse_mode_gradient):
    check_reverse_mode(reverse_mode_gradient, ad45_diamond, "(a = x*y; b = a + x; return a*b)", [1.5, 0.5])


def test_reverse_mode_gradient_three_variables(reverse_mode_gradient):
    check_reverse_mode(
        reverse_mode_gradient,
        lambda x, y, z: 2 - x / (1 + y * z) + 3 * z**-2,
        "lambda x, y, z: 2 - x/(1 + y*z) + 3*z**-2",
        [0.5, 1.25, 2.0],
    )


def test_reverse_mode_gradient_rejects_an_empty_point(reverse_mode_gradient):
    expect_raises(
        ValueError,
        reverse_mode_gradient,
        lambda: 1.0,
        [],
        call="reverse_mode_gradient(lambda: 1.0, [])",
        what="the point is empty",
    )


# ------------------------------------------------------------------------------ compare_methods

COMPARISON_METHODS = ("symbolic", "finite_difference", "forward_mode")
COMPARISON_FIELDS = ("derivative", "error", "seconds")


def expect_comparison(result, *, call):
    """The result's shape: three methods, three numbers each, seconds non-negative. As plain floats."""
    expect_true(
        isinstance(result, dict) and set(result) == set(COMPARISON_METHODS),
        f"{call} should return a dict with the keys {list(COMPARISON_METHODS)}; it returned "
        f"{sorted(result) if isinstance(result, dict) else type(result).__name__}.",
        "the result should be a dict with the keys 'symbolic', 'finite_difference' and 'forward_mode'",
    )
    rows = {}
    for method in COMPARISON_METHODS:
        row = result[method]
        expect_true(
            isinstance(row, dict) and set(row) >= set(COMPARISON_FIELDS),
            f"{call}: result[{method!r}] should be a dict with the keys {list(COMPARISON_FIELDS)}; it is {row!r}.",
            f"result[{method!r}] should be a dict with the keys 'derivative', 'error' and 'seconds'",
        )
        rows[method] = {
            k: expect_number(row[k], call=call, what=f"result[{method!r}][{k!r}]") for k in COMPARISON_FIELDS
        }
        seconds = rows[method]["seconds"]
        expect_true(
            seconds >= 0,
            f"{call}: result[{method!r}]['seconds'] is {seconds}; a time taken cannot be negative.",
            f"result[{method!r}]['seconds'] is negative",
        )
    return rows


def finite_difference_bound(expr, symbol, x0, step):
    """How far a forward or central difference of expr with this step may fall from the derivative.

    Truncation: h·|f''|/2 (forward) or h²·|f'''|/6 (central), with |f''| and |f'''| bounded by their
    largest value on [x0 - h, x0 + h]; rounding: eps·E_f/h, with E_f the running-error bound of f.
    """
    grid = np.linspace(x0 - step, x0 + step, 9)
    f2 = sp.lambdify(symbol, sp.diff(expr, symbol, 2), "math")
    f3 = sp.lambdify(symbol, sp.diff(expr, symbol, 3), "math")
    second = max(abs(f2(float(t))) for t in grid)
    third = max(abs(f3(float(t))) for t in grid)
    scale = max(rounding_bounds(expr, [symbol], [t])[1] for t in (x0 - step, x0, x0 + step))
    return finite_difference_tolerance(step, second, third, scale)


def check_comparison(compare_methods, expr, x0, step):
    """Judge compare_methods(expr, x0, step): every derivative against the exact one, every error
    against its own derivative. Returns the rows (as floats) for further checks."""
    call = f"compare_methods({expr}, {x0}, step={step})"
    rows = expect_comparison(compare_methods(expr, x0, step=step), call=call)
    (symbol,) = expr.free_symbols
    _, exact, _, tol = ad_reference(sp.Lambda(symbol, expr), [x0])
    exact, tol = exact[0], tol[0]
    sym = rows["symbolic"]
    expect_close(
        sym["derivative"],
        exact,
        tol=tol,
        call=call,
        what="the symbolic derivative",
        why="it is the derivative of expr evaluated at x0, exact up to rounding",
    )
    expect_close(sym["error"], 0.0, tol=0.0, call=call, what="the symbolic error", why="it is the reference")
    fd = rows["finite_difference"]
    expect_close(
        fd["derivative"],
        exact,
        tol=finite_difference_bound(expr, symbol, x0, step),
        call=call,
        what="the finite-difference estimate with this step",
        why="a difference with step h is off by about h·|f''|/2 plus rounding",
    )
    fm = rows["forward_mode"]
    expect_close(fm["derivative"], exact, tol=tol, call=call, what="the forward-mode derivative", why=AD_WHY)
    for method in ("finite_difference", "forward_mode"):
        row = rows[method]
        own = abs(row["derivative"] - sym["derivative"])
        expect_close(
            row["error"],
            own,
            tol=2 * EPS * (abs(row["derivative"]) + abs(sym["derivative"])) + 1e-300,
            call=call,
            what=f"result[{method!r}]['error']",
            why="the error is |derivative - symbolic derivative|, with this method's own derivative",
        )
    return rows


def test_compare_methods_example(compare_methods):
    x = sp.Symbol("x")
    check_comparison(compare_methods, 3 * x**3 - 2 / x + (x - 1) ** 2, 2.0, 1e-6)


def test_compare_methods_rejects_bad_input(compare_methods):
    x, y = sp.symbols("x y")
    expect_raises(
        ValueError,
        compare_methods,
        x * y,
        1.0,
        call="compare_methods(x*y, 1.0)",
        what="expr has two free symbols",
    )
    expect_raises(
        ValueError,
        compare_methods,
        x**2,
        1.0,
        step=0.0,
        call="compare_methods(x**2, 1.0, step=0.0)",
        what="the step is not positive",
    )
