"""Day 40 checks: central differences, partial derivatives, gradients, trapezoid and Simpson rules.

Run them with ``pytest tests/test_day_40.py`` (your exercises) or ``--target solutions``.
Each check's parameters name the task functions it calls.
"""

import numpy as np

from daykit.checks import (
    EPS,
    expect_close,
    expect_number,
    expect_raises,
    expect_true,
    finite_difference_tolerance,
)


def rule_rounding(a, b, n, scale):
    """Rounding a quadrature rule may add: about n + 1 roundings of values up to ``scale``, times b − a."""
    return 16 * (n + 1) * EPS * abs(b - a) * (abs(scale) + 1.0) + 1e-14


# --- functions the checks pass to the tasks: vectorised (floats and arrays alike); they keep no state,
# so under daykit grade they run beside the student's code, as under pytest ---

sine = lambda x: np.sin(x)
exponential = lambda x: np.exp(x)
cube = lambda x: x**3
line = lambda x: 3 * x - 1
parabola = lambda x: x**2 - x + 2
small_cubic = lambda x: x**3 - 2 * x + 1
quartic = lambda x: x**4 - x

# f(p) = p0²·p1 + sin(p2): ∇f = [2·p0·p1, p0², cos(p2)].
bowl = lambda p: p[0] ** 2 * p[1] + np.sin(p[2])


def bowl_gradient(p):
    return np.array([2 * p[0] * p[1], p[0] ** 2, np.cos(p[2])])


# f(p) = p0³ + p0·p1³, cubic in each coordinate: ∂³f/∂p0³ = 6, ∂³f/∂p1³ = 6·p0.
cubic_pair = lambda p: p[0] ** 3 + p[0] * p[1] ** 3


def cubic_pair_central(p, h):
    """The central differences of cubic_pair with step h, exactly: the gradient plus h²·∂³f/∂x_i³ / 6."""
    return np.array([3 * p[0] ** 2 + p[1] ** 3 + h**2, 3 * p[0] * p[1] ** 2 + h**2 * p[0]])


# ------------------------------------------------------------------------------ central_difference


def test_central_difference_of_sine(central_difference):
    h = 1e-5
    call = f"central_difference(np.sin, 1.0, h={h})"
    got = central_difference(sine, 1.0, h=h)
    # A central difference is off by about h²·|f'''|/6, and |sin'''| <= 1; no h·|f''|/2 term.
    expect_close(
        got,
        np.cos(1.0),
        tol=finite_difference_tolerance(h, second=0.0, third=1.0, scale=1.0),
        call=call,
        what="the derivative of sin at 1",
        why="a central difference is off by about h²·|f'''|/6; a forward difference is much further off",
    )


def test_central_difference_uses_its_step(central_difference):
    h = 0.5
    call = f"central_difference(lambda t: t**3, 1.0, h={h})"
    got = expect_number(central_difference(cube, 1.0, h=h), call=call, what="the estimate")
    expect_true(
        abs(got - 3.0) > 0.1,
        f"{call} returned {got}, the exact derivative 3. With a step of 0.5 the central difference of "
        "x³ is (1.5³ − 0.5³)/1 = 3.25: its error is exactly h²·f'''/6 = h². Use the step you are given.",
        "the estimate does not depend on the step",
    )
    # On a cubic the Taylor series stops: the central difference is exactly 3x² + h².
    expect_close(
        got,
        3.0 + h**2,
        tol=finite_difference_tolerance(h, scale=4.0),
        call=call,
        what="the estimate",
        why="on x³ the central difference (f(x+h) − f(x−h))/(2h) is exactly 3x² + h²",
    )


def test_central_difference_on_an_array(central_difference):
    h = 1e-4
    x = np.linspace(-1.0, 2.0, 7)
    call = f"central_difference(np.exp, np.linspace(-1.0, 2.0, 7), h={h})"
    expect_close(
        central_difference(exponential, x, h=h),
        np.exp(x),
        tol=finite_difference_tolerance(h, second=0.0, third=np.exp(x + h), scale=np.exp(x + h)),
        call=call,
        what="the array of derivatives",
        why="one central difference per entry, off by about h²·exp(x)/6 each",
    )


def test_central_difference_default_step(central_difference):
    expect_close(
        central_difference(sine, 0.5),
        central_difference(sine, 0.5, h=1e-5),
        tol=1e-12,
        call="central_difference(np.sin, 0.5)",
        what="the estimate with the default step",
        why="the default step is h=1e-5",
    )


# ------------------------------------------------------------------------------ partial_derivative


def test_partial_derivative_each_coordinate(partial_derivative):
    h = 1e-5
    point = np.array([1.0, 2.0, 0.5])
    exact = bowl_gradient(point)
    third = [0.0, 0.0, 1.0]  # ∂³f/∂x_i³ of p0²·p1 + sin(p2) in its own coordinate
    for i in range(3):
        expect_close(
            partial_derivative(bowl, point.copy(), i, h=h),
            exact[i],
            tol=finite_difference_tolerance(h, second=0.0, third=third[i], scale=abs(bowl(point)) + 1.0),
            call=f"partial_derivative(lambda p: p[0]**2 * p[1] + np.sin(p[2]), np.array([1.0, 2.0, 0.5]), {i}, h={h})",
            what=f"∂f/∂x{i}",
            why="move coordinate i only, by +h and −h, and divide by 2h",
        )


def test_partial_derivative_uses_its_step(partial_derivative):
    h = 0.5
    point = np.array([1.0, 2.0])
    expected = cubic_pair_central(point, h)
    for i in range(2):
        expect_close(
            partial_derivative(cubic_pair, point.copy(), i, h=h),
            expected[i],
            tol=finite_difference_tolerance(h, scale=20.0),
            call=f"partial_derivative(lambda p: p[0]**3 + p[0] * p[1]**3, np.array([1.0, 2.0]), {i}, h={h})",
            what=f"∂f/∂x{i} with a large step",
            why="f is cubic in each coordinate, so the central difference is exactly the derivative "
            "plus h²·∂³f/∂x_i³ / 6 (11.25 and 12.25 here, not the exact 11 and 12)",
        )


def test_partial_derivative_rejects_a_bad_index(partial_derivative):
    point = np.array([1.0, 2.0, 0.5])
    for i in (3, -1):
        expect_raises(
            ValueError,
            partial_derivative,
            bowl,
            point.copy(),
            i,
            call=f"partial_derivative(f, np.array([1.0, 2.0, 0.5]), {i})",
            what=f"an index i = {i} outside range(3)",
            with_message=True,
        )


# -------------------------------------------------------------------------------------- gradient


def test_gradient_of_bowl(gradient):
    h = 1e-5
    point = np.array([1.0, 2.0, 0.5])
    expect_close(
        gradient(bowl, point.copy(), h=h),
        bowl_gradient(point),
        tol=finite_difference_tolerance(h, second=0.0, third=[0.0, 0.0, 1.0], scale=abs(bowl(point)) + 1.0),
        call=f"gradient(lambda p: p[0]**2 * p[1] + np.sin(p[2]), np.array([1.0, 2.0, 0.5]), h={h})",
        what="the gradient (a NumPy array of shape (3,))",
        why="one central difference per coordinate, moving that coordinate only",
    )


def test_gradient_uses_its_step(gradient):
    h = 0.5
    point = np.array([1.0, 2.0])
    expect_close(
        gradient(cubic_pair, point.copy(), h=h),
        cubic_pair_central(point, h),
        tol=finite_difference_tolerance(h, scale=20.0),
        call=f"gradient(lambda p: p[0]**3 + p[0] * p[1]**3, np.array([1.0, 2.0]), h={h})",
        what="the gradient with a large step",
        why="on a function cubic in each coordinate the central differences are exactly [11.25, 12.25]",
    )


# ------------------------------------------------------------------------------------- trapezoid


def test_trapezoid_is_exact_on_a_line(trapezoid):
    for n in (1, 5):
        expect_close(
            trapezoid(line, 0.0, 2.0, n=n),
            4.0,
            tol=rule_rounding(0.0, 2.0, n, 5.0),
            call=f"trapezoid(lambda t: 3*t - 1, 0.0, 2.0, n={n})",
            what="the integral of a straight line",
            why="the trapezoidal rule is exact on straight lines; n counts subintervals, h = (b − a)/n",
        )


def test_trapezoid_error_on_a_parabola(trapezoid):
    a, b, n = 0.0, 3.0, 6
    h = (b - a) / n
    integral = b**3 / 3 - b**2 / 2 + 2 * b  # ∫ (x² − x + 2) dx over [0, 3] = 10.5
    # The error (b − a)h²f''(ξ)/12 is exact when f'' is constant (here 2).
    expected = integral + (b - a) * h**2 * 2 / 12
    expect_close(
        trapezoid(parabola, a, b, n=n),
        expected,
        tol=rule_rounding(a, b, n, 8.0),
        call=f"trapezoid(lambda t: t**2 - t + 2, {a}, {b}, n={n})",
        what="the trapezoid estimate on a parabola",
        why="on a parabola the error is exactly (b − a)·h²·f''/12 with h = (b − a)/n: 10.5 + 0.125",
    )


def test_trapezoid_of_sine(trapezoid):
    a, b, n = 0.0, np.pi, 8
    h = (b - a) / n
    expect_close(
        trapezoid(sine, a, b, n=n),
        2.0,
        tol=(b - a) * h**2 * 1.0 / 12 + rule_rounding(a, b, n, 1.0),  # |sin''| <= 1
        call=f"trapezoid(np.sin, 0.0, np.pi, n={n})",
        what="the integral of sin over [0, π]",
        why="the error is at most (b − a)·h²·max|f''|/12",
    )


def test_trapezoid_default_n(trapezoid):
    expect_close(
        trapezoid(sine, 0.0, 1.0),
        trapezoid(sine, 0.0, 1.0, n=100),
        tol=1e-12,
        call="trapezoid(np.sin, 0.0, 1.0)",
        what="the integral with the default n",
        why="the default is n=100",
    )


def test_trapezoid_rejects_n_below_1(trapezoid):
    for n in (0, -1):
        expect_raises(
            ValueError,
            trapezoid,
            sine,
            0.0,
            1.0,
            n=n,
            call=f"trapezoid(np.sin, 0.0, 1.0, n={n})",
            what="n below 1",
            with_message=True,
        )


# --------------------------------------------------------------------------------------- simpson


def test_simpson_is_exact_on_a_cubic(simpson):
    for n in (2, 6):
        expect_close(
            simpson(small_cubic, -1.0, 2.0, n=n),
            3.75,
            tol=rule_rounding(-1.0, 2.0, n, 8.0),
            call=f"simpson(lambda t: t**3 - 2*t + 1, -1.0, 2.0, n={n})",
            what="the integral of a cubic",
            why="Simpson's rule is exact on cubics; the weights are 1, 4, 2, 4, ..., 4, 1 times h/3",
        )


def test_simpson_error_on_a_quartic(simpson):
    a, b, n = 0.0, 2.0, 4
    h = (b - a) / n
    integral = b**5 / 5 - b**2 / 2  # ∫ (x⁴ − x) dx over [0, 2] = 4.4
    # The error (b − a)h⁴f⁗(ξ)/180 is exact when f⁗ is constant (here 24).
    expected = integral + (b - a) * h**4 * 24 / 180
    expect_close(
        simpson(quartic, a, b, n=n),
        expected,
        tol=rule_rounding(a, b, n, 16.0),
        call=f"simpson(lambda t: t**4 - t, {a}, {b}, n={n})",
        what="the Simpson estimate on a quartic",
        why="on a quartic the error is exactly (b − a)·h⁴·f⁗/180 with h = (b − a)/n",
    )


def test_simpson_of_sine(simpson):
    a, b, n = 0.0, np.pi, 8
    h = (b - a) / n
    expect_close(
        simpson(sine, a, b, n=n),
        2.0,
        tol=(b - a) * h**4 * 1.0 / 180 + rule_rounding(a, b, n, 1.0),  # |sin⁗| <= 1
        call=f"simpson(np.sin, 0.0, np.pi, n={n})",
        what="the integral of sin over [0, π]",
        why="the error is at most (b − a)·h⁴·max|f⁗|/180",
    )


def test_simpson_default_n(simpson):
    expect_close(
        simpson(sine, 0.0, 1.0),
        simpson(sine, 0.0, 1.0, n=100),
        tol=1e-12,
        call="simpson(np.sin, 0.0, 1.0)",
        what="the integral with the default n",
        why="the default is n=100",
    )


def test_simpson_rejects_odd_or_small_n(simpson):
    for n in (7, 1, 0):
        expect_raises(
            ValueError,
            simpson,
            sine,
            0.0,
            1.0,
            n=n,
            call=f"simpson(np.sin, 0.0, 1.0, n={n})",
            what="an odd n, or n below 2",
            with_message=True,
        )
