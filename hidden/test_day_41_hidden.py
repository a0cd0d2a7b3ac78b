"""Day 41 hidden checks: other quadratics, starts, tolerances and data than the visible ones.

Never shipped to students.
"""

import numpy as np

from daykit.checks import EPS, expect_array, expect_close, expect_number, expect_raises, expect_true, fail
from tests.test_day_41 import (
    central_difference_of_mse,
    check_minima,
    check_minimize_count,
    closed_form_iterates,
    descent_error_bound,
    expect_minimize_result,
    iterate_tolerance,
    minima_tolerance,
    quadratic_gradient,
    real_minima_of_polynomial,
    regression_data,
    stable_rate,
)


def rotated_spd(eigenvalues, seed):
    """A symmetric positive-definite matrix with these eigenvalues and seeded random eigenvectors."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((len(eigenvalues), len(eigenvalues))))
    return Q @ np.diag(eigenvalues) @ Q.T


A3 = rotated_spd([0.5, 1.5, 2.5], seed=1234)
X0_3 = np.array([0.7, -1.1, 0.4])
LIMIT_3 = 2.0 / 2.5


# ------------------------------------------------------------------------------ gradient_descent


def test_gradient_descent_near_the_stability_limit(gradient_descent):
    for factor in (0.95, 1.05):
        lr, n = factor * LIMIT_3, 40
        call = f"gradient_descent(grad of ½xᵀAx, 3×3 A, x0={X0_3.tolist()}, learning_rate={lr:.4g}, n_iterations={n})"
        path = expect_array(
            gradient_descent(quadratic_gradient(A3), X0_3.copy(), lr, n),
            (n + 1, 3),
            call=call,
            what="the path near the stability limit (shape (N + 1, n))",
        )
        expect_close(path[0], X0_3, tol=0.0, call=call, what="the first row of the path")
        expect_close(
            path,
            closed_form_iterates(A3, X0_3, lr, n),
            tol=iterate_tolerance(A3, X0_3, lr, n),
            call=call,
            what="the path near the stability limit",
        )


def test_gradient_descent_follows_its_gradient(gradient_descent):
    def grad(x):
        return np.sin(x) + 0.1 * x**3

    x0, lr, n = np.array([2.0, -0.5, 1.0, 3.0]), 0.3, 12
    call = f"gradient_descent(sin(x) + 0.1x³, {x0.tolist()}, learning_rate={lr}, n_iterations={n})"
    path = expect_array(gradient_descent(grad, list(x0), lr, n), (n + 1, 4), call=call, what="the path")
    expect_close(path[0], x0, tol=0.0, call=call, what="the first row (x0 given as a list)")
    # Each row from the one before: one step, rounding only (a few eps of the values involved).
    expected = path[:-1] - lr * grad(path[:-1])
    scale = np.abs(path[:-1]) + lr * (np.abs(np.sin(path[:-1])) + 0.1 * np.abs(path[:-1]) ** 3)
    expect_close(
        path[1:],
        expected,
        tol=8 * EPS * scale + 1e-15,
        call=call,
        what="each row, compared with one step from the row before it",
    )


# ------------------------------------------------------------------------------------- minimize


def test_minimize_iteration_counts_follow_the_tolerance(minimize):
    for tol in (1e-3, 1e-6, 1e-9):
        check_minimize_count(
            minimize,
            A3,
            X0_3,
            0.6,
            tol,
            300,
            call=f"minimize(grad of ½xᵀAx, 3×3 A, {X0_3.tolist()}, learning_rate=0.6, tol={tol}, max_iterations=300)",
            what="minimize with another tolerance",
        )


def test_minimize_just_below_the_stability_limit_converges(minimize):
    lr = 0.95 * LIMIT_3
    check_minimize_count(
        minimize,
        A3,
        X0_3,
        lr,
        1e-7,
        400,
        call=f"minimize(grad of ½xᵀAx, 3×3 A, {X0_3.tolist()}, learning_rate={lr:.4g}, tol=1e-7, max_iterations=400)",
        what="minimize just below the stability limit",
    )


def test_minimize_just_above_the_stability_limit_diverges(minimize):
    lr = 1.1 * LIMIT_3
    # The stiffest coordinate grows by |1 − 1.1·2| = 1.2 per step: it passes 1e8·(1 + ‖x0‖) in ~110 steps.
    call = f"minimize(grad of ½xᵀAx, 3×3 A, {X0_3.tolist()}, learning_rate={lr:.4g}, tol=1e-7, max_iterations=300)"
    what = "a learning rate just above the stability limit diverges"
    raised = expect_raises(
        ValueError,
        minimize,
        quadratic_gradient(A3),
        X0_3.copy(),
        lr,
        1e-7,
        300,
        call=call,
        what=what,
    )
    message = str(getattr(raised, "student_message", raised))  # under the grader, the student's own message
    if "diverged" not in message.lower():
        fail(
            f"{call} raised a ValueError whose message, {message!r}, should mention 'diverged' ({what}).",
            f"{what}: the ValueError message does not say what went wrong",
        )


def test_minimize_one_dimensional_and_out_of_iterations(minimize):
    A, x0 = np.array([[3.0]]), [-2.0]
    call = "minimize(grad of 1.5x², [-2.0], learning_rate=0.01, tol=1e-9, max_iterations=35)"
    x, iterations, converged = expect_minimize_result(
        minimize(quadratic_gradient(A), np.array(x0), 0.01, 1e-9, 35), 1, call=call
    )
    expect_true(
        not converged and iterations == 35,
        f"{call}: converged = {converged}, iterations = {iterations}",
        "running out of iterations is not reported as converged = False after max_iterations",
    )
    expect_close(
        x,
        closed_form_iterates(A, x0, 0.01, 35)[-1],
        tol=iterate_tolerance(A, x0, 0.01, 35),
        call=call,
        what="the last iterate when the iterations run out",
    )


def test_minimize_leaves_x0_alone(minimize):
    x0 = np.array([0.5, 1.5, -1.0])
    before = x0.copy()
    minimize(quadratic_gradient(np.diag([1.0, 2.0, 3.0])), x0, 0.1, 1e-6, 300)
    expect_true(
        np.array_equal(x0, before),
        f"minimize changed x0: it was {before}, it is now {x0}.",
        "x0 is modified",
    )


# ---------------------------------------------------------------------------------- mse_gradient


def test_mse_gradient_on_other_data(mse_gradient):
    X, y = regression_data(7, 4, seed=4321)
    for theta in (np.zeros(4), np.array([1.0, -2.0, 0.5, 3.0])):
        expected, tol = central_difference_of_mse(theta, X, y, h=1e-5)
        expect_close(
            mse_gradient(theta, X, y),
            expected,
            tol=tol,
            call=f"mse_gradient({theta.tolist()}, X, y) with X of shape (7, 4)",
            what="the gradient on other data",
        )


def test_mse_gradient_vanishes_at_least_squares(mse_gradient):
    X, y = regression_data(12, 3, seed=99)
    theta = np.linalg.lstsq(X, y, rcond=None)[0]
    # (2/m)·Xᵀ(Xθ* − y) = 0; rounding leaves about eps·‖X‖·(‖X‖‖θ*‖ + ‖y‖) per component.
    size = np.linalg.norm(X, 2) * (np.linalg.norm(X, 2) * np.linalg.norm(theta) + np.linalg.norm(y))
    expect_close(
        mse_gradient(theta, X, y),
        np.zeros(3),
        tol=64 * EPS * size,
        call="mse_gradient(θ*, X, y) at the least-squares solution",
        what="the gradient at the minimum",
    )


def test_mse_gradient_rejects_mismatched_shapes(mse_gradient):
    X, y = regression_data(6, 2, seed=5)
    expect_raises(
        ValueError,
        mse_gradient,
        np.zeros(2),
        X,
        y[:5],
        call="mse_gradient(zeros(2), X of shape (6, 2), y of shape (5,))",
        what="y with the wrong number of rows",
    )


# ------------------------------------------------------------------------- fit_linear_regression


def test_fit_linear_regression_three_features(fit_linear_regression):
    X, y = regression_data(40, 3, seed=2024)
    theta_star = np.linalg.lstsq(X, y, rcond=None)[0]
    expect_close(
        fit_linear_regression(X, y, 0.5, 300),
        theta_star,
        tol=descent_error_bound(X, 0.5, 300, theta_star),
        call="fit_linear_regression(X, y, learning_rate=0.5, n_iterations=300) with X of shape (40, 3)",
        what="θ on other data",
    )


def test_fit_linear_regression_is_gradient_descent_from_zero(fit_linear_regression):
    X, y = regression_data(25, 3, seed=77)
    H = 2.0 / 25 * X.T @ X
    theta_star = np.linalg.lstsq(X, y, rcond=None)[0]
    for lr, n in ((0.3, 3), (0.05, 1), (0.3, 0)):
        # From θ₀ = 0 on a quadratic: θ_n = θ* − (I − ηH)^n θ*.
        expected = theta_star - np.linalg.matrix_power(np.eye(3) - lr * H, n) @ theta_star
        tol = 64 * (n + 1) * EPS * (1 + lr * np.linalg.norm(H, 2)) * (np.linalg.norm(theta_star) + 1)
        expect_close(
            fit_linear_regression(X, y, lr, n),
            expected,
            tol=tol,
            call=f"fit_linear_regression(X, y, learning_rate={lr}, n_iterations={n})",
            what="θ after a few steps from θ = 0 (it must take exactly n_iterations steps of size η)",
        )


# ----------------------------------------------------------------------------------- local_minima


def test_local_minima_of_another_quartic(local_minima):
    # f(x) = (x² − 1)² + 0.3x, f'(x) = 4x³ − 4x + 0.3
    lr, n = 0.03, 100
    expected = real_minima_of_polynomial([4, 0, -4, 0.3])
    starts = np.random.default_rng(1234).permutation(np.linspace(-1.8, 1.8, 10))
    check_minima(
        local_minima(lambda x: 4 * x**3 - 4 * x + 0.3, starts[:, None], lr, n, 1e-3),
        expected[:, None],
        minima_tolerance(12 * expected**2 - 4, lr, n, width=3.6),
        call=f"local_minima(f' of (x² − 1)² + 0.3x, 10 shuffled starts, learning_rate={lr}, n_iterations={n})",
        what="the minima of another quartic",
    )


def test_local_minima_in_two_dimensions(local_minima):
    # f(x, y) = (x² − 1)² + 2(y − x/2)²: minima at ±(1, 0.5), a saddle at the origin.
    def grad(p):
        return np.array([4 * p[0] * (p[0] ** 2 - 1) - 2 * (p[1] - p[0] / 2), 4 * (p[1] - p[0] / 2)])

    lr, n = 0.05, 100
    grid = np.array([[a, b] for a in (-1.7, -0.6, 0.6, 1.7) for b in (-1.5, 0.0, 1.5)])
    starts = np.random.default_rng(1234).permutation(grid)
    hessian = np.array([[9.0, -2.0], [-2.0, 4.0]])  # the same at both minima
    check_minima(
        local_minima(grad, starts, lr, n, 1e-3),
        [[-1.0, -0.5], [1.0, 0.5]],
        minima_tolerance(np.linalg.eigvalsh(hessian), lr, n, width=4.0),
        call=f"local_minima(grad of (x² − 1)² + 2(y − x/2)², 12 shuffled starts, learning_rate={lr}, n_iterations={n})",
        what="the minima of a function of two variables",
    )


def test_local_minima_drops_diverging_starts(local_minima):
    lr, n = 0.02, 80
    expected = real_minima_of_polynomial([4, 0, -6, 1])
    starts = np.array([-1.0, 12.0, 1.6, 0.9])  # from 12 the first step overshoots and the iterates blow up
    with np.errstate(all="ignore"):
        got = local_minima(lambda x: 4 * x**3 - 6 * x + 1, starts, lr, n, 1e-3)
    check_minima(
        got,
        expected[:, None],
        minima_tolerance(12 * expected**2 - 6, lr, n, width=4.0),
        call=f"local_minima(f' of x⁴ − 3x² + x, starts={starts.tolist()}, learning_rate={lr}, n_iterations={n})",
        what="the minima when one start diverges (its end point is inf or nan and must be dropped)",
    )


# ------------------------------------------------------------------------ max_stable_learning_rate


def test_max_stable_learning_rate_other_matrices(max_stable_learning_rate):
    for name, A in (("a 3×3 symmetric positive-definite A", A3), ("diag(4, 0.5, 2)", np.diag([4.0, 0.5, 2.0]))):
        call = f"max_stable_learning_rate({name})"
        got = expect_number(max_stable_learning_rate(A), call=call, what="the learning rate")
        expect_close(got, stable_rate(A), tol=1e-12, call=call, what="the learning rate for another matrix")


def test_max_stable_learning_rate_symmetrises(max_stable_learning_rate):
    # xᵀAx only sees (A + Aᵀ)/2 = [[3, 1], [1, 1]]: λmax = 2 + √2. The eigenvalues of A itself are 3 and 1.
    A = np.array([[3.0, 2.0], [0.0, 1.0]])
    call = "max_stable_learning_rate([[3, 2], [0, 1]])"
    expect_close(
        max_stable_learning_rate(A),
        2.0 / (2.0 + np.sqrt(2.0)),
        tol=1e-12,
        call=call,
        what="the learning rate for a matrix that is not symmetric (symmetrise it first)",
    )


def test_max_stable_learning_rate_rejects_bad_matrices(max_stable_learning_rate):
    expect_raises(
        ValueError,
        max_stable_learning_rate,
        np.diag([2.0, 0.0, 1.0]),
        call="max_stable_learning_rate(diag(2, 0, 1))",
        what="a singular matrix is not positive definite",
    )
    expect_raises(
        ValueError,
        max_stable_learning_rate,
        np.ones((2, 3)),
        call="max_stable_learning_rate(ones((2, 3)))",
        what="a matrix that is not square",
    )
