"""Day 44 variants: known-wrong answers the checks must catch, and other correct answers they must accept.

Each function replaces the reference function of its task in an otherwise correct solution. The
variants are self-contained: they do not call other task functions (the initial parameters of the
training variants are drawn inline, exactly as the reference initialize_parameters draws them).
"""

import numpy as np

from daykit.checking.variants import right, wrong

# ---------------------------------------------------------------------------- initialize_parameters


@wrong("initialize_parameters", "zero weights: different seeds give the same parameters")
def initialize_parameters(n_features, seed=0, scale=0.01):
    if n_features < 1 or scale < 0:
        raise ValueError("bad arguments")
    return {"w": np.zeros(n_features), "b": 0.0}


@wrong("initialize_parameters", "ignores the seed: an unseeded generator")
def initialize_parameters(n_features, seed=0, scale=0.01):
    if n_features < 1 or scale < 0:
        raise ValueError("bad arguments")
    return {"w": np.random.default_rng().normal(0.0, scale, size=n_features), "b": 0.0}


@wrong("initialize_parameters", "ignores scale: standard normal weights")
def initialize_parameters(n_features, seed=0, scale=0.01):
    if n_features < 1 or scale < 0:
        raise ValueError("bad arguments")
    return {"w": np.random.default_rng(seed).normal(size=n_features), "b": 0.0}


@wrong("initialize_parameters", "uses scale as the variance, not the standard deviation")
def initialize_parameters(n_features, seed=0, scale=0.01):
    if n_features < 1 or scale < 0:
        raise ValueError("bad arguments")
    return {"w": np.random.default_rng(seed).normal(0.0, np.sqrt(scale), size=n_features), "b": 0.0}


@wrong("initialize_parameters", "a column vector of weights, shape (n, 1)")
def initialize_parameters(n_features, seed=0, scale=0.01):
    if n_features < 1 or scale < 0:
        raise ValueError("bad arguments")
    return {"w": np.random.default_rng(seed).normal(0.0, scale, size=(n_features, 1)), "b": 0.0}


@wrong("initialize_parameters", "accepts n_features = 0 and returns an empty weight vector")
def initialize_parameters(n_features, seed=0, scale=0.01):
    return {"w": np.random.default_rng(seed).normal(0.0, abs(scale), size=max(n_features, 0)), "b": 0.0}


@right("initialize_parameters", "the legacy RandomState generator with standard normals times scale")
def initialize_parameters(n_features, seed=0, scale=0.01):
    if n_features < 1:
        raise ValueError("need at least one feature")
    if scale < 0:
        raise ValueError("scale must be >= 0")
    return {"w": scale * np.random.RandomState(seed).randn(n_features), "b": 0.0}


# ------------------------------------------------------------------------------- forward_regression


@wrong("forward_regression", "adds the bias twice")
def forward_regression(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != len(params["w"]):
        raise ValueError("shape mismatch")
    return X @ params["w"] + params["b"] + params["b"]


@wrong("forward_regression", "forgets the bias")
def forward_regression(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != len(params["w"]):
        raise ValueError("shape mismatch")
    return X @ params["w"]


@wrong("forward_regression", "returns a column of shape (m, 1)")
def forward_regression(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != len(params["w"]):
        raise ValueError("shape mismatch")
    return X @ params["w"][:, None] + params["b"]


@wrong("forward_regression", "multiplies element-wise and sums every entry into one number per column")
def forward_regression(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != len(params["w"]):
        raise ValueError("shape mismatch")
    return np.sum(X * params["w"], axis=0) + params["b"]


@wrong("forward_regression", "no shape check: numpy broadcasting hides a mismatch")
def forward_regression(X, params):
    X = np.atleast_2d(np.asarray(X, dtype=float))
    w = np.resize(params["w"], X.shape[1])
    return X @ w + params["b"]


@right("forward_regression", "a Python loop over the examples")
def forward_regression(X, params):
    X = np.asarray(X, dtype=float)
    w = np.asarray(params["w"], dtype=float)
    if X.ndim != 2 or X.shape[1] != w.shape[0]:
        raise ValueError("X does not fit w")
    out = np.empty(X.shape[0])
    for i in range(X.shape[0]):
        out[i] = sum(X[i, j] * w[j] for j in range(w.shape[0])) + params["b"]
    return out


@right("forward_regression", "einsum plus a bias array")
def forward_regression(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != np.shape(params["w"])[0]:
        raise ValueError("X does not fit w")
    return np.einsum("ij,j->i", X, params["w"]) + np.full(X.shape[0], params["b"])


# ---------------------------------------------------------------------------------- regression_cost


@wrong("regression_cost", "divides by m, not 2m (the mean squared error)")
def regression_cost(y_hat, y):
    if np.shape(y_hat) != np.shape(y) or np.size(y) == 0:
        raise ValueError("shape mismatch")
    return float(np.mean((np.asarray(y_hat) - y) ** 2))


@wrong("regression_cost", "halves the sum but forgets to divide by m")
def regression_cost(y_hat, y):
    if np.shape(y_hat) != np.shape(y) or np.size(y) == 0:
        raise ValueError("shape mismatch")
    return float(np.sum((np.asarray(y_hat) - y) ** 2) / 2)


@wrong("regression_cost", "the mean absolute error")
def regression_cost(y_hat, y):
    if np.shape(y_hat) != np.shape(y) or np.size(y) == 0:
        raise ValueError("shape mismatch")
    return float(np.mean(np.abs(np.asarray(y_hat) - y)))


@wrong("regression_cost", "squares the mean error instead of averaging the squared errors")
def regression_cost(y_hat, y):
    if np.shape(y_hat) != np.shape(y) or np.size(y) == 0:
        raise ValueError("shape mismatch")
    return float(np.mean(np.asarray(y_hat) - y) ** 2 / 2)


@wrong("regression_cost", "no shape check: a column of targets broadcasts to an (m, m) table of errors")
def regression_cost(y_hat, y):
    r = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)
    return float(np.sum(r**2) / (2 * len(y)))


@right("regression_cost", "half the mean of the squares")
def regression_cost(y_hat, y):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    if y_hat.shape != y.shape or y.size == 0:
        raise ValueError("y_hat and y must match")
    return 0.5 * float(np.mean(np.square(y_hat - y)))


@right("regression_cost", "a loop accumulating squared errors")
def regression_cost(y_hat, y):
    if len(y_hat) != len(y) or np.ndim(y_hat) != 1 or np.ndim(y) != 1 or len(y) == 0:
        raise ValueError("y_hat and y must match")
    total = 0.0
    for a, t in zip(y_hat, y, strict=True):
        total += (float(a) - float(t)) ** 2
    return total / (2 * len(y))


# ----------------------------------------------------------------------------- regression_gradients


@wrong("regression_gradients", "forgets the 1/m")
def regression_gradients(X, y, params):
    r = X @ params["w"] + params["b"] - y
    return {"w": X.T @ r, "b": float(r.sum())}


@wrong("regression_gradients", "sign error: uses y − ŷ")
def regression_gradients(X, y, params):
    r = y - (X @ params["w"] + params["b"])
    return {"w": X.T @ r / len(y), "b": float(r.mean())}


@wrong("regression_gradients", "differentiates the mean squared error without the 1/2: a factor 2 too big")
def regression_gradients(X, y, params):
    r = X @ params["w"] + params["b"] - y
    return {"w": 2 * X.T @ r / len(y), "b": float(2 * r.mean())}


@wrong("regression_gradients", "bias gradient summed, not averaged")
def regression_gradients(X, y, params):
    r = X @ params["w"] + params["b"] - y
    return {"w": X.T @ r / len(y), "b": float(r.sum())}


@wrong("regression_gradients", "averages over the features instead of the examples")
def regression_gradients(X, y, params):
    r = X @ params["w"] + params["b"] - y
    return {"w": X.T @ r / X.shape[1], "b": float(r.mean())}


@right("regression_gradients", "a loop over the examples")
def regression_gradients(X, y, params):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    m, n = X.shape
    dw, db = np.zeros(n), 0.0
    for i in range(m):
        r = X[i] @ params["w"] + params["b"] - y[i]
        dw += r * X[i]
        db += r
    return {"w": dw / m, "b": db / m}


@right("regression_gradients", "mean of residual-weighted rows, with the bias as a column of ones")
def regression_gradients(X, y, params):
    A = np.column_stack([X, np.ones(len(y))])
    theta = np.append(params["w"], params["b"])
    grad = np.mean((A @ theta - y)[:, None] * A, axis=0)
    return {"w": grad[:-1], "b": float(grad[-1])}


# --------------------------------------------------------------------------------- train_regression


@wrong("train_regression", "gradient ascent: adds the gradient")
def train_regression(X, y, learning_rate=0.1, n_iterations=300, seed=0):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if learning_rate <= 0:
        raise ValueError("bad rate")
    m = len(y)
    w, b = np.random.default_rng(seed).normal(0.0, 0.01, size=X.shape[1]), 0.0
    costs = [float(np.sum((X @ w + b - y) ** 2) / (2 * m))]
    for _ in range(n_iterations):
        r = X @ w + b - y
        w, b = w + learning_rate * X.T @ r / m, b + learning_rate * r.mean()
        costs.append(float(np.sum((X @ w + b - y) ** 2) / (2 * m)))
    return {"w": w, "b": float(b)}, np.array(costs)


@wrong("train_regression", "never updates the bias")
def train_regression(X, y, learning_rate=0.1, n_iterations=300, seed=0):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if learning_rate <= 0:
        raise ValueError("bad rate")
    m = len(y)
    w, b = np.random.default_rng(seed).normal(0.0, 0.01, size=X.shape[1]), 0.0
    costs = [float(np.sum((X @ w + b - y) ** 2) / (2 * m))]
    for _ in range(n_iterations):
        r = X @ w + b - y
        w = w - learning_rate * X.T @ r / m
        costs.append(float(np.sum((X @ w + b - y) ** 2) / (2 * m)))
    return {"w": w, "b": float(b)}, np.array(costs)


@wrong("train_regression", "gradient without 1/m: the effective rate is m times too big and diverges")
def train_regression(X, y, learning_rate=0.1, n_iterations=300, seed=0):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if learning_rate <= 0:
        raise ValueError("bad rate")
    m = len(y)
    w, b = np.random.default_rng(seed).normal(0.0, 0.01, size=X.shape[1]), 0.0
    costs = [float(np.sum((X @ w + b - y) ** 2) / (2 * m))]
    with np.errstate(all="ignore"):
        for _ in range(n_iterations):
            r = X @ w + b - y
            w, b = w - learning_rate * X.T @ r, b - learning_rate * r.sum()
            costs.append(float(np.sum((X @ w + b - y) ** 2) / (2 * m)))
    return {"w": w, "b": float(b)}, np.array(costs)


@wrong("train_regression", "records the cost before each step only: history one entry short")
def train_regression(X, y, learning_rate=0.1, n_iterations=300, seed=0):
    def _checked(X, y, learning_rate, n_iterations):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        if X.ndim != 2 or y.shape != (X.shape[0],) or learning_rate <= 0 or n_iterations < 0:
            raise ValueError("bad arguments")
        return X, y

    X, y = _checked(X, y, learning_rate, n_iterations)
    m = len(y)
    w, b = np.random.default_rng(seed).normal(0.0, 0.01, size=X.shape[1]), 0.0
    costs = []
    for _ in range(n_iterations):
        r = X @ w + b - y
        costs.append(float(r @ r / (2 * m)))
        w, b = w - learning_rate * X.T @ r / m, b - learning_rate * r.mean()
    return {"w": w, "b": float(b)}, np.array(costs)


@wrong("train_regression", "starts from zeros instead of initialize_parameters(n, seed)")
def train_regression(X, y, learning_rate=0.1, n_iterations=300, seed=0):
    def _checked(X, y, learning_rate, n_iterations):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        if X.ndim != 2 or y.shape != (X.shape[0],) or learning_rate <= 0 or n_iterations < 0:
            raise ValueError("bad arguments")
        return X, y

    X, y = _checked(X, y, learning_rate, n_iterations)
    m = len(y)
    w, b = np.zeros(X.shape[1]), 0.0
    costs = [float(np.sum((X @ w + b - y) ** 2) / (2 * m))]
    for _ in range(n_iterations):
        r = X @ w + b - y
        w, b = w - learning_rate * X.T @ r / m, b - learning_rate * r.mean()
        costs.append(float(np.sum((X @ w + b - y) ** 2) / (2 * m)))
    return {"w": w, "b": float(b)}, np.array(costs)


@wrong("train_regression", "updates w first, then computes the bias gradient from the new w")
def train_regression(X, y, learning_rate=0.1, n_iterations=300, seed=0):
    def _checked(X, y, learning_rate, n_iterations):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        if X.ndim != 2 or y.shape != (X.shape[0],) or learning_rate <= 0 or n_iterations < 0:
            raise ValueError("bad arguments")
        return X, y

    X, y = _checked(X, y, learning_rate, n_iterations)
    m = len(y)
    w, b = np.random.default_rng(seed).normal(0.0, 0.01, size=X.shape[1]), 0.0
    costs = [float(np.sum((X @ w + b - y) ** 2) / (2 * m))]
    for _ in range(n_iterations):
        w = w - learning_rate * X.T @ (X @ w + b - y) / m
        b = b - learning_rate * float(np.mean(X @ w + b - y))
        costs.append(float(np.sum((X @ w + b - y) ** 2) / (2 * m)))
    return {"w": w, "b": float(b)}, np.array(costs)


@right("train_regression", "augmented matrix [X 1] and one parameter vector theta")
def train_regression(X, y, learning_rate=0.1, n_iterations=300, seed=0):
    def _checked(X, y, learning_rate, n_iterations):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        if X.ndim != 2 or y.shape != (X.shape[0],) or learning_rate <= 0 or n_iterations < 0:
            raise ValueError("bad arguments")
        return X, y

    X, y = _checked(X, y, learning_rate, n_iterations)
    m, n = X.shape
    A = np.column_stack([X, np.ones(m)])
    theta = np.append(np.random.default_rng(seed).normal(0.0, 0.01, size=n), 0.0)
    costs = np.empty(n_iterations + 1)
    for k in range(n_iterations + 1):
        r = A @ theta - y
        costs[k] = 0.5 * np.mean(r**2)
        if k < n_iterations:
            theta = theta - learning_rate * (A.T @ r) / m
    return {"w": theta[:n], "b": float(theta[n])}, costs


@right("train_regression", "gradient as a mean over rows, written step by step")
def train_regression(X, y, learning_rate=0.1, n_iterations=300, seed=0):
    def _checked(X, y, learning_rate, n_iterations):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        if X.ndim != 2 or y.shape != (X.shape[0],) or learning_rate <= 0 or n_iterations < 0:
            raise ValueError("bad arguments")
        return X, y

    X, y = _checked(X, y, learning_rate, n_iterations)
    w, b = np.random.default_rng(seed).normal(0.0, 0.01, size=X.shape[1]), 0.0
    history = [float(np.mean((X @ w + b - y) ** 2) / 2)]
    for _ in range(n_iterations):
        residual = X @ w + b - y
        grad_w = np.mean(residual[:, None] * X, axis=0)
        grad_b = np.mean(residual)
        w -= learning_rate * grad_w
        b -= learning_rate * grad_b
        history.append(float(np.mean((X @ w + b - y) ** 2) / 2))
    return {"w": w, "b": float(b)}, np.array(history)


# --------------------------------------------------------------------------- forward_classification


@wrong("forward_classification", "exp(z) / (1 + exp(z)): inf / inf = nan for large logits")
def forward_classification(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != len(params["w"]):
        raise ValueError("shape mismatch")
    with np.errstate(all="ignore"):
        e = np.exp(X @ params["w"] + params["b"])
        return e / (1 + e)


@wrong("forward_classification", "sign error: σ(−z)")
def forward_classification(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != len(params["w"]):
        raise ValueError("shape mismatch")
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(X @ params["w"] + params["b"]))


@wrong("forward_classification", "returns the logits, no sigmoid")
def forward_classification(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != len(params["w"]):
        raise ValueError("shape mismatch")
    return X @ params["w"] + params["b"]


@wrong("forward_classification", "forgets the bias")
def forward_classification(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != len(params["w"]):
        raise ValueError("shape mismatch")
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-(X @ params["w"])))


@wrong("forward_classification", "clips the logits to [-30, 30] to avoid overflow")
def forward_classification(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != len(params["w"]):
        raise ValueError("shape mismatch")
    z = np.clip(X @ params["w"] + params["b"], -30, 30)
    return 1 / (1 + np.exp(-z))


@right("forward_classification", "the tanh identity σ(z) = (1 + tanh(z/2))/2")
def forward_classification(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != np.shape(params["w"])[0]:
        raise ValueError("X does not fit w")
    return 0.5 * (1 + np.tanh((X @ params["w"] + params["b"]) / 2))


@right("forward_classification", "the textbook 1/(1 + exp(−z)), overflow silenced (exp → inf gives 0)")
def forward_classification(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != np.shape(params["w"])[0]:
        raise ValueError("X does not fit w")
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-(X @ params["w"] + params["b"])))


@right("forward_classification", "a loop over examples, exponentiating only non-positive numbers")
def forward_classification(X, params):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != np.shape(params["w"])[0]:
        raise ValueError("X does not fit w")
    out = np.empty(X.shape[0])
    for i, z in enumerate(X @ params["w"] + params["b"]):
        out[i] = 1 / (1 + np.exp(-z)) if z >= 0 else np.exp(z) / (1 + np.exp(z))
    return out


# ------------------------------------------------------------------------------------------ log_loss


@wrong("log_loss", "no clipping: p = 0 for a label 1 gives inf")
def log_loss(p, y, eps=1e-12):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    if p.shape != y.shape or y.size == 0:
        raise ValueError("shape mismatch")
    with np.errstate(all="ignore"):
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@wrong("log_loss", "sums instead of averaging")
def log_loss(p, y, eps=1e-12):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    if p.shape != y.shape or y.size == 0:
        raise ValueError("shape mismatch")
    q = np.clip(p, eps, 1 - eps)
    return float(-np.sum(y * np.log(q) + (1 - y) * np.log(1 - q)))


@wrong("log_loss", "forgets the minus sign: a negative loss")
def log_loss(p, y, eps=1e-12):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    if p.shape != y.shape or y.size == 0:
        raise ValueError("shape mismatch")
    q = np.clip(p, eps, 1 - eps)
    return float(np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))


@wrong("log_loss", "swaps the roles of y and 1 − y")
def log_loss(p, y, eps=1e-12):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    if p.shape != y.shape or y.size == 0:
        raise ValueError("shape mismatch")
    q = np.clip(p, eps, 1 - eps)
    return float(-np.mean((1 - y) * np.log(q) + y * np.log(1 - q)))


@wrong("log_loss", "hard-codes eps = 1e-15, ignoring the argument")
def log_loss(p, y, eps=1e-12):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    if p.shape != y.shape or y.size == 0:
        raise ValueError("shape mismatch")
    q = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))


@right("log_loss", "picks the log of the probability of the true class, with log1p")
def log_loss(p, y, eps=1e-12):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    if p.shape != y.shape or y.size == 0:
        raise ValueError("p and y must match")
    if not 0 < eps < 0.5:
        raise ValueError("eps out of range")
    q = np.minimum(np.maximum(p, eps), 1 - eps)
    return float(-np.mean(np.where(y == 1, np.log(q), np.log1p(-q))))


@right("log_loss", "a loop over examples")
def log_loss(p, y, eps=1e-12):
    if np.shape(p) != np.shape(y) or np.size(y) == 0:
        raise ValueError("p and y must match")
    if not 0 < eps < 0.5:
        raise ValueError("eps out of range")
    total = 0.0
    for pi, yi in zip(np.ravel(p), np.ravel(y), strict=True):
        q = min(max(float(pi), eps), 1 - eps)
        total -= yi * np.log(q) + (1 - yi) * np.log(1 - q)
    return float(total / np.size(y))


# ---------------------------------------------------------------------------------- train_classifier


@wrong("train_classifier", "gradient ascent on the log-loss")
def train_classifier(X, y, learning_rate=0.5, n_iterations=300, seed=0):
    def _checked(X, y, learning_rate, n_iterations):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        if X.ndim != 2 or y.shape != (X.shape[0],) or learning_rate <= 0 or n_iterations < 0:
            raise ValueError("bad arguments")
        return X, y

    def _sigmoid(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    def _log_loss(p, y):
        q = np.clip(p, 1e-12, 1 - 1e-12)
        return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))

    X, y = _checked(X, y, learning_rate, n_iterations)
    m = len(y)
    w, b = np.random.default_rng(seed).normal(0.0, 0.01, size=X.shape[1]), 0.0
    costs = [_log_loss(_sigmoid(X @ w + b), y)]
    for _ in range(n_iterations):
        r = _sigmoid(X @ w + b) - y
        w, b = w + learning_rate * X.T @ r / m, b + learning_rate * float(r.mean())
        costs.append(_log_loss(_sigmoid(X @ w + b), y))
    return {"w": w, "b": b}, np.array(costs)


@wrong("train_classifier", "regression gradient of the wrong sign: Xᵀ(y − z)/m on the logits, then w −= α·grad")
def train_classifier(X, y, learning_rate=0.5, n_iterations=300, seed=0):
    def _checked(X, y, learning_rate, n_iterations):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        if X.ndim != 2 or y.shape != (X.shape[0],) or learning_rate <= 0 or n_iterations < 0:
            raise ValueError("bad arguments")
        return X, y

    def _sigmoid(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    def _log_loss(p, y):
        q = np.clip(p, 1e-12, 1 - 1e-12)
        return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))

    X, y = _checked(X, y, learning_rate, n_iterations)
    m = len(y)
    w, b = np.random.default_rng(seed).normal(0.0, 0.01, size=X.shape[1]), 0.0
    costs = [_log_loss(_sigmoid(X @ w + b), y)]
    with np.errstate(all="ignore"):
        for _ in range(n_iterations):
            r = y - (X @ w + b)
            w, b = w - learning_rate * X.T @ r / m, b - learning_rate * float(r.mean())
            costs.append(_log_loss(_sigmoid(X @ w + b), y))
    return {"w": w, "b": b}, np.array(costs)


@wrong("train_classifier", "never updates the bias")
def train_classifier(X, y, learning_rate=0.5, n_iterations=300, seed=0):
    def _checked(X, y, learning_rate, n_iterations):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        if X.ndim != 2 or y.shape != (X.shape[0],) or learning_rate <= 0 or n_iterations < 0:
            raise ValueError("bad arguments")
        return X, y

    def _sigmoid(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    def _log_loss(p, y):
        q = np.clip(p, 1e-12, 1 - 1e-12)
        return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))

    X, y = _checked(X, y, learning_rate, n_iterations)
    m = len(y)
    w, b = np.random.default_rng(seed).normal(0.0, 0.01, size=X.shape[1]), 0.0
    costs = [_log_loss(_sigmoid(X @ w + b), y)]
    for _ in range(n_iterations):
        r = _sigmoid(X @ w + b) - y
        w = w - learning_rate * X.T @ r / m
        costs.append(_log_loss(_sigmoid(X @ w + b), y))
    return {"w": w, "b": b}, np.array(costs)


@wrong("train_classifier", "fits the logits to the labels: the squared-error gradient on z")
def train_classifier(X, y, learning_rate=0.5, n_iterations=300, seed=0):
    def _checked(X, y, learning_rate, n_iterations):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        if X.ndim != 2 or y.shape != (X.shape[0],) or learning_rate <= 0 or n_iterations < 0:
            raise ValueError("bad arguments")
        return X, y

    def _sigmoid(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    def _log_loss(p, y):
        q = np.clip(p, 1e-12, 1 - 1e-12)
        return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))

    X, y = _checked(X, y, learning_rate, n_iterations)
    m = len(y)
    w, b = np.random.default_rng(seed).normal(0.0, 0.01, size=X.shape[1]), 0.0
    costs = [_log_loss(_sigmoid(X @ w + b), y)]
    for _ in range(n_iterations):
        r = X @ w + b - y
        w, b = w - learning_rate * X.T @ r / m, b - learning_rate * float(r.mean())
        costs.append(_log_loss(_sigmoid(X @ w + b), y))
    return {"w": w, "b": b}, np.array(costs)


@wrong("train_classifier", "records the squared-error cost instead of the log-loss")
def train_classifier(X, y, learning_rate=0.5, n_iterations=300, seed=0):
    def _checked(X, y, learning_rate, n_iterations):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        if X.ndim != 2 or y.shape != (X.shape[0],) or learning_rate <= 0 or n_iterations < 0:
            raise ValueError("bad arguments")
        return X, y

    def _sigmoid(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    X, y = _checked(X, y, learning_rate, n_iterations)
    m = len(y)
    w, b = np.random.default_rng(seed).normal(0.0, 0.01, size=X.shape[1]), 0.0
    costs = [float(np.mean((_sigmoid(X @ w + b) - y) ** 2) / 2)]
    for _ in range(n_iterations):
        r = _sigmoid(X @ w + b) - y
        w, b = w - learning_rate * X.T @ r / m, b - learning_rate * float(r.mean())
        costs.append(float(np.mean((_sigmoid(X @ w + b) - y) ** 2) / 2))
    return {"w": w, "b": b}, np.array(costs)


@wrong("train_classifier", "runs one step fewer than asked (range(n_iterations - 1))")
def train_classifier(X, y, learning_rate=0.5, n_iterations=300, seed=0):
    def _checked(X, y, learning_rate, n_iterations):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        if X.ndim != 2 or y.shape != (X.shape[0],) or learning_rate <= 0 or n_iterations < 0:
            raise ValueError("bad arguments")
        return X, y

    def _sigmoid(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    def _log_loss(p, y):
        q = np.clip(p, 1e-12, 1 - 1e-12)
        return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))

    X, y = _checked(X, y, learning_rate, n_iterations)
    m = len(y)
    w, b = np.random.default_rng(seed).normal(0.0, 0.01, size=X.shape[1]), 0.0
    costs = [_log_loss(_sigmoid(X @ w + b), y)]
    for _ in range(n_iterations - 1):
        r = _sigmoid(X @ w + b) - y
        w, b = w - learning_rate * X.T @ r / m, b - learning_rate * float(r.mean())
        costs.append(_log_loss(_sigmoid(X @ w + b), y))
    costs.append(costs[-1])
    return {"w": w, "b": b}, np.array(costs)


@right("train_classifier", "augmented matrix, sigmoid via tanh, gradient as a row mean")
def train_classifier(X, y, learning_rate=0.5, n_iterations=300, seed=0):
    def _checked(X, y, learning_rate, n_iterations):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        if X.ndim != 2 or y.shape != (X.shape[0],) or learning_rate <= 0 or n_iterations < 0:
            raise ValueError("bad arguments")
        return X, y

    def _log_loss(p, y):
        q = np.clip(p, 1e-12, 1 - 1e-12)
        return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))

    X, y = _checked(X, y, learning_rate, n_iterations)
    m, n = X.shape
    A = np.column_stack([X, np.ones(m)])
    theta = np.append(np.random.default_rng(seed).normal(0.0, 0.01, size=n), 0.0)
    costs = []
    for k in range(n_iterations + 1):
        p = 0.5 * (1 + np.tanh(A @ theta / 2))
        costs.append(_log_loss(p, y))
        if k < n_iterations:
            theta = theta - learning_rate * np.mean((p - y)[:, None] * A, axis=0)
    return {"w": theta[:n], "b": float(theta[n])}, np.array(costs)


# ------------------------------------------------------------------------------------------- predict


@wrong("predict", "strict inequality: a probability equal to the threshold gives 0")
def predict(X, params, threshold=0.5):
    def _sigmoid(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    if not 0 < threshold < 1:
        raise ValueError("bad threshold")
    return (_sigmoid(np.asarray(X, dtype=float) @ params["w"] + params["b"]) > threshold).astype(int)


@wrong("predict", "compares the logits, not the probabilities, with the threshold")
def predict(X, params, threshold=0.5):
    if not 0 < threshold < 1:
        raise ValueError("bad threshold")
    return (np.asarray(X, dtype=float) @ params["w"] + params["b"] >= threshold).astype(int)


@wrong("predict", "returns booleans, not integers")
def predict(X, params, threshold=0.5):
    def _sigmoid(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    if not 0 < threshold < 1:
        raise ValueError("bad threshold")
    return _sigmoid(np.asarray(X, dtype=float) @ params["w"] + params["b"]) >= threshold


@wrong("predict", "rounds the probabilities, ignoring the threshold")
def predict(X, params, threshold=0.5):
    def _sigmoid(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    if not 0 < threshold < 1:
        raise ValueError("bad threshold")
    return np.round(_sigmoid(np.asarray(X, dtype=float) @ params["w"] + params["b"])).astype(int)


@wrong("predict", "forgets the bias")
def predict(X, params, threshold=0.5):
    def _sigmoid(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    if not 0 < threshold < 1:
        raise ValueError("bad threshold")
    return (_sigmoid(np.asarray(X, dtype=float) @ params["w"]) >= threshold).astype(int)


@wrong("predict", "accepts any threshold, even 0 or 1")
def predict(X, params, threshold=0.5):
    def _sigmoid(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    return (_sigmoid(np.asarray(X, dtype=float) @ params["w"] + params["b"]) >= threshold).astype(int)


@right("predict", "compares the logit with log(t / (1 − t)) and never computes a probability")
def predict(X, params, threshold=0.5):
    if not 0 < threshold < 1:
        raise ValueError("threshold must be in (0, 1)")
    z = np.asarray(X, dtype=float) @ params["w"] + params["b"]
    return np.where(z >= np.log(threshold / (1 - threshold)), 1, 0)


# ---------------------------------------------------------------------------------------- standardize


@wrong("standardize", "scales the test rows with their own mean and std")
def standardize(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    if X_train.ndim != 2 or X_test.ndim != 2 or X_train.shape[1] != X_test.shape[1] or len(X_train) == 0:
        raise ValueError("X_train and X_test must be 2-D with the same columns")
    if np.any(np.all(X_train == X_train[0], axis=0)):
        raise ValueError("a constant column")
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_test - X_test.mean(axis=0)) / X_test.std(axis=0), mean, std


@wrong("standardize", "the sample std (ddof=1), where the docstring asks for the population std")
def standardize(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    if X_train.ndim != 2 or X_test.ndim != 2 or X_train.shape[1] != X_test.shape[1] or len(X_train) < 2:
        raise ValueError("X_train and X_test must be 2-D with the same columns")
    if np.any(np.all(X_train == X_train[0], axis=0)):
        raise ValueError("a constant column")
    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    return (X_train - mean) / std, (X_test - mean) / std, mean, std


@wrong("standardize", "statistics of the whole array, not of each column")
def standardize(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    if X_train.ndim != 2 or X_test.ndim != 2 or X_train.shape[1] != X_test.shape[1] or len(X_train) == 0:
        raise ValueError("X_train and X_test must be 2-D with the same columns")
    if np.any(np.all(X_train == X_train[0], axis=0)):
        raise ValueError("a constant column")
    mean = np.full(X_train.shape[1], X_train.mean())
    std = np.full(X_train.shape[1], X_train.std())
    return (X_train - mean) / std, (X_test - mean) / std, mean, std


@wrong("standardize", "statistics of each row (axis=1) instead of each column")
def standardize(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    if X_train.ndim != 2 or X_test.ndim != 2 or X_train.shape[1] != X_test.shape[1] or len(X_train) == 0:
        raise ValueError("X_train and X_test must be 2-D with the same columns")
    mean = X_train.mean(axis=1, keepdims=True)
    std = X_train.std(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        test_scaled = (X_test - X_test.mean(axis=1, keepdims=True)) / X_test.std(axis=1, keepdims=True)
    return (X_train - mean) / std, test_scaled, X_train.mean(axis=0), X_train.std(axis=0)


@wrong("standardize", "divides by the variance, not the standard deviation")
def standardize(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    if X_train.ndim != 2 or X_test.ndim != 2 or X_train.shape[1] != X_test.shape[1] or len(X_train) == 0:
        raise ValueError("X_train and X_test must be 2-D with the same columns")
    if np.any(np.all(X_train == X_train[0], axis=0)):
        raise ValueError("a constant column")
    mean, var = X_train.mean(axis=0), X_train.var(axis=0)
    return (X_train - mean) / var, (X_test - mean) / var, mean, np.sqrt(var)


@wrong("standardize", "no check for a constant column: divides by zero and returns nan")
def standardize(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    if X_train.ndim != 2 or X_test.ndim != 2 or X_train.shape[1] != X_test.shape[1]:
        raise ValueError("X_train and X_test must be 2-D with the same columns")
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (X_train - mean) / std, (X_test - mean) / std, mean, std


@right("standardize", "a loop over the columns with the two-pass formula √(mean((x − μ)²))")
def standardize(X_train, X_test):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    if X_train.ndim != 2 or X_test.ndim != 2 or X_train.shape[1] != X_test.shape[1] or len(X_train) == 0:
        raise ValueError("X_train and X_test must be 2-D with the same columns")
    n = X_train.shape[1]
    mean, std = np.empty(n), np.empty(n)
    for j in range(n):
        column = X_train[:, j]
        if np.ptp(column) == 0:
            raise ValueError(f"column {j} is constant")
        mean[j] = np.sum(column) / len(column)
        std[j] = np.sqrt(np.sum((column - mean[j]) ** 2) / len(column))
    return (X_train - mean) / std, (X_test - mean) / std, mean, std


# ------------------------------------------------------------------------------ fit_scaled_regression


@wrong("fit_scaled_regression", "no scaling: gradient descent on the raw feature diverges at α = 0.1")
def fit_scaled_regression(x, y, learning_rate=0.1, n_iterations=500):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or np.ptp(x) == 0:
        raise ValueError("x and y must have shape (m,), and x must vary")
    with np.errstate(over="ignore", invalid="ignore"):
        params, _ = train_regression(x[:, None], y, learning_rate=learning_rate, n_iterations=n_iterations)
    return float(params["w"][0]), float(params["b"])


@wrong("fit_scaled_regression", "no scaling, the step shrunk by max(x)² to stay stable: the bias crawls")
def fit_scaled_regression(x, y, learning_rate=0.1, n_iterations=500):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or np.ptp(x) == 0:
        raise ValueError("x and y must have shape (m,), and x must vary")
    step = learning_rate / float(np.max(np.abs(x))) ** 2
    params, _ = train_regression(x[:, None], y, learning_rate=step, n_iterations=n_iterations)
    return float(params["w"][0]), float(params["b"])


@wrong("fit_scaled_regression", "forgets to convert back: returns w and b of the scaled feature")
def fit_scaled_regression(x, y, learning_rate=0.1, n_iterations=500):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or np.ptp(x) == 0:
        raise ValueError("x and y must have shape (m,), and x must vary")
    scaled, _, mean, std = standardize(x[:, None], x[:, None])
    params, _ = train_regression(scaled, y, learning_rate=learning_rate, n_iterations=n_iterations)
    return float(params["w"][0]), float(params["b"])


@wrong("fit_scaled_regression", "converts the slope back but keeps the scaled model's intercept b")
def fit_scaled_regression(x, y, learning_rate=0.1, n_iterations=500):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or np.ptp(x) == 0:
        raise ValueError("x and y must have shape (m,), and x must vary")
    scaled, _, mean, std = standardize(x[:, None], x[:, None])
    params, _ = train_regression(scaled, y, learning_rate=learning_rate, n_iterations=n_iterations)
    return float(params["w"][0] / std[0]), float(params["b"])


@wrong("fit_scaled_regression", "multiplies by std instead of dividing when converting back")
def fit_scaled_regression(x, y, learning_rate=0.1, n_iterations=500):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or np.ptp(x) == 0:
        raise ValueError("x and y must have shape (m,), and x must vary")
    scaled, _, mean, std = standardize(x[:, None], x[:, None])
    params, _ = train_regression(scaled, y, learning_rate=learning_rate, n_iterations=n_iterations)
    slope = float(params["w"][0] * std[0])
    return slope, float(params["b"] - slope * mean[0])


@wrong("fit_scaled_regression", "the closed-form least-squares line: no gradient descent, ignores n_iterations")
def fit_scaled_regression(x, y, learning_rate=0.1, n_iterations=500):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or np.ptp(x) == 0:
        raise ValueError("x and y must have shape (m,), and x must vary")
    slope, intercept = np.polyfit(x, y, 1)
    return float(slope), float(intercept)


@right("fit_scaled_regression", "inline mean and std; the line read off the scaled model at x = μ and x = μ + σ")
def fit_scaled_regression(x, y, learning_rate=0.1, n_iterations=500):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or np.ptp(x) == 0:
        raise ValueError("x and y must have shape (m,), and x must vary")
    mu, sigma = x.mean(), x.std()
    params, _ = train_regression(((x - mu) / sigma)[:, None], y, learning_rate=learning_rate,
                                 n_iterations=n_iterations)
    at_mean = params["b"]
    at_next = params["w"][0] + params["b"]
    slope = (at_next - at_mean) / sigma
    return float(slope), float(at_mean - slope * mu)


# --------------------------------------------------------------------------------- penguin_classifier


@wrong("penguin_classifier", "no scaling: trains on the raw measurements")
def penguin_classifier(X_train, species_train, X_test, positive="Gentoo", learning_rate=0.5, n_iterations=300):
    X_train = np.asarray(X_train, dtype=float)
    labels = np.array([name == positive for name in species_train], dtype=int)
    if len(labels) != len(X_train) or labels.min() == labels.max():
        raise ValueError("need one species per row, and both classes")
    params, _ = train_classifier(X_train, labels, learning_rate=learning_rate, n_iterations=n_iterations)
    return predict(np.asarray(X_test, dtype=float), params)


@wrong("penguin_classifier", "scales the test rows with the test rows' own statistics")
def penguin_classifier(X_train, species_train, X_test, positive="Gentoo", learning_rate=0.5, n_iterations=300):
    X_train = np.asarray(X_train, dtype=float)
    labels = np.array([name == positive for name in species_train], dtype=int)
    if len(labels) != len(X_train) or labels.min() == labels.max():
        raise ValueError("need one species per row, and both classes")
    X_test = np.asarray(X_test, dtype=float)
    train_scaled, _, _, _ = standardize(X_train, X_train)
    test_scaled = (X_test - X_test.mean(axis=0)) / np.where(len(X_test) > 1, X_test.std(axis=0), 1.0)
    params, _ = train_classifier(train_scaled, labels, learning_rate=learning_rate, n_iterations=n_iterations)
    return predict(test_scaled, params)


@wrong("penguin_classifier", "leaves the labels as strings")
def penguin_classifier(X_train, species_train, X_test, positive="Gentoo", learning_rate=0.5, n_iterations=300):
    train_scaled, test_scaled, _, _ = standardize(X_train, X_test)
    params, _ = train_classifier(train_scaled, np.array(species_train), learning_rate=learning_rate,
                                 n_iterations=n_iterations)
    return predict(test_scaled, params)


@wrong("penguin_classifier", "inverted labels: the positive species is labelled 0")
def penguin_classifier(X_train, species_train, X_test, positive="Gentoo", learning_rate=0.5, n_iterations=300):
    X_train = np.asarray(X_train, dtype=float)
    labels = np.array([name == positive for name in species_train], dtype=int)
    if len(labels) != len(X_train) or labels.min() == labels.max():
        raise ValueError("need one species per row, and both classes")
    train_scaled, test_scaled, _, _ = standardize(X_train, X_test)
    params, _ = train_classifier(train_scaled, 1 - labels, learning_rate=learning_rate, n_iterations=n_iterations)
    return predict(test_scaled, params)


@wrong("penguin_classifier", "ignores positive: always labels Gentoo 1")
def penguin_classifier(X_train, species_train, X_test, positive="Gentoo", learning_rate=0.5, n_iterations=300):
    X_train = np.asarray(X_train, dtype=float)
    labels = np.array([name == "Gentoo" for name in species_train], dtype=int)
    if len(labels) != len(X_train) or labels.min() == labels.max():
        raise ValueError("need one species per row, and both classes")
    train_scaled, test_scaled, _, _ = standardize(X_train, X_test)
    params, _ = train_classifier(train_scaled, labels, learning_rate=learning_rate, n_iterations=n_iterations)
    return predict(test_scaled, params)


@wrong("penguin_classifier", "returns the probabilities, not the 0/1 classes")
def penguin_classifier(X_train, species_train, X_test, positive="Gentoo", learning_rate=0.5, n_iterations=300):
    X_train = np.asarray(X_train, dtype=float)
    labels = np.array([name == positive for name in species_train], dtype=int)
    if len(labels) != len(X_train) or labels.min() == labels.max():
        raise ValueError("need one species per row, and both classes")
    train_scaled, test_scaled, _, _ = standardize(X_train, X_test)
    params, _ = train_classifier(train_scaled, labels, learning_rate=learning_rate, n_iterations=n_iterations)
    return forward_classification(test_scaled, params)


@right("penguin_classifier", "the sample std (ddof=1) for scaling, and labels from np.unique")
def penguin_classifier(X_train, species_train, X_test, positive="Gentoo", learning_rate=0.5, n_iterations=300):
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    names, codes = np.unique(np.asarray(species_train, dtype=str), return_inverse=True)
    if len(codes) != len(X_train) or positive not in names or len(names) < 2:
        raise ValueError("need one species per row, and both classes")
    labels = (names[codes] == positive).astype(int)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    if np.any(std == 0):
        raise ValueError("a constant column")
    params, _ = train_classifier((X_train - mean) / std, labels, learning_rate=learning_rate,
                                 n_iterations=n_iterations)
    return predict((X_test - mean) / std, params)
