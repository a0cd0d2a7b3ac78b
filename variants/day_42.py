"""Day 42 variants: known-wrong answers the checks must catch, and other correct answers they must accept.

Each function replaces the reference function of its task in an otherwise correct solution. Every
variant is self-contained: one that needs a forward pass or gradients computes them itself.
"""

import math

import numpy as np

from daykit.checking.variants import right, wrong

# ---------------------------------------------------------------------------------------- sigmoid


@wrong("sigmoid", "exp(z) / (1 + exp(z)): inf / inf = nan at z = 1000")
def sigmoid(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / (1 + e)


@wrong("sigmoid", "sign slip: 1 / (1 + exp(z))")
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return 1 / (1 + np.exp(np.clip(z, -700, 700)))


@wrong("sigmoid", "clips z to [-10, 10] to avoid overflow, which is off by 4.5e-5 in the tails")
def sigmoid(z):
    return 1 / (1 + np.exp(-np.clip(np.asarray(z, dtype=float), -10, 10)))


@wrong("sigmoid", "np.empty_like keeps an integer dtype, so integer input gives 0s and 1s")
def sigmoid(z):
    z = np.asarray(z)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1 + e)
    return out


@wrong("sigmoid", "math.exp works on one number only (and overflows at -1000)")
def sigmoid(z):
    return 1 / (1 + math.exp(-z))


@wrong("sigmoid", "flattens the result")
def sigmoid(z):
    z = np.asarray(z, dtype=float).ravel()
    t = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + t), t / (1 + t))


@right("sigmoid", "the tanh identity 0.5 * (1 + tanh(z / 2))")
def sigmoid(z):
    return 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))


@right("sigmoid", "exp(-log(1 + e^-z)) with np.logaddexp")
def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))


@right("sigmoid", "the plain formula with the overflow silenced: 1 / (1 + inf) is exactly 0")
def sigmoid(z):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


# ----------------------------------------------------------------------------- sigmoid_derivative


@wrong("sigmoid_derivative", "z * (1 - z): treats z as if it were σ(z)")
def sigmoid_derivative(z):
    z = np.asarray(z, dtype=float)
    return z * (1 - z)


@wrong("sigmoid_derivative", "exp(-z) / (1 + exp(-z))**2: inf / inf = nan at z = -1000")
def sigmoid_derivative(z):
    e = np.exp(-np.asarray(z, dtype=float))
    return e / (1 + e) ** 2


@wrong("sigmoid_derivative", "1 - σ(z)², the derivative of tanh, not of σ")
def sigmoid_derivative(z):
    s = 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))
    return 1 - s**2


@wrong("sigmoid_derivative", "forgets the square: e^-|z| / (1 + e^-|z|)")
def sigmoid_derivative(z):
    t = np.exp(-np.abs(np.asarray(z, dtype=float)))
    return t / (1 + t)


@right("sigmoid_derivative", "e^-|z| / (1 + e^-|z|)², symmetric in z")
def sigmoid_derivative(z):
    t = np.exp(-np.abs(np.asarray(z, dtype=float)))
    return t / (1 + t) ** 2


@right("sigmoid_derivative", "1 / (4 cosh²(z / 2)), cosh overflowing harmlessly to inf")
def sigmoid_derivative(z):
    with np.errstate(over="ignore"):
        return 0.25 / np.cosh(np.asarray(z, dtype=float) / 2) ** 2


# ---------------------------------------------------------------------------------------- softmax


@wrong("softmax", "no max subtraction: exp(1000) = inf gives nan")
def softmax(z):
    z = np.asarray(z, dtype=float)
    if z.ndim not in (1, 2):
        raise ValueError("softmax expects a 1-D or 2-D array")
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@wrong("softmax", "over the columns (axis=0) instead of the rows")
def softmax(z):
    z = np.asarray(z, dtype=float)
    if z.ndim not in (1, 2):
        raise ValueError("softmax expects a 1-D or 2-D array")
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


@wrong("softmax", "subtracts the maximum of the whole matrix: a small row underflows to 0 / 0")
def softmax(z):
    z = np.asarray(z, dtype=float)
    if z.ndim not in (1, 2):
        raise ValueError("softmax expects a 1-D or 2-D array")
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)


@wrong("softmax", "divides by the row sums without keepdims, which broadcasts along the wrong axis")
def softmax(z):
    z = np.asarray(z, dtype=float)
    if z.ndim not in (1, 2):
        raise ValueError("softmax expects a 1-D or 2-D array")
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1)


@wrong("softmax", "accepts any number of dimensions instead of raising ValueError")
def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@right("softmax", "exp(z - logsumexp(z)), the log-sum-exp trick")
def softmax(z):
    z = np.asarray(z, dtype=float)
    if z.ndim not in (1, 2):
        raise ValueError("softmax expects a 1-D or 2-D array")
    top = z.max(axis=-1, keepdims=True)
    lse = top + np.log(np.sum(np.exp(z - top), axis=-1, keepdims=True))
    return np.exp(z - lse)


@right("softmax", "one row at a time, each vector through a helper")
def softmax(z):
    z = np.asarray(z, dtype=float)
    if z.ndim not in (1, 2):
        raise ValueError("softmax expects a 1-D or 2-D array")

    def one(row):
        e = np.exp(row - np.max(row))
        return e / e.sum()

    return one(z) if z.ndim == 1 else np.array([one(row) for row in z]).reshape(z.shape)


# ---------------------------------------------------------------------------------- cross_entropy


@wrong("cross_entropy", "sums over the rows instead of averaging")
def cross_entropy(probs, y_onehot):
    probs, y_onehot = np.asarray(probs, dtype=float), np.asarray(y_onehot, dtype=float)
    if probs.ndim != 2 or probs.shape != y_onehot.shape:
        raise ValueError("shapes differ")
    return float(-np.sum(y_onehot * np.log(np.clip(probs, 1e-12, 1.0))))


@wrong("cross_entropy", "averages over all m·K entries, not over the m rows")
def cross_entropy(probs, y_onehot):
    probs, y_onehot = np.asarray(probs, dtype=float), np.asarray(y_onehot, dtype=float)
    if probs.ndim != 2 or probs.shape != y_onehot.shape:
        raise ValueError("shapes differ")
    return float(-np.mean(y_onehot * np.log(np.clip(probs, 1e-12, 1.0))))


@wrong("cross_entropy", "no clipping: log 0 = -inf, and 0 · log 0 = nan")
def cross_entropy(probs, y_onehot):
    probs, y_onehot = np.asarray(probs, dtype=float), np.asarray(y_onehot, dtype=float)
    if probs.ndim != 2 or probs.shape != y_onehot.shape:
        raise ValueError("shapes differ")
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.sum(y_onehot * np.log(probs)) / probs.shape[0])


@wrong("cross_entropy", "clips at 1e-15 instead of the specified 1e-12")
def cross_entropy(probs, y_onehot):
    probs, y_onehot = np.asarray(probs, dtype=float), np.asarray(y_onehot, dtype=float)
    if probs.ndim != 2 or probs.shape != y_onehot.shape:
        raise ValueError("shapes differ")
    return float(-np.sum(y_onehot * np.log(np.clip(probs, 1e-15, 1.0))) / probs.shape[0])


@wrong("cross_entropy", "log base 10 instead of the natural log")
def cross_entropy(probs, y_onehot):
    probs, y_onehot = np.asarray(probs, dtype=float), np.asarray(y_onehot, dtype=float)
    if probs.ndim != 2 or probs.shape != y_onehot.shape:
        raise ValueError("shapes differ")
    return float(-np.sum(y_onehot * np.log10(np.clip(probs, 1e-12, 1.0))) / probs.shape[0])


@right("cross_entropy", "picks each row's true-class probability with argmax")
def cross_entropy(probs, y_onehot):
    probs, y_onehot = np.asarray(probs, dtype=float), np.asarray(y_onehot, dtype=float)
    if probs.ndim != 2 or probs.shape != y_onehot.shape:
        raise ValueError("shapes differ")
    true = probs[np.arange(probs.shape[0]), np.argmax(y_onehot, axis=1)]
    return float(np.mean(-np.log(np.clip(true, 1e-12, 1.0))))


@right("cross_entropy", "einsum over rows and classes, np.maximum for the clip")
def cross_entropy(probs, y_onehot):
    probs, y_onehot = np.asarray(probs, dtype=float), np.asarray(y_onehot, dtype=float)
    if probs.ndim != 2 or probs.shape != y_onehot.shape:
        raise ValueError("shapes differ")
    return -np.einsum("ik,ik->", y_onehot, np.log(np.maximum(probs, 1e-12))) / len(probs)


# ------------------------------------------------------------------------------ two_layer_forward


@wrong("two_layer_forward", "softmax over the columns (the batch) instead of each row")
def two_layer_forward(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != params["W1"].shape[0]:
        raise ValueError("X does not fit W1")
    Z1 = X @ params["W1"] + params["b1"]
    A1 = 0.5 * (1 + np.tanh(Z1 / 2))
    Z2 = A1 @ params["W2"] + params["b2"]
    e = np.exp(Z2 - Z2.max(axis=0, keepdims=True))
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": e / e.sum(axis=0, keepdims=True)}


@wrong("two_layer_forward", "a sigmoid output layer instead of softmax")
def two_layer_forward(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != params["W1"].shape[0]:
        raise ValueError("X does not fit W1")
    Z1 = X @ params["W1"] + params["b1"]
    A1 = 0.5 * (1 + np.tanh(Z1 / 2))
    Z2 = A1 @ params["W2"] + params["b2"]
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": 0.5 * (1 + np.tanh(Z2 / 2))}


@wrong("two_layer_forward", "forgets the hidden bias b1")
def two_layer_forward(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != params["W1"].shape[0]:
        raise ValueError("X does not fit W1")
    Z1 = X @ params["W1"]
    A1 = 0.5 * (1 + np.tanh(Z1 / 2))
    Z2 = A1 @ params["W2"] + params["b2"]
    e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": e / e.sum(axis=1, keepdims=True)}


@wrong("two_layer_forward", "a softmax without max subtraction: nan when the scores pass 709")
def two_layer_forward(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != params["W1"].shape[0]:
        raise ValueError("X does not fit W1")
    Z1 = X @ params["W1"] + params["b1"]
    A1 = 0.5 * (1 + np.tanh(Z1 / 2))
    Z2 = A1 @ params["W2"] + params["b2"]
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(Z2)
        return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": e / e.sum(axis=1, keepdims=True)}


@wrong("two_layer_forward", "returns the tuple (Z1, A1, Z2, A2) instead of a dict")
def two_layer_forward(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != params["W1"].shape[0]:
        raise ValueError("X does not fit W1")
    Z1 = X @ params["W1"] + params["b1"]
    A1 = 0.5 * (1 + np.tanh(Z1 / 2))
    Z2 = A1 @ params["W2"] + params["b2"]
    e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    return Z1, A1, Z2, e / e.sum(axis=1, keepdims=True)


@wrong("two_layer_forward", "keeps its activations in params (for a backward pass), which changes the caller's dict")
def two_layer_forward(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != params["W1"].shape[0]:
        raise ValueError("X does not fit W1")
    Z1 = X @ params["W1"] + params["b1"]
    A1 = 0.5 * (1 + np.tanh(Z1 / 2))
    Z2 = A1 @ params["W2"] + params["b2"]
    e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    params["A1"] = A1
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": e / e.sum(axis=1, keepdims=True)}


@right("two_layer_forward", "einsum, logaddexp sigmoid and a log-sum-exp softmax")
def two_layer_forward(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != params["W1"].shape[0]:
        raise ValueError("X does not fit W1")
    Z1 = np.einsum("ij,jk->ik", X, params["W1"]) + params["b1"]
    A1 = np.exp(-np.logaddexp(0.0, -Z1))
    Z2 = np.einsum("ij,jk->ik", A1, params["W2"]) + params["b2"]
    top = Z2.max(axis=1, keepdims=True)
    A2 = np.exp(Z2 - top - np.log(np.exp(Z2 - top).sum(axis=1, keepdims=True)))
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


@right("two_layer_forward", "column-vector convention: (W1ᵀ Xᵀ)ᵀ, one example per column inside")
def two_layer_forward(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != params["W1"].shape[0]:
        raise ValueError("X does not fit W1")
    Z1 = (params["W1"].T @ X.T + params["b1"][:, None]).T
    A1 = np.where(Z1 >= 0, 1 / (1 + np.exp(-np.abs(Z1))), np.exp(-np.abs(Z1)) / (1 + np.exp(-np.abs(Z1))))
    Z2 = (params["W2"].T @ A1.T + params["b2"][:, None]).T
    e = np.exp(Z2.T - Z2.T.max(axis=0))
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": (e / e.sum(axis=0)).T}


# ---------------------------------------------------------------------------- two_layer_gradients


@wrong("two_layer_gradients", "forgets the 1/m of the mean")
def two_layer_gradients(X, Y, params):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    A1 = 0.5 * (1 + np.tanh((X @ params["W1"] + params["b1"]) / 2))
    Z2 = A1 @ params["W2"] + params["b2"]
    e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    dZ2 = e / e.sum(axis=1, keepdims=True) - Y
    dZ1 = dZ2 @ params["W2"].T * A1 * (1 - A1)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


@wrong("two_layer_gradients", "the W1 and b1 gradients without the sigmoid derivative")
def two_layer_gradients(X, Y, params):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    A1 = 0.5 * (1 + np.tanh((X @ params["W1"] + params["b1"]) / 2))
    Z2 = A1 @ params["W2"] + params["b2"]
    e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    dZ2 = (e / e.sum(axis=1, keepdims=True) - Y) / len(X)
    dZ1 = dZ2 @ params["W2"].T
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


@wrong("two_layer_gradients", "dW1 = dZ1ᵀ X and dW2 = dZ2ᵀ A1, transposed shapes")
def two_layer_gradients(X, Y, params):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    A1 = 0.5 * (1 + np.tanh((X @ params["W1"] + params["b1"]) / 2))
    Z2 = A1 @ params["W2"] + params["b2"]
    e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    dZ2 = (e / e.sum(axis=1, keepdims=True) - Y) / len(X)
    dZ1 = dZ2 @ params["W2"].T * A1 * (1 - A1)
    return {"W1": dZ1.T @ X, "b1": dZ1.sum(axis=0), "W2": dZ2.T @ A1, "b2": dZ2.sum(axis=0)}


@wrong("two_layer_gradients", "applies σ' to A1 instead of Z1, i.e. σ'(σ(z))")
def two_layer_gradients(X, Y, params):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    A1 = 0.5 * (1 + np.tanh((X @ params["W1"] + params["b1"]) / 2))
    Z2 = A1 @ params["W2"] + params["b2"]
    e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    dZ2 = (e / e.sum(axis=1, keepdims=True) - Y) / len(X)
    s = 0.5 * (1 + np.tanh(A1 / 2))
    dZ1 = dZ2 @ params["W2"].T * s * (1 - s)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


@wrong("two_layer_gradients", "dZ2 = (Y - A2)/m, the gradient of -L")
def two_layer_gradients(X, Y, params):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    A1 = 0.5 * (1 + np.tanh((X @ params["W1"] + params["b1"]) / 2))
    Z2 = A1 @ params["W2"] + params["b2"]
    e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    dZ2 = (Y - e / e.sum(axis=1, keepdims=True)) / len(X)
    dZ1 = dZ2 @ params["W2"].T * A1 * (1 - A1)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


@wrong("two_layer_gradients", "bias gradients summed over the wrong axis (shape (m,))")
def two_layer_gradients(X, Y, params):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    A1 = 0.5 * (1 + np.tanh((X @ params["W1"] + params["b1"]) / 2))
    Z2 = A1 @ params["W2"] + params["b2"]
    e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    dZ2 = (e / e.sum(axis=1, keepdims=True) - Y) / len(X)
    dZ1 = dZ2 @ params["W2"].T * A1 * (1 - A1)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=1), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=1)}


@wrong("two_layer_gradients", "scales W2 in place by the mean, 1/m, and back by m, which rounds")
def two_layer_gradients(X, Y, params):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    if Y.ndim != 2 or Y.shape != (X.shape[0], params["W2"].shape[1]):
        raise ValueError("Y does not fit")
    m = X.shape[0]
    A1 = 0.5 * (1 + np.tanh((X @ params["W1"] + params["b1"]) / 2))
    Z2 = A1 @ params["W2"] + params["b2"]
    e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    dZ2 = e / e.sum(axis=1, keepdims=True) - Y
    W2 = params["W2"]
    W2 /= m
    dZ1 = dZ2 @ W2.T * A1 * (1 - A1)
    W2 *= m
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2 / m, "b2": dZ2.sum(axis=0) / m}


@right("two_layer_gradients", "einsum for every product")
def two_layer_gradients(X, Y, params):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    Z1 = np.einsum("ij,jk->ik", X, params["W1"]) + params["b1"]
    A1 = np.exp(-np.logaddexp(0.0, -Z1))
    Z2 = np.einsum("ij,jk->ik", A1, params["W2"]) + params["b2"]
    e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    A2 = e / e.sum(axis=1, keepdims=True)
    if Y.shape != A2.shape:
        raise ValueError("Y must have shape (m, n_out)")
    dZ2 = (A2 - Y) / len(X)
    dZ1 = np.einsum("ik,jk->ij", dZ2, params["W2"]) * A1 * (1 - A1)
    return {
        "W1": np.einsum("ij,ik->jk", X, dZ1),
        "b1": np.einsum("ij->j", dZ1),
        "W2": np.einsum("ij,ik->jk", A1, dZ2),
        "b2": np.einsum("ij->j", dZ2),
    }


@right("two_layer_gradients", "one example at a time, summing outer products, then dividing by m")
def two_layer_gradients(X, Y, params):
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    m, n_out = X.shape[0], params["W2"].shape[1]
    if X.ndim != 2 or X.shape[1] != params["W1"].shape[0]:
        raise ValueError("X does not fit W1")
    if Y.shape != (m, n_out):
        raise ValueError("Y must have shape (m, n_out)")
    grads = {key: np.zeros_like(np.asarray(value, dtype=float)) for key, value in params.items()}
    for x, y in zip(X, Y, strict=True):
        a1 = 1 / (1 + np.exp(-(x @ params["W1"] + params["b1"])))
        z2 = a1 @ params["W2"] + params["b2"]
        p = np.exp(z2 - z2.max())
        p /= p.sum()
        d2 = p - y
        d1 = (params["W2"] @ d2) * a1 * (1 - a1)
        grads["W2"] += np.outer(a1, d2)
        grads["b2"] += d2
        grads["W1"] += np.outer(x, d1)
        grads["b1"] += d1
    return {key: value / m for key, value in grads.items()}


# --------------------------------------------------------------------------------- gradient_check


@wrong("gradient_check", "forward differences (L(θ + h) − L(θ)) / h instead of central ones")
def gradient_check(X, Y, params, h=1e-5):
    def parts(scheme, step):
        if not h > 0:
            raise ValueError("h must be positive")
        A1 = 1 / (1 + np.exp(-(X @ params["W1"] + params["b1"])))
        Z2 = A1 @ params["W2"] + params["b2"]
        e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
        dZ2 = (e / e.sum(axis=1, keepdims=True) - Y) / len(X)
        dZ1 = dZ2 @ params["W2"].T * A1 * (1 - A1)
        analytic = {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": A1.T @ dZ2, "b2": dZ2.sum(0)}

        def loss(p):
            Z = 1 / (1 + np.exp(-(X @ p["W1"] + p["b1"]))) @ p["W2"] + p["b2"]
            Z = Z - Z.max(axis=1, keepdims=True)
            return -np.sum(Y * (Z - np.log(np.exp(Z).sum(axis=1, keepdims=True)))) / len(X)

        work = {k: np.array(v, dtype=float) for k, v in params.items()}
        base, numeric = loss(work), {}
        for k in analytic:
            numeric[k] = np.zeros(work[k].shape)
            for i in np.ndindex(work[k].shape):
                old = work[k][i]
                work[k][i] = old + step
                up = loss(work)
                work[k][i] = old - step
                down = loss(work)
                work[k][i] = old
                numeric[k][i] = {
                    "central": (up - down) / (2 * step),
                    "forward": (up - base) / step,
                    "no_half": (up - down) / step,
                }[scheme]
        return analytic, numeric

    analytic, numeric = parts("forward", h)
    return max(
        float(np.max(np.abs(analytic[k] - numeric[k]) / np.maximum(1e-8, np.abs(analytic[k]) + np.abs(numeric[k]))))
        for k in analytic
    )


@wrong("gradient_check", "divides the central difference by h instead of 2h")
def gradient_check(X, Y, params, h=1e-5):
    def parts(scheme, step):
        if not h > 0:
            raise ValueError("h must be positive")
        A1 = 1 / (1 + np.exp(-(X @ params["W1"] + params["b1"])))
        Z2 = A1 @ params["W2"] + params["b2"]
        e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
        dZ2 = (e / e.sum(axis=1, keepdims=True) - Y) / len(X)
        dZ1 = dZ2 @ params["W2"].T * A1 * (1 - A1)
        analytic = {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": A1.T @ dZ2, "b2": dZ2.sum(0)}

        def loss(p):
            Z = 1 / (1 + np.exp(-(X @ p["W1"] + p["b1"]))) @ p["W2"] + p["b2"]
            Z = Z - Z.max(axis=1, keepdims=True)
            return -np.sum(Y * (Z - np.log(np.exp(Z).sum(axis=1, keepdims=True)))) / len(X)

        work = {k: np.array(v, dtype=float) for k, v in params.items()}
        base, numeric = loss(work), {}
        for k in analytic:
            numeric[k] = np.zeros(work[k].shape)
            for i in np.ndindex(work[k].shape):
                old = work[k][i]
                work[k][i] = old + step
                up = loss(work)
                work[k][i] = old - step
                down = loss(work)
                work[k][i] = old
                numeric[k][i] = {
                    "central": (up - down) / (2 * step),
                    "forward": (up - base) / step,
                    "no_half": (up - down) / step,
                }[scheme]
        return analytic, numeric

    analytic, numeric = parts("no_half", h)
    return max(
        float(np.max(np.abs(analytic[k] - numeric[k]) / np.maximum(1e-8, np.abs(analytic[k]) + np.abs(numeric[k]))))
        for k in analytic
    )


@wrong("gradient_check", "averages the relative errors instead of taking the largest")
def gradient_check(X, Y, params, h=1e-5):
    def parts(scheme, step):
        if not h > 0:
            raise ValueError("h must be positive")
        A1 = 1 / (1 + np.exp(-(X @ params["W1"] + params["b1"])))
        Z2 = A1 @ params["W2"] + params["b2"]
        e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
        dZ2 = (e / e.sum(axis=1, keepdims=True) - Y) / len(X)
        dZ1 = dZ2 @ params["W2"].T * A1 * (1 - A1)
        analytic = {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": A1.T @ dZ2, "b2": dZ2.sum(0)}

        def loss(p):
            Z = 1 / (1 + np.exp(-(X @ p["W1"] + p["b1"]))) @ p["W2"] + p["b2"]
            Z = Z - Z.max(axis=1, keepdims=True)
            return -np.sum(Y * (Z - np.log(np.exp(Z).sum(axis=1, keepdims=True)))) / len(X)

        work = {k: np.array(v, dtype=float) for k, v in params.items()}
        base, numeric = loss(work), {}
        for k in analytic:
            numeric[k] = np.zeros(work[k].shape)
            for i in np.ndindex(work[k].shape):
                old = work[k][i]
                work[k][i] = old + step
                up = loss(work)
                work[k][i] = old - step
                down = loss(work)
                work[k][i] = old
                numeric[k][i] = {
                    "central": (up - down) / (2 * step),
                    "forward": (up - base) / step,
                    "no_half": (up - down) / step,
                }[scheme]
        return analytic, numeric

    analytic, numeric = parts("central", h)
    return float(
        np.mean(
            np.concatenate(
                [
                    (
                        np.abs(analytic[k] - numeric[k]) / np.maximum(1e-8, np.abs(analytic[k]) + np.abs(numeric[k]))
                    ).ravel()
                    for k in analytic
                ]
            )
        )
    )


@wrong("gradient_check", "measures |a − n| against the largest gradient overall, hiding small entries")
def gradient_check(X, Y, params, h=1e-5):
    def parts(scheme, step):
        if not h > 0:
            raise ValueError("h must be positive")
        A1 = 1 / (1 + np.exp(-(X @ params["W1"] + params["b1"])))
        Z2 = A1 @ params["W2"] + params["b2"]
        e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
        dZ2 = (e / e.sum(axis=1, keepdims=True) - Y) / len(X)
        dZ1 = dZ2 @ params["W2"].T * A1 * (1 - A1)
        analytic = {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": A1.T @ dZ2, "b2": dZ2.sum(0)}

        def loss(p):
            Z = 1 / (1 + np.exp(-(X @ p["W1"] + p["b1"]))) @ p["W2"] + p["b2"]
            Z = Z - Z.max(axis=1, keepdims=True)
            return -np.sum(Y * (Z - np.log(np.exp(Z).sum(axis=1, keepdims=True)))) / len(X)

        work = {k: np.array(v, dtype=float) for k, v in params.items()}
        base, numeric = loss(work), {}
        for k in analytic:
            numeric[k] = np.zeros(work[k].shape)
            for i in np.ndindex(work[k].shape):
                old = work[k][i]
                work[k][i] = old + step
                up = loss(work)
                work[k][i] = old - step
                down = loss(work)
                work[k][i] = old
                numeric[k][i] = {
                    "central": (up - down) / (2 * step),
                    "forward": (up - base) / step,
                    "no_half": (up - down) / step,
                }[scheme]
        return analytic, numeric

    analytic, numeric = parts("central", h)
    worst = max(float(np.max(np.abs(analytic[k] - numeric[k]))) for k in analytic)
    return worst / max(float(np.max(np.abs(analytic[k]))) for k in analytic)


@wrong("gradient_check", "always uses h = 1e-5, whatever step it is given")
def gradient_check(X, Y, params, h=1e-5):
    def parts(scheme, step):
        if not h > 0:
            raise ValueError("h must be positive")
        A1 = 1 / (1 + np.exp(-(X @ params["W1"] + params["b1"])))
        Z2 = A1 @ params["W2"] + params["b2"]
        e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
        dZ2 = (e / e.sum(axis=1, keepdims=True) - Y) / len(X)
        dZ1 = dZ2 @ params["W2"].T * A1 * (1 - A1)
        analytic = {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": A1.T @ dZ2, "b2": dZ2.sum(0)}

        def loss(p):
            Z = 1 / (1 + np.exp(-(X @ p["W1"] + p["b1"]))) @ p["W2"] + p["b2"]
            Z = Z - Z.max(axis=1, keepdims=True)
            return -np.sum(Y * (Z - np.log(np.exp(Z).sum(axis=1, keepdims=True)))) / len(X)

        work = {k: np.array(v, dtype=float) for k, v in params.items()}
        base, numeric = loss(work), {}
        for k in analytic:
            numeric[k] = np.zeros(work[k].shape)
            for i in np.ndindex(work[k].shape):
                old = work[k][i]
                work[k][i] = old + step
                up = loss(work)
                work[k][i] = old - step
                down = loss(work)
                work[k][i] = old
                numeric[k][i] = {
                    "central": (up - down) / (2 * step),
                    "forward": (up - base) / step,
                    "no_half": (up - down) / step,
                }[scheme]
        return analytic, numeric

    analytic, numeric = parts("central", 1e-5)
    return max(
        float(np.max(np.abs(analytic[k] - numeric[k]) / np.maximum(1e-8, np.abs(analytic[k]) + np.abs(numeric[k]))))
        for k in analytic
    )


@wrong("gradient_check", "the absolute error max |a − n|, not a relative one")
def gradient_check(X, Y, params, h=1e-5):
    def parts(scheme, step):
        if not h > 0:
            raise ValueError("h must be positive")
        A1 = 1 / (1 + np.exp(-(X @ params["W1"] + params["b1"])))
        Z2 = A1 @ params["W2"] + params["b2"]
        e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
        dZ2 = (e / e.sum(axis=1, keepdims=True) - Y) / len(X)
        dZ1 = dZ2 @ params["W2"].T * A1 * (1 - A1)
        analytic = {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": A1.T @ dZ2, "b2": dZ2.sum(0)}

        def loss(p):
            Z = 1 / (1 + np.exp(-(X @ p["W1"] + p["b1"]))) @ p["W2"] + p["b2"]
            Z = Z - Z.max(axis=1, keepdims=True)
            return -np.sum(Y * (Z - np.log(np.exp(Z).sum(axis=1, keepdims=True)))) / len(X)

        work = {k: np.array(v, dtype=float) for k, v in params.items()}
        base, numeric = loss(work), {}
        for k in analytic:
            numeric[k] = np.zeros(work[k].shape)
            for i in np.ndindex(work[k].shape):
                old = work[k][i]
                work[k][i] = old + step
                up = loss(work)
                work[k][i] = old - step
                down = loss(work)
                work[k][i] = old
                numeric[k][i] = {
                    "central": (up - down) / (2 * step),
                    "forward": (up - base) / step,
                    "no_half": (up - down) / step,
                }[scheme]
        return analytic, numeric

    analytic, numeric = parts("central", h)
    return max(float(np.max(np.abs(analytic[k] - numeric[k]))) for k in analytic)


@right("gradient_check", "all parameters in one flat vector, a log-sum-exp loss, vectorised relative errors")
def gradient_check(X, Y, params, h=1e-5):
    if h <= 0:
        raise ValueError("the step h must be positive")
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    keys = ("W1", "b1", "W2", "b2")
    shapes = [np.shape(params[k]) for k in keys]
    sizes = [int(np.prod(s)) for s in shapes]
    theta = np.concatenate([np.asarray(params[k], dtype=float).ravel() for k in keys])

    def unpack(vector):
        parts = np.split(vector, np.cumsum(sizes)[:-1])
        return {k: part.reshape(s) for k, part, s in zip(keys, parts, shapes, strict=True)}

    def loss(vector):
        p = unpack(vector)
        A1 = np.exp(-np.logaddexp(0.0, -(X @ p["W1"] + p["b1"])))
        Z2 = A1 @ p["W2"] + p["b2"]
        top = Z2.max(axis=1, keepdims=True)
        lse = top[:, 0] + np.log(np.exp(Z2 - top).sum(axis=1))
        return float(np.mean(lse - np.sum(Y * Z2, axis=1)))

    p = unpack(theta)
    A1 = np.exp(-np.logaddexp(0.0, -(X @ p["W1"] + p["b1"])))
    Z2 = A1 @ p["W2"] + p["b2"]
    e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    dZ2 = (e / e.sum(axis=1, keepdims=True) - Y) / len(X)
    dZ1 = dZ2 @ p["W2"].T * A1 * (1 - A1)
    analytic = np.concatenate([(X.T @ dZ1).ravel(), dZ1.sum(0), (A1.T @ dZ2).ravel(), dZ2.sum(0)])
    eye = np.eye(theta.size) * h
    numeric = np.array([(loss(theta + eye[i]) - loss(theta - eye[i])) / (2 * h) for i in range(theta.size)])
    return float(np.max(np.abs(analytic - numeric) / np.maximum(1e-8, np.abs(analytic) + np.abs(numeric))))
