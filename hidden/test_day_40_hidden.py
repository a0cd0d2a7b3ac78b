"""Day 40 hidden checks: other functions, points, intervals and steps than the visible ones.

Never shipped to students. A failed hidden check shows only its ``what`` and the kind of failure.
"""

import numpy as np

from daykit.checks import expect_close, expect_number, expect_raises, expect_true, finite_difference_tolerance
from tests.test_day_40 import (
    bowl,
    bowl_gradient,
    cubic_pair,
    cubic_pair_central,
    exponential,
    rule_rounding,
    sine,
)

# --- more functions the checks pass to the tasks (they stay in the grader, as above) ---

cosine = lambda x: np.cos(x)
half_exp = lambda x: np.exp(0.5 * x)
# 2x³ − x² + 4: f' = 6x² − 2x, f''' = 12, so a central difference is off by exactly 2h².
lopsided_cubic = lambda x: 2 * x**3 - x**2 + 4
steep_parabola = lambda x: 2 * x**2 - x + 0.5
# 0.5x⁴ − x³ + 2: f⁗ = 12.
tilted_quartic = lambda x: 0.5 * x**4 - x**3 + 2

# f(p) = p0·p1·p2 + exp(p3/2) + p1²·p3, coupled across coordinates.
four_variables = lambda p: p[0] * p[1] * p[2] + np.exp(0.5 * p[3]) + p[1] ** 2 * p[3]


def four_variables_gradient(p):
    return np.array([p[1] * p[2], p[0] * p[2] + 2 * p[1] * p[3], p[0] * p[1], 0.5 * np.exp(0.5 * p[3]) + p[1] ** 2])


one_variable = lambda p: np.sin(p[0])


# ------------------------------------------------------------------------------ central_difference


def test_central_difference_other_functions(central_difference):
    cases = [
        ("np.cos", cosine, -0.7, 1e-3, -np.sin(-0.7), 1.0),
        ("lambda t: np.exp(t/2)", half_exp, 1.3, 1e-4, 0.5 * np.exp(0.65), 0.125 * np.exp(0.5 * (1.3 + 1e-4))),
    ]
    for name, f, x, h, exact, third in cases:
        expect_close(
            central_difference(f, x, h=h),
            exact,
            tol=finite_difference_tolerance(h, second=0.0, third=third, scale=abs(f(x)) + 1.0),
            call=f"central_difference({name}, {x}, h={h})",
            what="the derivative of another function at another point",
            why="a central difference is off by about h²·|f'''|/6",
        )


def test_central_difference_honours_large_steps(central_difference):
    for x in (-1.5, 0.25, 2.0):
        for h in (0.3, 0.75):
            call = f"central_difference(lambda t: 2*t**3 - t**2 + 4, {x}, h={h})"
            got = expect_number(central_difference(lopsided_cubic, x, h=h), call=call, what="the estimate")
            # On a cubic the central difference is exactly f'(x) + h²·f'''/6 = 6x² − 2x + 2h².
            expect_close(
                got,
                6 * x**2 - 2 * x + 2 * h**2,
                tol=finite_difference_tolerance(h, scale=40.0),
                call=call,
                what="the central difference of a cubic with a large step",
                why="on a cubic the error of a central difference is exactly h²·f'''/6",
            )


def test_central_difference_keeps_the_shape_of_x(central_difference):
    h = 1e-4
    x = np.array([[0.0, 0.5, 1.0], [-2.0, 3.0, 4.5]])
    expect_close(
        central_difference(sine, x.copy(), h=h),
        np.cos(x),
        tol=finite_difference_tolerance(h, second=0.0, third=1.0, scale=1.0),
        call=f"central_difference(np.sin, a 2×3 array, h={h})",
        what="the derivatives at a 2-D array of points (same shape as x)",
    )
    x = np.array([-1.0, 0.0, 1.5, 2.0])
    h = 0.5
    expect_close(
        central_difference(lopsided_cubic, x.copy(), h=h),
        6 * x**2 - 2 * x + 2 * h**2,
        tol=finite_difference_tolerance(h, scale=40.0),
        call=f"central_difference(lambda t: 2*t**3 - t**2 + 4, an array of 4 points, h={h})",
        what="the central differences of a cubic at an array of points with a large step",
    )


# ------------------------------------------------------------------------------ partial_derivative


def test_partial_derivative_in_four_variables(partial_derivative):
    h = 1e-5
    point = np.array([0.5, -1.2, 2.0, 0.3])
    exact = four_variables_gradient(point)
    third = [0.0, 0.0, 0.0, 0.125 * np.exp(0.5 * (0.3 + h))]  # ∂³f/∂x_i³ in its own coordinate
    for i in range(4):
        expect_close(
            partial_derivative(four_variables, point.copy(), i, h=h),
            exact[i],
            tol=finite_difference_tolerance(h, second=0.0, third=third[i], scale=abs(four_variables(point)) + 1.0),
            call=f"partial_derivative(f of 4 variables, a point, {i}, h={h})",
            what="a partial derivative of a function of four variables",
        )


def test_partial_derivative_honours_large_steps(partial_derivative):
    h = 0.25
    point = np.array([-0.5, 1.5])
    expected = cubic_pair_central(point, h)
    for i in range(2):
        expect_close(
            partial_derivative(cubic_pair, point.copy(), i, h=h),
            expected[i],
            tol=finite_difference_tolerance(h, scale=20.0),
            call=f"partial_derivative(lambda p: p[0]**3 + p[0] * p[1]**3, np.array([-0.5, 1.5]), {i}, h={h})",
            what="a partial derivative of a cubic with a large step",
            why="on a cubic the error of a central difference is exactly h²·∂³f/∂x_i³ / 6",
        )


def test_partial_derivative_at_an_integer_point(partial_derivative):
    h = 1e-5
    point = np.array([1, 2, 3])
    exact = bowl_gradient(point.astype(float))
    for i in range(3):
        expect_close(
            partial_derivative(bowl, point.copy(), i, h=h),
            exact[i],
            tol=finite_difference_tolerance(h, second=0.0, third=1.0, scale=abs(bowl(point)) + 1.0),
            call=f"partial_derivative(f, np.array([1, 2, 3]), {i}, h={h})",
            what="a partial derivative at a point given as an integer array (use it as floats)",
        )


def test_partial_derivative_leaves_the_point_alone(partial_derivative):
    point = np.array([0.5, -1.2, 2.0, 0.3])
    before = point.copy()
    for i in range(4):
        partial_derivative(four_variables, point, i, h=0.1)
    expect_true(
        np.array_equal(point, before),
        f"partial_derivative changed the point it was given: it was {before}, it is now {point}. "
        "Work on a copy, e.g. p = np.array(point, dtype=float).",
        "the point passed in is modified",
    )


def test_partial_derivative_rejects_other_bad_indices(partial_derivative):
    point = np.array([0.5, -1.2, 2.0, 0.3])
    for i in (4, 7, -2):
        expect_raises(
            ValueError,
            partial_derivative,
            four_variables,
            point.copy(),
            i,
            call=f"partial_derivative(f, a point with 4 coordinates, {i})",
            what="an index out of range",
            with_message=True,
        )


# -------------------------------------------------------------------------------------- gradient


def test_gradient_in_one_variable(gradient):
    h = 1e-5
    expect_close(
        gradient(one_variable, np.array([0.4]), h=h),
        np.array([np.cos(0.4)]),
        tol=finite_difference_tolerance(h, second=0.0, third=1.0, scale=1.0),
        call=f"gradient(lambda p: np.sin(p[0]), np.array([0.4]), h={h})",
        what="the gradient of a function of one variable (shape (1,))",
    )


def test_gradient_of_a_quadratic_in_five_variables(gradient):
    rng = np.random.default_rng(1234)
    m = rng.normal(size=(5, 5))
    a = (m + m.T) / 2
    b = rng.normal(size=5)
    point = rng.uniform(-1.0, 1.0, size=5)
    a_t, b_t = tuple(map(tuple, a)), tuple(b)

    def quadratic(p, a=a_t, b=b_t):
        am, bv = np.array(a), np.array(b)
        return 0.5 * p @ am @ p + bv @ p

    h = 1e-5
    # A quadratic has no third derivative: a central difference is exact up to rounding.
    expect_close(
        gradient(quadratic, point.copy(), h=h),
        a @ point + b,
        tol=finite_difference_tolerance(h, second=0.0, third=0.0, scale=abs(quadratic(point)) + 10.0),
        call=f"gradient(a quadratic form in 5 variables, a point, h={h})",
        what="the gradient of a quadratic in five variables",
    )


def test_gradient_honours_large_steps(gradient):
    h = 0.3
    point = np.array([-0.5, 1.5])
    expect_close(
        gradient(cubic_pair, point.copy(), h=h),
        cubic_pair_central(point, h),
        tol=finite_difference_tolerance(h, scale=20.0),
        call=f"gradient(lambda p: p[0]**3 + p[0] * p[1]**3, np.array([-0.5, 1.5]), h={h})",
        what="the gradient of a cubic with a large step",
        why="on a cubic each central difference is off by exactly h²·∂³f/∂x_i³ / 6",
    )


def test_gradient_at_an_integer_point(gradient):
    h = 1e-5
    point = np.array([1, 2, 3])
    expect_close(
        gradient(bowl, point.copy(), h=h),
        bowl_gradient(point.astype(float)),
        tol=finite_difference_tolerance(h, second=0.0, third=1.0, scale=abs(bowl(point)) + 1.0),
        call=f"gradient(f, np.array([1, 2, 3]), h={h})",
        what="the gradient at a point given as an integer array (use it as floats)",
    )


def test_gradient_leaves_the_point_alone(gradient):
    point = np.array([0.5, -1.2, 2.0, 0.3])
    before = point.copy()
    gradient(four_variables, point, h=0.1)
    expect_true(
        np.array_equal(point, before),
        f"gradient changed the point it was given: it was {before}, it is now {point}. Work on a copy, "
        "e.g. p = np.array(point, dtype=float); moving an entry and moving it back rounds.",
        "the point passed in is modified",
    )


# ------------------------------------------------------------------------------------- trapezoid

# Euler–Maclaurin: T_n − I = h²·(f'(b) − f'(a))/12 − (b − a)·h⁴·f⁗(ξ)/720 for some ξ in [a, b].
TRAPEZOID_CASES = [
    # name, f, a, b, n, integral, f'(b) − f'(a), max|f⁗| on [a, b]
    ("np.exp", exponential, -1.0, 1.5, 10, np.exp(1.5) - np.exp(-1.0), np.exp(1.5) - np.exp(-1.0), np.exp(1.5)),
    ("np.cos", cosine, 0.3, 2.1, 9, np.sin(2.1) - np.sin(0.3), -np.sin(2.1) + np.sin(0.3), 1.0),
]


def test_trapezoid_error_matches_euler_maclaurin(trapezoid):
    for name, f, a, b, n, integral, slope_change, fourth in TRAPEZOID_CASES:
        h = (b - a) / n
        expect_close(
            trapezoid(f, a, b, n=n),
            integral + h**2 * slope_change / 12,
            tol=(b - a) * h**4 * fourth / 720 + rule_rounding(a, b, n, np.exp(1.5)),
            call=f"trapezoid({name}, {a}, {b}, n={n})",
            what="the trapezoid estimate for another function and interval",
            why="the error of the trapezoidal rule is h²·(f'(b) − f'(a))/12 up to a term in h⁴",
        )


def test_trapezoid_error_falls_like_one_over_n_squared(trapezoid):
    name, f, a, b, n, integral, slope_change, fourth = TRAPEZOID_CASES[0]
    h = (b - a) / n
    coarse = expect_number(trapezoid(f, a, b, n=n), call=f"trapezoid({name}, {a}, {b}, n={n})")
    fine = expect_number(trapezoid(f, a, b, n=2 * n), call=f"trapezoid({name}, {a}, {b}, n={2 * n})")
    # E(n) = c·h² + r with |r| <= R·h⁴ (Euler–Maclaurin), and E(2n) the same with h/2, so
    # E(n)/E(2n) lies between (c·h² − R·h⁴)/(c·h²/4 + R·h⁴/16) and (c·h² + R·h⁴)/(c·h²/4 − R·h⁴/16).
    c, r = abs(slope_change) / 12 * h**2, (b - a) * fourth / 720 * h**4
    low, high = (c - r) / (c / 4 + r / 16), (c + r) / (c / 4 - r / 16)
    ratio = (coarse - integral) / (fine - integral) if fine != integral else np.inf
    expect_true(
        low <= ratio <= high,
        f"trapezoid({name}, {a}, {b}, n={n}) and n={2 * n}: the errors are {coarse - integral:.3g} and "
        f"{fine - integral:.3g}, a ratio of {ratio:.4g}; doubling n should divide the error by about 4 "
        f"(between {low:.4g} and {high:.4g}).",
        "doubling n does not divide the error by about four",
    )


def test_trapezoid_error_on_another_parabola(trapezoid):
    a, b, n = -0.5, 1.7, 5
    h = (b - a) / n

    def antiderivative(x):
        return 2 * x**3 / 3 - x**2 / 2 + 0.5 * x

    expect_close(
        trapezoid(steep_parabola, a, b, n=n),
        antiderivative(b) - antiderivative(a) + (b - a) * h**2 * 4 / 12,  # f'' = 4: the error formula is exact
        tol=rule_rounding(a, b, n, 8.0),
        call=f"trapezoid(lambda t: 2*t**2 - t + 0.5, {a}, {b}, n={n})",
        what="the trapezoid estimate on another parabola",
        why="on a parabola the error is exactly (b − a)·h²·f''/12 with h = (b − a)/n",
    )


def test_trapezoid_other_lines_and_bad_n(trapezoid):
    for n in (1, 7):
        expect_close(
            trapezoid(lambda t: 0.5 - 2 * t, -2.0, 0.5, n=n),
            (0.5 * 0.5 - 0.25) - (0.5 * -2.0 - 4.0),  # ∫ (0.5 − 2t) dt = 0.5t − t²
            tol=rule_rounding(-2.0, 0.5, n, 5.0),
            call=f"trapezoid(lambda t: 0.5 - 2*t, -2.0, 0.5, n={n})",
            what="the integral of another straight line",
        )
    expect_raises(
        ValueError,
        trapezoid,
        sine,
        -1.0,
        1.0,
        n=-3,
        call="trapezoid(np.sin, -1.0, 1.0, n=-3)",
        what="n below 1",
        with_message=True,
    )


# --------------------------------------------------------------------------------------- simpson


def test_simpson_is_exact_on_a_random_cubic(simpson):
    rng = np.random.default_rng(1234)
    coefficients = tuple(rng.uniform(-3.0, 3.0, size=4))
    a = float(rng.uniform(-2.0, 0.0))
    b = a + float(rng.uniform(0.5, 3.0))

    def cubic(x, c=coefficients):
        return c[0] + c[1] * x + c[2] * x**2 + c[3] * x**3

    def antiderivative(x, c=coefficients):
        return c[0] * x + c[1] * x**2 / 2 + c[2] * x**3 / 3 + c[3] * x**4 / 4

    scale = sum(abs(ci) for ci in coefficients) * max(abs(a), abs(b), 1.0) ** 3
    for n in (2, 4, 10):
        expect_close(
            simpson(cubic, a, b, n=n),
            antiderivative(b) - antiderivative(a),
            tol=rule_rounding(a, b, n, scale),
            call=f"simpson(a random cubic, {a:.4f}, {b:.4f}, n={n})",
            what="the integral of a cubic (Simpson's rule is exact on cubics)",
        )


def test_simpson_error_on_another_quartic(simpson):
    a, b, n = -1.0, 2.0, 6
    h = (b - a) / n

    def antiderivative(x):
        return 0.1 * x**5 - x**4 / 4 + 2 * x

    expect_close(
        simpson(tilted_quartic, a, b, n=n),
        antiderivative(b) - antiderivative(a) + (b - a) * h**4 * 12 / 180,  # f⁗ = 12: the error formula is exact
        tol=rule_rounding(a, b, n, 20.0),
        call=f"simpson(lambda t: 0.5*t**4 - t**3 + 2, {a}, {b}, n={n})",
        what="the Simpson estimate on another quartic",
        why="on a quartic the error is exactly (b − a)·h⁴·f⁗/180 with h = (b − a)/n",
    )


def test_simpson_of_exp(simpson):
    a, b, n = -1.0, 1.5, 12
    h = (b - a) / n
    expect_close(
        simpson(exponential, a, b, n=n),
        np.exp(b) - np.exp(a),
        tol=(b - a) * h**4 * np.exp(b) / 180 + rule_rounding(a, b, n, np.exp(b)),  # max|exp⁗| = e^b
        call=f"simpson(np.exp, {a}, {b}, n={n})",
        what="the integral of another function over another interval",
        why="the error is at most (b − a)·h⁴·max|f⁗|/180",
    )


def test_simpson_rejects_other_bad_n(simpson):
    for n in (3, 9, -2):
        expect_raises(
            ValueError,
            simpson,
            exponential,
            -1.0,
            1.5,
            n=n,
            call=f"simpson(np.exp, -1.0, 1.5, n={n})",
            what="an odd n or an n below 2",
            with_message=True,
        )
