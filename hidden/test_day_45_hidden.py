"""Day 45 hidden checks: other functions, points and steps than the visible ones. Never shipped to students."""

import decimal
from decimal import Decimal

import numpy as np
import sympy as sp

from daykit.checks import EPS, expect_close, expect_number, expect_raises, expect_true, expect_tuple
from tests.test_day_45 import (
    AD_SAFETY,
    check_comparison,
    check_forward_mode,
    check_reverse_mode,
    rounding_bounds,
)


class HighPrecisionReference:
    """The hidden checks' trusted reference: runs f once on these numbers to get its value and gradient
    with 40 significant digits (forward mode on decimals), together with running-error bounds, in units
    of eps, for the same operations done in floats (the rules of ``rounding_bounds``, applied to f's
    own operations rather than to SymPy's form of f). Fast on deep compositions, where SymPy is not.
    """

    def __init__(self, value, grad, ev, ed):
        self.value, self.grad, self.ev, self.ed = value, grad, ev, ed

    @staticmethod
    def lift(other, n):
        if isinstance(other, HighPrecisionReference):
            return other
        return HighPrecisionReference(Decimal(other), [Decimal(0)] * n, 0.0, np.zeros(n))

    def _mag(self):
        return abs(float(self.value)), np.abs(np.array([float(g) for g in self.grad]))

    def __add__(self, other):
        o = self.lift(other, len(self.grad))
        v = self.value + o.value
        g = [p + q for p, q in zip(self.grad, o.grad, strict=True)]
        out = HighPrecisionReference(v, g, 0.0, None)
        mv, mg = out._mag()
        out.ev, out.ed = self.ev + o.ev + mv, self.ed + o.ed + mg
        return out

    __radd__ = __add__

    def __neg__(self):
        return HighPrecisionReference(-self.value, [-g for g in self.grad], self.ev, self.ed)

    def __sub__(self, other):
        return self + -self.lift(other, len(self.grad))

    def __rsub__(self, other):
        return self.lift(other, len(self.grad)) + -self

    def __mul__(self, other):
        o = self.lift(other, len(self.grad))
        a, b = self.value, o.value
        g = [p * b + a * q for p, q in zip(self.grad, o.grad, strict=True)]
        out = HighPrecisionReference(a * b, g, 0.0, None)
        (ma, mga), (mb, mgb), (mv, mg) = self._mag(), o._mag(), out._mag()
        out.ev = mb * self.ev + ma * o.ev + mv
        out.ed = mb * self.ed + mga * o.ev + ma * o.ed + mgb * self.ev + mga * mb + ma * mgb + mg
        return out

    __rmul__ = __mul__

    def __truediv__(self, other):
        o = self.lift(other, len(self.grad))
        a, b = self.value, o.value
        v = a / b
        g = [(p - v * q) / b for p, q in zip(self.grad, o.grad, strict=True)]
        out = HighPrecisionReference(v, g, 0.0, None)
        (_, mga), (mb, mgb), (mv, mg) = self._mag(), o._mag(), out._mag()
        out.ev = self.ev / mb + mv * o.ev / mb + mv
        out.ed = (
            self.ed / mb
            + mv * o.ed / mb
            + mgb * self.ev / mb**2
            + (mv * mgb / mb**2 + mg / mb) * o.ev
            + 5 * (mga / mb + mv * mgb / mb)
        )
        return out

    def __rtruediv__(self, other):
        return self.lift(other, len(self.grad)) / self

    def __pow__(self, exponent):
        n = Decimal(exponent)
        a = self.value
        slope = n * a ** (n - 1)
        curve = n * (n - 1) * a ** (n - 2) if n != 1 else Decimal(0)
        out = HighPrecisionReference(a**n, [slope * p for p in self.grad], 0.0, None)
        (_, mga), (mv, mg) = self._mag(), out._mag()
        out.ev = abs(float(slope)) * self.ev + 2 * mv
        out.ed = abs(float(curve)) * mga * self.ev + abs(float(slope)) * self.ed + 3 * mg
        return out


def high_precision_reference(f, point):
    """Like ``ad_reference`` (value, gradient, value_tol, gradient_tol), without SymPy."""
    n = len(point)
    with decimal.localcontext() as context:
        context.prec = 40
        inputs = []
        for i, p in enumerate(point):
            grad = [Decimal(int(i == j)) for j in range(n)]
            inputs.append(HighPrecisionReference(Decimal(float(p)), grad, 0.0, np.zeros(n)))
        out = HighPrecisionReference.lift(f(*inputs), n)
        value, gradient = float(out.value), np.array([float(g) for g in out.grad])
    return value, gradient, AD_SAFETY * EPS * out.ev + 1e-300, AD_SAFETY * EPS * out.ed + 1e-300


def ad45_nested(x):
    """A deep composition: fifteen levels, each using the previous level three times."""
    y = x
    for _ in range(15):
        y = 1.7 - 1 / (0.9 + y * y) + 0.4 * y
    return y


def ad45_mobius(x):
    """A deep composition: twenty levels of y -> 1/(0.5 - y), every level through a reflected division."""
    y = x
    for _ in range(20):
        y = 1 / (0.5 - y)
    return y


def ad45_reused(x):
    """Intermediate results reused several times, with negative and fractional powers."""
    y = x * x + 1
    z = y * y
    return z / y + y**-3 - 2 * z**0.25


def ad45_tangle(x, y, z):
    """Three inputs, several diamonds: a and b are used on more than one path to the output."""
    a = x * y
    b = a / z
    c = a - b
    d = c * c + b
    return d / (1 + a * a) + (b + 2) ** 0.5 - c * z


def ad45_chain(x, y):
    """A deep two-variable composition built in a loop: every round uses u and v more than once."""
    u, v = x, y
    for _ in range(8):
        u, v = u * v + 0.25, (u - v) / (1 + v * v)
    return u + v * v


def test_forward_mode_derivative_at_other_points(forward_mode_derivative):
    for x0 in (-1.3, 0.4, 3.7):
        check_forward_mode(
            forward_mode_derivative,
            lambda x: 3 * x**3 - 2 / x + (x - 1) ** 2,
            "lambda x: 3*x**3 - 2/x + (x - 1)**2",
            x0,
            reference=high_precision_reference,
        )


def test_forward_mode_derivative_negative_and_fractional_powers(forward_mode_derivative):
    for x0 in (1.2, 2.9):
        check_forward_mode(
            forward_mode_derivative,
            lambda x: (x**2 + 1) ** -1.5 - 4 * x**-3 + x**2.5 / 3,
            "lambda x: (x**2 + 1)**-1.5 - 4*x**-3 + x**2.5/3",
            x0,
            reference=high_precision_reference,
        )


def test_forward_mode_derivative_every_reflected_operator(forward_mode_derivative):
    check_forward_mode(
        forward_mode_derivative,
        lambda x: 10 - 2 * (3 / (1 + x) - x) ** 2 + (5 + x) / (7 - x) - -x,
        "lambda x: 10 - 2*(3/(1 + x) - x)**2 + (5 + x)/(7 - x) - -x",
        -0.6,
        reference=high_precision_reference,
    )


def test_forward_mode_derivative_shared_and_deep(forward_mode_derivative):
    check_forward_mode(
        forward_mode_derivative,
        ad45_reused,
        "(y = x*x + 1; z = y*y; z/y + y**-3 - 2*z**0.25)",
        0.8,
        reference=high_precision_reference,
    )
    check_forward_mode(
        forward_mode_derivative,
        ad45_nested,
        "(15 levels of 1.7 - 1/(0.9 + y*y) + 0.4*y)",
        0.3,
        reference=high_precision_reference,
    )
    check_forward_mode(
        forward_mode_derivative,
        ad45_mobius,
        "(20 levels of 1/(0.5 - y))",
        0.3,
        reference=high_precision_reference,
    )


def test_reverse_mode_gradient_at_other_points(reverse_mode_gradient):
    for point in ([-1.5, 0.5], [4.0, -2.5]):
        check_reverse_mode(
            reverse_mode_gradient,
            lambda x, y: x * y + y**2 / x,
            "lambda x, y: x*y + y**2/x",
            point,
            reference=high_precision_reference,
        )


def test_reverse_mode_gradient_one_variable(reverse_mode_gradient):
    check_reverse_mode(
        reverse_mode_gradient,
        lambda x: 3 * x**3 - 2 / x + (x - 1) ** 2,
        "lambda x: 3*x**3 - 2/x + (x - 1)**2",
        [1.3],
        reference=high_precision_reference,
    )
    check_reverse_mode(
        reverse_mode_gradient,
        ad45_reused,
        "(y = x*x + 1; z = y*y; z/y + y**-3 - 2*z**0.25)",
        [0.8],
        reference=high_precision_reference,
    )
    check_reverse_mode(
        reverse_mode_gradient,
        ad45_nested,
        "(15 levels of 1.7 - 1/(0.9 + y*y) + 0.4*y)",
        [0.3],
        reference=high_precision_reference,
    )


def test_reverse_mode_gradient_three_variables_with_diamonds(reverse_mode_gradient):
    for point in ([0.7, 1.9, 1.4], [-1.1, 0.6, 2.5]):
        check_reverse_mode(
            reverse_mode_gradient,
            ad45_tangle,
            "(a = x*y; b = a/z; c = a - b; ...)",
            point,
            reference=high_precision_reference,
        )


def test_reverse_mode_gradient_deep_composition(reverse_mode_gradient):
    check_reverse_mode(
        reverse_mode_gradient,
        ad45_chain,
        "(8 rounds of u, v = u*v + 0.25, (u - v)/(1 + v*v))",
        [0.9, -0.4],
        reference=high_precision_reference,
    )


def test_reverse_mode_gradient_arrays_tuples_and_unused_inputs(reverse_mode_gradient):
    check_reverse_mode(
        reverse_mode_gradient,
        lambda x, y, z: 2 - x / (1 + y * z) + 3 * z**-2,
        "lambda x, y, z: 2 - x/(1 + y*z) + 3*z**-2",
        np.array([1.5, -0.25, 0.75]),
        reference=high_precision_reference,
    )
    check_reverse_mode(
        reverse_mode_gradient,
        lambda x, y, z: x * z - z,
        "lambda x, y, z: x*z - z",
        (2.0, 5.0, -3.0),
        reference=high_precision_reference,
    )
    call = "reverse_mode_gradient(lambda x, y: 4.0, [1.0, 2.0])"
    value, gradient = expect_tuple(reverse_mode_gradient(lambda x, y: 4.0, [1.0, 2.0]), 2, call=call)
    expect_close(value, 4.0, tol=0.0, call=call, what="the value of a constant function")
    expect_close(gradient, np.zeros(2), tol=0.0, call=call, what="the gradient of a constant function")
    expect_raises(
        ValueError,
        reverse_mode_gradient,
        lambda x, y: x * y,
        np.ones((2, 2)),
        call="reverse_mode_gradient(lambda x, y: x * y, np.ones((2, 2)))",
        what="the point is not one-dimensional",
    )


def test_compare_methods_other_function_and_symbol(compare_methods):
    t = sp.Symbol("t")
    check_comparison(compare_methods, (t**2 + 1) / (t - 3) + 2 * sp.sqrt(t), 1.3, 1e-5)


def difference_quotients(expr, symbol, x0, step):
    """The forward and central differences of expr with this step (f exact at the rounded points x0 ± h),
    and how far a floating-point computation of either may fall from them."""

    def exact_f(point):
        return float(expr.evalf(30, subs={symbol: sp.Float(point, 30)}))

    forward = (exact_f(x0 + step) - exact_f(x0)) / step
    central = (exact_f(x0 + step) - exact_f(x0 - step)) / (2 * step)
    # Each floating-point value of f is off by at most eps·E_f (running-error bound), so a difference
    # quotient by at most about 2·eps·E_f/h, plus the rounding of the quotient itself; safety 4.
    rounding = max(rounding_bounds(expr, [symbol], [p])[1] for p in (x0 - step, x0, x0 + step))
    tol = 4 * (2 * EPS * rounding / step + EPS * abs(forward))
    return forward, central, tol


def test_compare_methods_honours_a_large_step(compare_methods):
    """With h = 0.1 the estimate must be a forward or a central difference with exactly that step,
    and its error must be the (now large) distance to the symbolic derivative."""
    s = sp.Symbol("s")
    expr = s**4 / 4 - 3 / s + s ** sp.Rational(3, 2)
    x0, step = 1.6, 0.1
    rows = check_comparison(compare_methods, expr, x0, step)
    got = rows["finite_difference"]["derivative"]
    forward, central, tol = difference_quotients(expr, s, x0, step)
    expect_true(
        min(abs(got - forward), abs(got - central)) <= tol,
        f"compare_methods({expr}, {x0}, step={step}) gave the finite-difference estimate {got}, which is "
        f"neither the forward difference {forward} nor the central difference {central} with step {step}.",
        "with a large step, the estimate is not a forward or central difference with that step",
    )


def test_compare_methods_default_step(compare_methods):
    """Called without a step, the estimate is a difference with the default h = 1e-6."""
    x = sp.Symbol("x")
    expr = x**3 - 5 * x
    x0 = 1.25
    call = f"compare_methods({expr}, {x0})"
    got = compare_methods(expr, x0)
    expect_true(
        isinstance(got, dict) and isinstance(got.get("finite_difference"), dict),
        f"{call} returned {got!r}, not a dict of dicts.",
        "the result should be a dict of dicts",
    )
    got = expect_number(got["finite_difference"].get("derivative"), call=call, what="the finite-difference estimate")
    # forward and central differ by about h·|f''|/2 = 3.75e-6 here, far more than their rounding.
    forward, central, tol = difference_quotients(expr, x, x0, 1e-6)
    expect_true(
        min(abs(got - forward), abs(got - central)) <= tol,
        f"{call} gave {got}; with the default step 1e-6 a forward difference gives {forward} and a central one "
        f"{central}.",
        "without a step, the estimate is not a difference with the default step 1e-6",
    )
    expect_raises(
        ValueError,
        compare_methods,
        sp.Integer(5),
        1.0,
        call="compare_methods(5, 1.0)",
        what="expr has no free symbol",
    )
