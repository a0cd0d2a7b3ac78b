"""Day 44 hidden checks: other data sets, shapes, seeds and thresholds. Never shipped to students."""

import numpy as np

from daykit.checks import expect_close, expect_number, expect_raises, expect_true, expect_tuple
from tests.test_day_44 import (
    EPS,
    check_classifies,
    check_gradient_by_finite_differences,
    check_least_squares_line,
    check_log_loss,
    check_predictions,
    check_probabilities,
    check_recovers_weights,
    check_separates,
    check_standardized,
    cost_tolerance,
    dot_tolerance,
    expect_costs,
    expect_params,
    held_out,
    linear_problem,
    log_loss_of,
    penguins,
    regression_cost_of,
    scaled_fit_tolerance,
    sigmoid,
)


def descent_tolerance(k, X, theta):
    """How far two correct implementations of k gradient steps may drift apart by rounding.

    Gradient descent on a convex L-smooth cost with α <= 2/L is non-expansive, so the rounding of
    each step (a gradient summed over m terms of (n + 1)-term dot products: about (m + n)·eps times
    the size of the terms) adds up at most linearly over the k steps.
    """
    m, n = X.shape
    scale = (1 + float(np.max(np.abs(theta)))) * (1 + float(np.max(np.abs(X))))
    return 4 * (k + 1) * (m + n) * EPS * scale


def regression_descent(X, y, w, b, learning_rate, k):
    m = len(y)
    for _ in range(k):
        r = X @ w + b - y
        w, b = w - learning_rate * (X.T @ r) / m, b - learning_rate * float(r.mean())
    return w, b


def logistic_descent(X, y, w, b, learning_rate, k):
    m = len(y)
    for _ in range(k):
        r = sigmoid(X @ w + b) - y
        w, b = w - learning_rate * (X.T @ r) / m, b - learning_rate * float(r.mean())
    return w, b


def noisy_labels(m, n, seed):
    """Labels drawn from a logistic model: the classes overlap, so the log-loss has a finite minimum."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    w_true = rng.uniform(-1.5, 1.5, size=n)
    y = (rng.random(m) < sigmoid(X @ w_true - 0.3)).astype(int)
    return X, y


# ---------------------------------------------------------------------------- initialize_parameters


def test_initialize_parameters_other_sizes_and_seeds(initialize_parameters):
    for n, seed in [(1, 7), (5, 42)]:
        call = f"initialize_parameters({n}, seed={seed})"
        w, b = expect_params(initialize_parameters(n, seed=seed), n, call=call)
        again, _ = expect_params(initialize_parameters(n, seed=seed), n, call=call)
        other, _ = expect_params(initialize_parameters(n, seed=seed + 1), n, call=call)
        expect_true(np.array_equal(w, again), f"{call} is not reproducible.", "the same seed gives other weights")
        expect_true(not np.array_equal(w, other), f"{call}: seeds {seed}, {seed + 1} agree.", "seeds are ignored")
        expect_true(b == 0.0, f"{call}: b = {b}.", "the bias does not start at 0")


def test_initialize_parameters_honours_scale(initialize_parameters):
    n, scale = 2000, 2.0
    call = f"initialize_parameters({n}, seed=3, scale={scale})"
    w, _ = expect_params(initialize_parameters(n, seed=3, scale=scale), n, call=call)
    # The sample standard deviation of n normal draws is within about scale/√(2n) = 1.6% of scale, and
    # the sample mean within scale/√n: bounds of 20% and 6/√n are many standard errors wide.
    spread, centre = float(np.std(w)), float(np.mean(w))
    expect_true(
        0.8 * scale <= spread <= 1.2 * scale and abs(centre) <= 6 * scale / np.sqrt(n),
        f"{call}: the weights have mean {centre:.4g} and standard deviation {spread:.4g}, "
        f"not mean 0 and standard deviation {scale}.",
        "the weights do not have mean 0 and standard deviation scale",
    )
    zero, _ = expect_params(initialize_parameters(3, seed=3, scale=0.0), 3, call="initialize_parameters(3, scale=0)")
    expect_true(np.all(zero == 0), f"scale=0 gave {zero}.", "scale 0 does not give zero weights")


def test_initialize_parameters_rejects_negative_scale(initialize_parameters):
    expect_raises(
        ValueError,
        initialize_parameters,
        3,
        seed=0,
        scale=-0.1,
        call="initialize_parameters(3, scale=-0.1)",
        what="a negative scale",
    )


# ------------------------------------------------------------------------------- forward_regression


def test_forward_regression_other_shapes(forward_regression):
    rng = np.random.default_rng(4401)
    for m, n in [(7, 1), (40, 5), (1, 3)]:
        X, w, b = rng.normal(size=(m, n)), rng.normal(size=n), float(rng.normal())
        expect_close(
            forward_regression(X, {"w": w, "b": np.float64(b)}),
            X @ w + b,
            tol=dot_tolerance(X, w, b),
            call=f"forward_regression(X of shape ({m}, {n}), params)",
            what="the predictions on another data set",
        )


def test_forward_regression_rejects_a_vector(forward_regression):
    expect_raises(
        ValueError,
        forward_regression,
        np.ones(3),
        {"w": np.ones(3), "b": 0.0},
        call="forward_regression(X of shape (3,), params)",
        what="a 1-D X",
    )


# ---------------------------------------------------------------------------------- regression_cost


def test_regression_cost_other_data(regression_cost):
    rng = np.random.default_rng(4402)
    for m in [1, 9, 200]:
        y_hat, y = 3 * rng.normal(size=m), rng.normal(size=m)
        expected = float(np.sum((y_hat - y) ** 2) / (2 * m))
        expect_close(
            regression_cost(y_hat, y),
            expected,
            tol=cost_tolerance(expected, m),
            call=f"regression_cost(y_hat, y) with m = {m}",
            what="the cost on other data",
        )


def test_regression_cost_rejects_mismatched_shapes(regression_cost):
    expect_raises(
        ValueError,
        regression_cost,
        np.ones(3),
        np.ones(4),
        call="regression_cost(shape (3,), shape (4,))",
        what="predictions and targets of different lengths",
    )
    # A column of targets would silently broadcast (4,) against (4, 1) to a (4, 4) table of errors.
    expect_raises(
        ValueError,
        regression_cost,
        np.arange(4.0),
        np.zeros((4, 1)),
        call="regression_cost(shape (4,), shape (4, 1))",
        what="targets given as a column",
    )


# ----------------------------------------------------------------------------- regression_gradients


def test_regression_gradients_other_shapes(regression_gradients):
    rng = np.random.default_rng(4403)
    for m, n in [(12, 1), (50, 5)]:
        X, y = rng.normal(size=(m, n)), 2 * rng.normal(size=m)
        w, b = rng.normal(size=n), -0.7
        check_gradient_by_finite_differences(
            regression_gradients, X, y, w, b, f"regression_gradients(X of shape ({m}, {n}), y, params)"
        )


def test_regression_gradients_vanish_at_the_solution(regression_gradients):
    X, y, w_true, b_true = linear_problem(30, 3, 4404)
    call = "regression_gradients(X, y, exact parameters of noise-free data)"
    w, b = expect_params(regression_gradients(X, y, {"w": w_true, "b": b_true}), 3, call=call, what="the gradient")
    expect_close(
        np.append(w, b),
        np.zeros(4),
        tol=float(np.max(dot_tolerance(X, w_true, b_true))) * (1 + np.max(np.abs(X))) + 1e-14,
        call=call,
        what="the gradient at the minimum",
        why="residuals are zero up to rounding",
    )


# --------------------------------------------------------------------------------- train_regression


def test_train_regression_other_shapes(train_regression):
    check_recovers_weights(train_regression, m=40, n=1, seed=4405, learning_rate=0.3, n_iterations=200)
    check_recovers_weights(train_regression, m=150, n=5, seed=4406, learning_rate=0.2, n_iterations=250)


def test_train_regression_follows_gradient_descent(train_regression, initialize_parameters):
    rng = np.random.default_rng(4407)
    X, y = rng.normal(size=(60, 3)), rng.normal(size=60)
    k, rate, seed = 6, 0.05, 3
    call = f"train_regression(X, y, learning_rate={rate}, n_iterations={k}, seed={seed})"
    params, costs = expect_tuple(train_regression(X, y, learning_rate=rate, n_iterations=k, seed=seed), 2, call=call)
    got_w, got_b = expect_params(params, 3, call=call, what="the parameters after a few steps")
    w0, b0 = expect_params(initialize_parameters(3, seed=seed), 3, call=f"initialize_parameters(3, seed={seed})")
    w, b = regression_descent(X, y, w0, b0, rate, k)
    expect_close(
        np.append(got_w, got_b),
        np.append(w, b),
        tol=descent_tolerance(k, X, np.append(w, b)),
        call=call,
        what="the parameters after exactly n_iterations steps from initialize_parameters(n, seed)",
    )
    costs = expect_costs(costs, k, call=call)
    expect_close(
        costs[0],
        regression_cost_of(X, y, w0, b0),
        tol=cost_tolerance(costs[0], 60),
        call=call,
        what="costs[0], the cost of the initial parameters",
    )


def test_train_regression_zero_iterations(train_regression):
    X, y, _, _ = linear_problem(20, 2, 4408)
    call = "train_regression(X, y, learning_rate=0.1, n_iterations=0)"
    params, costs = expect_tuple(train_regression(X, y, learning_rate=0.1, n_iterations=0), 2, call=call)
    w, b = expect_params(params, 2, call=call)
    expect_true(np.all(np.abs(w) < 0.1) and b == 0.0, f"{call}: w = {w}, b = {b}.", "zero steps moved the parameters")
    expect_costs(costs, 0, call=call)


# --------------------------------------------------------------------------- forward_classification


def test_forward_classification_other_shapes(forward_classification):
    rng = np.random.default_rng(4409)
    for m, n in [(9, 1), (30, 3), (25, 5)]:
        X, w, b = rng.normal(size=(m, n)), 3 * rng.normal(size=n), float(rng.normal())
        check_probabilities(forward_classification, X, w, b, f"forward_classification(X of shape ({m}, {n}), params)")


def test_forward_classification_extreme_logits_with_bias(forward_classification):
    X = np.linspace(-3.0, 3.0, 13)[:, None]
    check_probabilities(forward_classification, X, np.array([400.0]), 40.0, "forward_classification(X, w=[400], b=40)")


# ------------------------------------------------------------------------------------------ log_loss


def test_log_loss_other_data(log_loss):
    rng = np.random.default_rng(4410)
    for m in [1, 17, 200]:
        p, y = rng.random(m), rng.integers(0, 2, size=m)
        check_log_loss(log_loss, p, y, f"log_loss(p, y) with m = {m}")
    p = np.array([1.0, 0.0, 1e-20, 1 - 1e-14])
    check_log_loss(log_loss, p, np.array([0.0, 1.0, 1.0, 0.0]), "log_loss(p, y) with confident wrong answers")


def test_log_loss_honours_eps(log_loss):
    p, y = np.array([0.0, 0.3, 1.0]), np.array([1, 1, 1])
    check_log_loss(log_loss, p, y, "log_loss([0, 0.3, 1], [1, 1, 1], eps=1e-6)", eps=1e-6)


def test_log_loss_rejects_mismatched_shapes(log_loss):
    expect_raises(
        ValueError,
        log_loss,
        np.full(3, 0.5),
        np.ones(2),
        call="log_loss(shape (3,), shape (2,))",
        what="probabilities and labels of different lengths",
    )


# ---------------------------------------------------------------------------------- train_classifier


def test_train_classifier_other_shapes(train_classifier):
    check_separates(train_classifier, m=60, n=1, seed=4411, n_iterations=100)
    check_separates(train_classifier, m=120, n=3, seed=4412, n_iterations=150)
    check_separates(train_classifier, m=200, n=5, seed=4413, n_iterations=200)


def test_train_classifier_follows_gradient_descent(train_classifier, initialize_parameters):
    X, y = noisy_labels(80, 3, 4414)
    k, rate, seed = 6, 0.3, 2
    call = f"train_classifier(X, y, learning_rate={rate}, n_iterations={k}, seed={seed})"
    params, costs = expect_tuple(train_classifier(X, y, learning_rate=rate, n_iterations=k, seed=seed), 2, call=call)
    got_w, got_b = expect_params(params, 3, call=call, what="the parameters after a few steps")
    w0, b0 = expect_params(initialize_parameters(3, seed=seed), 3, call=f"initialize_parameters(3, seed={seed})")
    w, b = logistic_descent(X, y, w0, b0, rate, k)
    expect_close(
        np.append(got_w, got_b),
        np.append(w, b),
        tol=descent_tolerance(k, X, np.append(w, b)),
        call=call,
        what="the parameters after exactly n_iterations steps from initialize_parameters(n, seed)",
    )
    costs = expect_costs(costs, k, call=call)
    p0 = sigmoid(X @ w0 + b0)
    expect_close(costs[0], log_loss_of(p0, y), tol=cost_tolerance(1.0, 80), call=call, what="costs[0]")


def test_train_classifier_learned_weights_on_overlapping_classes(train_classifier, initialize_parameters):
    X, y = noisy_labels(150, 4, 4415)
    k, rate = 150, 0.5
    call = f"train_classifier(X, y, learning_rate={rate}, n_iterations={k}) on overlapping classes"
    params, costs = expect_tuple(train_classifier(X, y, learning_rate=rate, n_iterations=k), 2, call=call)
    got_w, got_b = expect_params(params, 4, call=call, what="the learned parameters")
    w0, b0 = expect_params(initialize_parameters(4, seed=0), 4, call="initialize_parameters(4, seed=0)")
    w, b = logistic_descent(X, y, w0, b0, rate, k)
    expect_close(
        np.append(got_w, got_b),
        np.append(w, b),
        tol=descent_tolerance(k, X, np.append(w, b)),
        call=call,
        what="the learned weights",
    )
    costs = expect_costs(costs, k, call=call)
    expect_number(costs[-1], call=call)
    expect_true(bool(costs[-1] < costs[0]), f"{call}: the log-loss did not fall.", "the log-loss did not fall")


# ------------------------------------------------------------------------------------------- predict


def test_predict_near_the_boundary(predict):
    rng = np.random.default_rng(4416)
    w, b = rng.normal(size=3), 0.2
    direction = w / (w @ w)
    base = rng.normal(size=(6, 3))
    base = base - np.outer(base @ w + b, direction)  # now exactly-ish on z = 0; push off by ±1e-7
    offsets = np.array([1e-7, -1e-7, 2e-7, -3e-7, 1e-6, -1e-6])
    X = base + np.outer(offsets, direction)
    z = X @ w + b
    expected = (z >= 0).astype(int)
    expect_true(bool(np.all(np.abs(z) > 5e-8)), "internal: points too close to the boundary")
    check_predictions(predict, X, {"w": w, "b": b}, expected, "predict(X, params) on points within 1e-6 of z = 0")


def test_predict_other_threshold(predict):
    threshold = 0.8
    logit = np.log(threshold / (1 - threshold))
    z = logit + np.array([-1e-6, 1e-6, -2.0, 3.0])
    X = z[:, None]
    check_predictions(
        predict, X, {"w": np.array([1.0]), "b": 0.0}, (z >= logit).astype(int), "predict(X, params, threshold=0.8)", 0.8
    )
    check_predictions(
        predict,
        X - 1.0,
        {"w": np.array([1.0]), "b": 1.0},
        (z > 0).astype(int),
        "predict(X, params) with a bias (default threshold)",
    )


def test_predict_rejects_a_threshold_of_zero(predict):
    expect_raises(
        ValueError,
        predict,
        np.ones((2, 1)),
        {"w": np.ones(1), "b": 0.0},
        threshold=0.0,
        call="predict(X, params, threshold=0.0)",
        what="a threshold that is not strictly between 0 and 1",
    )


# ------------------------------------------------------------------------------- the penguins (real data)


def test_standardize_other_shapes_scales_and_test_sets(standardize):
    rng = np.random.default_rng(4401)
    X = rng.normal(size=(40, 3)) * [1e-3, 5.0, 2e4] + [7.0, -300.0, 1e6]
    for X_test, what in ((X[:1] * 1.01, "one test row"), (np.empty((0, 3)), "no test rows"),
                         (rng.normal(size=(9, 3)) * 3.0, "test rows on another scale")):
        check_standardized(standardize, X, X_test, f"standardize(40 rows on scales 1e-3 to 2e4, {what})")
    X_pen, _ = penguins()
    check_standardized(standardize, X_pen[:, 2:], X_pen[:3, 2:], "standardize(flipper and mass, 3 rows)")


def test_standardize_rejects_a_constant_middle_column_and_bad_shapes(standardize):
    X_train = np.column_stack([np.arange(5.0), np.full(5, -4.5), np.arange(5.0) ** 2])
    expect_raises(ValueError, standardize, X_train, X_train, call="standardize(X with a constant middle column)",
                  what="a constant column that is not the first")
    expect_raises(ValueError, standardize, np.arange(6.0).reshape(3, 2), np.ones((2, 3)),
                  call="standardize(X_train (3, 2), X_test (2, 3))", what="arrays with different columns")


def test_fit_scaled_regression_other_features_and_units(fit_scaled_regression):
    X = penguins()[0][::4]  # few rows and steps: every number a hidden check hands over must stay few
    check_least_squares_line(fit_scaled_regression, X[:, 0], X[:, 3], "fit_scaled_regression(bill length, mass)",
                             learning_rate=0.5, n_iterations=60)
    check_least_squares_line(fit_scaled_regression, X[:, 2] / 1000.0, X[:, 3] / 1000.0,
                             "fit_scaled_regression(flipper length in m, mass in kg)",
                             learning_rate=0.5, n_iterations=60)
    check_least_squares_line(fit_scaled_regression, X[:, 1], X[:, 0], "fit_scaled_regression(bill depth, length)",
                             learning_rate=0.3, n_iterations=100)


def test_fit_scaled_regression_recovers_a_known_line(fit_scaled_regression):
    rng = np.random.default_rng(4402)
    x = 1000.0 + 2.0 * rng.normal(size=20)
    y = 3.0 * x - 7.0
    call = "fit_scaled_regression(x, 3x − 7, learning_rate=0.5, n_iterations=60) with x near 1000"
    got = expect_tuple(fit_scaled_regression(x, y, learning_rate=0.5, n_iterations=60), 2, call=call)
    slope, intercept = (expect_number(v, call=call) for v in got)
    scale = scaled_fit_tolerance(x, y, 0.5, 60)
    expect_close(np.array([slope, intercept]), [3.0, -7.0], tol=scale + 1e-9 * np.array([3.0, 1e4]), call=call,
                 what="the known line")


def test_fit_scaled_regression_takes_the_given_steps(fit_scaled_regression, initialize_parameters):
    """Few steps on the standardised feature, from the submission's own initialize_parameters(1, seed=0)."""
    rng = np.random.default_rng(4403)
    x = 50.0 + 4.0 * rng.normal(size=30)
    y = -2.0 * x + 5.0 + rng.normal(size=30)
    mu, sigma = x.mean(), x.std()
    z = ((x - mu) / sigma)[:, None]
    w0, b0 = expect_params(initialize_parameters(1, seed=0), 1, call="initialize_parameters(1, seed=0)")
    for learning_rate, k in ((0.1, 0), (0.1, 3), (0.4, 5)):
        call = f"fit_scaled_regression(x, y, learning_rate={learning_rate}, n_iterations={k})"
        got = expect_tuple(fit_scaled_regression(x, y, learning_rate=learning_rate, n_iterations=k), 2, call=call)
        w, b = regression_descent(z, y, w0, b0, learning_rate, k)
        slope = float(w[0]) / sigma
        expected = np.array([slope, b - slope * mu])
        tol = descent_tolerance(k, z, np.append(w, b)) * np.array([1 / sigma, 1 + abs(mu) / sigma])
        expect_close(np.array([expect_number(v, call=call) for v in got]), expected,
                     tol=tol + 1e-12 * np.abs(expected), call=call,
                     what="the line after the given number of steps of train_regression on the scaled feature")


def test_penguin_classifier_other_species_and_features(penguin_classifier):
    X, species = penguins()
    train, test = held_out(len(X), seed=4404)
    train, test = train[::3], test[::2]  # few rows and steps: every number a hidden check hands over must stay few
    truth_adelie = np.array([species[i] == "Adelie" for i in test], dtype=int)
    names = [species[i] for i in train]
    check_classifies(penguin_classifier, X[train], names, X[test], truth_adelie,
                     "penguin_classifier(all four measurements, positive='Adelie', n_iterations=60)",
                     positive="Adelie", n_iterations=60)
    check_classifies(penguin_classifier, X[train][:, [1, 3]], names, X[test][:, [1, 3]], 1 - truth_adelie,
                     "penguin_classifier(bill depth and body mass, n_iterations=60)", n_iterations=60)


def test_penguin_classifier_on_offset_data_and_other_names(penguin_classifier):
    rng = np.random.default_rng(4405)
    Z = rng.normal(size=(50, 2))
    X = Z * [0.5, 2.0] + [1000.0, -50.0]
    names = np.where(Z @ np.array([1.0, -1.0]) + 0.2 > 0, "cat", "dog")
    check_classifies(penguin_classifier, X[:35], list(names[:35]), X[35:], (names[35:] == "cat").astype(int),
                     "penguin_classifier(features near 1000 and −50, 'cat' or 'dog', positive='cat', n_iterations=60)",
                     positive="cat", n_iterations=60)
    check_classifies(penguin_classifier, X[:35], list(names[:35]), X[35:36], (names[35:36] == "dog").astype(int),
                     "penguin_classifier(the same, one test row, positive='dog', n_iterations=60)", positive="dog",
                     n_iterations=60)


def test_penguin_classifier_rejects_one_class_and_a_missing_name(penguin_classifier):
    X, species = penguins()
    expect_raises(ValueError, penguin_classifier, X[:5], species[:5], X[:2],
                  call="penguin_classifier(5 Adélie penguins, ...)", what="training rows of one species only")
    expect_raises(ValueError, penguin_classifier, X[:10], species[:9], X[:2],
                  call="penguin_classifier(10 rows, 9 species)", what="a species list of the wrong length")
