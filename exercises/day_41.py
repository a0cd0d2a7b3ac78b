# %% [markdown]
# # Day 41 — Gradient descent
#
# Days 39 and 40 computed derivatives. Today we use them to *minimise* a function. The gradient
# $\nabla f(x)$ points in the direction in which $f$ grows fastest, so a small step against it lowers
# $f$. Repeating that step is **gradient descent**, the workhorse behind training almost every
# machine-learning model:
#
# $$x_{k+1} = x_k - \eta\,\nabla f(x_k),$$
#
# where the positive number $\eta$ is the **learning rate** (the step size). Today's questions:
#
# 1. how to run the iteration and keep its whole path;
# 2. when to stop, and how to notice that it is going wrong;
# 3. how to fit a linear regression with it;
# 4. what happens on a function with several minima;
# 5. how large $\eta$ may be before the iteration blows up.
#
# Each task is one function. Fill in the body where it says `YOUR CODE HERE`, then run
# `pytest tests/test_day_41.py` (or the test cell under the task in the notebook).

# %%
import numpy as np

# %% [markdown]
# ## 1. The iteration
#
# Gradient descent needs only three things: a way to compute the gradient, a starting point $x_0$
# and a learning rate $\eta$. In code, `grad` is a function that takes a point (a 1-D NumPy array of
# length $n$) and returns the gradient there (another array of length $n$).
#
# Keeping every iterate, not just the last, lets us *look* at what the method does: the rows of the
# path are $x_0, x_1, \dots, x_N$, so $N$ iterations give $N + 1$ rows. One trap deserves a warning:
# `x -= eta * g` changes the array `x` in place, so appending `x` to a list after each step appends
# the same array every time, and every row ends up equal to the last one. Write `x = x - eta * g`
# (a new array) or copy before storing.


# %% task="gradient_descent" points=3
def gradient_descent(grad, x0, learning_rate: float = 0.1, n_iterations: int = 100) -> np.ndarray:
    """Run plain gradient descent for a fixed number of iterations and return the whole path.

    Args:
        grad: a function taking a point (1-D float array of shape (n,)) and returning the gradient
            there (array-like of shape (n,)).
        x0: the starting point, a 1-D array-like of n numbers (n ≥ 1). It is not modified.
        learning_rate: the step size η, a positive float.
        n_iterations: the number N of updates x ← x − η·grad(x), an int ≥ 0.

    Returns:
        A float NumPy array of shape (N + 1, n) whose row k is the iterate x_k: row 0 is x0 itself,
        row k + 1 is row k − η·grad(row k). There is no divergence check: with a learning rate that
        is too large the rows simply grow.

    Raises:
        ValueError: if x0 is not 1-D, learning_rate ≤ 0, or n_iterations < 0.

    Example:
        >>> gradient_descent(lambda x: 2 * x, np.array([1.0, -2.0]), learning_rate=0.25, n_iterations=3)
        array([[ 1.   , -2.   ],
               [ 0.5  , -1.   ],
               [ 0.25 , -0.5  ],
               [ 0.125, -0.25 ]])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 2. Why it converges, and how fast: the quadratic
#
# Near a minimum, a smooth function looks like a quadratic, so the quadratic
# $f(x) = \tfrac12 x^\top A x$ with a symmetric positive-definite matrix $A$ tells us almost
# everything. Its gradient is $\nabla f(x) = A x$, so one step is a multiplication by a matrix:
#
# $$x_{k+1} = x_k - \eta A x_k = (I - \eta A)\,x_k, \qquad x_k = (I - \eta A)^k x_0.$$
#
# In the eigenvector basis of $A$ (eigenvalues $\lambda_1 \le \dots \le \lambda_n$, all positive) each
# coordinate is simply multiplied by $1 - \eta\lambda_i$ at every step. The iteration shrinks every
# coordinate exactly when $|1 - \eta\lambda_i| < 1$ for all $i$, that is
#
# $$0 < \eta < \frac{2}{\lambda_{\max}}.$$
#
# The error then falls like $\rho^k$ with the **contraction factor**
# $\rho = \max_i |1 - \eta\lambda_i|$. A small $\eta$ gives $\rho$ close to 1 (slow, steady
# progress); an $\eta$ just below $2/\lambda_{\max}$ makes $1 - \eta\lambda_{\max}$ close to $-1$, so
# the stiffest coordinate flips sign at every step (a zig-zag) and shrinks slowly; just above, it
# flips and *grows*, and the iterates run off to infinity. The best fixed step,
# $\eta = 2/(\lambda_{\min} + \lambda_{\max})$, gives $\rho = (\kappa - 1)/(\kappa + 1)$ with the
# condition number $\kappa = \lambda_{\max}/\lambda_{\min}$: long, narrow valleys are slow.
#
# The plot shows both regimes on $f(x, y) = \tfrac12(x^2 + 10y^2)$, where $2/\lambda_{\max} = 0.2$.


# %%
def plot_descent_paths():
    """Contour plot of ½(x² + 10y²) with descent paths for a good and a too-large learning rate."""
    import matplotlib.pyplot as plt

    A = np.diag([1.0, 10.0])

    def grad(p):
        return A @ p

    x0 = np.array([-4.0, 1.0])
    xs, ys = np.meshgrid(np.linspace(-5, 5, 201), np.linspace(-5, 5, 201))
    zs = 0.5 * (xs**2 + 10 * ys**2)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    for ax, eta in zip(axes[:2], (0.15, 0.21), strict=True):
        path = gradient_descent(grad, x0, learning_rate=eta, n_iterations=15)
        ax.contour(xs, ys, zs, levels=np.geomspace(0.1, 120, 14), cmap="viridis", linewidths=0.8)
        ax.plot(path[:, 0], path[:, 1], "o-", color="crimson", markersize=3)
        ax.plot(*x0, "ks", label="start $x_0$")
        ax.set_xlim(-5, 5)
        ax.set_ylim(-5, 5)
        ax.set_aspect("equal")
        verdict = "converges" if eta < 0.2 else "diverges"
        ax.set_title(f"η = {eta}: {verdict} (limit 2/λmax = 0.2)")
        ax.legend(loc="lower right")
    for eta in (0.02, 0.1, 0.15, 0.19, 0.21):
        path = gradient_descent(grad, x0, learning_rate=eta, n_iterations=60)
        values = 0.5 * (path[:, 0] ** 2 + 10 * path[:, 1] ** 2)
        axes[2].semilogy(values, label=f"η = {eta}")
    axes[2].set_xlabel("iteration k")
    axes[2].set_ylabel("f(x_k)")
    axes[2].set_title("The loss along the path")
    axes[2].legend()
    fig.tight_layout()
    return fig


# %% active="ipynb"
# plot_descent_paths();

# %% [markdown]
# ## 3. When to stop
#
# In practice we do not know the minimum, so we stop when the iteration stops moving: when the
# length of the step, $\|x_{k+1} - x_k\| = \eta\,\|\nabla f(x_k)\|$, falls below a tolerance. On the
# quadratic this is predictable: the step shrinks by about $\rho$ per iteration, so from a first step
# of length $s_1$ it takes about $\log(s_1/\text{tol}) / \log(1/\rho)$ iterations to get below tol.
# A loop that tests the tolerance but forgets to leave (a classic bug, and one that ships in
# published code) always runs to `max_iterations`; counting iterations catches it.
#
# We also stop, loudly, when the iteration **diverges**: an iterate that is infinite, NaN or huge
# means the learning rate is too large, and a clear error message is worth far more than a result
# full of `nan`.


# %% task="minimize" points=4
def minimize(grad, x0, learning_rate: float = 0.1, tol: float = 1e-8, max_iterations: int = 500) -> dict:
    """Gradient descent that stops when its step is shorter than tol, and reports divergence.

    Each iteration k = 1, 2, ... computes the step s = η·grad(x) and updates x ← x − s. Then:

    - if the new x has an entry that is inf or nan, or its Euclidean norm exceeds
      1e8 · (1 + ‖x0‖), the iteration has diverged: raise ValueError;
    - otherwise, if ‖s‖ (Euclidean norm of the step just taken, i.e. η·‖grad‖) is below tol, stop:
      converged, after k iterations (the short step is applied and counted).

    If max_iterations updates pass without either, stop and report that it did not converge.

    Args:
        grad: a function taking a point (1-D float array of shape (n,)) and returning the gradient
            there (array-like of shape (n,)).
        x0: the starting point, a 1-D array-like of n numbers. It is not modified.
        learning_rate: the step size η, a positive float.
        tol: the step-length tolerance, a positive float.
        max_iterations: the largest number of updates, an int ≥ 1.

    Returns:
        A dict with exactly these keys:
        ``"x"``: the last iterate, a float NumPy array of shape (n,);
        ``"iterations"``: the number of updates performed, an int (k above, or max_iterations);
        ``"converged"``: a bool, True when the step fell below tol, False when max_iterations ran out.

    Raises:
        ValueError: with a message starting "diverged after k iterations: learning_rate too large"
            when the iteration diverges as described above.

    Example:
        >>> result = minimize(lambda x: 2 * x, np.array([1.0]), learning_rate=0.25, tol=1e-3)
        >>> result["iterations"], result["converged"]
        (10, True)
        >>> result["x"]
        array([0.00097656])
        >>> minimize(lambda x: 2 * x, np.array([1.0]), learning_rate=1.5, tol=1e-3)
        Traceback (most recent call last):
        ...
        ValueError: diverged after 28 iterations: learning_rate too large
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 4. Linear regression by gradient descent
#
# A linear model predicts $\hat y = X\theta$ from a data matrix $X$ of shape $(m, n)$ (one row per
# example; we put a column of ones in $X$ for the intercept). Its **mean squared error** is
#
# $$L(\theta) = \frac1m \sum_{i=1}^m \big(x_i^\top\theta - y_i\big)^2 = \frac1m\,\|X\theta - y\|^2 .$$
#
# Each term is a square of something linear in $\theta$; the chain rule gives
# $\nabla_\theta (x_i^\top\theta - y_i)^2 = 2\,(x_i^\top\theta - y_i)\,x_i$, and summing,
#
# $$\nabla L(\theta) = \frac{2}{m}\, X^\top (X\theta - y).$$
#
# Some books define the loss with $\tfrac{1}{2m}$ so that the 2 cancels; the minimiser is the same,
# but the gradient (and so the right learning rate) differs by a factor 2. Ours has $\tfrac1m$, so
# the gradient has $\tfrac2m$. A finite difference of $L$ (Day 39) is the way to be sure.
#
# $L$ is a quadratic with Hessian $H = \tfrac2m X^\top X$, so everything in section 2 applies: gradient
# descent from any start converges to the least-squares solution (the one `np.linalg.lstsq` computes
# directly) when $\eta < 2/\lambda_{\max}(H)$, with contraction factor $\max_i|1 - \eta\lambda_i(H)|$.


# %% task="mse_gradient" points=2
def mse_gradient(theta, X, y) -> np.ndarray:
    """The gradient of the mean squared error L(θ) = (1/m)·Σᵢ (xᵢᵀθ − yᵢ)² = (1/m)·‖Xθ − y‖².

    The gradient is (2/m)·Xᵀ(Xθ − y) (the factor is 2/m because the loss has 1/m, not 1/(2m)).

    Args:
        theta: the parameters, a 1-D array-like of shape (n,).
        X: the data, a 2-D array-like of shape (m, n), one example per row.
        y: the targets, a 1-D array-like of shape (m,).

    Returns:
        A float NumPy array of shape (n,): ∇L(θ).

    Raises:
        ValueError: if the shapes do not fit together as above.

    Example:
        >>> X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
        >>> mse_gradient(np.array([0.0, 1.0]), X, np.array([1.0, 1.0, 1.0]))
        array([0.        , 1.33333333])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% task="fit_linear_regression" points=3
def fit_linear_regression(X, y, learning_rate: float = 0.1, n_iterations: int = 500) -> np.ndarray:
    """Fit θ by gradient descent on the mean squared error (1/m)·‖Xθ − y‖², starting from θ = 0.

    Performs exactly n_iterations updates θ ← θ − η·(2/m)·Xᵀ(Xθ − y) from θ₀ = 0 (the zero vector)
    and returns the last θ. X already includes a column of ones if an intercept is wanted: no
    column is added. On well-conditioned data with enough iterations the result agrees with
    ``np.linalg.lstsq(X, y)``. You may use ``mse_gradient`` and ``gradient_descent``.

    Args:
        X: the data, a 2-D array-like of shape (m, n).
        y: the targets, a 1-D array-like of shape (m,).
        learning_rate: the step size η, a positive float.
        n_iterations: the number of updates, an int ≥ 0 (0 returns the zero vector).

    Returns:
        A float NumPy array of shape (n,): θ after n_iterations updates.

    Example:
        >>> X = np.column_stack([np.ones(5), np.linspace(-1, 1, 5)])
        >>> fit_linear_regression(X, 3.0 - 2.0 * np.linspace(-1, 1, 5), learning_rate=0.4, n_iterations=100)
        array([ 3., -2.])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 5. Several minima
#
# On a function that is not convex, where gradient descent ends depends on where it starts: each
# local minimum has a **basin of attraction**, the set of starts that flow into it. The quartic
# $f(x) = x^4 - 3x^2 + x$ has a local maximum near $x = 0.17$, and starts to its left end near
# $-1.30$, starts to its right near $1.13$. Running from many starts is a cheap way to map the
# minima. The end points are never *exactly* equal (each run stops after a finite number of steps,
# at a slightly different distance from the minimum), so end points closer than a tolerance are
# treated as the same minimum.


# %% task="local_minima" points=3
def local_minima(grad, starts, learning_rate: float = 0.02, n_iterations: int = 200, tol: float = 1e-3) -> np.ndarray:
    """The distinct local minima gradient descent reaches from several starts, sorted.

    From each start, run n_iterations updates x ← x − η·grad(x) (as gradient_descent does) and keep
    the end point. End points that contain inf or nan are dropped. End points are then merged: an
    end point whose Euclidean distance to a minimum already kept is below tol is the same minimum
    (any end point of the group, or their mean, may represent it). The checks use minima that are
    much farther apart than tol and end points that are much closer together than tol.

    Args:
        grad: a function taking a point (1-D float array of shape (n,)) and returning the gradient.
        starts: the starting points, an array-like of shape (k, n), one start per row; a 1-D
            array-like of shape (k,) means k starts in one dimension (n = 1).
        learning_rate: the step size η, a positive float.
        n_iterations: the number of updates from each start, an int ≥ 0.
        tol: the merging distance, a positive float.

    Returns:
        A float NumPy array of shape (p, n), one distinct minimum per row, sorted lexicographically
        (by the first coordinate, then the second, ...; in 1-D simply increasing).

    Example:
        >>> def grad(x):
        ...     return 4 * x**3 - 6 * x + 1  # f(x) = x⁴ − 3x² + x
        >>> local_minima(grad, np.linspace(-2, 2, 9), learning_rate=0.02, n_iterations=200)
        array([[-1.30083957],
               [ 1.13090112]])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 6. The largest stable learning rate
#
# Section 2 showed that on $f(x) = \tfrac12 x^\top A x$ gradient descent converges from every start
# exactly when $0 < \eta < 2/\lambda_{\max}(A)$. Two details matter when computing it.
#
# * Only the **symmetric part** of $A$ matters: $x^\top A x = x^\top \tfrac{A + A^\top}{2} x$, and the
#   gradient of $\tfrac12 x^\top A x$ is $\tfrac{A + A^\top}{2}x$. A non-symmetric matrix can have
#   complex eigenvalues that say nothing about the quadratic, so symmetrise first.
# * For a symmetric matrix, `np.linalg.eigvalsh` returns real eigenvalues in increasing order. (It
#   reads only one triangle of the matrix, which is one more reason to symmetrise first.)
#
# The bound uses the *largest* eigenvalue: the stiffest direction is the first to go unstable.
# (Using $1/\lambda_{\max}$ is safe but needlessly small; $2/\lambda_{\min}$ or $2/\operatorname{tr}A$
# are different numbers altogether.) In practice the largest eigenvalue of a Hessian is rarely
# known, which is why learning rates are tuned, or adapted as the iteration goes.


# %% task="max_stable_learning_rate" points=2
def max_stable_learning_rate(A) -> float:
    """The learning rate 2/λ_max above which gradient descent on f(x) = ½xᵀAx diverges.

    A is symmetrised first, S = (A + Aᵀ)/2 (the quadratic form only sees its symmetric part), and
    λ_max is the largest eigenvalue of S (use np.linalg.eigvalsh). For 0 < η < 2/λ_max gradient
    descent converges from every start; above it, it diverges from almost every start.

    Args:
        A: a square 2-D array-like of shape (n, n) whose symmetric part is positive definite.

    Returns:
        2/λ_max as a Python float.

    Raises:
        ValueError: if A is not a square 2-D array, or its symmetric part is not positive definite
            (smallest eigenvalue ≤ 0).

    Example:
        >>> max_stable_learning_rate(np.array([[1.0, 0.0], [0.0, 10.0]]))
        0.2
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## Summary
#
# Gradient descent repeats $x \leftarrow x - \eta\nabla f(x)$. On a quadratic it multiplies each
# eigen-direction by $1 - \eta\lambda_i$, so it converges exactly when $\eta < 2/\lambda_{\max}$, at
# the rate $\rho = \max_i|1 - \eta\lambda_i|$, which also predicts how many iterations a tolerance
# costs. Stop on a short step, and fail loudly on divergence. Linear regression is such a quadratic,
# with gradient $\tfrac2m X^\top(X\theta - y)$, and descent reaches the least-squares fit. On
# non-convex functions the start decides which minimum you reach. Day 42 computes gradients of
# whole networks by backpropagation.

# %% active="py"
if __name__ == "__main__":
    A = np.diag([1.0, 4.0])

    def quadratic_grad(p):
        return A @ p

    path = gradient_descent(quadratic_grad, np.array([1.0, 1.0]), learning_rate=0.2, n_iterations=3)
    print("gradient descent on ½(x² + 4y²), η = 0.2, path:")
    print(path)
    result = minimize(quadratic_grad, np.array([1.0, 1.0]), learning_rate=0.2, tol=1e-6)
    print(f"minimize, η = 0.2: {result['iterations']} iterations, converged {result['converged']}, x = {result['x']}")
    try:
        minimize(quadratic_grad, np.array([1.0, 1.0]), learning_rate=0.55, tol=1e-6)
    except ValueError as error:
        print(f"minimize, η = 0.55: ValueError: {error}")
    print(f"max stable learning rate for diag(1, 4): {max_stable_learning_rate(A)}")
    X = np.column_stack([np.ones(5), np.linspace(-1, 1, 5)])
    y = 3.0 - 2.0 * np.linspace(-1, 1, 5)
    print(f"MSE gradient at θ = 0: {mse_gradient(np.zeros(2), X, y)}")
    print(f"fit by gradient descent: {fit_linear_regression(X, y, learning_rate=0.4, n_iterations=100)}")
    print(f"least squares:           {np.linalg.lstsq(X, y, rcond=None)[0]}")
    minima = local_minima(lambda x: 4 * x**3 - 6 * x + 1, np.linspace(-2, 2, 9))
    print(f"local minima of x⁴ − 3x² + x: {minima.ravel()}")
