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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
    # YOUR CODE HERE
    raise NotImplementedError()


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
