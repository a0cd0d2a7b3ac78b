"""Day 43 checks: Hessian, Jacobian, Newton's method, a reaction chain and its sensitivities.

Run them with ``pytest tests/test_day_43.py`` (your exercises) or ``--target solutions``.
Each check's parameters name the task functions it calls.
"""

import numpy as np
import sympy as sp

from daykit.checks import (
    EPS,
    describe,
    expect_array,
    expect_close,
    expect_equivalent,
    expect_raises,
    expect_true,
    expect_tuple,
    fail,
    finite_difference_tolerance,
)

x, y, z = sp.symbols("x y z")
A, B, C, k1, k2 = sp.symbols("A B C k1 k2")


# ------------------------------------------------------------------------------------- day helpers


def expect_matrix(got, expected, *, call, what, variables):
    """``got`` must be a SymPy matrix of ``expected``'s shape, equal to it entry by entry.

    ``variables`` are the symbols the entries may use (matched by name). Accepts sp.Matrix and
    sp.ImmutableMatrix; returns the matrix.
    """
    if not isinstance(got, sp.MatrixBase):
        fail(
            f"{call}: {what} should be a SymPy matrix (sp.Matrix or sp.ImmutableMatrix); it is {describe(got)}. "
            "Build it with sp.Matrix(...).",
            f"{what} should be a SymPy matrix",
        )
    if tuple(got.shape) != tuple(expected.shape):
        fail(
            f"{call}: {what} should have shape {expected.shape} (one row per function, one column per "
            f"variable); it has shape {got.shape}: {got.tolist()}.",
            f"{what} has the wrong shape",
        )
    names = [v.name for v in variables]
    rows, columns = expected.shape
    for i in range(rows):
        for j in range(columns):
            expect_equivalent(got[i, j], expected[i, j], call=call, what=f"{what}, entry [{i}, {j}]", variables=names)
    return got


def expect_int(got, *, call, what):
    """``got`` must be a whole number (int or NumPy integer); returns it as an int."""
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
        fail(f"{call}: {what} should be an int; it is {describe(got)}.", f"{what} should be an int")
    return int(got)


def expect_count(got, expected, *, call, what, why):
    """``got`` must be an int equal to ``expected``; ``why`` says where the count comes from."""
    got = expect_int(got, call=call, what=what)
    if got != expected:
        fail(f"{call}: {what} is {int(got)}; expected {expected} ({why}).", f"{what} is wrong ({why})")
    return int(got)


def hessian_by_definition(expr, variables):
    """H[i, j] = ∂²f/∂x_i∂x_j, straight from the definition."""
    n = len(variables)
    return sp.Matrix(n, n, lambda i, j: sp.diff(sp.diff(expr, variables[i]), variables[j]))


def jacobian_by_definition(exprs, variables):
    """J[i, j] = ∂f_i/∂x_j, straight from the definition."""
    return sp.Matrix(len(exprs), len(variables), lambda i, j: sp.diff(exprs[i], variables[j]))


def quadratic_problem():
    """f(x) = ½xᵀAx − bᵀx with A positive definite: gradient Ax − b, Hessian A, minimiser A⁻¹b."""
    matrix = np.array([[3.0, 1.0], [1.0, 2.0]])
    vector = np.array([1.0, -1.0])
    return matrix, vector


def quadratic_gradient(p):
    return np.array([[3.0, 1.0], [1.0, 2.0]]) @ p - np.array([1.0, -1.0])


def quadratic_hessian(p):
    return np.array([[3.0, 1.0], [1.0, 2.0]])


def banana_gradient(p):
    """The gradient of f(x, y) = (1 - x)² + 10 (y - x²)², minimum at (1, 1)."""
    return np.array([-2 * (1 - p[0]) - 40 * p[0] * (p[1] - p[0] ** 2), 20 * (p[1] - p[0] ** 2)])


def banana_hessian(p):
    return np.array([[2 - 40 * (p[1] - p[0] ** 2) + 80 * p[0] ** 2, -40 * p[0]], [-40 * p[0], 20.0]])


def banana_minimum_tolerance(tol):
    """How far from (1, 1) a point with ‖∇f‖ < tol can be: about ‖H⁻¹‖·tol, with H the Hessian at (1, 1)."""
    smallest = np.linalg.eigvalsh(banana_hessian(np.array([1.0, 1.0])))[0]
    return 2 * tol / smallest + 1e-14  # 2: the first-order estimate x − x* ≈ H⁻¹g, with room to spare


def sum_of_squares_gradient(p):
    """f(x, y) = (x + y)²: its Hessian [[2, 2], [2, 2]] is singular everywhere."""
    return np.array([2 * (p[0] + p[1]), 2 * (p[0] + p[1])])


def sum_of_squares_hessian(p):
    return np.array([[2.0, 2.0], [2.0, 2.0]])


def exact_sensitivity(t, rate1, rate2, A0):
    """∂(A, B, C)/∂(k1, k2) of the closed form, written as B = A0·k1·q with q = (e1 − e2)/(k2 − k1)."""
    e1, e2 = np.exp(-rate1 * t), np.exp(-rate2 * t)
    d = rate2 - rate1
    q = (e1 - e2) / d
    dq_dk1 = -t * e1 / d + (e1 - e2) / d**2
    dq_dk2 = t * e2 / d - (e1 - e2) / d**2
    row_a = [-t * A0 * e1, 0.0]
    row_b = [A0 * (q + rate1 * dq_dk1), A0 * rate1 * dq_dk2]
    return np.array([row_a, row_b, [-row_a[0] - row_b[0], -row_a[1] - row_b[1]]])


def sensitivity_tolerance(t, rate1, rate2, A0):
    """The error of the least accurate method accepted: a central difference with its best step.

    A central difference with step h is off by about h²|f'''|/6 plus rounding eps·|f|/h; its best step
    is h ≈ eps^(1/3)·k. |f'''| is estimated by a second difference of the exact first derivative, and
    |f| ≤ |A0| because every concentration lies between 0 and A0. The exact closed form is far
    more accurate than this; a coarse forward difference (error h·|f''|/2) is far less.
    """
    h = EPS ** (1 / 3) * max(abs(rate1), abs(rate2))
    delta = 1e-2 * min(abs(rate1), abs(rate2), abs(rate2 - rate1) / 4)
    third = np.zeros((3, 2))
    for column in range(2):
        shift = np.zeros(2)
        shift[column] = delta
        up = exact_sensitivity(t, rate1 + shift[0], rate2 + shift[1], A0)
        down = exact_sensitivity(t, rate1 - shift[0], rate2 - shift[1], A0)
        middle = exact_sensitivity(t, rate1, rate2, A0)
        third[:, column] = np.abs(up - 2 * middle + down)[:, column] / delta**2
    return finite_difference_tolerance(h, second=0.0, third=2 * third, scale=abs(A0))


def check_sensitivity(concentration_sensitivity, t, rate1, rate2, A0, *, what):
    call = f"concentration_sensitivity({t}, {rate1}, {rate2}, A0={A0})"
    return expect_close(
        concentration_sensitivity(t, rate1, rate2, A0=A0),
        exact_sensitivity(t, rate1, rate2, A0),
        tol=sensitivity_tolerance(t, rate1, rate2, A0),
        call=call,
        what=what,
        why="rows (A, B, C), columns (k1, k2); exact derivatives of the closed form are expected",
    )


# ------------------------------------------------------------------------------------------ hessian


def test_hessian_of_two_variables(hessian):
    f = x**3 + 2 * x * y**2 - y
    call = "hessian(x**3 + 2*x*y**2 - y, [x, y])"
    expected = sp.Matrix([[6 * x, 4 * y], [4 * y, 4 * x]])
    expect_matrix(hessian(f, [x, y]), expected, call=call, what="the Hessian", variables=[x, y])


def test_hessian_honours_the_order_of_the_variables(hessian):
    f = x**3 + 2 * x * y**2 - y
    call = "hessian(x**3 + 2*x*y**2 - y, [y, x])"
    expected = sp.Matrix([[4 * x, 4 * y], [4 * y, 6 * x]])
    expect_matrix(
        hessian(f, [y, x]),
        expected,
        call=call,
        what="the Hessian with the variables in the order [y, x] (row and column 0 belong to y)",
        variables=[x, y],
    )


# ----------------------------------------------------------------------------------------- jacobian


def test_jacobian_of_a_square_map(jacobian):
    call = "jacobian([x*y, x + y**2], [x, y])"
    expected = sp.Matrix([[y, x], [1, 2 * y]])
    expect_matrix(
        jacobian([x * y, x + y**2], [x, y]),
        expected,
        call=call,
        what="the Jacobian (row i = function i, column j = variable j)",
        variables=[x, y],
    )


def test_jacobian_of_two_functions_of_three_variables(jacobian):
    call = "jacobian([x*y*z, x - z], [x, y, z])"
    expected = sp.Matrix([[y * z, x * z, x * y], [1, 0, -1]])
    expect_matrix(
        jacobian([x * y * z, x - z], [x, y, z]),
        expected,
        call=call,
        what="the 2 × 3 Jacobian (2 functions, 3 variables)",
        variables=[x, y, z],
    )


# ----------------------------------------------------------------------------------- newtons_method


def test_newtons_method_takes_one_step_on_a_quadratic(newtons_method):
    matrix, vector = quadratic_problem()
    tol = 1e-8
    call = f"newtons_method(grad, hess, np.array([5.0, -3.0]), tol={tol}, max_iterations=20) for ½xᵀAx − bᵀx"
    result = newtons_method(quadratic_gradient, quadratic_hessian, np.array([5.0, -3.0]), tol=tol, max_iterations=20)
    point, iterations = expect_tuple(result, 2, call=call)
    # Once ‖Ax − b‖ < tol, ‖x − A⁻¹b‖ ≤ ‖A⁻¹‖·tol = tol / (smallest eigenvalue of A).
    expect_close(
        point,
        np.linalg.solve(matrix, vector),
        tol=tol / np.linalg.eigvalsh(matrix)[0],
        call=call,
        what="x, the minimiser A⁻¹b",
        why="where the gradient is below tol",
    )
    expect_count(
        iterations,
        1,
        call=call,
        what="the number of iterations",
        why="one Newton step solves a quadratic exactly; the gradient test after it confirms and is not a step",
    )


def test_newtons_method_on_the_banana(newtons_method):
    tol = 1e-10
    call = f"newtons_method(grad, hess, np.array([1.2, 1.2]), tol={tol}, max_iterations=50) for (1-x)² + 10(y-x²)²"
    result = newtons_method(banana_gradient, banana_hessian, np.array([1.2, 1.2]), tol=tol, max_iterations=50)
    point, iterations = expect_tuple(result, 2, call=call)
    expect_close(
        point,
        np.array([1.0, 1.0]),
        tol=banana_minimum_tolerance(tol),
        call=call,
        what="x, the minimiser (1, 1)",
        why="‖x − x*‖ ≈ ‖H⁻¹∇f‖ once the gradient is below tol",
    )
    count = expect_int(iterations, call=call, what="the number of iterations")
    expect_true(
        1 <= count < 50,
        f"{call}: the number of iterations is {count}; Newton's method converges from (1.2, 1.2) in a few "
        "steps, so it should stop as soon as ‖grad‖ < tol, well before max_iterations.",
        "the iteration does not stop on its tolerance",
    )


def test_newtons_method_refuses_a_singular_hessian(newtons_method):
    expect_raises(
        ValueError,
        newtons_method,
        sum_of_squares_gradient,
        sum_of_squares_hessian,
        np.array([1.0, 2.0]),
        call="newtons_method(grad, hess, np.array([1.0, 2.0])) for (x + y)², whose Hessian [[2, 2], [2, 2]] "
        "is singular",
        what="the Hessian is singular (np.linalg.solve raises np.linalg.LinAlgError, a ValueError)",
    )


# -------------------------------------------------------------------------------- reaction_jacobian


def test_reaction_jacobian(reaction_jacobian):
    expected = sp.Matrix([[-k1, 0, 0], [k1, -k2, 0], [0, k2, 0]])
    expect_matrix(
        reaction_jacobian(),
        expected,
        call="reaction_jacobian()",
        what="the Jacobian of (d[A]/dt, d[B]/dt, d[C]/dt) with respect to (A, B, C)",
        variables=[A, B, C, k1, k2],
    )


# ------------------------------------------------------------------------- concentration_sensitivity


def test_concentration_sensitivity_at_a_point(concentration_sensitivity):
    check_sensitivity(concentration_sensitivity, 1.5, 0.4, 1.1, 2.0, what="the 3 × 2 sensitivity matrix")


def test_concentration_sensitivity_columns_sum_to_zero(concentration_sensitivity):
    call = "concentration_sensitivity(1.5, 0.4, 1.1, A0=2.0)"
    got = expect_array(concentration_sensitivity(1.5, 0.4, 1.1, A0=2.0), (3, 2), call=call, what="the result")
    tol = 3 * sensitivity_tolerance(1.5, 0.4, 1.1, 2.0).max()
    sums = got.sum(axis=0)
    expect_true(
        bool(np.all(np.abs(sums) <= tol)),
        f"{call}: the columns sum to {sums}, not 0. A + B + C = A0 does not depend on k1 or k2, so "
        "∂A/∂k + ∂B/∂k + ∂C/∂k = 0 for each rate constant.",
        "the columns do not sum to zero",
    )


def test_concentration_sensitivity_default_initial_concentration(concentration_sensitivity):
    call = "concentration_sensitivity(1.5, 0.4, 1.1)"
    expect_close(
        concentration_sensitivity(1.5, 0.4, 1.1),
        exact_sensitivity(1.5, 0.4, 1.1, 1.0),
        tol=sensitivity_tolerance(1.5, 0.4, 1.1, 1.0),
        call=call,
        what="the sensitivities with the default A0 = 1.0",
    )


def test_concentration_sensitivity_refuses_equal_rates(concentration_sensitivity):
    expect_raises(
        ValueError,
        concentration_sensitivity,
        1.5,
        0.8,
        0.8,
        call="concentration_sensitivity(1.5, 0.8, 0.8)",
        what="k1 == k2 (the closed form divides by k2 − k1)",
    )
