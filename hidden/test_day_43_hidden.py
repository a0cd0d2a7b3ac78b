"""Day 43 hidden checks: other expressions, orders, starts and times than the visible ones. Never shipped."""

import numpy as np
import sympy as sp

from daykit.checks import EPS, expect_close, expect_equivalent, expect_raises, expect_true, expect_tuple
from tests.test_day_43 import (
    banana_gradient,
    banana_hessian,
    banana_minimum_tolerance,
    check_sensitivity,
    exact_sensitivity,
    expect_count,
    expect_matrix,
    hessian_by_definition,
    jacobian_by_definition,
    sensitivity_tolerance,
)

x, y, z = sp.symbols("x y z")
A, B, C, k1, k2 = sp.symbols("A B C k1 k2")


# ------------------------------------------------------------------------------------------ hessian


def test_hessian_of_three_variables_in_another_order(hessian):
    f = x * y * z + x**2 * sp.exp(z) + sp.sin(y)
    order = [z, x, y]
    expect_matrix(
        hessian(f, order),
        hessian_by_definition(f, order),
        call="hessian(x*y*z + x**2*exp(z) + sin(y), [z, x, y])",
        what="the Hessian of a function of three variables, in the order given",
        variables=order,
    )


def test_hessian_keeps_a_variable_that_does_not_occur(hessian):
    f = sp.cos(x) + x * y
    order = (x, y, z)
    expect_matrix(
        hessian(f, order),
        hessian_by_definition(f, order),
        call="hessian(cos(x) + x*y, (x, y, z))",
        what="the Hessian when one variable does not occur in the function (it keeps its row and column)",
        variables=order,
    )


# ----------------------------------------------------------------------------------------- jacobian


def test_jacobian_of_three_functions_of_two_variables(jacobian):
    exprs = [x**2 * y, sp.sin(x) + y, sp.exp(x * y)]
    order = [y, x]
    expect_matrix(
        jacobian(exprs, order),
        jacobian_by_definition(exprs, order),
        call="jacobian([x**2*y, sin(x) + y, exp(x*y)], [y, x])",
        what="a non-square Jacobian with the variables in the order given",
        variables=order,
    )


def test_jacobian_of_one_function_is_a_row(jacobian):
    exprs = [x * sp.log(y) + z**3]
    order = [x, y, z]
    expect_matrix(
        jacobian(exprs, order),
        jacobian_by_definition(exprs, order),
        call="jacobian([x*log(y) + z**3], [x, y, z])",
        what="the Jacobian of a single function (a 1 × n row)",
        variables=order,
    )


def test_jacobian_of_a_square_map_in_reverse_order(jacobian):
    exprs = (x * y, y * z**2, x + sp.cos(z))
    order = (z, y, x)
    expect_matrix(
        jacobian(exprs, order),
        jacobian_by_definition(list(exprs), list(order)),
        call="jacobian((x*y, y*z**2, x + cos(z)), (z, y, x))",
        what="a square, non-symmetric Jacobian with the variables in reverse order",
        variables=order,
    )


# ----------------------------------------------------------------------------------- newtons_method


def own_newton(grad, hess, x0, tol, max_iterations):
    """The iteration the docstring specifies, with the gradient norm met before each step."""
    point, norms = np.array(x0, dtype=float), []
    for k in range(max_iterations + 1):
        norm = float(np.linalg.norm(grad(point)))
        norms.append(norm)
        if norm < tol or k == max_iterations:
            return point, k, norms
        point = point + np.linalg.solve(hess(point), -grad(point))


def test_newtons_method_one_step_on_a_three_dimensional_quadratic(newtons_method):
    def grad(p):
        return np.array([[4.0, 1.0, 0.0], [1.0, 3.0, -1.0], [0.0, -1.0, 2.0]]) @ p - np.array([1.0, 2.0, -3.0])

    def hess(p):
        return np.array([[4.0, 1.0, 0.0], [1.0, 3.0, -1.0], [0.0, -1.0, 2.0]])

    matrix = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, -1.0], [0.0, -1.0, 2.0]])
    tol = 1e-9
    call = f"newtons_method(grad, hess, [-2.0, 4.0, 1.5], tol={tol}, max_iterations=10) for a 3-D quadratic"
    point, iterations = expect_tuple(
        newtons_method(grad, hess, [-2.0, 4.0, 1.5], tol=tol, max_iterations=10), 2, call=call
    )
    expect_close(
        point,
        np.linalg.solve(matrix, np.array([1.0, 2.0, -3.0])),
        tol=tol / np.linalg.eigvalsh(matrix)[0],  # ‖x − x*‖ ≤ ‖A⁻¹‖·‖grad‖
        call=call,
        what="x on a quadratic of three variables",
    )
    expect_count(
        iterations,
        1,
        call=call,
        what="the number of iterations on a quadratic",
        why="one Newton step, the confirming gradient test not counted",
    )


def test_newtons_method_at_the_minimum_takes_no_step(newtons_method):
    call = "newtons_method(grad, hess, np.array([1.0, -1.0])) starting at the minimiser of x² − 2x + 2y² + 4y"
    result = newtons_method(
        lambda p: np.array([2 * p[0] - 2, 4 * p[1] + 4]),
        lambda p: np.array([[2.0, 0.0], [0.0, 4.0]]),
        np.array([1.0, -1.0]),
    )
    point, iterations = expect_tuple(result, 2, call=call)
    expect_close(point, np.array([1.0, -1.0]), tol=1e-15, call=call, what="x when the start is the minimum")
    expect_count(
        iterations,
        0,
        call=call,
        what="the number of iterations when the start is the minimum",
        why="the gradient is already zero, so no step is taken",
    )


def test_newtons_method_iteration_counts_follow_the_tolerance(newtons_method):
    for start, tol in (((1.2, 1.2), 1e-1), ((1.2, 1.2), 1e-3), ((1.2, 1.2), 1e-6), ((-1.2, 1.0), 1e-6)):
        _, expected, norms = own_newton(banana_gradient, banana_hessian, start, tol, 50)
        # Authoring guard: no gradient norm may lie within a factor 2 of tol, so that any correct
        # implementation (solve, lstsq, ...) stops after the same number of steps.
        if any(tol / 2 < norm < 2 * tol for norm in norms):
            raise RuntimeError(f"day 43 hidden check: tol={tol} is too close to a gradient norm")
        call = f"newtons_method(grad, hess, np.array({list(start)}), tol={tol}, max_iterations=50) for the banana"
        point, iterations = expect_tuple(
            newtons_method(banana_gradient, banana_hessian, np.array(start), tol=tol, max_iterations=50), 2, call=call
        )
        expect_count(
            iterations,
            expected,
            call=call,
            what="the number of iterations on a non-quadratic function",
            why="stop before a step once ‖grad‖ < tol; count the steps taken",
        )
        if tol <= 1e-6:
            expect_close(
                point,
                np.array([1.0, 1.0]),
                tol=banana_minimum_tolerance(tol),
                call=call,
                what="x on a non-quadratic function",
            )


def test_newtons_method_honours_max_iterations(newtons_method):
    start, tol, limit = (-1.2, 1.0), 1e-12, 3
    expected_point, _, _ = own_newton(banana_gradient, banana_hessian, start, tol, limit)
    call = f"newtons_method(grad, hess, np.array({list(start)}), tol={tol}, max_iterations={limit}) for the banana"
    result = newtons_method(banana_gradient, banana_hessian, np.array(start), tol=tol, max_iterations=limit)
    point, iterations = expect_tuple(result, 2, call=call)
    expect_count(
        iterations,
        limit,
        call=call,
        what="the number of iterations when max_iterations is reached",
        why="the iteration stops after max_iterations steps",
    )
    # Three steps from (−1.2, 1): each solve is exact to about cond(H)·eps (cond ≤ 1e3 on this path), and
    # an error carried into the next step is multiplied by at most the Newton map's derivative (< 50 here).
    expect_close(
        point,
        expected_point,
        tol=1e3 * 50**limit * EPS,
        call=call,
        what="x after max_iterations Newton steps (the last iterate, no error raised)",
    )


def test_newtons_method_refuses_another_singular_hessian(newtons_method):
    expect_raises(
        ValueError,
        newtons_method,
        lambda p: np.array([2 * p[0], 0.0, 2 * p[2]]),
        lambda p: np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 2.0]]),
        np.array([1.0, 1.0, 1.0]),
        tol=1e-8,
        max_iterations=10,
        call="newtons_method(grad, hess, np.array([1.0, 1.0, 1.0]), tol=1e-8, max_iterations=10) for x² + z² in 3-D",
        what="a Hessian is singular",
    )


# -------------------------------------------------------------------------------- reaction_jacobian


def test_reaction_jacobian_times_concentrations_gives_the_rates(reaction_jacobian):
    call = "reaction_jacobian()"
    jac = expect_matrix(
        reaction_jacobian(),
        sp.Matrix([[-k1, 0, 0], [k1, -k2, 0], [0, k2, 0]]),
        call=call,
        what="the Jacobian",
        variables=[A, B, C, k1, k2],
    )
    rates = [-k1 * A, k1 * A - k2 * B, k2 * B]
    product = jac * sp.Matrix([A, B, C])
    for i, rate in enumerate(rates):
        expect_equivalent(product[i], rate, call=call, what=f"row {i} of J·(A, B, C), which should be rate {i}")


def test_reaction_jacobian_columns_sum_to_zero(reaction_jacobian):
    call = "reaction_jacobian()"
    jac = reaction_jacobian()
    expect_true(
        isinstance(jac, sp.MatrixBase) and jac.shape == (3, 3),
        f"{call} should return a 3 × 3 sp.Matrix.",
        "the result is not a 3 × 3 SymPy matrix",
    )
    for j in range(3):
        expect_equivalent(
            sum(jac[:, j]),
            sp.Integer(0),
            call=call,
            what=f"the sum of column {j} (mass is conserved)",
            variables=["k1", "k2"],
        )


# ------------------------------------------------------------------------- concentration_sensitivity


POINTS = [(0.7, 1.3, 0.25, 3.5), (4.0, 0.9, 2.2, 1.0), (2.5, 2.0, 0.6, 0.4)]


def test_concentration_sensitivity_at_other_points(concentration_sensitivity):
    for t, rate1, rate2, A0 in POINTS:
        check_sensitivity(concentration_sensitivity, t, rate1, rate2, A0, what="the sensitivities at another point")


def test_concentration_sensitivity_columns_sum_to_zero_elsewhere(concentration_sensitivity):
    for t, rate1, rate2, A0 in POINTS:
        got = check_sensitivity(concentration_sensitivity, t, rate1, rate2, A0, what="the sensitivities")
        sums = got.sum(axis=0)
        expect_true(
            bool(np.all(np.abs(sums) <= 3 * sensitivity_tolerance(t, rate1, rate2, A0).max())),
            f"concentration_sensitivity({t}, {rate1}, {rate2}, A0={A0}): the columns sum to {sums}, not 0.",
            "the columns do not sum to zero",
        )


def test_concentration_sensitivity_is_zero_at_time_zero(concentration_sensitivity):
    call = "concentration_sensitivity(0.0, 0.3, 0.9, A0=2.0)"
    expect_close(
        concentration_sensitivity(0.0, 0.3, 0.9, A0=2.0),
        exact_sensitivity(0.0, 0.3, 0.9, 2.0),
        tol=sensitivity_tolerance(0.0, 0.3, 0.9, 2.0),
        call=call,
        what="the sensitivities at t = 0 (nothing has reacted yet)",
    )


def test_concentration_sensitivity_refuses_other_equal_rates(concentration_sensitivity):
    expect_raises(
        ValueError,
        concentration_sensitivity,
        3.0,
        1.25,
        1.25,
        A0=0.5,
        call="concentration_sensitivity(3.0, 1.25, 1.25, A0=0.5)",
        what="k1 == k2",
    )
