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


# ------------------------------------------------------------------------------- the penguins (real data)
# The Palmer penguins (Horst, Hill & Gorman 2020; data CC0 1.0, Palmer Station Antarctica LTER): the 274
# Adélie and Gentoo penguins with bill length, bill depth, flipper length (mm) and body mass (g) all
# recorded, the same rows as the lesson's, kept here so that no check depends on code in the file checked.

ADELIE_ROWS = """
39.1 18.7 181 3750, 39.5 17.4 186 3800, 40.3 18.0 195 3250, 36.7 19.3 193 3450, 39.3 20.6 190 3650, 38.9 17.8 181 3625
39.2 19.6 195 4675, 34.1 18.1 193 3475, 42.0 20.2 190 4250, 37.8 17.1 186 3300, 37.8 17.3 180 3700, 41.1 17.6 182 3200
38.6 21.2 191 3800, 34.6 21.1 198 4400, 36.6 17.8 185 3700, 38.7 19.0 195 3450, 42.5 20.7 197 4500, 34.4 18.4 184 3325
46.0 21.5 194 4200, 37.8 18.3 174 3400, 37.7 18.7 180 3600, 35.9 19.2 189 3800, 38.2 18.1 185 3950, 38.8 17.2 180 3800
35.3 18.9 187 3800, 40.6 18.6 183 3550, 40.5 17.9 187 3200, 37.9 18.6 172 3150, 40.5 18.9 180 3950, 39.5 16.7 178 3250
37.2 18.1 178 3900, 39.5 17.8 188 3300, 40.9 18.9 184 3900, 36.4 17.0 195 3325, 39.2 21.1 196 4150, 38.8 20.0 190 3950
42.2 18.5 180 3550, 37.6 19.3 181 3300, 39.8 19.1 184 4650, 36.5 18.0 182 3150, 40.8 18.4 195 3900, 36.0 18.5 186 3100
44.1 19.7 196 4400, 37.0 16.9 185 3000, 39.6 18.8 190 4600, 41.1 19.0 182 3425, 37.5 18.9 179 2975, 36.0 17.9 190 3450
42.3 21.2 191 4150, 39.6 17.7 186 3500, 40.1 18.9 188 4300, 35.0 17.9 190 3450, 42.0 19.5 200 4050, 34.5 18.1 187 2900
41.4 18.6 191 3700, 39.0 17.5 186 3550, 40.6 18.8 193 3800, 36.5 16.6 181 2850, 37.6 19.1 194 3750, 35.7 16.9 185 3150
41.3 21.1 195 4400, 37.6 17.0 185 3600, 41.1 18.2 192 4050, 36.4 17.1 184 2850, 41.6 18.0 192 3950, 35.5 16.2 195 3350
41.1 19.1 188 4100, 35.9 16.6 190 3050, 41.8 19.4 198 4450, 33.5 19.0 190 3600, 39.7 18.4 190 3900, 39.6 17.2 196 3550
45.8 18.9 197 4150, 35.5 17.5 190 3700, 42.8 18.5 195 4250, 40.9 16.8 191 3700, 37.2 19.4 184 3900, 36.2 16.1 187 3550
42.1 19.1 195 4000, 34.6 17.2 189 3200, 42.9 17.6 196 4700, 36.7 18.8 187 3800, 35.1 19.4 193 4200, 37.3 17.8 191 3350
41.3 20.3 194 3550, 36.3 19.5 190 3800, 36.9 18.6 189 3500, 38.3 19.2 189 3950, 38.9 18.8 190 3600, 35.7 18.0 202 3550
41.1 18.1 205 4300, 34.0 17.1 185 3400, 39.6 18.1 186 4450, 36.2 17.3 187 3300, 40.8 18.9 208 4300, 38.1 18.6 190 3700
40.3 18.5 196 4350, 33.1 16.1 178 2900, 43.2 18.5 192 4100, 35.0 17.9 192 3725, 41.0 20.0 203 4725, 37.7 16.0 183 3075
37.8 20.0 190 4250, 37.9 18.6 193 2925, 39.7 18.9 184 3550, 38.6 17.2 199 3750, 38.2 20.0 190 3900, 38.1 17.0 181 3175
43.2 19.0 197 4775, 38.1 16.5 198 3825, 45.6 20.3 191 4600, 39.7 17.7 193 3200, 42.2 19.5 197 4275, 39.6 20.7 191 3900
42.7 18.3 196 4075, 38.6 17.0 188 2900, 37.3 20.5 199 3775, 35.7 17.0 189 3350, 41.1 18.6 189 3325, 36.2 17.2 187 3150
37.7 19.8 198 3500, 40.2 17.0 176 3450, 41.4 18.5 202 3875, 35.2 15.9 186 3050, 40.6 19.0 199 4000, 38.8 17.6 191 3275
41.5 18.3 195 4300, 39.0 17.1 191 3050, 44.1 18.0 210 4000, 38.5 17.9 190 3325, 43.1 19.2 197 3500, 36.8 18.5 193 3500
37.5 18.5 199 4475, 38.1 17.6 187 3425, 41.1 17.5 190 3900, 35.6 17.5 191 3175, 40.2 20.1 200 3975, 37.0 16.5 185 3400
39.7 17.9 193 4250, 40.2 17.1 193 3400, 40.6 17.2 187 3475, 32.1 15.5 188 3050, 40.7 17.0 190 3725, 37.3 16.8 192 3000
39.0 18.7 185 3650, 39.2 18.6 190 4250, 36.6 18.4 184 3475, 36.0 17.8 195 3450, 37.8 18.1 193 3750, 36.0 17.1 187 3700
41.5 18.5 201 4000
"""
GENTOO_ROWS = """
46.1 13.2 211 4500, 50.0 16.3 230 5700, 48.7 14.1 210 4450, 50.0 15.2 218 5700, 47.6 14.5 215 5400, 46.5 13.5 210 4550
45.4 14.6 211 4800, 46.7 15.3 219 5200, 43.3 13.4 209 4400, 46.8 15.4 215 5150, 40.9 13.7 214 4650, 49.0 16.1 216 5550
45.5 13.7 214 4650, 48.4 14.6 213 5850, 45.8 14.6 210 4200, 49.3 15.7 217 5850, 42.0 13.5 210 4150, 49.2 15.2 221 6300
46.2 14.5 209 4800, 48.7 15.1 222 5350, 50.2 14.3 218 5700, 45.1 14.5 215 5000, 46.5 14.5 213 4400, 46.3 15.8 215 5050
42.9 13.1 215 5000, 46.1 15.1 215 5100, 44.5 14.3 216 4100, 47.8 15.0 215 5650, 48.2 14.3 210 4600, 50.0 15.3 220 5550
47.3 15.3 222 5250, 42.8 14.2 209 4700, 45.1 14.5 207 5050, 59.6 17.0 230 6050, 49.1 14.8 220 5150, 48.4 16.3 220 5400
42.6 13.7 213 4950, 44.4 17.3 219 5250, 44.0 13.6 208 4350, 48.7 15.7 208 5350, 42.7 13.7 208 3950, 49.6 16.0 225 5700
45.3 13.7 210 4300, 49.6 15.0 216 4750, 50.5 15.9 222 5550, 43.6 13.9 217 4900, 45.5 13.9 210 4200, 50.5 15.9 225 5400
44.9 13.3 213 5100, 45.2 15.8 215 5300, 46.6 14.2 210 4850, 48.5 14.1 220 5300, 45.1 14.4 210 4400, 50.1 15.0 225 5000
46.5 14.4 217 4900, 45.0 15.4 220 5050, 43.8 13.9 208 4300, 45.5 15.0 220 5000, 43.2 14.5 208 4450, 50.4 15.3 224 5550
45.3 13.8 208 4200, 46.2 14.9 221 5300, 45.7 13.9 214 4400, 54.3 15.7 231 5650, 45.8 14.2 219 4700, 49.8 16.8 230 5700
46.2 14.4 214 4650, 49.5 16.2 229 5800, 43.5 14.2 220 4700, 50.7 15.0 223 5550, 47.7 15.0 216 4750, 46.4 15.6 221 5000
48.2 15.6 221 5100, 46.5 14.8 217 5200, 46.4 15.0 216 4700, 48.6 16.0 230 5800, 47.5 14.2 209 4600, 51.1 16.3 220 6000
45.2 13.8 215 4750, 45.2 16.4 223 5950, 49.1 14.5 212 4625, 52.5 15.6 221 5450, 47.4 14.6 212 4725, 50.0 15.9 224 5350
44.9 13.8 212 4750, 50.8 17.3 228 5600, 43.4 14.4 218 4600, 51.3 14.2 218 5300, 47.5 14.0 212 4875, 52.1 17.0 230 5550
47.5 15.0 218 4950, 52.2 17.1 228 5400, 45.5 14.5 212 4750, 49.5 16.1 224 5650, 44.5 14.7 214 4850, 50.8 15.7 226 5200
49.4 15.8 216 4925, 46.9 14.6 222 4875, 48.4 14.4 203 4625, 51.1 16.5 225 5250, 48.5 15.0 219 4850, 55.9 17.0 228 5600
47.2 15.5 215 4975, 49.1 15.0 228 5500, 47.3 13.8 216 4725, 46.8 16.1 215 5500, 41.7 14.7 210 4700, 53.4 15.8 219 5500
43.3 14.0 208 4575, 48.1 15.1 209 5500, 50.5 15.2 216 5000, 49.8 15.9 229 5950, 43.5 15.2 213 4650, 51.5 16.3 230 5500
46.2 14.1 217 4375, 55.1 16.0 230 5850, 44.5 15.7 217 4875, 48.8 16.2 222 6000, 47.2 13.7 214 4925, 46.8 14.3 215 4850
50.4 15.7 222 5750, 45.2 14.8 212 5200, 49.9 16.1 213 5400
"""


def penguins():
    """(X, species): X of shape (274, 4), columns bill length, bill depth, flipper length, body mass."""
    rows, species = [], []
    for name, text in (("Adelie", ADELIE_ROWS), ("Gentoo", GENTOO_ROWS)):
        for group in text.replace("\n", ",").split(","):
            if group.strip():
                rows.append([float(value) for value in group.split()])
                species.append(name)
    return np.array(rows), species


def held_out(m, seed=44):
    """A fixed random split of m rows: (train, test) indices, a quarter of the rows held out."""
    order = np.random.default_rng(seed).permutation(m)
    return np.sort(order[m // 4 :]), np.sort(order[: m // 4])


def statistics_tolerance(X):
    """Rounding of a column's mean or population std: a sum of m terms, about m·eps of its largest entry."""
    return 8 * len(X) * EPS * (np.max(np.abs(X), axis=0) + 1e-300)


def scaled_fit_tolerance(x, y, learning_rate, n_iterations):
    """How far the converted line may be from the least-squares line, in (slope, intercept).

    On the standardised feature z, H = AᵀA/m = I with A = [z 1], so gradient descent's error in (w, b) is
    bounded by convergence_tolerance; slope = w/σ and intercept = b − w·μ/σ carry it over as 1/σ and
    1 + |μ|/σ.
    """
    mu, sigma = float(np.mean(x)), float(np.std(x))
    z = (x - mu) / sigma
    (w, b), *_ = np.linalg.lstsq(np.column_stack([z, np.ones(len(z))]), y, rcond=None)
    tol = convergence_tolerance(z[:, None], learning_rate, n_iterations, np.array([w]), b)
    return np.array([tol / sigma, tol * (1 + abs(mu) / sigma)])


def check_least_squares_line(fit_scaled_regression, x, y, call, learning_rate=0.1, n_iterations=500):
    """The fitted (slope, intercept) must be the least-squares line of the data, computed in closed form."""
    got = expect_tuple(fit_scaled_regression(x, y, learning_rate=learning_rate, n_iterations=n_iterations), 2,
                       call=call)
    slope = expect_number(got[0], call=call, what="the slope (first item)")
    intercept = expect_number(got[1], call=call, what="the intercept (second item)")
    (exact_slope, exact_intercept), *_ = np.linalg.lstsq(np.column_stack([x, np.ones(len(x))]), y, rcond=None)
    expect_close(
        np.array([slope, intercept]),
        [exact_slope, exact_intercept],
        tol=scaled_fit_tolerance(x, y, learning_rate, n_iterations),
        call=call,
        what="[slope, intercept] in the units of x and y",
        why="the least-squares line; on the standardised feature each step shrinks the error by 1 − α",
    )


def reference_logits(X_train, labels, X_test, learning_rate=0.5, n_iterations=300):
    """The logits of the test rows under the neuron the docstring describes, computed by the checks."""
    mu, sigma = X_train.mean(axis=0), X_train.std(axis=0)
    Z, Z_test = (X_train - mu) / sigma, (X_test - mu) / sigma
    w, b = np.random.default_rng(0).normal(0.0, 0.01, size=X_train.shape[1]), 0.0
    for _ in range(n_iterations):
        r = sigmoid(Z @ w + b) - labels
        w, b = w - learning_rate * (Z.T @ r) / len(r), b - learning_rate * float(r.mean())
    return Z_test @ w + b


def check_classifies(penguin_classifier, X_train, species_train, X_test, truth, call, positive="Gentoo", margin=0.5,
                     n_iterations=300):
    """0/1 integers for every test row, right at least where a neuron trained as specified is confidently right.

    The bound is derived from the data: the checks train the neuron the docstring describes and count
    the test rows it classifies correctly with a logit beyond ±margin (a probability outside
    [0.38, 0.62]); a correct answer may differ from it only on the rows it is unsure of.
    """
    truth = np.asarray(truth)
    if n_iterations == 300:
        got = penguin_classifier(X_train, list(species_train), X_test, positive=positive)
    else:
        got = penguin_classifier(X_train, list(species_train), X_test, positive=positive, n_iterations=n_iterations)
    classes = expect_array(got, (len(X_test),), call=call, what="the predicted classes")
    expect_true(
        got.dtype.kind in "iu" and np.all((classes == 0) | (classes == 1)),
        f"{call}: the result has dtype {got.dtype} and values {describe(got)}; it should be an integer array of "
        "0s and 1s, as predict returns.",
        "the result should be an integer array of 0s and 1s",
    )
    labels = np.array([name == positive for name in species_train], dtype=float)
    z = reference_logits(np.asarray(X_train, dtype=float), labels, np.asarray(X_test, dtype=float),
                         n_iterations=n_iterations)
    sure = np.abs(z) >= margin
    bound = int(np.sum(sure & ((z >= 0) == (truth == 1))))
    right = int(np.sum(classes == truth))
    expect_true(
        right >= bound,
        f"{call}: {right} of {len(truth)} test rows are classed right; a neuron trained as the docstring says gets "
        f"{int(np.sum((z >= 0) == (truth == 1)))}, and at least {bound} (those it is sure of). Label the training "
        f"rows 1 for {positive!r}, scale the test rows with the training rows' mean and std, and predict.",
        "too few test rows are classed right",
    )
    return classes


# ---------------------------------------------------------------------------------------- standardize


def check_standardized(standardize, X_train, X_test, call):
    m, n = X_train.shape
    got = expect_tuple(standardize(X_train, X_test), 4, call=call)
    mean = expect_array(got[2], (n,), call=call, what="the means (third item)")
    std = expect_array(got[3], (n,), call=call, what="the standard deviations (fourth item)")
    tol = statistics_tolerance(X_train)
    expect_close(mean, X_train.mean(axis=0), tol=tol, call=call, what="the means of the training columns")
    expect_close(
        std,
        X_train.std(axis=0),
        tol=tol,
        call=call,
        what="the standard deviations of the training columns",
        why="the population std, dividing by m as np.std does",
    )
    exact_mean, exact_std = X_train.mean(axis=0), X_train.std(axis=0)
    for index, rows, what in ((0, X_train, "the scaled training rows (first item)"),
                              (1, X_test, "the scaled test rows (second item)")):
        expect_close(
            got[index],
            (rows - exact_mean) / exact_std,
            tol=(2 * tol + 4 * EPS * np.abs(rows)) / exact_std * (1 + np.abs(rows - exact_mean) / exact_std),
            call=call,
            what=what,
            why="(rows − mean) / std with the TRAINING rows' mean and std",
        )


def test_standardize_uses_the_training_rows_statistics(standardize):
    X, _ = penguins()
    train, test = held_out(len(X))
    check_standardized(standardize, X[train], X[test],
                       "standardize(X_train, X_test) on 206 and 68 penguins (4 measurements each)")


def test_standardize_rejects_a_constant_column(standardize):
    X_train = np.array([[1.0, 2.0], [3.0, 2.0], [4.0, 2.0]])
    expect_raises(
        ValueError,
        standardize,
        X_train,
        np.ones((1, 2)),
        call="standardize([[1, 2], [3, 2], [4, 2]], [[1, 1]])",
        what="a training column that is constant (its std is 0)",
    )


# ------------------------------------------------------------------------------ fit_scaled_regression


def test_fit_scaled_regression_body_mass_from_flipper_length(fit_scaled_regression):
    X, _ = penguins()
    check_least_squares_line(
        fit_scaled_regression, X[:, 2], X[:, 3], "fit_scaled_regression(flipper_length_mm, body_mass_g) on 274 penguins"
    )


def test_fit_scaled_regression_rejects_a_constant_feature(fit_scaled_regression):
    expect_raises(
        ValueError,
        fit_scaled_regression,
        np.full(5, 190.0),
        np.arange(5.0),
        call="fit_scaled_regression([190, 190, 190, 190, 190], [0, 1, 2, 3, 4])",
        what="a feature that does not vary",
    )


# --------------------------------------------------------------------------------- penguin_classifier


def penguin_split(columns):
    X, species = penguins()
    train, test = held_out(len(X))
    truth = np.array([species[i] == "Gentoo" for i in test], dtype=int)
    return X[train][:, columns], [species[i] for i in train], X[test][:, columns], truth


def test_penguin_classifier_on_bill_length_and_depth(penguin_classifier):
    X_train, species, X_test, truth = penguin_split([0, 1])
    check_classifies(penguin_classifier, X_train, species, X_test, truth,
                     "penguin_classifier(bills of 206 penguins, their species, bills of 68 others)")


def test_penguin_classifier_on_flipper_length_and_body_mass(penguin_classifier):
    X_train, species, X_test, truth = penguin_split([2, 3])
    check_classifies(penguin_classifier, X_train, species, X_test, truth,
                     "penguin_classifier(flipper length and body mass of 206 penguins, their species, 68 others)")


def test_penguin_classifier_scales_test_rows_with_the_training_statistics(penguin_classifier):
    X_train, species, X_test, truth = penguin_split([0, 1])
    gentoo = truth == 1
    check_classifies(penguin_classifier, X_train, species, X_test[gentoo], truth[gentoo],
                     f"penguin_classifier(bills of 206 penguins, their species, bills of {gentoo.sum()} Gentoo only)")
    check_classifies(penguin_classifier, X_train, species, X_test[:1], truth[:1],
                     "penguin_classifier(bills of 206 penguins, their species, the bill of one penguin)")
