"""Day 42 checks: sigmoid, softmax, cross-entropy, a two-layer network and its gradients.

Run them with ``pytest tests/test_day_42.py`` (your exercises) or ``--target solutions``.
Each check's parameters name the task functions it calls.

The checks compute their own answers with their own code: a log-sum-exp form of the loss, and
central finite differences of that loss for the gradients. Tolerances come from rounding (a sum of k
rounded terms is off by at most about k·eps times the sum of their sizes) and, for finite
differences, from the truncation error of the central difference, estimated from the steps h and 2h.
"""

import math

import numpy as np

from daykit.checks import EPS, expect_array, expect_close, expect_raises, expect_true, fail

KEYS = ("W1", "b1", "W2", "b2")


# ------------------------------------------------------------------------------------ check helpers


def expect_params_dict(got, params, *, call, what):
    """A dict with exactly the keys W1, b1, W2, b2, each an array shaped like the parameter."""
    if not isinstance(got, dict):
        fail(
            f"{call}: {what} should be a dict with the keys {list(KEYS)}; it is a {type(got).__name__}.",
            f"{what} should be a dict",
        )
    if sorted(got) != sorted(KEYS):
        fail(
            f"{call}: {what} should have exactly the keys {list(KEYS)}; it has {sorted(map(str, got))}.",
            f"{what} does not have the keys W1, b1, W2, b2",
        )
    return {key: expect_array(got[key], params[key].shape, call=call, what=f"{what}[{key!r}]") for key in KEYS}


def rounding(terms, scale):
    """The rounding error of a computation summing ``terms`` terms of total size ``scale``, with a
    few operations more and a safety factor 4: 4·(terms + 4)·eps·scale."""
    return 4 * (terms + 4) * EPS * np.abs(scale)


def exact_sigmoid(z):
    """σ(z) = 1/(1 + e^-z), evaluated with math.exp on a non-positive exponent only."""
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    for index in np.ndindex(z.shape):
        t = math.exp(-abs(float(z[index])))
        out[index] = 1 / (1 + t) if z[index] >= 0 else t / (1 + t)
    return out


def exact_sigmoid_derivative(z):
    """σ'(z) = e^-|z| / (1 + e^-|z|)², the same for z and -z."""
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    for index in np.ndindex(z.shape):
        t = math.exp(-abs(float(z[index])))
        out[index] = t / (1 + t) ** 2
    return out


# σ and σ' are computed from an exp, an addition and a division: a few rounding errors of size eps.
SIGMOID_TOL = float(rounding(4, 1.0))


def log_softmax_rows(z):
    """Row-wise log-softmax z - logsumexp(z), with the row maximum taken out."""
    z = np.atleast_2d(np.asarray(z, dtype=float))
    top = z.max(axis=1, keepdims=True)
    return z - (top + np.log(np.exp(z - top).sum(axis=1, keepdims=True)))


def softmax_tolerance(z):
    """Scores of size |z| are rounded by eps·|z|, which exp turns into a relative error eps·|z|;
    the sum of K terms adds K·eps. Probabilities are at most 1, so this bounds the absolute error."""
    z = np.asarray(z, dtype=float)
    return float(rounding(z.shape[-1] + np.max(np.abs(z)), 1.0))


def check_forward(X, params):
    """This check's forward pass, with a bound on the rounding error of each stage."""
    W1, b1, W2, b2 = (params[key] for key in KEYS)
    Z1 = X @ W1 + b1
    e_Z1 = rounding(X.shape[1], np.abs(X) @ np.abs(W1) + np.abs(b1))
    A1 = np.exp(-np.logaddexp(0.0, -Z1))  # σ(z) = 1 / (1 + e^-z) = exp(-log(1 + e^-z))
    e_A1 = e_Z1 / 4 + SIGMOID_TOL  # σ has slope at most 1/4
    Z2 = A1 @ W2 + b2
    e_Z2 = e_A1 @ np.abs(W2) + rounding(W2.shape[0], np.abs(A1) @ np.abs(W2) + np.abs(b2))
    A2 = np.exp(log_softmax_rows(Z2))
    # softmax moves p_k by at most 2·p_k·max|dz| <= 2·max|dz|, plus its own rounding
    e_A2 = 2 * e_Z2.max(axis=1, keepdims=True) + softmax_tolerance(Z2)
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}, {"Z1": e_Z1, "A1": e_A1, "Z2": e_Z2, "A2": e_A2}


def check_loss(X, Y, params):
    """This check's mean cross-entropy, −(1/m) Σ y·log softmax(Z2), in log-sum-exp form (no clipping)."""
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.exp(-np.logaddexp(0.0, -Z1))
    Z2 = A1 @ params["W2"] + params["b2"]
    return float(-np.sum(Y * log_softmax_rows(Z2)) / X.shape[0])


def loss_rounding(X, Y, params):
    """A bound on the rounding error of the loss: every stage sums at most n_in + n_hidden + n_out
    terms, and log-sum-exp of scores of size |Z2| is off by about eps·|Z2|."""
    Z1 = X @ params["W1"] + params["b1"]
    Z2 = (1 / (1 + np.exp(-Z1))) @ params["W2"] + params["b2"]
    terms = sum(params[key].shape[0] for key in ("W1", "W2")) + Y.shape[1] + X.shape[0]
    return float(rounding(terms, 1.0 + abs(check_loss(X, Y, params)) + np.max(np.abs(Z2)) + np.max(np.abs(Z1))))


def central_differences(X, Y, params, h):
    """The central difference (L(θ + h) − L(θ − h)) / 2h of the check's loss, for every entry θ."""
    work = {key: np.array(value, dtype=float) for key, value in params.items()}
    out = {}
    for key in KEYS:
        grad = np.zeros(work[key].shape)
        for index in np.ndindex(grad.shape):
            old = work[key][index]
            work[key][index] = old + h
            up = check_loss(X, Y, work)
            work[key][index] = old - h
            down = check_loss(X, Y, work)
            work[key][index] = old
            grad[index] = (up - down) / (2 * h)
        out[key] = grad
    return out


def gradient_tolerances(X, Y, params, h, numeric):
    """How far the exact gradient may lie from the central differences ``numeric`` with step h.

    Truncation: a central difference is off by about h²·|L'''|/6, so the one with step 2h is off by
    four times as much, and |D(2h) − D(h)| / 3 estimates the error at h. Rounding: each loss carries
    the rounding error δ of ``loss_rounding``, and the difference divides it by h. Safety factor 4.
    """
    double = central_differences(X, Y, params, 2 * h)
    delta = loss_rounding(X, Y, params)
    return {key: 4 * (np.max(np.abs(double[key] - numeric[key])) / 3 + 2 * delta / h) for key in KEYS}


def max_relative_error(analytic, numeric):
    """max over all entries of |a − n| / max(1e-8, |a| + |n|)."""
    return max(
        float(np.max(np.abs(analytic[k] - numeric[k]) / np.maximum(1e-8, np.abs(analytic[k]) + np.abs(numeric[k]))))
        for k in KEYS
    )


def relative_error_tolerance(analytic, numeric, delta, h):
    """How much max_relative_error may move when each numeric entry moves by the rounding of two loss
    evaluations (2δ/h for either implementation): |∂r/∂n| <= 2 / max(1e-8, |a| + |n|). Safety 4."""
    return 4 * max(
        float(np.max(2 * (4 * delta / h) / np.maximum(1e-8, np.abs(analytic[k]) + np.abs(numeric[k])))) for k in KEYS
    )


def network(n_in, n_hidden, n_out, m, seed, scale=0.8):
    """Seeded random inputs X, one-hot labels Y and parameters for a two-layer network."""
    rng = np.random.default_rng(seed)
    params = {
        "W1": scale * rng.standard_normal((n_in, n_hidden)),
        "b1": scale * rng.standard_normal(n_hidden),
        "W2": scale * rng.standard_normal((n_hidden, n_out)),
        "b2": scale * rng.standard_normal(n_out),
    }
    X = rng.standard_normal((m, n_in))
    Y = np.eye(n_out)[rng.integers(0, n_out, size=m)]
    return X, Y, params


def judge_forward(two_layer_forward, X, params, call, what):
    """Call the forward pass and compare each of Z1, A1, Z2, A2 with this check's own."""
    expected, errors = check_forward(X, params)
    got = two_layer_forward(X, {key: value.copy() for key, value in params.items()})
    if not isinstance(got, dict) or sorted(got) != ["A1", "A2", "Z1", "Z2"]:
        fail(
            f"{call} should return a dict with the keys 'Z1', 'A1', 'Z2', 'A2'; it returned "
            f"{type(got).__name__}{' with keys ' + str(sorted(map(str, got))) if isinstance(got, dict) else ''}.",
            f"{what}: the result should be a dict with the keys Z1, A1, Z2, A2",
        )
    for key in ("Z1", "A1", "Z2", "A2"):
        expect_close(
            got[key],
            expected[key],
            tol=2 * errors[key],
            call=call,
            what=f"{what}: {key}",
            why="rounding only",
        )


def judge_gradients(two_layer_gradients, X, Y, params, call, what, h=1e-4):
    """Compare the gradients with central differences of this check's own loss."""
    got = expect_params_dict(
        two_layer_gradients(X, Y, {key: value.copy() for key, value in params.items()}), params, call=call, what=what
    )
    numeric = central_differences(X, Y, params, h)
    tols = gradient_tolerances(X, Y, params, h, numeric)
    for key in KEYS:
        expect_close(
            got[key],
            numeric[key],
            tol=tols[key],
            call=call,
            what=f"{what}[{key!r}], compared with central differences of the loss",
            why=f"a central difference with h = {h:g} is off by about h²·|L'''|/6 plus rounding",
        )


def judge_gradient_check(got, two_layer_gradients, X, Y, params, h, call, what):
    """``got`` must be the largest relative error between the task's own gradients and central
    differences with step h; this check computes the same quantity with its own loss."""
    analytic = expect_params_dict(
        two_layer_gradients(X, Y, {key: value.copy() for key, value in params.items()}),
        params,
        call="two_layer_gradients(X, Y, params)",
        what="the gradients that gradient_check compares",
    )
    numeric = central_differences(X, Y, params, h)
    expected = max_relative_error(analytic, numeric)
    tol = relative_error_tolerance(analytic, numeric, loss_rounding(X, Y, params), h)
    got = expect_close(
        got,
        expected,
        tol=tol,
        call=call,
        what=what,
        why="the largest |a − n| / max(1e-8, |a| + |n|) over every entry, with central differences of step h",
    )
    return float(got), expected


# --------------------------------------------------------------------------------------- sigmoid


def test_sigmoid_values(sigmoid):
    z = np.array([-30.0, -2.5, -1.0, 0.0, 0.5, 3.0, 30.0])
    call = f"sigmoid(np.array({z.tolist()}))"
    expect_close(sigmoid(z), exact_sigmoid(z), tol=SIGMOID_TOL, call=call, what="σ(z)", why="rounding only")
    expect_close(sigmoid(0.0), 0.5, tol=SIGMOID_TOL, call="sigmoid(0.0)", what="σ(0)")
    expect_close(sigmoid(2.0), exact_sigmoid(2.0), tol=SIGMOID_TOL, call="sigmoid(2.0)", what="σ(2)")


def test_sigmoid_large_inputs_do_not_overflow(sigmoid):
    z = np.array([-1000.0, -745.0, -50.0, 50.0, 710.0, 1000.0])
    call = f"sigmoid(np.array({z.tolist()}))"
    expect_close(
        sigmoid(z),
        exact_sigmoid(z),
        tol=SIGMOID_TOL,
        call=call,
        what="σ(z) for large |z| (use e^(-|z|), which never overflows)",
        why="σ(-1000) is 0.0 and σ(1000) is 1.0, never nan",
    )
    expect_close(sigmoid(1000.0), 1.0, tol=SIGMOID_TOL, call="sigmoid(1000.0)", what="σ(1000)")
    expect_close(sigmoid(-1000.0), 0.0, tol=SIGMOID_TOL, call="sigmoid(-1000.0)", what="σ(-1000)")


def test_sigmoid_keeps_the_shape(sigmoid):
    z = np.array([[-4.0, 0.0, 4.0], [1.0, -1.0, 800.0]])
    call = "sigmoid(np.array([[-4.0, 0.0, 4.0], [1.0, -1.0, 800.0]]))"
    got = sigmoid(z)
    expect_array(got, (2, 3), call=call, what="the result (same shape as z)")
    expect_close(got, exact_sigmoid(z), tol=SIGMOID_TOL, call=call, what="σ(z)", why="rounding only")


# ---------------------------------------------------------------------------- sigmoid_derivative


def test_sigmoid_derivative_values(sigmoid_derivative):
    z = np.array([-6.0, -2.0, -0.5, 0.0, 1.0, 2.0, 6.0])
    call = f"sigmoid_derivative(np.array({z.tolist()}))"
    expect_close(
        sigmoid_derivative(z),
        exact_sigmoid_derivative(z),
        tol=SIGMOID_TOL,
        call=call,
        what="σ'(z) = σ(z)(1 − σ(z)), where z is the input of σ",
        why="rounding only",
    )
    expect_close(sigmoid_derivative(0.0), 0.25, tol=SIGMOID_TOL, call="sigmoid_derivative(0.0)", what="σ'(0)")


def test_sigmoid_derivative_large_inputs(sigmoid_derivative):
    z = np.array([[-1000.0, -40.0], [40.0, 1000.0]])
    call = "sigmoid_derivative(np.array([[-1000.0, -40.0], [40.0, 1000.0]]))"
    expect_close(
        sigmoid_derivative(z),
        exact_sigmoid_derivative(z),
        tol=SIGMOID_TOL,
        call=call,
        what="σ'(z) for large |z| (about 0, never nan)",
        why="rounding only",
    )


# --------------------------------------------------------------------------------------- softmax


def test_softmax_vector(softmax):
    z = np.array([1.0, 2.0, 3.0])
    expect_close(
        softmax(z),
        np.exp(log_softmax_rows(z)[0]),
        tol=softmax_tolerance(z),
        call="softmax(np.array([1.0, 2.0, 3.0]))",
        what="the softmax of a vector",
        why="rounding only",
    )


def test_softmax_is_taken_row_by_row(softmax):
    z = np.array([[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]])
    call = "softmax(np.array([[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]]))"
    got = expect_close(
        softmax(z),
        np.exp(log_softmax_rows(z)),
        tol=softmax_tolerance(z),
        call=call,
        what="the softmax of each row (one example per row)",
        why="rounding only",
    )
    expect_close(got.sum(axis=1), np.ones(2), tol=softmax_tolerance(z), call=call, what="the row sums")


def test_softmax_large_scores(softmax):
    z = np.array([[1000.0, 999.0, 1000.0], [-1000.0, -1001.0, -1002.0], [3.0, -2.0, 1.0]])
    call = "softmax(np.array([[1000.0, 999.0, 1000.0], [-1000.0, -1001.0, -1002.0], [3.0, -2.0, 1.0]]))"
    expect_close(
        softmax(z),
        np.exp(log_softmax_rows(z)),
        tol=softmax_tolerance(z),
        call=call,
        what="the softmax of large scores (subtract each row's own maximum before exp)",
        why="rounding only",
    )


def test_softmax_rejects_3d_input(softmax):
    expect_raises(
        ValueError,
        softmax,
        np.zeros((2, 2, 2)),
        call="softmax(np.zeros((2, 2, 2)))",
        what="a 3-D input",
    )


# --------------------------------------------------------------------------------- cross_entropy


def test_cross_entropy_with_a_zero_probability(cross_entropy):
    p = np.array([[0.7, 0.2, 0.1], [0.0, 0.5, 0.5]])
    y = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    call = "cross_entropy([[0.7, 0.2, 0.1], [0.0, 0.5, 0.5]], [[1, 0, 0], [1, 0, 0]])"
    expected = (-math.log(0.7) - math.log(1e-12)) / 2
    expect_close(
        cross_entropy(p, y),
        expected,
        tol=float(rounding(6, expected)),
        call=call,
        what="the mean cross-entropy, with p clipped to [1e-12, 1] (so -log 0 becomes -log 1e-12)",
        why="rounding only",
    )


def test_cross_entropy_is_a_mean_over_rows(cross_entropy):
    rng = np.random.default_rng(1234)
    probs = np.exp(log_softmax_rows(rng.standard_normal((4, 3))))
    y = np.eye(3)[[0, 2, 1, 2]]
    expected = float(-np.sum(y * np.log(probs)) / 4)
    expect_close(
        cross_entropy(probs, y),
        expected,
        tol=float(rounding(12, expected)),
        call="cross_entropy(probs, y) for 4 rows of 3 classes",
        what="the cross-entropy averaged over the 4 rows (not summed, not averaged over all 12 entries)",
        why="rounding only",
    )


def test_cross_entropy_rejects_mismatched_shapes(cross_entropy):
    expect_raises(
        ValueError,
        cross_entropy,
        np.full((2, 3), 1 / 3),
        np.eye(2),
        call="cross_entropy(probs of shape (2, 3), y_onehot of shape (2, 2))",
        what="arrays of different shapes",
    )


# ----------------------------------------------------------------------------- two_layer_forward


def test_two_layer_forward_docstring_example(two_layer_forward):
    X = np.array([[1.0, -1.0]])
    params = {
        "W1": np.array([[0.5, -0.5], [0.25, 0.0]]),
        "b1": np.zeros(2),
        "W2": np.array([[1.0, -1.0], [0.5, 0.5]]),
        "b2": np.zeros(2),
    }
    judge_forward(two_layer_forward, X, params, "two_layer_forward(X, params) of the docstring", "the forward pass")


def test_two_layer_forward_batch(two_layer_forward):
    X, _, params = network(3, 4, 2, m=5, seed=1234)
    judge_forward(
        two_layer_forward,
        X,
        params,
        "two_layer_forward(X, params) with X of shape (5, 3), W1 (3, 4), W2 (4, 2)",
        "the forward pass of a batch of 5",
    )


def test_two_layer_forward_rejects_a_wrong_x(two_layer_forward):
    _, _, params = network(3, 4, 2, m=5, seed=1234)
    expect_raises(
        ValueError,
        two_layer_forward,
        np.ones((5, 4)),
        params,
        call="two_layer_forward(X of shape (5, 4), params with W1 of shape (3, 4))",
        what="an X whose columns do not match the rows of W1",
    )


# --------------------------------------------------------------------------- two_layer_gradients


def test_two_layer_gradients_match_finite_differences(two_layer_gradients):
    X, Y, params = network(3, 4, 2, m=5, seed=1234)
    judge_gradients(
        two_layer_gradients,
        X,
        Y,
        params,
        "two_layer_gradients(X, Y, params) with X (5, 3), W1 (3, 4), W2 (4, 2)",
        "the gradient",
    )


def test_two_layer_gradients_single_example(two_layer_gradients):
    X = np.array([[1.0, -1.0]])
    Y = np.array([[0.0, 1.0]])
    params = {
        "W1": np.array([[0.5, -0.5], [0.25, 0.0]]),
        "b1": np.zeros(2),
        "W2": np.array([[1.0, -1.0], [0.5, 0.5]]),
        "b2": np.zeros(2),
    }
    judge_gradients(
        two_layer_gradients, X, Y, params, "two_layer_gradients(X, Y, params) of the docstring", "the gradient"
    )


# -------------------------------------------------------------------------------- gradient_check


def test_gradient_check_is_small_for_correct_gradients(gradient_check, two_layer_gradients):
    X, Y, params = network(3, 4, 2, m=5, seed=1234)
    call = "gradient_check(X, Y, params, h=1e-5) with X (5, 3), W1 (3, 4), W2 (4, 2)"
    got, expected = judge_gradient_check(
        gradient_check(X, Y, {key: value.copy() for key, value in params.items()}, h=1e-5),
        two_layer_gradients,
        X,
        Y,
        params,
        1e-5,
        call,
        "the largest relative error",
    )
    if expected < 1e-7:  # two_layer_gradients is right, so the gradient check must say so
        expect_true(
            0 <= got < 1e-6,
            f"{call} returned {got}; your two_layer_gradients is right, so the largest relative error "
            "should be below 1e-6.",
            "the relative error is not small for correct gradients",
        )


def test_gradient_check_uses_its_step(gradient_check, two_layer_gradients):
    X, Y, params = network(3, 4, 2, m=5, seed=1234)
    originals = {key: value.copy() for key, value in params.items()}
    call = "gradient_check(X, Y, params, h=0.1) with X (5, 3), W1 (3, 4), W2 (4, 2)"
    got = gradient_check(X, Y, params, h=0.1)
    expect_true(
        all(np.array_equal(params[key], originals[key]) for key in KEYS),
        f"{call} changed the arrays in params; work on copies, or put every entry back exactly as it was.",
        "params was modified",
    )
    judge_gradient_check(
        got,
        two_layer_gradients,
        X,
        Y,
        originals,
        0.1,
        call,
        "the largest relative error with a coarse step (central differences with exactly this h)",
    )


def test_gradient_check_rejects_a_bad_step(gradient_check):
    X, Y, params = network(3, 4, 2, m=5, seed=1234)
    for h in (0.0, -1e-5):
        expect_raises(
            ValueError,
            gradient_check,
            X,
            Y,
            params,
            h=h,
            call=f"gradient_check(X, Y, params, h={h})",
            what="a step that is not positive should raise ValueError",
        )
