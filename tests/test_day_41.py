"""Day 41 checks: gradient descent, stopping and divergence, linear regression, minima, stability.

Run them with ``pytest tests/test_day_41.py`` (your exercises) or ``--target solutions``.
Each check's parameters name the task functions it calls.
"""

import numpy as np

from daykit.checks import EPS, describe, expect_array, expect_close, expect_number, expect_raises, expect_true, fail

# ------------------------------------------------------------------------------- helpers (Day 41)
# A day-specific helper that daykit.checks lacks: one for the dict that minimize returns.


def expect_minimize_result(got, n, *, call):
    """minimize's result: a dict with "x" (array of shape (n,)), "iterations" (int), "converged" (bool)."""
    if not isinstance(got, dict) or not {"x", "iterations", "converged"} <= set(got):
        fail(
            f'{call} should return a dict with the keys "x", "iterations" and "converged"; '
            f"it returned {describe(got)}.",
            'the result should be a dict with the keys "x", "iterations" and "converged"',
        )
    x = expect_array(got["x"], (n,), call=call, what='result["x"]')
    iterations, converged = got["iterations"], got["converged"]
    if isinstance(iterations, (bool, np.bool_)) or not isinstance(iterations, (int, np.integer)):
        fail(
            f'{call}: result["iterations"] should be an int; it is {describe(iterations)}.',
            'result["iterations"] should be an int',
        )
    if not isinstance(converged, (bool, np.bool_)):
        fail(
            f'{call}: result["converged"] should be a bool; it is {describe(converged)}.',
            'result["converged"] should be a bool',
        )
    return x, int(iterations), bool(converged)


# ------------------------------------------------------------------------- quadratics, in closed form
# On f(x) = ½xᵀAx (A symmetric positive definite) gradient descent is x_k = (I − ηA)^k x0. In the
# eigenbasis A = Q diag(λ) Qᵀ every coordinate is multiplied by 1 − ηλ_i per step.


def quadratic_gradient(A):
    """The gradient x ↦ Ax of ½xᵀAx, as a function a task can call."""
    A = np.array(A, dtype=float)
    return lambda x: A @ x


def closed_form_iterates(A, x0, learning_rate, n_iterations):
    """x_0, ..., x_N of gradient descent on ½xᵀAx, shape (N + 1, n), from the eigendecomposition."""
    lam, Q = np.linalg.eigh(np.asarray(A, dtype=float))
    c0 = Q.T @ np.asarray(x0, dtype=float)
    factors = (1 - learning_rate * lam)[None, :] ** np.arange(n_iterations + 1)[:, None]
    return (factors * c0) @ Q.T


def iterate_tolerance(A, x0, learning_rate, k):
    """Rounding of k computed steps x − η(Ax): each adds ~n·eps·(1 + η‖A‖)·‖x‖, amplified by ≤ max(1, ρ)^k."""
    A = np.asarray(A, dtype=float)
    lam = np.linalg.eigvalsh(A)
    rho = max(1.0, np.max(np.abs(1 - learning_rate * lam)))
    n = A.shape[0]
    per_step = 8 * n * EPS * (1 + learning_rate * np.max(np.abs(lam))) * np.linalg.norm(x0)
    return 16 * (k + 1) * per_step * rho**k + 1e-14


def predicted_iterations(A, x0, learning_rate, tol, limit=10_000):
    """The first k ≥ 1 whose step x_{k−1} − x_k = ηA x_{k−1} is shorter than tol (closed form)."""
    lam, Q = np.linalg.eigh(np.asarray(A, dtype=float))
    c0 = Q.T @ np.asarray(x0, dtype=float)
    k = np.arange(1, limit + 1)
    steps = np.linalg.norm(learning_rate * lam * c0 * (1 - learning_rate * lam) ** (k[:, None] - 1), axis=1)
    return int(k[np.argmax(steps < tol)])


def check_minimize_count(minimize, A, x0, learning_rate, tol, max_iterations, *, call, what):
    """minimize on ½xᵀAx: converged, iteration count within ±1 of the prediction, x = x_iterations."""
    x, iterations, converged = expect_minimize_result(
        minimize(quadratic_gradient(A), np.array(x0, dtype=float), learning_rate, tol, max_iterations),
        len(x0),
        call=call,
    )
    expected = predicted_iterations(A, x0, learning_rate, tol)
    expect_true(
        converged,
        f'{call}: result["converged"] is False, but the step falls below tol after about {expected} '
        f"iterations, well within max_iterations={max_iterations}.",
        f"{what}: not reported as converged",
    )
    # ±1 allows testing the step before or after applying it.
    expect_true(
        abs(iterations - expected) <= 1,
        f'{call}: result["iterations"] is {iterations}; on this quadratic every step is shorter than '
        f"the last by the factor |1 − ηλ|, and the step length η‖∇f‖ first falls below tol after "
        f"{expected} iterations (±1 accepted). Stop as soon as the step is shorter than tol.",
        f"{what}: the number of iterations does not match the tolerance",
    )
    expected_x = closed_form_iterates(A, x0, learning_rate, iterations)[-1]
    expect_close(
        x,
        expected_x,
        tol=iterate_tolerance(A, x0, learning_rate, iterations),
        call=call,
        what=f'{what}: result["x"]',
        why=f'it should be the iterate after result["iterations"] = {iterations} steps',
    )
    return x, iterations


# ------------------------------------------------------------------------------ gradient_descent


def test_gradient_descent_on_a_quadratic(gradient_descent):
    A, x0 = np.diag([1.0, 4.0]), np.array([1.0, 1.0])
    call = "gradient_descent(grad of ½(x² + 4y²), x0=[1, 1], learning_rate=0.2, n_iterations=10)"
    path = expect_array(
        gradient_descent(quadratic_gradient(A), x0.copy(), 0.2, 10), (11, 2), call=call, what="the path"
    )
    expect_close(path[0], x0, tol=0.0, call=call, what="the first row of the path", why="it must be x0 itself")
    expect_close(
        path,
        closed_form_iterates(A, x0, 0.2, 10),
        tol=iterate_tolerance(A, x0, 0.2, 10),
        call=call,
        what="the path",
        why="row k is x_k; here x_k = [0.8^k, 0.2^k]",
    )


def test_gradient_descent_zero_iterations(gradient_descent):
    call = "gradient_descent(grad, x0=[3, -1], learning_rate=0.1, n_iterations=0)"
    path = expect_array(
        gradient_descent(lambda x: 2 * x, np.array([3.0, -1.0]), 0.1, 0),
        (1, 2),
        call=call,
        what="the path (N = 0 gives one row: x0)",
    )
    expect_close(path[0], [3.0, -1.0], tol=0.0, call=call, what="the only row")


def test_gradient_descent_rejects_bad_input(gradient_descent):
    expect_raises(
        ValueError,
        gradient_descent,
        lambda x: x,
        np.array([1.0]),
        0.0,
        5,
        call="gradient_descent(grad, [1.0], learning_rate=0.0, n_iterations=5)",
        what="a learning rate that is not positive",
    )
    expect_raises(
        ValueError,
        gradient_descent,
        lambda x: x,
        np.array([1.0]),
        0.1,
        -1,
        call="gradient_descent(grad, [1.0], learning_rate=0.1, n_iterations=-1)",
        what="a negative number of iterations",
    )


def test_gradient_descent_leaves_x0_alone(gradient_descent):
    x0 = np.array([1.0, -2.0])
    before = x0.copy()
    call = "gradient_descent(grad of ½(x² + 4y²), x0=np.array([1.0, -2.0]), learning_rate=0.2, n_iterations=5)"
    gradient_descent(quadratic_gradient(np.diag([1.0, 4.0])), x0, 0.2, 5)
    expect_true(
        np.array_equal(x0, before),
        f"{call} changed x0: it was {before}, it is now {x0}. The caller's starting point is not yours to "
        "move: start from a new array, x = np.array(x0, dtype=float), and write x = x - η·g.",
        "x0 is modified",
    )


# ------------------------------------------------------------------------------------- minimize


def test_minimize_stops_on_its_tolerance(minimize):
    check_minimize_count(
        minimize,
        np.diag([1.0, 4.0]),
        [1.0, 1.0],
        0.2,
        1e-6,
        500,
        call="minimize(grad of ½(x² + 4y²), [1, 1], learning_rate=0.2, tol=1e-6, max_iterations=500)",
        what="minimize on a quadratic",
    )


def test_minimize_reports_divergence(minimize):
    # 2/λmax = 0.5 here; at η = 0.55 the y coordinate is multiplied by 1 − 0.55·4 = −1.2 per step.
    call = "minimize(grad of ½(x² + 4y²), [1, 1], learning_rate=0.55, tol=1e-6, max_iterations=500)"
    what = "a learning rate above 2/λmax makes the iterates grow without bound"
    raised = expect_raises(
        ValueError,
        minimize,
        quadratic_gradient(np.diag([1.0, 4.0])),
        np.array([1.0, 1.0]),
        0.55,
        1e-6,
        500,
        call=call,
        what=what,
    )
    message = str(getattr(raised, "student_message", raised))  # under the grader, the student's own message
    if "diverged" not in message.lower():
        fail(
            f"{call} raised a ValueError whose message, {message!r}, should mention 'diverged' ({what}).",
            f"{what}: the ValueError message does not say what went wrong",
        )


def test_minimize_runs_out_of_iterations(minimize):
    A, x0 = np.diag([1.0, 4.0]), [1.0, 1.0]
    call = "minimize(grad of ½(x² + 4y²), [1, 1], learning_rate=0.001, tol=1e-6, max_iterations=20)"
    x, iterations, converged = expect_minimize_result(
        minimize(quadratic_gradient(A), np.array(x0), 0.001, 1e-6, 20), 2, call=call
    )
    expect_true(
        not converged and iterations == 20,
        f'{call}: got result["converged"] = {converged} and result["iterations"] = {iterations}; with '
        "such a small learning rate the step never gets below 1e-6 in 20 iterations, so expected "
        "converged = False after all 20 iterations.",
        "running out of iterations is not reported",
    )
    expect_close(
        x,
        closed_form_iterates(A, x0, 0.001, 20)[-1],
        tol=iterate_tolerance(A, x0, 0.001, 20),
        call=call,
        what='result["x"]',
        why="the iterate after 20 steps",
    )


# ---------------------------------------------------------------------------------- mse_gradient


def mse_loss(theta, X, y):
    """L(θ) = (1/m)·‖Xθ − y‖²."""
    return float(np.mean((X @ theta - y) ** 2))


def central_difference_of_mse(theta, X, y, h):
    """The gradient of the MSE by central differences, and a bound on its error.

    L is quadratic, so a central difference has no truncation error (L''' = 0): only rounding.
    Each value of L carries an error of a few eps times the size of the squared terms it sums,
    at most scale = mean((|X|·(|θ| + h) + |y|)²); dividing a difference of two of them by 2h gives
    about eps·scale/h (safety factor 16, for both values and the dot products inside).
    """
    theta = np.asarray(theta, dtype=float)
    estimate = np.empty_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        estimate[i] = (mse_loss(theta + e, X, y) - mse_loss(theta - e, X, y)) / (2 * h)
    scale = float(np.mean((np.abs(X) @ (np.abs(theta) + h) + np.abs(y)) ** 2))
    return estimate, 16 * EPS * scale / h + 1e-12


def regression_data(m, n, seed):
    """Well-conditioned regression data: a column of ones, n − 1 uniform features, a noisy linear target."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(m), rng.uniform(-1, 1, size=(m, n - 1))])
    y = X @ rng.uniform(-2, 2, size=n) + 0.1 * rng.standard_normal(m)
    return X, y


def test_mse_gradient_small_example(mse_gradient):
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    call = "mse_gradient([0, 1], X=[[1, 0], [1, 1], [1, 2]], y=[1, 1, 1])"
    expect_close(
        mse_gradient(np.array([0.0, 1.0]), X, np.array([1.0, 1.0, 1.0])),
        [0.0, 4.0 / 3.0],
        tol=1e-12,
        call=call,
        what="the gradient",
        why="the residuals are [-1, 0, 1], so (2/m)·Xᵀr = (2/3)·[0, 2]",
    )


def test_mse_gradient_matches_a_finite_difference(mse_gradient):
    X, y = regression_data(20, 3, seed=1234)
    theta = np.array([0.5, -1.0, 2.0])
    expected, tol = central_difference_of_mse(theta, X, y, h=1e-5)
    expect_close(
        mse_gradient(theta, X, y),
        expected,
        tol=tol,
        call="mse_gradient([0.5, -1, 2], X, y) with X of shape (20, 3)",
        what="the gradient",
        why="a central difference of L(θ) = (1/m)·‖Xθ − y‖² with h = 1e-5; L is quadratic, so only rounding",
    )


# ------------------------------------------------------------------------- fit_linear_regression


def descent_error_bound(X, learning_rate, n_iterations, theta_star):
    """How far n iterations from θ = 0 may be from θ*: ρ^n·‖θ*‖, ρ = max|1 − ηλ(H)|, H = (2/m)XᵀX.

    Plus rounding: every step adds about eps·‖θ*‖·(1 + η‖H‖), and these add up over the iterations.
    """
    lam = np.linalg.eigvalsh(2.0 / X.shape[0] * X.T @ X)
    rho = np.max(np.abs(1 - learning_rate * lam))
    norm = np.linalg.norm(theta_star)
    return 2 * rho**n_iterations * norm + 64 * EPS * (1 + learning_rate * lam[-1]) * norm / max(1e-3, 1 - rho)


def test_fit_linear_regression_agrees_with_least_squares(fit_linear_regression):
    x = np.linspace(-1, 1, 30)
    X = np.column_stack([np.ones(30), x])
    y = 1.5 - 0.7 * x + 0.05 * np.sin(7 * x)
    theta_star = np.linalg.lstsq(X, y, rcond=None)[0]
    expect_close(
        fit_linear_regression(X, y, 0.4, 200),
        theta_star,
        tol=descent_error_bound(X, 0.4, 200, theta_star),
        call="fit_linear_regression(X, y, learning_rate=0.4, n_iterations=200) with X = [1, x], 30 rows",
        what="θ",
        why="after 200 steps gradient descent is within ρ^200·‖θ*‖ of the least-squares θ*",
    )


# ----------------------------------------------------------------------------------- local_minima
# The gradients passed to local_minima are written inline (lambdas, nested functions). Under daykit grade
# they keep no state, so they run beside the student's code, as under pytest.


def real_minima_of_polynomial(derivative_coefficients):
    """The real roots of f' where f'' > 0, sorted: the local minima of a 1-D polynomial f."""
    roots = np.roots(derivative_coefficients)
    roots = np.sort(roots[np.abs(roots.imag) < 1e-9].real)
    second = np.polyder(np.poly1d(derivative_coefficients))
    return roots[second(roots) > 0]


def minima_tolerance(curvatures, learning_rate, n_iterations, width, escape=25):
    """Error of gradient descent at its end point near a minimum.

    Near a minimum the error contracts by ρ = max|1 − η·λ| per step (λ: the curvatures there). Allow
    ``escape`` steps for the slowest start to leave the neighbourhood of a maximum or saddle, and an
    initial error up to the width of the region of starts.
    """
    rho = np.max(np.abs(1 - learning_rate * np.asarray(curvatures)))
    return width * rho ** (n_iterations - escape) + 1e-9


def check_minima(got, expected, tol, *, call, what):
    expected = np.asarray(expected, dtype=float)
    got = expect_array(got, (None, expected.shape[1]), call=call, what=what)
    expect_true(
        got.shape[0] == expected.shape[0],
        f"{call}: {what} has {got.shape[0]} row(s), but this function has {expected.shape[0]} distinct "
        f"local minima. Merge end points closer than tol into one minimum. Got {describe(got)}.",
        f"{what}: wrong number of distinct minima",
    )
    expect_close(
        got,
        expected,
        tol=tol,
        call=call,
        what=what,
        why="one row per minimum, sorted, each within the convergence error of gradient descent",
    )


def test_local_minima_of_a_quartic(local_minima):
    lr, n = 0.02, 80
    expected = real_minima_of_polynomial([4, 0, -6, 1])
    curvatures = 12 * expected**2 - 6
    check_minima(
        local_minima(lambda x: 4 * x**3 - 6 * x + 1, np.linspace(2, -2, 9), lr, n, 1e-3),
        expected[:, None],
        minima_tolerance(curvatures, lr, n, width=4.0),
        call="local_minima(f' of x⁴ − 3x² + x, starts=np.linspace(2, -2, 9), learning_rate=0.02, "
        "n_iterations=80, tol=1e-3)",
        what="the minima",
    )


# ------------------------------------------------------------------------ max_stable_learning_rate


def stable_rate(A):
    """2/λmax of the symmetric part of A."""
    A = np.asarray(A, dtype=float)
    return 2.0 / np.linalg.eigvalsh((A + A.T) / 2)[-1]


def test_max_stable_learning_rate_diagonal(max_stable_learning_rate):
    got = expect_number(max_stable_learning_rate(np.diag([1.0, 10.0])), call="max_stable_learning_rate(diag(1, 10))")
    expect_close(
        got,
        0.2,
        tol=1e-12,
        call="max_stable_learning_rate(diag(1, 10))",
        what="the learning rate",
        why="2/λmax with λmax = 10",
    )


def test_max_stable_learning_rate_symmetric(max_stable_learning_rate):
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    expect_close(
        max_stable_learning_rate(A),
        stable_rate(A),
        tol=1e-12,
        call="max_stable_learning_rate([[2, 1], [1, 3]])",
        what="the learning rate",
        why="2/λmax, λmax = (5 + √5)/2 the largest eigenvalue",
    )


def test_max_stable_learning_rate_rejects_indefinite(max_stable_learning_rate):
    expect_raises(
        ValueError,
        max_stable_learning_rate,
        np.array([[1.0, 2.0], [2.0, 1.0]]),
        call="max_stable_learning_rate([[1, 2], [2, 1]])",
        what="a matrix with a negative eigenvalue (-1) is not positive definite",
    )
