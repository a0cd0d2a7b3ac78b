# %% [markdown]
# # Day 42 — Backpropagation: the chain rule through a network
#
# A neural network is a composite function, and training it needs the derivative of the loss with
# respect to every weight. **Backpropagation** is the chain rule (Day 39) organised so that all those
# derivatives come out of one forward pass and one backward pass, at about the cost of two
# evaluations of the network.
#
# Today we build a network with one hidden layer from its pieces, then differentiate it by hand:
#
# 1. the **sigmoid** activation and its derivative, computed so that huge inputs do not overflow;
# 2. the **softmax** that turns scores into probabilities, and the **cross-entropy** loss;
# 3. the **forward pass** of a two-layer network;
# 4. the **backward pass**: the gradients of the loss with respect to every weight and bias;
# 5. a **gradient check** that compares those gradients with finite differences.
#
# Each task is one function. Fill in the body where it says `YOUR CODE HERE`, then run
# `pytest tests/test_day_42.py` (or the test cell under the task in the notebook). Later tasks call
# earlier ones, so work through them in order.

# %%
import numpy as np

# %% [markdown]
# ## 1. The sigmoid, computed safely
#
# The sigmoid squashes any real number into $(0, 1)$:
#
# $$\sigma(z) = \frac{1}{1 + e^{-z}}, \qquad \sigma(-z) = 1 - \sigma(z).$$
#
# Written literally, the formula is fragile in floating point. For $z = -1000$ the term $e^{-z} = e^{1000}$
# overflows to `inf` (NumPy warns, and the answer happens to come out as 0). The equivalent form
# $e^{z}/(1 + e^{z})$ is worse: at $z = 1000$ it computes `inf / inf`, which is `nan`, and a single
# `nan` poisons every number computed from it afterwards.
#
# The cure is to only ever exponentiate a number that is not positive. With $t = e^{-|z|} \le 1$,
#
# $$\sigma(z) = \frac{1}{1 + t} \;\text{ for } z \ge 0, \qquad \sigma(z) = \frac{t}{1 + t} \;\text{ for } z < 0,$$
#
# and nothing can overflow. (Another safe form is $\sigma(z) = \tfrac12\,(1 + \tanh(z/2))$, since
# `tanh` never overflows.)
#
# The derivative has a famous shape: differentiating $(1 + e^{-z})^{-1}$ gives
#
# $$\sigma'(z) = \frac{e^{-z}}{(1 + e^{-z})^2} = \sigma(z)\,\bigl(1 - \sigma(z)\bigr),$$
#
# which is at most $1/4$ (at $z = 0$) and dies off quickly on both sides. That is why deep stacks of
# sigmoids learn slowly: each layer multiplies the backward signal by at most $1/4$.


# %%
def plot_sigmoid():
    """Plot the sigmoid and its derivative, and mark where the derivative is largest."""
    import matplotlib.pyplot as plt

    z = np.linspace(-8, 8, 401)
    s = 0.5 * (1 + np.tanh(z / 2))
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(z, s, label=r"$\sigma(z)$")
    ax.plot(z, s * (1 - s), label=r"$\sigma'(z) = \sigma(z)(1 - \sigma(z))$")
    ax.axhline(0.25, color="grey", linestyle=":", linewidth=1)
    ax.annotate("largest slope 1/4 at z = 0", xy=(0, 0.25), xytext=(1.5, 0.35), arrowprops={"arrowstyle": "->"})
    ax.set_xlabel("z")
    ax.set_title("The sigmoid saturates; its slope never exceeds 1/4")
    ax.legend(loc="upper left")
    return fig


# %% active="ipynb"
# plot_sigmoid();


# %% task="sigmoid" points=2
def sigmoid(z):
    """The logistic sigmoid 1 / (1 + e^(-z)), elementwise, without overflow.

    Args:
        z: a real number (int or float) or a NumPy array of real numbers of any shape and any real
            dtype (integer arrays included).

    Returns:
        For an array, a NumPy array of float dtype with the same shape as ``z``, holding σ of each
        entry. For a plain number, a float (a NumPy float or a 0-d array is accepted too).
        Every value lies in [0, 1] and is never nan or inf, even for z = ±1000: σ(1000) is 1.0
        and σ(-1000) is 0.0. Accuracy: within 1e-14 of the exact value (rounding only), so
        clipping z to a small range is not enough.

    Example:
        >>> sigmoid(0.0)
        0.5
        >>> sigmoid(np.array([[-1000.0, -1.0], [2.0, 1000.0]]))
        array([[0.        , 0.26894142],
               [0.88079708, 1.        ]])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% task="sigmoid_derivative" points=2
def sigmoid_derivative(z):
    """The derivative of the sigmoid, σ'(z) = σ(z)(1 − σ(z)), elementwise, without overflow.

    Args:
        z: a real number or a NumPy array of real numbers of any shape (as for ``sigmoid``).
            Note that ``z`` is the input of the sigmoid, not its output.

    Returns:
        For an array, a NumPy array of float dtype with the same shape as ``z``; for a plain
        number, a float (a NumPy float or a 0-d array is accepted too). Every value lies in
        [0, 0.25], is within 1e-14 of the exact value, and is never nan or inf: σ'(±1000) is 0.0.

    Example:
        >>> sigmoid_derivative(0.0)
        0.25
        >>> sigmoid_derivative(np.array([-1000.0, -2.0, 2.0, 1000.0]))
        array([0.        , 0.10499359, 0.10499359, 0.        ])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 2. Softmax and cross-entropy
#
# A classifier with $K$ classes produces $K$ scores $z_1, \dots, z_K$ per example. The **softmax**
# turns them into probabilities:
#
# $$\operatorname{softmax}(z)_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}.$$
#
# Adding the same constant $c$ to every score changes nothing, because $e^{z_k - c} = e^{z_k} e^{-c}$
# and $e^{-c}$ cancels between numerator and denominator. Choosing $c = \max_j z_j$ makes the largest
# exponent exactly 0: no overflow, and at least one term of the sum equals 1, so no division by 0.
# A batch of $m$ examples is an $m \times K$ matrix with **one example per row**, and the softmax is
# taken row by row, each row with its own maximum.
#
# The **cross-entropy** of predicted probabilities $p$ against one-hot labels $y$ is the average
# surprise at the true class:
#
# $$L = -\frac{1}{m} \sum_{i=1}^{m} \sum_{k=1}^{K} y_{ik} \log p_{ik}.$$
#
# A confident wrong answer ($p = 0$ for the true class) would cost $-\log 0 = \infty$, and
# $0 \cdot \log 0$ is `nan` in floating point. We therefore **clip** the probabilities into
# $[10^{-12}, 1]$ before taking the log, which caps the cost of one example at
# $-\log 10^{-12} \approx 27.63$.
#
# Softmax and cross-entropy fit together beautifully. With $p = \operatorname{softmax}(z)$ and a
# one-hot $y$, the loss of one example is $-z_c + \log \sum_j e^{z_j}$ ($c$ the true class), and its
# derivative with respect to the scores is simply
#
# $$\frac{\partial}{\partial z_k}\Bigl(-\sum_j y_j \log p_j\Bigr) = p_k - y_k.$$


# %% task="softmax" points=3
def softmax(z):
    """Softmax of a vector, or of each row of a matrix, computed stably (subtract the row's max).

    Args:
        z: a NumPy array of real scores, of shape (K,) for one example or (m, K) for a batch of m
            examples, one per row.

    Returns:
        A NumPy float array of the same shape. For a 2-D input each row is the softmax of the same
        row of ``z``: entries in [0, 1], each row summing to 1. No nan or inf even for scores like
        1000 or -1000, and rows of very different sizes do not disturb each other.

    Raises:
        ValueError: if ``z`` is not 1-D or 2-D.

    Example:
        >>> softmax(np.array([1.0, 2.0, 3.0]))
        array([0.09003057, 0.24472847, 0.66524096])
        >>> softmax(np.array([[1000.0, 1000.0], [-5.0, 5.0]]))
        array([[5.00000000e-01, 5.00000000e-01],
               [4.53978687e-05, 9.99954602e-01]])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% task="cross_entropy" points=2
def cross_entropy(probs, y_onehot):
    """Mean cross-entropy over the rows: −(1/m) Σ_i Σ_k y_ik · log(clip(p_ik, 1e-12, 1)).

    Args:
        probs: a NumPy array of shape (m, K): predicted probabilities, one example per row.
        y_onehot: a NumPy array of shape (m, K): the labels, one-hot, one example per row.

    Returns:
        A float: the average over the m rows of −Σ_k y_ik log p_ik, with the natural log, where
        each probability is first clipped into [1e-12, 1]. A probability of 0 for the true class
        therefore costs −log(1e-12) ≈ 27.631 and never gives inf or nan.

    Raises:
        ValueError: if the two arrays are not 2-D or do not have the same shape.

    Example:
        >>> p = np.array([[0.7, 0.2, 0.1], [0.0, 0.5, 0.5]])
        >>> y = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
        >>> cross_entropy(p, y)  # (-log 0.7 - log 1e-12) / 2
        13.993848...
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 3. The forward pass
#
# Our network has $n_{in}$ inputs, one hidden layer of $n_h$ sigmoid units and $n_{out}$ softmax
# outputs. With the examples stacked as the rows of $X$ ($m \times n_{in}$):
#
# $$Z_1 = X W_1 + b_1, \quad A_1 = \sigma(Z_1), \quad Z_2 = A_1 W_2 + b_2, \quad A_2 = \operatorname{softmax}(Z_2),$$
#
# where $W_1$ is $n_{in} \times n_h$, $b_1$ has $n_h$ entries, $W_2$ is $n_h \times n_{out}$ and $b_2$
# has $n_{out}$ entries. Adding a bias vector to a matrix adds it to every row (NumPy broadcasting).
# The row $i$ of $A_2$ holds the predicted class probabilities of example $i$.
#
# The helper below makes random parameters of the right shapes, to experiment with.


# %%
def random_params(n_in, n_hidden, n_out, seed=0, scale=0.5):
    """Random parameters for a two-layer network: a dict W1, b1, W2, b2 of normal(0, scale) arrays."""
    rng = np.random.default_rng(seed)
    return {
        "W1": scale * rng.standard_normal((n_in, n_hidden)),
        "b1": scale * rng.standard_normal(n_hidden),
        "W2": scale * rng.standard_normal((n_hidden, n_out)),
        "b2": scale * rng.standard_normal(n_out),
    }


# %% task="two_layer_forward" points=3
def two_layer_forward(X, params):
    """Forward pass of a two-layer network: sigmoid hidden layer, softmax output.

    Args:
        X: a NumPy array of shape (m, n_in), one example per row.
        params: a dict with the NumPy arrays ``"W1"`` of shape (n_in, n_hidden), ``"b1"`` of shape
            (n_hidden,), ``"W2"`` of shape (n_hidden, n_out) and ``"b2"`` of shape (n_out,).
            It is not modified.

    Returns:
        A dict of four NumPy float arrays:
        ``"Z1"`` = X @ W1 + b1 and ``"A1"`` = sigmoid(Z1), both of shape (m, n_hidden);
        ``"Z2"`` = A1 @ W2 + b2 and ``"A2"`` = softmax(Z2) (row by row), both of shape (m, n_out).

    Raises:
        ValueError: if ``X`` is not 2-D or its number of columns differs from the number of rows of W1.

    Example:
        >>> X = np.array([[1.0, -1.0]])
        >>> params = {"W1": np.array([[0.5, -0.5], [0.25, 0.0]]), "b1": np.zeros(2),
        ...           "W2": np.array([[1.0, -1.0], [0.5, 0.5]]), "b2": np.zeros(2)}
        >>> out = two_layer_forward(X, params)
        >>> out["Z1"], out["A1"]
        (array([[ 0.25, -0.5 ]]), array([[0.5621765 , 0.37754067]]))
        >>> out["A2"]
        array([[0.75479526, 0.24520474]])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 4. The backward pass
#
# The loss is $L = \text{cross\_entropy}(A_2, Y)$, the mean over the $m$ rows. Backpropagation walks
# the forward pass in reverse, and at each step multiplies by the local derivative (the chain rule).
# Write $dV$ for the matrix of derivatives $\partial L / \partial V$, the same shape as $V$.
#
# * Output scores. Softmax and cross-entropy together give $p - y$ per example, and the mean brings
#   a factor $1/m$:  $\; dZ_2 = (A_2 - Y)/m$.
# * Second layer. $Z_2 = A_1 W_2 + b_2$ is linear, so $\; dW_2 = A_1^{\top} dZ_2$ (shape
#   $n_h \times n_{out}$, like $W_2$) and $db_2 = \sum_i (dZ_2)_{i,:}$, the column sums, because the
#   bias was added to every row.
# * Back into the hidden layer. $\; dA_1 = dZ_2 W_2^{\top}$, then through the sigmoid, elementwise:
#   $\; dZ_1 = dA_1 \odot \sigma'(Z_1) = dA_1 \odot A_1 \odot (1 - A_1)$.
# * First layer. $\; dW_1 = X^{\top} dZ_1$ and $db_1 = \sum_i (dZ_1)_{i,:}$.
#
# Two habits catch most mistakes. **Check the shapes**: each gradient has the shape of its
# parameter, and there is only one way to multiply the matrices at hand to get that shape.
# **Keep the $1/m$** exactly once: it comes from the mean in the loss, at $dZ_2$.


# %% task="two_layer_gradients" points=4
def two_layer_gradients(X, Y, params):
    """Gradients of the mean cross-entropy of a two-layer network, by backpropagation.

    The network is the one of ``two_layer_forward`` (sigmoid hidden layer, softmax output), and the
    loss is L = cross_entropy(A2, Y), the mean over the m rows. The gradients are those of the
    unclipped loss (the clipping at 1e-12 is ignored, as it only matters when a probability
    underflows).

    Args:
        X: a NumPy array of shape (m, n_in), one example per row.
        Y: a NumPy array of shape (m, n_out), the one-hot labels, one example per row.
        params: a dict with ``"W1"`` (n_in, n_hidden), ``"b1"`` (n_hidden,), ``"W2"``
            (n_hidden, n_out) and ``"b2"`` (n_out,), as for ``two_layer_forward``. Not modified.

    Returns:
        A dict with the same keys as ``params``: ``"W1"``, ``"b1"``, ``"W2"``, ``"b2"``, each a
        NumPy float array of the same shape as the parameter, holding ∂L/∂(that parameter).

    Raises:
        ValueError: if ``X`` does not fit W1 (as in ``two_layer_forward``) or ``Y`` is not of
            shape (m, n_out).

    Example:
        >>> X = np.array([[1.0, -1.0]])
        >>> Y = np.array([[0.0, 1.0]])
        >>> params = {"W1": np.array([[0.5, -0.5], [0.25, 0.0]]), "b1": np.zeros(2),
        ...           "W2": np.array([[1.0, -1.0], [0.5, 0.5]]), "b2": np.zeros(2)}
        >>> grads = two_layer_gradients(X, Y, params)
        >>> grads["b2"]
        array([ 0.75479526, -0.75479526])
        >>> grads["W1"].shape, grads["W2"].shape
        ((2, 2), (2, 2))
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 5. Gradient checking
#
# A backward pass with a bug still produces numbers of the right shapes, and training with them
# may even seem to work for a while. The reliable test is to compare every analytic derivative $a$
# with a **central difference** $n$ of the loss itself: move one parameter entry $\theta$ by $\pm h$,
# leave everything else alone, and compute
#
# $$n = \frac{L(\theta + h) - L(\theta - h)}{2h}.$$
#
# Its truncation error is about $h^2 |L'''| / 6$ and its rounding error about $\varepsilon |L| / h$ (Day 39):
# with $h = 10^{-5}$ both are tiny, and a correct gradient agrees to about 8 significant digits.
# Gradients have wildly different sizes, so we compare them by a **relative error**,
#
# $$r = \frac{|a - n|}{\max(10^{-8},\, |a| + |n|)},$$
#
# where the floor $10^{-8}$ keeps us from dividing by zero when both are (nearly) zero. The check
# reports the **largest** $r$ over every entry of every parameter: a single wrong entry must show.
# As a rule of thumb, $r < 10^{-6}$ is right, $r > 10^{-4}$ is suspicious, and anything near 1 is a bug.
# Averaging instead of taking the maximum, or measuring $|a - n|$ against the largest gradient
# overall, would hide a wrong bias gradient among many good weights.


# %% task="gradient_check" points=4
def gradient_check(X, Y, params, h=1e-5):
    """Largest relative error between backpropagation and central differences of the loss.

    For every entry θ of every parameter array (W1, b1, W2 and b2), compare the analytic derivative
    a (the entry of ``two_layer_gradients(X, Y, params)``) with the central difference
    n = (L(θ + h) − L(θ − h)) / (2h), where L = cross_entropy(two_layer_forward(X, p)["A2"], Y) and p
    is ``params`` with only that one entry moved. The relative error of the entry is
    r = |a − n| / max(1e-8, |a| + |n|).

    Args:
        X: a NumPy array of shape (m, n_in), one example per row.
        Y: a NumPy array of shape (m, n_out), one-hot labels.
        params: a dict with ``"W1"``, ``"b1"``, ``"W2"``, ``"b2"`` as for ``two_layer_forward``.
            Its arrays are left unchanged (work on copies, or restore every entry you move).
        h: the finite-difference step, a positive float. It must be used exactly as given.

    Returns:
        A float: the largest r over all entries of all four parameters. Typically below 1e-6 for
        correct gradients with the default step; it grows like h² for larger steps.

    Raises:
        ValueError: if ``h`` is not positive.

    Example:
        >>> params = random_params(3, 4, 2, seed=0)
        >>> X = np.array([[0.5, -1.0, 2.0], [1.5, 0.2, -0.3]])
        >>> Y = np.array([[1.0, 0.0], [0.0, 1.0]])
        >>> gradient_check(X, Y, params)           # tiny: rounding noise, the digits may differ
        3.3e-09
        >>> gradient_check(X, Y, params, h=0.1)    # a coarse step: truncation error shows
        0.003725...
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## Summary
#
# A stable sigmoid exponentiates only non-positive numbers; a stable softmax subtracts each row's
# maximum; a safe cross-entropy clips probabilities before the log. Backpropagation is the chain rule
# run backwards through the forward pass: $dZ_2 = (A_2 - Y)/m$, then a transpose-and-multiply for each
# linear layer and an elementwise $\sigma'$ for each sigmoid, every gradient the shape of its parameter.
# A gradient check with central differences and a maximum relative error tells a correct backward pass
# from an almost-correct one.

# %% active="py"
if __name__ == "__main__":
    print(f"sigmoid([-1000, 0, 1000])            = {sigmoid(np.array([-1000.0, 0.0, 1000.0]))}")
    print(f"sigmoid_derivative([-1000, 0, 1000]) = {sigmoid_derivative(np.array([-1000.0, 0.0, 1000.0]))}")
    print(f"softmax([[1000, 1000], [-5, 5]]) =\n{softmax(np.array([[1000.0, 1000.0], [-5.0, 5.0]]))}")
    p = np.array([[0.7, 0.2, 0.1], [0.0, 0.5, 0.5]])
    y = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    print(f"cross_entropy with a zero probability = {cross_entropy(p, y):.6f}")
    params = random_params(3, 4, 2, seed=0)
    X = np.array([[0.5, -1.0, 2.0], [1.5, 0.2, -0.3]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    print(f"two_layer_forward(X, params)['A2'] =\n{two_layer_forward(X, params)['A2']}")
    grads = two_layer_gradients(X, Y, params)
    print("gradient shapes:", {key: value.shape for key, value in grads.items()})
    print(f"gradient_check(X, Y, params)        = {gradient_check(X, Y, params):.3e}")
    print(f"gradient_check(X, Y, params, h=0.1) = {gradient_check(X, Y, params, h=0.1):.3e}")
