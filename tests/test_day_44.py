"""Day 44 checks: a single neuron for regression and for classification.

Run them with ``pytest tests/test_day_44.py`` (your exercises) or ``--target solutions``.
Each check's parameters name the task functions it calls.

Day-specific helpers (daykit.checks has no equivalent yet): ``expect_params`` judges a parameter dict
``{"w": array (n,), "b": float}``, and the data generators and tolerances below are shared with the hidden checks.
"""

import numpy as np

from daykit.checks import (
    CheckFailure,
    describe,
    expect_array,
    expect_close,
    expect_number,
    expect_raises,
    expect_true,
    expect_tuple,
)

EPS = float(np.finfo(float).eps)


# ------------------------------------------------------------------------------------------ helpers


def expect_params(got, n, *, call, what="the parameters"):
    """A dict with a float array "w" of shape (n,) and a real number "b"; returns (w, b)."""
    if not isinstance(got, dict) or "w" not in got or "b" not in got:
        raise CheckFailure(
            f"{call}: {what} should be a dict {{'w': array of shape ({n},), 'b': float}}; got {describe(got)}.",
            f"{what} should be a dict with keys 'w' and 'b'",
        )
    w = expect_array(got["w"], (n,), call=call, what=f"{what}['w']")
    b = expect_number(got["b"], call=call, what=f"{what}['b']")
    return w, b


def sigmoid(z):
    """A numerically stable logistic function (the checks' own)."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def linear_problem(m, n, seed):
    """A noise-free regression problem: X standard normal (m, n), y = X·w_true + b_true."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    w_true = rng.uniform(-2.0, 2.0, size=n)
    b_true = float(rng.uniform(-1.0, 1.0))
    return X, X @ w_true + b_true, w_true, b_true


def separable_problem(m, n, seed, margin=0.3):
    """Two classes split by the hyperplane w_true·x + b_true = 0, no point closer than ``margin`` in z."""
    rng = np.random.default_rng(seed)
    w_true = rng.uniform(1.0, 2.0, size=n) * rng.choice([-1.0, 1.0], size=n)
    b_true = 0.75
    X = rng.normal(size=(6 * m, n))
    z = X @ w_true + b_true
    keep = np.abs(z) >= margin
    X, z = X[keep][:m], z[keep][:m]
    return X, (z > 0).astype(int)


def dot_tolerance(X, w, b):
    """Rounding of X·w + b: a sum of n + 1 terms is exact to about (n + 1)·eps·Σ|terms|."""
    return 4 * (X.shape[1] + 1) * EPS * (np.abs(X) @ np.abs(w) + abs(b)) + 1e-300


def cost_tolerance(expected, m):
    """Rounding of a mean of m non-negative terms: about m·eps relative."""
    return 4 * m * EPS * abs(expected) + 1e-300


def regression_cost_of(X, y, w, b):
    r = X @ w + b - y
    return float(r @ r / (2 * len(y)))


def log_loss_of(p, y, eps=1e-12):
    q = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))


def log_loss_tolerance(p, y, eps=1e-12):
    """Rounding of the mean log-loss: m·eps relative for the mean, a few eps per log, and for every p
    clipped at 1 − eps the distance 1 − (1 − eps) is only known to eps_machine, i.e. eps_machine/eps
    relative, which moves log(1 − q) by up to that much."""
    m = len(y)
    near_one = np.sum(np.asarray(p) >= 1 - eps)
    return 8 * m * EPS * (abs(log_loss_of(p, y, eps)) + 1) + near_one * (EPS / eps) / m


def convergence_tolerance(X, learning_rate, n_iterations, w_true, b_true):
    """How far gradient descent on the squared error may be from the exact weights after k steps.

    With A = [X 1] and H = AᵀA/m, one step maps the error e to (I − αH)e, so ‖e_k‖ ≤ ρᵏ‖e_0‖ with
    ρ = max|1 − αλᵢ(H)|. The start has weights of size about 0.01, so ‖e_0‖ ≤ ‖θ*‖ + 1; rounding puts
    a floor near cond(H)·eps, far below 1e-9.
    """
    A = np.column_stack([X, np.ones(len(X))])
    rho = float(np.max(np.abs(1 - learning_rate * np.linalg.eigvalsh(A.T @ A / len(X)))))
    start = float(np.linalg.norm(np.append(w_true, b_true))) + 1.0
    return rho**n_iterations * start + 1e-9 * (1 + start)


def expect_costs(costs, n_iterations, *, call):
    """A float array of shape (n_iterations + 1,)."""
    return expect_array(costs, (n_iterations + 1,), call=call, what="the cost history (second item)")


def expect_non_increasing(costs, m, *, call, what):
    """Each cost at most the one before, up to the rounding of a mean of m terms."""
    slack = cost_tolerance(costs[:-1], m) + 1e-28
    rises = np.nonzero(costs[1:] > costs[:-1] + slack)[0]
    if rises.size:
        k = int(rises[0])
        raise CheckFailure(
            f"{call}: {what} goes up at step {k + 1} (from {costs[k]:.6g} to {costs[k + 1]:.6g}). "
            "With this small learning rate every gradient step must lower the cost: check the sign of the update.",
            f"{what} does not decrease along training",
        )


# ---------------------------------------------------------------------------- initialize_parameters


def test_initialize_parameters_shapes_and_seed(initialize_parameters):
    call = "initialize_parameters(4, seed=0)"
    got = initialize_parameters(4, seed=0)
    w, b = expect_params(got, 4, call=call)
    expect_true(
        got["w"].dtype.kind == "f",
        f"{call}: w has dtype {got['w'].dtype}; it should hold floats.",
        "w should hold floats",
    )
    expect_true(b == 0.0, f"{call}: b is {b}; the bias should start at 0.0.", "the bias should start at 0")
    expect_true(
        np.any(w != 0) and np.all(np.abs(w) <= 6 * 0.01),
        f"{call}: w is {w}; it should be small random numbers with standard deviation scale = 0.01 "
        "(none of them zero-only, none beyond 6 standard deviations).",
        "w is not small random numbers of the given scale",
    )
    again, _ = expect_params(initialize_parameters(4, seed=0), 4, call=call)
    expect_true(
        np.array_equal(w, again),
        f"{call} gave {w} and then {again}: the same seed must give the same weights. "
        "Draw them from np.random.default_rng(seed).",
        "the same seed does not give the same weights",
    )
    other, _ = expect_params(initialize_parameters(4, seed=1), 4, call="initialize_parameters(4, seed=1)")
    expect_true(
        not np.array_equal(w, other),
        f"initialize_parameters(4, seed=0) and initialize_parameters(4, seed=1) both gave {w}: "
        "different seeds should give different weights.",
        "different seeds give the same weights",
    )


def test_initialize_parameters_rejects_no_features(initialize_parameters):
    expect_raises(
        ValueError,
        initialize_parameters,
        0,
        call="initialize_parameters(0)",
        what="a neuron with no features",
    )


# ------------------------------------------------------------------------------- forward_regression


def test_forward_regression_example(forward_regression):
    X = np.array([[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]])
    w, b = np.array([0.5, -1.0]), 2.0
    expect_close(
        forward_regression(X, {"w": w, "b": b}),
        X @ w + b,
        tol=dot_tolerance(X, w, b),
        call="forward_regression([[1, 2], [3, 4], [0, 0]], {'w': [0.5, -1], 'b': 2})",
        what="the predictions X·w + b",
        why="only rounding may differ",
    )


def test_forward_regression_rejects_mismatched_shapes(forward_regression):
    expect_raises(
        ValueError,
        forward_regression,
        np.ones((4, 3)),
        {"w": np.ones(2), "b": 0.0},
        call="forward_regression(X of shape (4, 3), {'w': shape (2,), 'b': 0.0})",
        what="X with 3 columns and w with 2 entries",
    )


# ---------------------------------------------------------------------------------- regression_cost


def test_regression_cost_example(regression_cost):
    y_hat, y = np.array([1.0, 2.0, 4.0]), np.array([1.0, 0.0, 1.0])
    expected = (0 + 4 + 9) / (2 * 3)
    expect_close(
        regression_cost(y_hat, y),
        expected,
        tol=cost_tolerance(expected, 3),
        call="regression_cost([1, 2, 4], [1, 0, 1])",
        what="the cost",
        why="Σ(ŷ − y)²/(2m) = 13/6",
    )


def test_regression_cost_on_random_predictions(regression_cost):
    rng = np.random.default_rng(1234)
    y_hat, y = rng.normal(size=25), rng.normal(size=25)
    expected = float(np.sum((y_hat - y) ** 2) / (2 * 25))
    expect_close(
        regression_cost(y_hat, y),
        expected,
        tol=cost_tolerance(expected, 25),
        call="regression_cost(y_hat, y) on 25 random values",
        what="the cost",
        why="the sum of squared errors divided by 2m",
    )


# ----------------------------------------------------------------------------- regression_gradients


def check_gradient_by_finite_differences(regression_gradients, X, y, w, b, call):
    """The returned gradient must match central differences of J = Σ(ŷ − y)²/(2m).

    J is quadratic in (w, b), so a central difference has no truncation error; only rounding remains:
    J is a sum of m terms, each from an (n + 1)-term dot product, so it carries an error of about
    (m + n)·eps·(J + 1), and dividing a difference by 2h turns that into (m + n)·eps·(J + 1)/h.
    """
    m, n = X.shape
    h = 1e-5
    got_w, got_b = expect_params(regression_gradients(X, y, {"w": w, "b": b}), n, call=call, what="the gradient")
    expected = np.zeros(n + 1)
    for j in range(n + 1):
        step = np.zeros(n + 1)
        step[j] = h
        up = regression_cost_of(X, y, w + step[:n], b + step[n])
        down = regression_cost_of(X, y, w - step[:n], b - step[n])
        expected[j] = (up - down) / (2 * h)
    tol = 4 * (m + n) * EPS * (regression_cost_of(X, y, w, b) + 1) / h + 1e-12
    expect_close(
        np.append(got_w, got_b),
        expected,
        tol=tol,
        call=call,
        what="the gradient [∂J/∂w..., ∂J/∂b]",
        why="compared with central differences of J, exact up to rounding since J is quadratic",
    )


def test_regression_gradients_example(regression_gradients):
    X = np.array([[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]])
    y = np.array([1.0, 0.0, 0.0])
    call = "regression_gradients([[1, 2], [3, 4], [0, 0]], [1, 0, 0], {'w': [0.5, -1], 'b': 2})"
    got_w, got_b = expect_params(
        regression_gradients(X, y, {"w": np.array([0.5, -1.0]), "b": 2.0}), 2, call=call, what="the gradient"
    )
    expect_close(np.append(got_w, got_b), [-2 / 3, -1.0, 1 / 3], tol=1e-14, call=call, what="[dw, db]")


def test_regression_gradients_match_finite_differences(regression_gradients):
    rng = np.random.default_rng(1234)
    X, y = rng.normal(size=(30, 3)), rng.normal(size=30)
    w, b = rng.normal(size=3), 0.4
    check_gradient_by_finite_differences(
        regression_gradients, X, y, w, b, "regression_gradients(X, y, params) with X of shape (30, 3)"
    )


# --------------------------------------------------------------------------------- train_regression


def check_recovers_weights(train_regression, m, n, seed, learning_rate, n_iterations):
    X, y, w_true, b_true = linear_problem(m, n, seed)
    call = f"train_regression(X, y, learning_rate={learning_rate}, n_iterations={n_iterations}) on {m} points"
    params, costs = expect_tuple(
        train_regression(X, y, learning_rate=learning_rate, n_iterations=n_iterations), 2, call=call
    )
    w, b = expect_params(params, n, call=call, what="the trained parameters (first item)")
    expect_close(
        np.append(w, b),
        np.append(w_true, b_true),
        tol=convergence_tolerance(X, learning_rate, n_iterations, w_true, b_true),
        call=call,
        what="the learned [w..., b] on noise-free data y = X·w_true + b_true",
        why="gradient descent shrinks the error by ρ = max|1 − αλ(AᵀA/m)| per step",
    )
    costs = expect_costs(costs, n_iterations, call=call)
    expect_close(
        costs[-1],
        regression_cost_of(X, y, w, b),
        tol=cost_tolerance(costs[-1], m) + 1e-28,
        call=call,
        what="the last cost in the history, compared with the cost of the returned parameters",
    )
    expect_non_increasing(costs, m, call=call, what="the cost history")


def test_train_regression_recovers_known_weights(train_regression):
    check_recovers_weights(train_regression, m=100, n=3, seed=1234, learning_rate=0.1, n_iterations=300)


def test_train_regression_rejects_a_non_positive_rate(train_regression):
    X, y, _, _ = linear_problem(10, 2, 1234)
    expect_raises(
        ValueError,
        train_regression,
        X,
        y,
        learning_rate=0.0,
        n_iterations=5,
        call="train_regression(X, y, learning_rate=0.0, n_iterations=5)",
        what="a learning rate of 0",
    )


# --------------------------------------------------------------------------- forward_classification


def check_probabilities(forward_classification, X, w, b, call):
    expected = sigmoid(X @ w + b)
    # σ is computed in a few floating-point operations (a few eps), and σ' <= 1/4 passes on
    # the rounding of the logits.
    tol = 8 * EPS + dot_tolerance(X, w, b) / 4
    return expect_close(
        forward_classification(X, {"w": w, "b": b}),
        expected,
        tol=tol,
        call=call,
        what="the probabilities σ(X·w + b)",
        why="only rounding may differ",
    )


def test_forward_classification_example(forward_classification):
    X = np.array([[0.0], [2.0], [-3.0], [0.5]])  # X = [[0], [2], [-3], [0.5]]
    check_probabilities(forward_classification, X, np.array([1.0]), 0.0, "forward_classification(X, w=[1], b=0)")
    check_probabilities(forward_classification, X, np.array([1.0]), -0.5, "forward_classification(X, w=[1], b=-0.5)")


def test_forward_classification_large_logits(forward_classification):
    X = np.array([[1000.0, 0.0], [-1000.0, 0.0], [0.0, 800.0], [0.0, -800.0], [1.0, 1.0]])
    check_probabilities(
        forward_classification,
        X,
        np.array([1.0, 1.0]),
        0.0,
        "forward_classification(X, w=[1, 1], b=0) with logits ±1000 and ±800",
    )


# ------------------------------------------------------------------------------------------ log_loss


def check_log_loss(log_loss, p, y, call, eps=None):
    got = log_loss(p, y) if eps is None else log_loss(p, y, eps=eps)
    eps = 1e-12 if eps is None else eps
    return expect_close(
        got,
        log_loss_of(p, y, eps),
        tol=log_loss_tolerance(p, y, eps),
        call=call,
        what="the log-loss",
        why="−mean(y·log q + (1 − y)·log(1 − q)) with q = clip(p, eps, 1 − eps)",
    )


def test_log_loss_example(log_loss):
    p, y = np.array([0.9, 0.2, 0.7, 0.4]), np.array([1, 0, 1, 1])
    check_log_loss(log_loss, p, y, "log_loss([0.9, 0.2, 0.7, 0.4], [1, 0, 1, 1])")


def test_log_loss_is_finite_at_zero_and_one(log_loss):
    p, y = np.array([0.0, 1.0, 0.0, 1.0, 0.5]), np.array([1, 0, 0, 1, 1])
    check_log_loss(log_loss, p, y, "log_loss([0, 1, 0, 1, 0.5], [1, 0, 0, 1, 1])")


# ---------------------------------------------------------------------------------- train_classifier


def check_separates(train_classifier, m, n, seed, learning_rate=0.5, n_iterations=300):
    X, y = separable_problem(m, n, seed)
    call = f"train_classifier(X, y, learning_rate={learning_rate}, n_iterations={n_iterations}) on {m} separable points"
    params, costs = expect_tuple(
        train_classifier(X, y, learning_rate=learning_rate, n_iterations=n_iterations), 2, call=call
    )
    w, b = expect_params(params, n, call=call, what="the trained parameters (first item)")
    z = X @ w + b
    wrong = int(np.sum((z >= 0) != (y == 1)))
    expect_true(
        wrong == 0,
        f"{call}: the trained neuron (w = {w}, b = {b:.4g}) puts {wrong} of the {m} points on the wrong side "
        "of its boundary w·x + b = 0, but these classes can be separated by a hyperplane. "
        "Check the gradient Xᵀ(p − y)/m, its sign, and that b is updated too.",
        "the trained classifier does not separate separable data",
    )
    costs = expect_costs(costs, n_iterations, call=call)
    expect_close(
        costs[-1],
        log_loss_of(sigmoid(z), y),
        tol=log_loss_tolerance(sigmoid(z), y) + 1e-12,
        call=call,
        what="the last cost in the history, compared with the log-loss of the returned parameters",
    )
    expect_non_increasing(costs, m, call=call, what="the log-loss history")


def test_train_classifier_separates(train_classifier):
    check_separates(train_classifier, m=100, n=2, seed=1234, n_iterations=200)


# ------------------------------------------------------------------------------------------- predict


def check_predictions(predict, X, params, expected, call, threshold=None):
    got = predict(X, params) if threshold is None else predict(X, params, threshold=threshold)
    expect_true(
        isinstance(got, np.ndarray) and got.dtype.kind in "iu",
        f"{call} returned {describe(got)}; it should be a NumPy integer array of 0s and 1s "
        "(convert booleans with .astype(int)).",
        "the predictions should be an integer array",
    )
    got = expect_array(got, (len(expected),), call=call, what="the predicted classes")
    bad = np.nonzero(got != expected)[0]
    expect_true(
        bad.size == 0,
        f"{call} returned {got.astype(int)}; expected {np.asarray(expected)} "
        f"(first difference at row {bad[0] if bad.size else 0}). Class 1 when σ(z) >= threshold.",
        "the predicted classes are wrong",
    )


def test_predict_example(predict):
    X = np.array([[-1.0], [0.0], [0.5], [3.0]])
    params = {"w": np.array([2.0]), "b": 0.0}
    check_predictions(predict, X, params, [0, 1, 1, 1], "predict([[-1], [0], [0.5], [3]], w=[2], b=0)")
    check_predictions(
        predict, X, params, [0, 0, 0, 1], "predict([[-1], [0], [0.5], [3]], w=[2], b=0, threshold=0.8)", 0.8
    )


def test_predict_on_the_boundary_is_class_1(predict):
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [2.0, -1.0]])
    params = {"w": np.array([1.0, -1.0]), "b": 1.0}  # logits 0, -0.5, 4
    check_predictions(predict, X, params, [1, 0, 1], "predict(X, w=[1, -1], b=1) with a point exactly on z = 0")


def test_predict_rejects_a_threshold_of_one(predict):
    expect_raises(
        ValueError,
        predict,
        np.ones((2, 1)),
        {"w": np.ones(1), "b": 0.0},
        threshold=1.0,
        call="predict(X, params, threshold=1.0)",
        what="a threshold of 1",
    )
