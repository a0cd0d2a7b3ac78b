# %% [markdown]
# # Day 44 — Perceptrons: one neuron, trained by gradient descent
#
# A single artificial neuron takes a vector of features $x \in \mathbb{R}^n$, forms a weighted sum
# plus a bias, $z = w \cdot x + b$, and passes $z$ through an *activation*. With no activation it is
# a linear regression model; with the sigmoid it is logistic regression, a classifier. Rosenblatt's
# original perceptron used a hard step as activation and its own update rule; here we keep the name
# for the single neuron but train it the way every modern network is trained: write down a cost,
# differentiate it, and walk downhill.
#
# Today you build both models from scratch in NumPy:
#
# 1. **regression** — the forward pass, the squared-error cost, its gradient, and gradient descent;
# 2. **classification** — the sigmoid, the log-loss, training and prediction.
#
# Conventions for the whole day: a data set is a matrix `X` of shape `(m, n)`, one example per row
# (m examples, n features), and targets `y` of shape `(m,)`. The parameters are a dict
# `{"w": array of shape (n,), "b": float}`.
#
# Each task is one function. Fill in the body where it says `YOUR CODE HERE`, then run
# `pytest tests/test_day_44.py` (or the test cell under the task in the notebook).

# %%
import numpy as np

# %% [markdown]
# ## 1. Parameters
#
# Training starts somewhere. For a single neuron, zeros would do, but networks of many neurons need
# *different* starting weights so that the neurons do not all learn the same thing, so we practise
# the general habit: small random weights, drawn from a normal distribution with a small standard
# deviation, and a bias of zero. A **seed** makes the draw reproducible: the same seed gives the same
# weights on every run, which is what makes an experiment (or a check) repeatable.

# %% task="initialize_parameters" points=2
def initialize_parameters(n_features: int, seed: int = 0, scale: float = 0.01) -> dict:
    """Small random weights and a zero bias for a neuron with ``n_features`` inputs.

    Args:
        n_features: the number of features n (a positive int).
        seed: the seed of the random generator (an int). The same seed must give the same weights,
            different seeds different weights. Use ``np.random.default_rng(seed)`` (any generator
            seeded with ``seed`` is accepted).
        scale: the standard deviation of the weights (a float, >= 0).

    Returns:
        A dict ``{"w": w, "b": b}``: ``w`` a NumPy float array of shape ``(n_features,)`` drawn from a
        normal distribution with mean 0 and standard deviation ``scale``, and ``b`` the Python float
        ``0.0``.

    Raises:
        ValueError: if ``n_features < 1`` or ``scale < 0``.

    Example:
        >>> initialize_parameters(3, seed=0)
        {'w': array([ 0.0012573 , -0.00132105,  0.00640423]), 'b': 0.0}
    """
    ### BEGIN SOLUTION
    if n_features < 1:
        raise ValueError(f"n_features must be at least 1, not {n_features}")
    if scale < 0:
        raise ValueError(f"scale must be non-negative, not {scale}")
    rng = np.random.default_rng(seed)
    return {"w": rng.normal(0.0, scale, size=n_features), "b": 0.0}
    ### END SOLUTION


# %% [markdown]
# ## 2. Linear regression with one neuron
#
# ### The forward pass
#
# For one example the prediction is $\hat y = w \cdot x + b$. For all m examples at once, stacked as
# the rows of X, it is one matrix-vector product plus the bias, broadcast to every row:
#
# $$\hat y = X w + b \qquad (\text{shape } (m,)).$$
#
# Writing it this way, instead of a Python loop over examples, is called *vectorising*: NumPy runs
# the loop in compiled code, often a hundred times faster.

# %% task="forward_regression" points=2
def forward_regression(X: np.ndarray, params: dict) -> np.ndarray:
    """The predictions ŷ = X·w + b of a linear neuron for every row of ``X``.

    Args:
        X: a NumPy array of shape (m, n), one example per row.
        params: a dict ``{"w": array of shape (n,), "b": float}``.

    Returns:
        A NumPy float array of shape (m,): ``y_hat[i] = X[i] · w + b``.

    Raises:
        ValueError: if ``X`` is not 2-D or its number of columns differs from ``len(w)``.

    Example:
        >>> X = np.array([[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]])
        >>> forward_regression(X, {"w": np.array([0.5, -1.0]), "b": 2.0})
        array([ 0.5, -0.5,  2. ])
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    w = np.asarray(params["w"], dtype=float)
    if X.ndim != 2 or X.shape[1] != w.shape[0]:
        raise ValueError(f"X must have shape (m, {w.shape[0]}), not {X.shape}")
    return X @ w + float(params["b"])
    ### END SOLUTION


# %% [markdown]
# ### The cost
#
# How wrong are the predictions? The squared error, averaged over the examples, with an extra
# factor ½ that makes the derivative tidy:
#
# $$J(w, b) = \frac{1}{2m}\sum_{i=1}^{m} (\hat y_i - y_i)^2.$$
#
# The ½ does not move the minimum; dividing by m makes the cost (and so the good learning rates)
# independent of the size of the data set.

# %% task="regression_cost" points=2
def regression_cost(y_hat: np.ndarray, y: np.ndarray) -> float:
    """The squared-error cost J = Σ (ŷᵢ − yᵢ)² / (2m).

    Args:
        y_hat: the predictions, a NumPy array of shape (m,).
        y: the targets, a NumPy array of shape (m,).

    Returns:
        The cost as a Python float (>= 0): the sum of the squared errors divided by 2m.

    Raises:
        ValueError: if the shapes differ or m = 0.

    Example:
        >>> regression_cost(np.array([1.0, 2.0, 4.0]), np.array([1.0, 0.0, 1.0]))
        2.1666666666666665
    """
    ### BEGIN SOLUTION
    y_hat = np.asarray(y_hat, dtype=float)
    y = np.asarray(y, dtype=float)
    if y_hat.shape != y.shape or y.size == 0:
        raise ValueError(f"y_hat and y must have the same non-empty shape, not {y_hat.shape} and {y.shape}")
    residual = y_hat - y
    return float(residual @ residual / (2 * y.size))
    ### END SOLUTION


# %% [markdown]
# ### The gradient
#
# The residual $r_i = \hat y_i - y_i = x_i \cdot w + b - y_i$ depends on $w_j$ through $x_{ij}$ and
# on $b$ with slope 1. The chain rule on $J = \frac{1}{2m}\sum r_i^2$ gives
#
# $$\frac{\partial J}{\partial w_j} = \frac{1}{m}\sum_{i} r_i\, x_{ij}, \qquad
# \frac{\partial J}{\partial b} = \frac{1}{m}\sum_{i} r_i,$$
#
# or, vectorised, $\nabla_w J = X^\top r / m$ and $\partial J/\partial b = \operatorname{mean}(r)$.
# The ½ cancelled the 2 of the square. A finite difference of the cost (Day 39) is the way to test
# a hand-derived gradient: here J is quadratic, so a central difference is exact up to rounding.

# %% task="regression_gradients" points=3
def regression_gradients(X: np.ndarray, y: np.ndarray, params: dict) -> dict:
    """The gradient of the cost J = Σ (ŷ − y)² / (2m) with respect to w and b.

    Args:
        X: a NumPy array of shape (m, n), one example per row.
        y: the targets, a NumPy array of shape (m,).
        params: a dict ``{"w": array of shape (n,), "b": float}``, where the gradient is taken.

    Returns:
        A dict ``{"w": dw, "b": db}``: ``dw = Xᵀ(ŷ − y)/m``, a NumPy float array of shape (n,), and
        ``db = mean(ŷ − y)``, a float, where ``ŷ = X·w + b``.

    Raises:
        ValueError: if the shapes of ``X``, ``y`` and ``w`` do not fit together.

    Example:
        >>> X = np.array([[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]])
        >>> y = np.array([1.0, 0.0, 0.0])
        >>> regression_gradients(X, y, {"w": np.array([0.5, -1.0]), "b": 2.0})
        {'w': array([-0.66666667, -1.        ]), 'b': 0.3333333333333333}
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must have shape (m, n) and y shape (m,), not {X.shape} and {y.shape}")
    residual = forward_regression(X, params) - y
    m = X.shape[0]
    return {"w": X.T @ residual / m, "b": float(residual.sum() / m)}
    ### END SOLUTION


# %% [markdown]
# ### Gradient descent
#
# Start from the initial parameters and repeat, with a learning rate $\alpha > 0$,
#
# $$w \leftarrow w - \alpha\, \nabla_w J, \qquad b \leftarrow b - \alpha\, \frac{\partial J}{\partial b}.$$
#
# How fast does it converge? Append a column of ones to X, $A = [X\;\; \mathbf 1]$, and collect
# $\theta = (w, b)$. The gradient is $A^\top(A\theta - y)/m = H(\theta - \theta^*)$ with
# $H = A^\top A/m$ when the data are exactly linear, $y = A\theta^*$. So one step does
#
# $$\theta_{k+1} - \theta^* = (I - \alpha H)(\theta_k - \theta^*), \qquad
# \|\theta_k - \theta^*\| \le \rho^k\, \|\theta_0 - \theta^*\|, \quad
# \rho = \max_i |1 - \alpha \lambda_i(H)|.$$
#
# The error shrinks geometrically when $0 < \alpha < 2/\lambda_{\max}$, and fastest when the
# eigenvalues of H are close together: features on similar scales, centred, not strongly correlated
# (a *well-conditioned* problem). With standardised features, $\alpha = 0.1$ and a few hundred steps
# recover the weights to many digits. Too large a rate makes $|1 - \alpha\lambda| > 1$: the iterates
# grow instead of shrinking.

# %% task="train_regression" points=4
def train_regression(
    X: np.ndarray, y: np.ndarray, learning_rate: float = 0.1, n_iterations: int = 300, seed: int = 0
) -> tuple:
    """Fit a linear neuron to (X, y) by full-batch gradient descent on J = Σ (ŷ − y)² / (2m).

    The parameters start at ``initialize_parameters(n, seed=seed)`` (default scale) and take exactly
    ``n_iterations`` steps ``w ← w − learning_rate·∂J/∂w``, ``b ← b − learning_rate·∂J/∂b``, each with
    the gradient over the whole data set.

    Args:
        X: a NumPy array of shape (m, n), one example per row.
        y: the targets, a NumPy array of shape (m,).
        learning_rate: the step size α (a positive float).
        n_iterations: the number of gradient steps (an int >= 0).
        seed: the seed passed to ``initialize_parameters``.

    Returns:
        A tuple ``(params, costs)``: ``params`` the dict ``{"w": array of shape (n,), "b": float}``
        after the last step, and ``costs`` a NumPy float array of shape (n_iterations + 1,) where
        ``costs[k]`` is the cost J of the parameters after k steps (``costs[0]`` is the cost of the
        initial parameters, ``costs[-1]`` that of the returned ones).

    Raises:
        ValueError: if ``X`` is not 2-D, ``y`` is not of shape (m,), ``learning_rate <= 0`` or
            ``n_iterations < 0``.

    Example:
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> params, costs = train_regression(X, 2 * X[:, 0] + 1, learning_rate=0.1, n_iterations=500)
        >>> params
        {'w': array([2.00000001]), 'b': 0.9999999854731516}
        >>> costs.shape
        (501,)
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must have shape (m, n) and y shape (m,), not {X.shape} and {y.shape}")
    if learning_rate <= 0:
        raise ValueError(f"learning_rate must be positive, not {learning_rate}")
    if n_iterations < 0:
        raise ValueError(f"n_iterations must be >= 0, not {n_iterations}")
    params = initialize_parameters(X.shape[1], seed=seed)
    costs = [regression_cost(forward_regression(X, params), y)]
    for _ in range(n_iterations):
        grads = regression_gradients(X, y, params)
        params = {"w": params["w"] - learning_rate * grads["w"], "b": params["b"] - learning_rate * grads["b"]}
        costs.append(regression_cost(forward_regression(X, params), y))
    return params, np.array(costs)
    ### END SOLUTION


# %% [markdown]
# The left plot shows the cost falling geometrically on a noise-free problem, a straight line on a
# log scale, right along the bound $J_0\,\rho^{2k}$ from the analysis above (the cost is quadratic in
# the error, hence the square). With one feature the slowest direction dominates from the first
# steps. Run longer and the cost stops near $10^{-31}$, the floor set by rounding. The right plot
# shows the fitted line.

# %%
def make_linear_data(m=60, n=1, seed=7, noise=0.0):
    """A synthetic regression problem: X standard normal, y = X·w_true + b_true (+ noise)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    w_true = rng.uniform(-2.0, 2.0, size=n)
    b_true = float(rng.uniform(-1.0, 1.0))
    y = X @ w_true + b_true + noise * rng.normal(size=m)
    return X, y, w_true, b_true


def plot_regression_training():
    """Plot the cost history of gradient descent and the fitted line on a 1-feature problem."""
    import matplotlib.pyplot as plt

    X, y, _, _ = make_linear_data(m=60, n=1, seed=7)
    alpha = 0.1
    params, costs = train_regression(X, y, learning_rate=alpha, n_iterations=300)
    A = np.column_stack([X, np.ones(len(y))])
    rho = np.max(np.abs(1 - alpha * np.linalg.eigvalsh(A.T @ A / len(y))))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    steps = np.arange(len(costs))
    left.semilogy(steps, costs, label="cost J after k steps")
    left.semilogy(steps, costs[0] * rho ** (2 * steps), "--", label=r"$J_0\,\rho^{2k}$")
    left.set_xlabel("step k")
    left.set_ylabel("cost")
    left.set_title("Gradient descent converges geometrically")
    left.legend()
    grid = np.linspace(X.min(), X.max(), 2)
    right.scatter(X[:, 0], y, s=12, label="data")
    right.plot(grid, params["w"][0] * grid + params["b"], color="C1", label="fitted neuron")
    right.set_xlabel("x")
    right.set_ylabel("y")
    right.set_title("The fitted line")
    right.legend()
    return fig


# %% active="ipynb"
# plot_regression_training();

# %% [markdown]
# ## 3. Classification with one neuron
#
# ### The sigmoid
#
# For labels $y \in \{0, 1\}$ we want a probability, so the neuron squashes $z = Xw + b$ with the
# sigmoid
#
# $$\sigma(z) = \frac{1}{1 + e^{-z}} = \frac{1 + \tanh(z/2)}{2}, \qquad \sigma'(z) = \sigma(z)(1 - \sigma(z)).$$
#
# Computed carelessly it breaks: `np.exp(z) / (1 + np.exp(z))` is `inf / inf = nan` for $z > 709$,
# because `np.exp` overflows. A stable version only ever exponentiates a non-positive number: for
# $z \ge 0$ use $1/(1 + e^{-z})$, and for $z < 0$ the equal form $e^{z}/(1 + e^{z})$.

# %% task="forward_classification" points=3
def forward_classification(X: np.ndarray, params: dict) -> np.ndarray:
    """The probabilities p = σ(X·w + b) of a sigmoid neuron, computed without overflow.

    Args:
        X: a NumPy array of shape (m, n), one example per row.
        params: a dict ``{"w": array of shape (n,), "b": float}``.

    Returns:
        A NumPy float array of shape (m,) with values in [0, 1]: ``p[i] = 1 / (1 + exp(-(X[i]·w + b)))``.
        It must be finite for every finite logit: for z = 1000 it is 1.0, for z = -1000 it is 0.0
        (within rounding), never nan.

    Raises:
        ValueError: if ``X`` is not 2-D or its number of columns differs from ``len(w)``.

    Example:
        >>> X = np.array([[0.0], [2.0], [1000.0], [-1000.0]])
        >>> forward_classification(X, {"w": np.array([1.0]), "b": 0.0})
        array([0.5       , 0.88079708, 1.        , 0.        ])
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    w = np.asarray(params["w"], dtype=float)
    if X.ndim != 2 or X.shape[1] != w.shape[0]:
        raise ValueError(f"X must have shape (m, {w.shape[0]}), not {X.shape}")
    z = X @ w + float(params["b"])
    e = np.exp(-np.abs(z))  # never overflows: the exponent is <= 0
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    ### END SOLUTION


# %% [markdown]
# ### The log-loss
#
# The squared error is a poor cost for probabilities (it is not convex in w once the sigmoid is in
# the way). The natural cost is the **log-loss** (binary cross-entropy), minus the average
# log-likelihood of the labels:
#
# $$L = -\frac{1}{m}\sum_{i=1}^{m} \Big[ y_i \log p_i + (1 - y_i) \log(1 - p_i) \Big].$$
#
# A confident wrong answer costs a lot: $p_i = 0$ for a label 1 gives $-\log 0 = \infty$. To keep the
# number finite, we **clip** the probabilities to $[\varepsilon, 1 - \varepsilon]$ first, so each term
# is at most $-\log\varepsilon \approx 27.6$ for $\varepsilon = 10^{-12}$.

# %% task="log_loss" points=3
def log_loss(p: np.ndarray, y: np.ndarray, eps: float = 1e-12) -> float:
    """The mean binary cross-entropy of probabilities ``p`` against labels ``y``, with clipping.

    Args:
        p: predicted probabilities, a NumPy array of shape (m,) with values in [0, 1].
        y: labels, a NumPy array of shape (m,) of 0s and 1s (ints or floats).
        eps: the clipping margin (a float, 0 < eps < 0.5). ``p`` is first clipped to
            ``[eps, 1 - eps]``.

    Returns:
        A Python float: ``-mean(y·log(q) + (1 − y)·log(1 − q))`` with ``q = clip(p, eps, 1 − eps)``.
        It is finite even when some p are exactly 0 or 1.

    Raises:
        ValueError: if the shapes differ or m = 0, or if eps is not in (0, 0.5).

    Example:
        >>> log_loss(np.array([0.9, 0.2, 0.0]), np.array([1, 0, 1]))
        9.319841727633529
    """
    ### BEGIN SOLUTION
    p = np.asarray(p, dtype=float)
    y = np.asarray(y, dtype=float)
    if p.shape != y.shape or y.size == 0:
        raise ValueError(f"p and y must have the same non-empty shape, not {p.shape} and {y.shape}")
    if not 0 < eps < 0.5:
        raise ValueError(f"eps must be in (0, 0.5), not {eps}")
    q = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))
    ### END SOLUTION


# %% [markdown]
# ### Training the classifier
#
# The chain rule meets a pleasant surprise. For one example, $\partial L_i/\partial p_i =
# -y_i/p_i + (1-y_i)/(1-p_i)$ and $\partial p_i/\partial z_i = p_i(1-p_i)$; their product is simply
# $p_i - y_i$. So the gradient has exactly the shape of the regression gradient, with the
# probabilities in place of the linear predictions:
#
# $$\nabla_w L = \frac{1}{m} X^\top (p - y), \qquad \frac{\partial L}{\partial b} = \operatorname{mean}(p - y).$$
#
# (The clipping in `log_loss` only matters for evaluating the cost; the gradient uses p itself.)
# The log-loss is convex in $(w, b)$, and since $\sigma' \le 1/4$ its Hessian is at most $H/4$ with
# the same $H = A^\top A/m$ as before, so any $\alpha < 8/\lambda_{\max}(H)$ makes the cost fall at
# every step.
#
# When the two classes can be separated by a hyperplane, there is no finite minimum: scaling w up
# always lowers the loss. Gradient descent still finds a separating hyperplane, and then keeps
# growing the weights slowly; that is fine for prediction.

# %% task="train_classifier" points=4
def train_classifier(
    X: np.ndarray, y: np.ndarray, learning_rate: float = 0.5, n_iterations: int = 300, seed: int = 0
) -> tuple:
    """Fit a sigmoid neuron to labels y ∈ {0, 1} by full-batch gradient descent on the log-loss.

    The parameters start at ``initialize_parameters(n, seed=seed)`` (default scale) and take exactly
    ``n_iterations`` steps ``w ← w − learning_rate·Xᵀ(p − y)/m``, ``b ← b − learning_rate·mean(p − y)``
    with ``p = σ(X·w + b)`` for the current parameters.

    Args:
        X: a NumPy array of shape (m, n), one example per row.
        y: labels, a NumPy array of shape (m,) of 0s and 1s.
        learning_rate: the step size α (a positive float).
        n_iterations: the number of gradient steps (an int >= 0).
        seed: the seed passed to ``initialize_parameters``.

    Returns:
        A tuple ``(params, costs)``: ``params`` the dict ``{"w": array of shape (n,), "b": float}``
        after the last step, and ``costs`` a NumPy float array of shape (n_iterations + 1,) where
        ``costs[k]`` is the log-loss (default eps) of the parameters after k steps.

    Raises:
        ValueError: if ``X`` is not 2-D, ``y`` is not of shape (m,), ``learning_rate <= 0`` or
            ``n_iterations < 0``.

    Example:
        >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
        >>> params, costs = train_classifier(X, np.array([0, 0, 1, 1]), n_iterations=100)
        >>> params
        {'w': array([3.37587678]), 'b': -1.4224732503009818e-16}
        >>> costs[0], costs[-1]
        (0.6922046979043996, 0.017392424389814393)
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must have shape (m, n) and y shape (m,), not {X.shape} and {y.shape}")
    if learning_rate <= 0:
        raise ValueError(f"learning_rate must be positive, not {learning_rate}")
    if n_iterations < 0:
        raise ValueError(f"n_iterations must be >= 0, not {n_iterations}")
    m = X.shape[0]
    params = initialize_parameters(X.shape[1], seed=seed)
    p = forward_classification(X, params)
    costs = [log_loss(p, y)]
    for _ in range(n_iterations):
        error = p - y
        params = {
            "w": params["w"] - learning_rate * (X.T @ error / m),
            "b": params["b"] - learning_rate * float(error.sum() / m),
        }
        p = forward_classification(X, params)
        costs.append(log_loss(p, y))
    return params, np.array(costs)
    ### END SOLUTION


# %% [markdown]
# ### Predicting
#
# A class is a decision: predict 1 when the probability reaches a threshold t, here $p \ge t$ (a
# point exactly on the threshold goes to class 1). For t = ½ this is the same as $z \ge 0$: the
# **decision boundary** is the hyperplane $w \cdot x + b = 0$, a line in the plane below. A
# different t shifts the boundary to $z = \log\frac{t}{1-t}$, trading false positives for false
# negatives.

# %% task="predict" points=2
def predict(X: np.ndarray, params: dict, threshold: float = 0.5) -> np.ndarray:
    """Class labels 0/1 from a sigmoid neuron: 1 where σ(X·w + b) >= threshold, else 0.

    Args:
        X: a NumPy array of shape (m, n), one example per row.
        params: a dict ``{"w": array of shape (n,), "b": float}``.
        threshold: the probability at and above which an example is classed 1 (0 < threshold < 1).

    Returns:
        A NumPy integer array of shape (m,) holding 0s and 1s. A probability exactly equal to the
        threshold gives 1 (with threshold 0.5: every logit z >= 0 gives 1).

    Raises:
        ValueError: if threshold is not strictly between 0 and 1, or ``X`` does not fit ``w``.

    Example:
        >>> X = np.array([[-1.0], [0.0], [0.5]])
        >>> predict(X, {"w": np.array([2.0]), "b": 0.0})
        array([0, 1, 1])
        >>> predict(X, {"w": np.array([2.0]), "b": 0.0}, threshold=0.8)
        array([0, 0, 0])
    """
    ### BEGIN SOLUTION
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be strictly between 0 and 1, not {threshold}")
    return (forward_classification(X, params) >= threshold).astype(int)
    ### END SOLUTION


# %% [markdown]
# The plot shows a trained classifier on separable data: the decision boundary $z = 0$ runs between
# the two classes, and the shading is the probability the neuron assigns to class 1.

# %%
def make_separable_data(m=80, seed=3, margin=0.5):
    """Two classes in the plane, split by the line 2x₁ − x₂ + 0.5 = 0 with a gap of ``margin``."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(4 * m, 2))
    z = X @ np.array([2.0, -1.0]) + 0.5
    keep = np.abs(z) >= margin
    X, z = X[keep][:m], z[keep][:m]
    return X, (z > 0).astype(int)


def plot_decision_boundary():
    """Plot a classifier trained on separable data, its boundary and its probabilities."""
    import matplotlib.pyplot as plt

    X, y = make_separable_data()
    params, _ = train_classifier(X, y, learning_rate=0.5, n_iterations=300)
    lo, hi = X.min() - 0.5, X.max() + 0.5
    g1, g2 = np.meshgrid(np.linspace(lo, hi, 200), np.linspace(lo, hi, 200))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    probs = forward_classification(grid, params).reshape(g1.shape)
    fig, ax = plt.subplots(figsize=(6, 5))
    shade = ax.contourf(g1, g2, probs, levels=20, cmap="RdBu_r", alpha=0.5)
    fig.colorbar(shade, ax=ax, label="p(class 1)")
    ax.contour(g1, g2, probs, levels=[0.5], colors="k")
    ax.scatter(X[y == 0, 0], X[y == 0, 1], marker="o", edgecolor="k", label="class 0")
    ax.scatter(X[y == 1, 0], X[y == 1, 1], marker="s", edgecolor="k", label="class 1")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title("Decision boundary $w \\cdot x + b = 0$")
    ax.legend(loc="lower left")
    return fig


# %% active="ipynb"
# plot_decision_boundary();

# %% [markdown]
# ## 4. Real data: Palmer penguins
#
# Synthetic data are kind: standard normal features, a known answer. Real measurements come in
# their own units. The **Palmer penguins** data set (Horst, Hill & Gorman 2020) records bill
# length and depth (mm), flipper length (mm) and body mass (g) of penguins of three species on three
# islands near Palmer Station, Antarctica, measured by Dr. Kristen Gorman with the Palmer Station
# Antarctica Long Term Ecological Research (LTER) program. The data are released under **CC0 1.0**
# (public domain); the `palmerpenguins` package on PyPI ships them as `penguins.csv`. The cell below
# embeds the rows we use, so the notebook needs no file and no download: the 274 Adélie and Gentoo
# penguins whose four measurements are all recorded, one penguin per
# `bill_length bill_depth flipper_length body_mass` group.

# %%
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

PENGUIN_COLUMNS = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")


def load_penguins():
    """The embedded penguins as ``(X, species)``: X a float array of shape (274, 4) with the columns
    ``PENGUIN_COLUMNS``, species a list of 274 names, "Adelie" or "Gentoo", in the order of the rows."""
    rows, species = [], []
    for name, text in (("Adelie", ADELIE_ROWS), ("Gentoo", GENTOO_ROWS)):
        for group in text.replace("\n", ",").split(","):
            if group.strip():
                rows.append([float(value) for value in group.split()])
                species.append(name)
    return np.array(rows), species


# %% [markdown]
# ### Why scale the features
#
# Fit body mass (g) to flipper length (mm) with the neuron of section 2. Flipper lengths lie
# between 172 and 231 mm, so with $A = [x\;\; \mathbf 1]$ the matrix $H = A^\top A/m$ is about
#
# $$H \approx \begin{pmatrix} \overline{x^2} & \bar x \\ \bar x & 1 \end{pmatrix}
# \approx \begin{pmatrix} 40\,000 & 200 \\ 200 & 1 \end{pmatrix},$$
#
# with eigenvalues about $40\,000$ and $\operatorname{var}(x)/\overline{x^2} \approx 0.005$: a
# condition number near $10^7$. Day 41 showed that the stable step is set by the **largest**
# curvature, $\alpha < 2/\lambda_{\max} \approx 5 \cdot 10^{-5}$; with $\alpha = 0.1$ the iterates
# blow up within a few steps. With a stable $\alpha$, the error along the flattest direction, which
# is mostly the bias, shrinks by the factor $1 - \alpha\lambda_{\min} \approx 1 - 3\cdot 10^{-7}$
# per step: millions of steps for the bias to crawl to its value.
#
# **Standardising** each feature, $z = (x - \mu)/\sigma$ with the mean $\mu$ and standard deviation
# $\sigma$ of the training rows, gives a column of mean 0 and variance 1: then $H = I$, every
# eigenvalue is 1, and $\alpha = 0.1$ shrinks every error by $0.9$ per step, 500 steps giving
# $0.9^{500} \approx 10^{-23}$. The model is the same: a line in $z$, $\hat y = w z + b$, is the line
#
# $$\hat y = \frac{w}{\sigma}\, x + \Big(b - \frac{w\mu}{\sigma}\Big)$$
#
# in the original units. Two rules make scaling honest. The statistics come from the **training
# rows only** and are then applied, unchanged, to any row the model sees later (a test row, one new
# penguin): the model was trained in the training rows' coordinates, and a test set scaled by its
# own mean would be moved to where the training set was. And a column that does not vary cannot be
# scaled ($\sigma = 0$): it carries no information, so drop it.
#
# We use the population standard deviation (divide by m, `np.std`'s default). Dividing by $m - 1$
# instead would only change the scale by $\sqrt{m/(m-1)}$: a converged line in original units is the
# same, and a classifier's decisions differ at most for penguins right on its boundary. The checks of
# today's tasks say which they need: `standardize` returns the population std, and the classifier is
# judged by its decisions, so either scale passes there.

# %% task="standardize" points=2
def standardize(X_train: np.ndarray, X_test: np.ndarray) -> tuple:
    """Scale each column to mean 0 and standard deviation 1 using the training rows' statistics.

    Args:
        X_train: the training rows, a NumPy array of shape (m, n) (m >= 1).
        X_test: other rows to scale the same way, a NumPy array of shape (k, n) (k >= 0).

    Returns:
        A tuple ``(train_scaled, test_scaled, mean, std)``: ``mean`` and ``std`` the float arrays of
        shape (n,) of the column means and **population** standard deviations of ``X_train`` (divide
        by m, as ``np.std`` does by default), ``train_scaled = (X_train − mean) / std`` of shape (m, n)
        and ``test_scaled = (X_test − mean) / std`` of shape (k, n), with the training statistics
        for both.

    Raises:
        ValueError: if either array is not 2-D, their numbers of columns differ, ``X_train`` has no
            rows, or a column of ``X_train`` holds one value only (its standard deviation is 0).

    Example:
        >>> X_train = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 40.0]])
        >>> train_scaled, test_scaled, mean, std = standardize(X_train, np.array([[3.0, 20.0]]))
        >>> mean, std
        (array([ 3., 20.]), array([ 1.63299316, 14.14213562]))
        >>> test_scaled
        array([[0., 0.]])
    """
    ### BEGIN SOLUTION
    X_train = np.asarray(X_train, dtype=float)
    X_test = np.asarray(X_test, dtype=float)
    if X_train.ndim != 2 or X_test.ndim != 2 or X_train.shape[1] != X_test.shape[1] or len(X_train) == 0:
        raise ValueError(f"X_train, X_test must be (m, n) with m >= 1 and (k, n), not {X_train.shape}, {X_test.shape}")
    constant = np.all(X_train == X_train[0], axis=0)
    if np.any(constant):
        raise ValueError(f"column {int(np.argmax(constant))} of X_train is constant: it cannot be scaled")
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    return (X_train - mean) / std, (X_test - mean) / std, mean, std
    ### END SOLUTION


# %% [markdown]
# ### Body mass from flipper length
#
# Put the pieces together: scale the feature, train the neuron of section 2 on the scaled feature,
# and convert the line back to grams per millimetre. The answer must be the least-squares line of
# the data, which for one feature has a closed form (slope $\operatorname{cov}(x, y)/\operatorname{var}(x)$):
# gradient descent is only worth it because the same code trains models that have no closed form.

# %% task="fit_scaled_regression" points=3
def fit_scaled_regression(
    x: np.ndarray, y: np.ndarray, learning_rate: float = 0.1, n_iterations: int = 500
) -> tuple:
    """The line y ≈ slope·x + intercept fitted by gradient descent on the standardised feature.

    Standardise ``x`` with ``standardize`` (all of ``x`` is the training set), fit the scaled
    feature with ``train_regression(scaled, y, learning_rate=learning_rate, n_iterations=n_iterations)``
    (its default seed; ``y`` is not scaled), and convert its ``w`` and ``b`` back to the units of x:
    ``slope = w / std``, ``intercept = b − w·mean / std``.

    Args:
        x: the feature, a NumPy array of shape (m,) (not constant).
        y: the targets, a NumPy array of shape (m,).
        learning_rate: the step size passed to ``train_regression`` (a positive float).
        n_iterations: the number of gradient steps passed to ``train_regression`` (an int >= 0).

    Returns:
        A tuple ``(slope, intercept)`` of two Python floats, in the units of x and y (for body mass
        in g against flipper length in mm: grams per millimetre, and grams).

    Raises:
        ValueError: if ``x`` is not 1-D, ``y`` does not have the shape of ``x``, or ``x`` is constant.

    Example:
        >>> x = np.array([180.0, 190.0, 200.0, 210.0])
        >>> slope, intercept = fit_scaled_regression(x, 50.0 * x - 6000.0)
        >>> round(slope, 6), round(intercept, 3)
        (50.0, -6000.0)
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape:
        raise ValueError(f"x and y must both have shape (m,), not {x.shape} and {y.shape}")
    scaled, _, mean, std = standardize(x[:, None], x[:, None])
    params, _ = train_regression(scaled, y, learning_rate=learning_rate, n_iterations=n_iterations)
    slope = float(params["w"][0] / std[0])
    return slope, float(params["b"] - slope * mean[0])
    ### END SOLUTION


# %% [markdown]
# ### Adélie or Gentoo?
#
# Gentoo penguins have long, shallow bills; Adélie penguins shorter, deeper ones. On bill length and
# depth the two species are separated by a straight line, so the sigmoid neuron of section 3 should
# tell them apart on penguins it has not seen. Three steps turn the raw data into what
# `train_classifier` expects: the species names become labels 1 (the `positive` species) and 0, the
# features are standardised with the **training** rows' statistics, and the test rows are scaled with
# those same statistics before `predict`. The test set may be any size, one penguin included.

# %% task="penguin_classifier" points=3
def penguin_classifier(
    X_train: np.ndarray,
    species_train: list,
    X_test: np.ndarray,
    positive: str = "Gentoo",
    learning_rate: float = 0.5,
    n_iterations: int = 300,
) -> np.ndarray:
    """Train a sigmoid neuron to recognise one species, and classify the test rows with it.

    Label each training row 1 if its species is ``positive`` and 0 otherwise; standardise with
    ``standardize(X_train, X_test)`` (the training rows' statistics for both); train with
    ``train_classifier(train_scaled, labels, learning_rate=learning_rate, n_iterations=n_iterations)``
    (its default seed); return ``predict(test_scaled, params)`` (threshold 0.5).

    Args:
        X_train: the training features, a NumPy array of shape (m, n).
        species_train: the training rows' species, a list of m strings.
        X_test: the rows to classify, a NumPy array of shape (k, n) (k >= 1).
        positive: the species labelled 1 (a string).
        learning_rate: the step size passed to ``train_classifier``.
        n_iterations: the number of gradient steps passed to ``train_classifier``.

    Returns:
        A NumPy integer array of shape (k,): 1 where the row is classed ``positive``, else 0.

    Raises:
        ValueError: if ``species_train`` does not have m entries, if no training row or every
            training row is ``positive``, or if ``standardize`` refuses the arrays.

    Example:
        >>> X_train = np.array([[46.0, 14.0], [50.0, 15.5], [38.0, 18.5], [40.0, 19.0]])
        >>> species = ["Gentoo", "Gentoo", "Adelie", "Adelie"]
        >>> penguin_classifier(X_train, species, np.array([[48.0, 15.0], [39.0, 18.0]]))
        array([1, 0])
    """
    ### BEGIN SOLUTION
    X_train = np.asarray(X_train, dtype=float)
    species = [str(name) for name in species_train]
    if len(species) != len(X_train):
        raise ValueError(f"species_train has {len(species)} entries for {len(X_train)} training rows")
    labels = np.array([name == positive for name in species], dtype=int)
    if labels.min() == labels.max():
        raise ValueError(f"the training rows must hold both {positive!r} and another species")
    train_scaled, test_scaled, _, _ = standardize(X_train, X_test)
    params, _ = train_classifier(train_scaled, labels, learning_rate=learning_rate, n_iterations=n_iterations)
    return predict(test_scaled, params)
    ### END SOLUTION


# %% [markdown]
# The plot shows both models on the penguins: the least-squares line of body mass on flipper
# length, found by gradient descent on the scaled feature, and the boundary the classifier draws
# between the species when it is trained on three penguins in four and shown all of them.

# %%
def split_rows(m, test_fraction=0.25, seed=0):
    """Indices of a random split of m rows: (train, test), the test part about test_fraction of m."""
    order = np.random.default_rng(seed).permutation(m)
    n_test = int(round(test_fraction * m))
    return np.sort(order[n_test:]), np.sort(order[:n_test])


def plot_penguins():
    """Plot the regression line of body mass on flipper length and the Adélie/Gentoo boundary."""
    import matplotlib.pyplot as plt

    X, species = load_penguins()
    gentoo = np.array([name == "Gentoo" for name in species])
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    slope, intercept = fit_scaled_regression(X[:, 2], X[:, 3])
    left.scatter(X[~gentoo, 2], X[~gentoo, 3], s=12, label="Adélie")
    left.scatter(X[gentoo, 2], X[gentoo, 3], s=12, marker="s", label="Gentoo")
    grid = np.linspace(X[:, 2].min(), X[:, 2].max(), 2)
    left.plot(grid, slope * grid + intercept, color="k", label=f"{slope:.1f} g/mm · x {intercept:+.0f} g")
    left.set_xlabel("flipper length (mm)")
    left.set_ylabel("body mass (g)")
    left.set_title("Body mass from flipper length")
    left.legend()
    train, _ = split_rows(len(X))
    bills = X[:, :2]
    g1, g2 = np.meshgrid(np.linspace(bills[:, 0].min() - 1, bills[:, 0].max() + 1, 200),
                         np.linspace(bills[:, 1].min() - 1, bills[:, 1].max() + 1, 200))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    classes = penguin_classifier(bills[train], [species[i] for i in train], grid).reshape(g1.shape)
    right.contourf(g1, g2, classes, levels=[-0.5, 0.5, 1.5], colors=["C0", "C1"], alpha=0.2)
    right.scatter(bills[~gentoo, 0], bills[~gentoo, 1], s=12, label="Adélie")
    right.scatter(bills[gentoo, 0], bills[gentoo, 1], s=12, marker="s", label="Gentoo")
    right.set_xlabel("bill length (mm)")
    right.set_ylabel("bill depth (mm)")
    right.set_title("Adélie or Gentoo: the classifier's two regions")
    right.legend()
    return fig


# %% active="ipynb"
# plot_penguins();


# %% [markdown]
# ## Summary
#
# A neuron is a weighted sum plus a bias, followed by an activation. With the identity it does
# linear regression, trained on the squared error with gradient $X^\top(\hat y - y)/m$; with the
# sigmoid it does classification, trained on the log-loss with gradient $X^\top(p - y)/m$, the same
# shape. Gradient descent converges geometrically at a rate set by the eigenvalues of $A^\top A/m$,
# numerically careful code keeps the sigmoid and the log-loss finite, and a threshold turns
# probabilities into decisions. Networks (the next days) stack many such neurons, and the chain rule
# carries the same gradients through the layers.

# %% active="py"
if __name__ == "__main__":
    print("initial parameters:", initialize_parameters(3, seed=0))
    X_reg, y_reg, w_true, b_true = make_linear_data(m=100, n=3, seed=7)
    start = initialize_parameters(3, seed=0)
    print("cost at the start:", regression_cost(forward_regression(X_reg, start), y_reg))
    print("gradient at the start:", regression_gradients(X_reg, y_reg, start))
    fitted, history = train_regression(X_reg, y_reg, learning_rate=0.1, n_iterations=300)
    print(f"true w = {w_true}, b = {b_true:.6f}")
    print(f"fit  w = {fitted['w']}, b = {fitted['b']:.6f}; cost {history[0]:.3g} -> {history[-1]:.3g}")
    X_cls, y_cls = make_separable_data()
    model, losses = train_classifier(X_cls, y_cls, learning_rate=0.5, n_iterations=300)
    print("probabilities of the first 4 points:", forward_classification(X_cls[:4], model))
    worst = log_loss(np.array([0.0]), np.array([1]))
    print(f"log-loss {losses[0]:.3f} -> {losses[-1]:.3f} (p = 0 for a label 1 costs {worst:.2f}, not inf)")
    accuracy = np.mean(predict(X_cls, model) == y_cls)
    print(f"trained classifier: w = {model['w']}, b = {model['b']:.3f}, training accuracy {accuracy:.0%}")
    penguin_X, penguin_species = load_penguins()
    slope, intercept = fit_scaled_regression(penguin_X[:, 2], penguin_X[:, 3])
    exact = np.polyfit(penguin_X[:, 2], penguin_X[:, 3], 1)
    print(f"penguins: body mass = {slope:.4f} g/mm · flipper {intercept:+.2f} g (least squares: {exact[0]:.4f}, "
          f"{exact[1]:+.2f})")
    train, test = split_rows(len(penguin_X))
    guess = penguin_classifier(penguin_X[train][:, :2], [penguin_species[i] for i in train], penguin_X[test][:, :2])
    truth = np.array([penguin_species[i] == "Gentoo" for i in test], dtype=int)
    print(f"Adélie or Gentoo from the bills: {np.mean(guess == truth):.0%} of {len(test)} held-out penguins right")
