"""Day 42 hidden checks: other inputs, shapes, batch sizes and steps than the visible ones. Never shipped."""

import numpy as np

from daykit.checks import expect_array, expect_close, expect_raises, expect_true
from tests.test_day_42 import (
    SIGMOID_TOL,
    exact_sigmoid,
    exact_sigmoid_derivative,
    judge_forward,
    judge_gradient_check,
    judge_gradients,
    log_softmax_rows,
    network,
    rounding,
    softmax_tolerance,
)

# (n_in, n_hidden, n_out, m, seed): non-square layers, a single example, more classes than inputs
SHAPES = [(2, 5, 3, 7, 42), (4, 3, 4, 1, 7), (5, 6, 2, 8, 2024)]


def test_sigmoid_other_inputs(sigmoid):
    z = np.array([-1e4, -709.5, -37.0, -0.75, 0.25, 37.0, 1e4])
    expect_close(
        sigmoid(z), exact_sigmoid(z), tol=SIGMOID_TOL, call="sigmoid(np.array([...]))", what="σ at other points"
    )
    expect_close(sigmoid(3), exact_sigmoid(3.0), tol=SIGMOID_TOL, call="sigmoid(3)", what="σ of a Python int")


def test_sigmoid_integer_array_of_three_dimensions(sigmoid):
    z = np.arange(-6, 6).reshape(2, 3, 2)
    call = "sigmoid(np.arange(-6, 6).reshape(2, 3, 2))"
    got = expect_array(sigmoid(z), (2, 3, 2), call=call, what="σ of a 3-D integer array (same shape)")
    expect_close(got, exact_sigmoid(z), tol=SIGMOID_TOL, call=call, what="σ of an integer array (float values)")


def test_sigmoid_derivative_other_inputs(sigmoid_derivative):
    z = np.array([[-1e4, -3, -1], [0, 4, 1e4]])
    call = "sigmoid_derivative(np.array([[-1e4, -3, -1], [0, 4, 1e4]]))"
    expect_close(
        sigmoid_derivative(z),
        exact_sigmoid_derivative(z),
        tol=SIGMOID_TOL,
        call=call,
        what="σ' at other points, in a 2-D array",
    )
    expect_close(
        sigmoid_derivative(-3),
        exact_sigmoid_derivative(-3.0),
        tol=SIGMOID_TOL,
        call="sigmoid_derivative(-3)",
        what="σ' of a Python int",
    )


def test_softmax_other_shapes(softmax):
    rng = np.random.default_rng(1234)
    for shape in [(5, 3), (1, 6), (4, 4), (7,)]:
        z = 3 * rng.standard_normal(shape)
        expect_close(
            softmax(z),
            np.exp(log_softmax_rows(z)).reshape(shape),
            tol=softmax_tolerance(z),
            call=f"softmax(z) with z of shape {shape}",
            what="the softmax of another shape (row by row)",
        )


def test_softmax_rows_of_very_different_sizes(softmax):
    z = np.array([[800.0, 0.0, -800.0], [-1000.0, -1000.0, -999.0], [0.0, 0.0, 0.0]])
    expect_close(
        softmax(z),
        np.exp(log_softmax_rows(z)),
        tol=softmax_tolerance(z),
        call="softmax(z) with rows of very different sizes",
        what="the softmax when one row is far larger than another",
    )
    z = np.array([1000.0, -1000.0, 999.0])
    expect_close(
        softmax(z),
        np.exp(log_softmax_rows(z)[0]),
        tol=softmax_tolerance(z),
        call="softmax(np.array([1000.0, -1000.0, 999.0]))",
        what="the softmax of a vector with large scores",
    )


def test_softmax_rejects_a_number(softmax):
    expect_raises(
        ValueError,
        softmax,
        np.array(3.0),
        call="softmax(np.array(3.0))",
        what="a 0-d input",
    )


def test_cross_entropy_other_shapes(cross_entropy):
    rng = np.random.default_rng(99)
    for m, k in [(6, 4), (1, 5), (3, 2)]:
        probs = np.exp(log_softmax_rows(rng.standard_normal((m, k))))
        y = np.eye(k)[rng.integers(0, k, size=m)]
        expected = float(-np.sum(y * np.log(probs)) / m)
        expect_close(
            cross_entropy(probs, y),
            expected,
            tol=float(rounding(m * k, expected)),
            call=f"cross_entropy(probs, y) with {m} row(s) of {k} classes",
            what="the mean cross-entropy of another batch",
        )


def test_cross_entropy_clips_tiny_and_zero_probabilities(cross_entropy):
    probs = np.array([[1e-20, 0.5, 0.5, 0.0], [0.0, 1.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]])
    y = np.eye(4)[[0, 0, 3]]
    expected = (-np.log(1e-12) - np.log(1e-12) - np.log(0.25)) / 3
    expect_close(
        cross_entropy(probs, y),
        expected,
        tol=float(rounding(12, expected)),
        call="cross_entropy(probs, y) with zero and tiny probabilities",
        what="the cross-entropy when probabilities of 0 or below 1e-12 appear (clip to [1e-12, 1])",
    )


def test_cross_entropy_rejects_1d_inputs(cross_entropy):
    expect_raises(
        ValueError,
        cross_entropy,
        np.array([0.5, 0.5]),
        np.array([1.0, 0.0]),
        call="cross_entropy(np.array([0.5, 0.5]), np.array([1.0, 0.0]))",
        what="1-D inputs",
    )


def test_two_layer_forward_other_shapes(two_layer_forward):
    for n_in, n_hidden, n_out, m, seed in SHAPES:
        X, _, params = network(n_in, n_hidden, n_out, m, seed)
        judge_forward(
            two_layer_forward,
            X,
            params,
            f"two_layer_forward(X, params) with X ({m}, {n_in}), W1 ({n_in}, {n_hidden}), W2 ({n_hidden}, {n_out})",
            "the forward pass for other layer sizes",
        )


def test_two_layer_forward_large_weights(two_layer_forward):
    X, _, params = network(3, 4, 3, 6, 8, scale=400.0)  # scores beyond 709, where exp overflows
    judge_forward(
        two_layer_forward,
        X,
        params,
        "two_layer_forward(X, params) with large weights",
        "the forward pass when the hidden units saturate and the scores are large",
    )


def test_two_layer_forward_rejects_1d_x(two_layer_forward):
    _, _, params = network(3, 4, 2, 5, 1)
    expect_raises(
        ValueError,
        two_layer_forward,
        np.ones(3),
        params,
        call="two_layer_forward(np.ones(3), params)",
        what="a 1-D X",
    )


def test_two_layer_gradients_other_shapes(two_layer_gradients):
    for n_in, n_hidden, n_out, m, seed in SHAPES:
        X, Y, params = network(n_in, n_hidden, n_out, m, seed)
        judge_gradients(
            two_layer_gradients,
            X,
            Y,
            params,
            f"two_layer_gradients(X, Y, params) with X ({m}, {n_in}), W1 ({n_in}, {n_hidden}), "
            f"W2 ({n_hidden}, {n_out})",
            "the gradient for other layer sizes and batch sizes",
        )


def expect_params_alone(params, originals, call):
    """params must hold the same keys and the same arrays, entry for entry, as before the call."""
    expect_true(
        params.keys() == originals.keys() and all(np.array_equal(params[k], originals[k]) for k in originals),
        f"{call} changed params (its keys or the entries of its arrays); work on copies.",
        "params was modified",
    )


def test_two_layer_forward_leaves_params_alone(two_layer_forward):
    X, _, params = network(3, 5, 4, 6, 4321)
    originals = {key: value.copy() for key, value in params.items()}
    two_layer_forward(X, params)
    expect_params_alone(params, originals, "two_layer_forward(X, params)")


def test_two_layer_gradients_leave_params_alone(two_layer_gradients):
    X, Y, params = network(3, 5, 4, 6, 4321)
    originals = {key: value.copy() for key, value in params.items()}
    two_layer_gradients(X, Y, params)
    expect_params_alone(params, originals, "two_layer_gradients(X, Y, params)")


def test_two_layer_gradients_rejects_labels_of_the_wrong_shape(two_layer_gradients):
    X, _, params = network(2, 4, 3, 3, 5)
    expect_raises(
        ValueError,
        two_layer_gradients,
        X,
        np.array([0.0, 2.0, 1.0]),
        params,
        call="two_layer_gradients(X of shape (3, 2), Y = np.array([0.0, 2.0, 1.0]), params with n_out = 3)",
        what="labels that are not of shape (m, n_out)",
    )


def test_gradient_check_other_networks_and_steps(gradient_check, two_layer_gradients):
    for (n_in, n_hidden, n_out, m, seed), h in zip(SHAPES, (0.05, 0.2, 1e-5), strict=True):
        X, Y, params = network(n_in, n_hidden, n_out, m, seed)
        call = (
            f"gradient_check(X, Y, params, h={h}) with X ({m}, {n_in}), W1 ({n_in}, {n_hidden}), "
            f"W2 ({n_hidden}, {n_out})"
        )
        judge_gradient_check(
            gradient_check(X, Y, params, h=h),
            two_layer_gradients,
            X,
            Y,
            params,
            h,
            call,
            "the largest relative error for another network and step",
        )
