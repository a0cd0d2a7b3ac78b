# %% [markdown]
# # Day 43 — Second-order methods and sensitivity
#
# A gradient says which way is downhill. It does not say how far to go, nor how the slope itself
# changes as we move. That is the job of second derivatives. Today we build the two matrices of
# derivatives that the rest of the unit keeps returning to, and put them to work:
#
# 1. the **Hessian**, the matrix of second derivatives of one function of several variables;
# 2. the **Jacobian**, the matrix of first derivatives of several functions at once;
# 3. **Newton's method**, which uses the Hessian to jump to the minimum of a local quadratic model;
# 4. a chemical **reaction chain** A → B → C, whose Jacobian describes the dynamics and whose
#    **sensitivities** say how the concentrations respond to the rate constants.
#
# Each task is one function. Fill in the body where it says `YOUR CODE HERE`, then run
# `pytest tests/test_day_43.py` (or the test cell under the task in the notebook).

# %%
import numpy as np
import sympy as sp

# %% [markdown]
# ## 1. The Hessian
#
# For a function $f(x_1, \dots, x_n)$ the **Hessian** collects every second partial derivative:
#
# $$H_{ij} = \frac{\partial^2 f}{\partial x_i\,\partial x_j}.$$
#
# The diagonal holds the curvature along each axis; the **mixed** entries off the diagonal say how the
# slope in one direction changes when we move in another. For $f = x^2 y$ the diagonal is
# $(2y, 0)$, yet the function is far from flat in $y$: the mixed entry $2x$ carries that coupling, and
# leaving it out is the most common mistake. When the second derivatives are continuous (every
# function we meet today), the order of differentiation does not matter (Schwarz's theorem), so
# $H_{ij} = H_{ji}$ and the Hessian is **symmetric**.
#
# The Hessian enters through the second-order Taylor expansion around a point $x$:
#
# $$f(x + s) \approx f(x) + \nabla f(x)^\top s + \tfrac12\, s^\top H(x)\, s.$$
#
# At a stationary point ($\nabla f = 0$) the quadratic term decides everything: a positive definite
# $H$ (all eigenvalues positive) means a minimum, a negative definite one a maximum, mixed signs a
# saddle.
#
# The order of the variables matters: row and column $i$ belong to the $i$-th variable *in the list you
# are given*, not to the alphabetical order of the symbols.

# %% task="hessian" points=3
def hessian(expr: sp.Expr, variables: list[sp.Symbol]) -> sp.Matrix:
    """The Hessian matrix of a SymPy expression with respect to the given variables, in their order.

    Args:
        expr: a SymPy expression f, for example ``x**3 + 2*x*y**2 - y``.
        variables: a list (or tuple) of n SymPy symbols ``[x_1, ..., x_n]``. Their ORDER fixes the order
            of the rows and columns. A variable that does not occur in ``expr`` still gets its row and
            column (of zeros).

    Returns:
        An n × n ``sp.Matrix`` (an ``sp.ImmutableMatrix`` is fine too) with entry [i, j] equal to
        ∂²f / ∂x_i ∂x_j, in any equivalent form. It is symmetric.

    Example:
        >>> x, y = sp.symbols("x y")
        >>> hessian(x**3 + 2*x*y**2 - y, [x, y])
        Matrix([
        [6*x, 4*y],
        [4*y, 4*x]])
        >>> hessian(x**3 + 2*x*y**2 - y, [y, x])
        Matrix([
        [4*x, 4*y],
        [4*y, 6*x]])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 2. The Jacobian
#
# Several functions $f_1, \dots, f_m$ of the same variables $x_1, \dots, x_n$ form a map from
# $\mathbb{R}^n$ to $\mathbb{R}^m$. Its **Jacobian** is the $m \times n$ matrix
#
# $$J_{ij} = \frac{\partial f_i}{\partial x_j}:$$
#
# **one row per function, one column per variable**. Row $i$ is the gradient of $f_i$ laid flat. With
# this convention the first-order Taylor expansion reads $f(x + s) \approx f(x) + J(x)\, s$, so a
# small step $s$ in the inputs moves the outputs by $J s$; the chain rule for maps becomes a product
# of Jacobians, $J_{g \circ f} = J_g J_f$, which is exactly what backpropagation (Day 42) multiplies
# out.
#
# Two remarks tie today together. The Hessian of $f$ is the Jacobian of its gradient. And a transposed
# Jacobian is a real bug, not a matter of taste: for $m \ne n$ it has the wrong shape, and for a square
# map it silently sends a step $s$ to the wrong place.

# %% task="jacobian" points=3
def jacobian(exprs: list[sp.Expr], variables: list[sp.Symbol]) -> sp.Matrix:
    """The Jacobian matrix of m SymPy expressions with respect to n variables, in the given order.

    Args:
        exprs: a list (or tuple) of m SymPy expressions ``[f_1, ..., f_m]``.
        variables: a list (or tuple) of n SymPy symbols ``[x_1, ..., x_n]``; their ORDER fixes the
            order of the columns.

    Returns:
        An m × n ``sp.Matrix`` (an ``sp.ImmutableMatrix`` is fine too) with entry [i, j] equal to
        ∂f_i / ∂x_j: rows are functions, columns are variables. Any equivalent form is accepted.

    Example:
        >>> x, y, z = sp.symbols("x y z")
        >>> jacobian([x*y*z, x - z], [x, y, z])
        Matrix([
        [y*z, x*z,  x*y],
        [  1,   0,   -1]])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 3. Newton's method
#
# Gradient descent steps a fixed fraction of the way down the slope. Newton's method instead
# minimises the quadratic model from the Taylor expansion. Setting the gradient of
# $f(x) + g^\top s + \tfrac12 s^\top H s$ with respect to $s$ to zero gives the **Newton step**:
#
# $$H(x)\, s = -\nabla f(x), \qquad x \leftarrow x + s.$$
#
# Three practical points:
#
# - **Solve, do not invert.** `np.linalg.solve(H, -g)` factorises $H$ once and is cheaper and more
#   accurate than forming $H^{-1}$. If $H$ is singular the step is not defined and `solve` raises
#   `np.linalg.LinAlgError` (a subclass of `ValueError`).
# - **One step on a quadratic.** If $f$ is itself quadratic, $f = \tfrac12 x^\top A x - b^\top x$
#   with $A$ positive definite, the model is exact and one step lands on the minimiser $A^{-1} b$
#   from anywhere. Near the minimum of any smooth function the error is then roughly *squared* at
#   each step (quadratic convergence): the number of correct digits doubles.
# - **The sign matters.** The step is $-H^{-1}g$. With $+H^{-1}g$ the iteration runs away; and even the
#   right step only finds a *stationary* point, which is a minimum when $H$ is positive definite
#   there. Practical optimisers add a line search or damping; today we take the pure step.
#
# When do we stop? Today's rule is the gradient test: before each step we evaluate the gradient, and
# if its norm is below `tol` we stop. The number of iterations is the number of Newton steps actually
# taken, so on a quadratic the count is exactly 1 (one step, then a gradient test that confirms it),
# and a starting point that is already a minimum gives 0.
#
# The plot shows both methods on $f(x, y) = (1 - x)^2 + 10\,(y - x^2)^2$, a gentle cousin of
# Rosenbrock's banana-shaped valley, with its minimum at (1, 1).

# %%
def banana(p):
    """f(x, y) = (1 - x)² + 10 (y - x²)², minimum 0 at (1, 1)."""
    x, y = p
    return (1 - x) ** 2 + 10 * (y - x**2) ** 2


def banana_gradient(p):
    x, y = p
    return np.array([-2 * (1 - x) - 40 * x * (y - x**2), 20 * (y - x**2)])


def banana_hessian(p):
    x, y = p
    return np.array([[2 - 40 * (y - x**2) + 80 * x**2, -40 * x], [-40 * x, 20.0]])


def plot_newton_versus_gradient_descent():
    """Contours of the banana function with the paths of Newton's method and gradient descent."""
    import matplotlib.pyplot as plt

    start = np.array([-1.2, 1.0])
    newton_path, x = [start], start.copy()
    for _ in range(10):
        x = x + np.linalg.solve(banana_hessian(x), -banana_gradient(x))
        newton_path.append(x)
    descent_path, x = [start], start.copy()
    for _ in range(400):
        x = x - 0.02 * banana_gradient(x)
        descent_path.append(x)
    newton_path, descent_path = np.array(newton_path), np.array(descent_path)

    xs, ys = np.meshgrid(np.linspace(-1.6, 1.6, 300), np.linspace(-1.2, 2.2, 300))
    fig, ax = plt.subplots(figsize=(6.5, 5))
    ax.contour(xs, ys, banana((xs, ys)), levels=np.logspace(-2, 2.5, 20), cmap="viridis", linewidths=0.8)
    ax.plot(
        descent_path[:, 0],
        descent_path[:, 1],
        ".-",
        color="tab:orange",
        markersize=3,
        label="gradient descent, 400 steps of 0.02",
    )
    ax.plot(newton_path[:, 0], newton_path[:, 1], "o-", color="tab:blue", label="Newton, 10 steps")
    ax.plot([1], [1], "k*", markersize=12, label="minimum (1, 1)")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("Newton steps use the curvature; gradient steps crawl along the valley")
    ax.legend(loc="upper center", fontsize="small")
    return fig


# %% active="ipynb"
# plot_newton_versus_gradient_descent();

# %% task="newtons_method" points=4
def newtons_method(grad, hess, x0, tol: float = 1e-8, max_iterations: int = 50) -> tuple[np.ndarray, int]:
    """Minimise a function with Newton's method, given its gradient and its Hessian.

    Args:
        grad: a function taking a 1-D NumPy array x of shape (n,) and returning the gradient ∇f(x),
            an array of shape (n,).
        hess: a function taking x of shape (n,) and returning the Hessian H(x), an array of shape (n, n).
        x0: the starting point, a 1-D array (or list) of n floats.
        tol: the tolerance, a positive float (default 1e-8).
        max_iterations: the largest number of Newton steps to take, an int >= 0 (default 50).

    The iteration, exactly: set x = x0 and k = 0 (the number of steps taken). Then repeat:

    1. g = grad(x). If ‖g‖ < tol (Euclidean norm), stop.
    2. If k == max_iterations, stop.
    3. Solve H(x) · step = −g for the step with np.linalg.solve (do not invert H), set
       x = x + step and k = k + 1.

    So ``iterations`` counts the Newton steps taken; the gradient test that confirms convergence is
    not a step and is not counted. On a quadratic with a positive definite Hessian, one step lands on
    the minimum, so the result is (minimiser, 1); a start at which ‖grad‖ < tol already gives (x0, 0).
    When max_iterations steps were taken without the test passing, the last iterate is returned with
    iterations == max_iterations (no error).

    Returns:
        A tuple ``(x, iterations)``: x a NumPy float array of shape (n,), the last iterate, and
        iterations a Python int, the number of Newton steps taken.

    Raises:
        ValueError: if a Hessian met along the way is singular, so the step is not defined.
            np.linalg.LinAlgError, which np.linalg.solve raises, is a subclass of ValueError and fine.

    Example:
        >>> A, b = np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([1.0, -1.0])
        >>> x, iterations = newtons_method(lambda x: A @ x - b, lambda x: A, np.array([5.0, -3.0]))
        >>> x, iterations            # the minimiser of ½xᵀAx − bᵀx is A⁻¹b, reached in one step
        (array([ 0.6, -0.8]), 1)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 4. A reaction chain and its Jacobian
#
# In the chain $A \xrightarrow{k_1} B \xrightarrow{k_2} C$ each step is first order: A turns into B at
# the rate $k_1[A]$, and B into C at the rate $k_2[B]$. Writing $A, B, C$ for the concentrations,
#
# $$\frac{dA}{dt} = -k_1 A, \qquad \frac{dB}{dt} = k_1 A - k_2 B, \qquad \frac{dC}{dt} = k_2 B.$$
#
# The Jacobian of the right-hand side with respect to the concentrations has one row per equation and
# one column per concentration:
#
# $$J = \begin{pmatrix} -k_1 & 0 & 0 \\ k_1 & -k_2 & 0 \\ 0 & k_2 & 0 \end{pmatrix}.$$
#
# Because the system is linear, $J$ is the whole story: $\dot c = J c$ with $c = (A, B, C)$. Its
# eigenvalues $-k_1, -k_2, 0$ are the decay rates of the system, and the zero belongs to a conserved
# quantity: every **column sums to zero**, so $\frac{d}{dt}(A + B + C) = 0$. Mass is neither created
# nor destroyed. A transposed Jacobian with flipped signs, a bug seen in the wild, has rows instead of
# columns summing to zero and describes a different, unphysical system.

# %% task="reaction_jacobian" points=2
def reaction_jacobian() -> sp.Matrix:
    """The Jacobian of the rate equations of A → B → C with respect to the concentrations (A, B, C).

    Takes no arguments. Use SymPy symbols named ``A``, ``B``, ``C`` (concentrations) and ``k1``,
    ``k2`` (rate constants); assumptions such as positive=True are fine.

    Returns:
        A 3 × 3 ``sp.Matrix`` (``sp.ImmutableMatrix`` is fine) J with J[i, j] = ∂(rate i)/∂(concentration
        j), where the rates are (d[A]/dt, d[B]/dt, d[C]/dt) = (−k1·A, k1·A − k2·B, k2·B) and the
        concentrations are ordered (A, B, C). Exactly:
        [[−k1, 0, 0], [k1, −k2, 0], [0, k2, 0]].

    Example:
        >>> reaction_jacobian()
        Matrix([
        [-k1,   0, 0],
        [ k1, -k2, 0],
        [  0,  k2, 0]])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 5. Sensitivity of the concentrations to the rates
#
# Starting from pure A, $A(0) = A_0$ and $B(0) = C(0) = 0$, the chain has a closed-form solution
# (for $k_1 \ne k_2$):
#
# $$A(t) = A_0 e^{-k_1 t}, \qquad B(t) = \frac{A_0 k_1}{k_2 - k_1}\left(e^{-k_1 t} - e^{-k_2 t}\right),
# \qquad C(t) = A_0 - A(t) - B(t).$$
#
# Fitting $k_1, k_2$ to measured concentrations by gradient descent needs the derivatives of a loss,
# and by the chain rule those are built from the **sensitivities** $\partial A/\partial k_1$,
# $\partial B/\partial k_2$, and so on: a $3 \times 2$ matrix $S$ with one row per concentration and
# one column per rate constant, the Jacobian of the solution with respect to the parameters.
#
# From the closed form, with $e_1 = e^{-k_1 t}$, $e_2 = e^{-k_2 t}$ and $d = k_2 - k_1$:
#
# $$\frac{\partial A}{\partial k_1} = -t A_0 e_1, \qquad \frac{\partial A}{\partial k_2} = 0,$$
#
# $$\frac{\partial B}{\partial k_1} = A_0\left(\frac{k_2}{d^2}(e_1 - e_2) - \frac{k_1 t}{d} e_1\right),
# \qquad \frac{\partial B}{\partial k_2} = A_0\left(-\frac{k_1}{d^2}(e_1 - e_2) + \frac{k_1 t}{d} e_2\right),$$
#
# and $\partial C/\partial k = -\partial A/\partial k - \partial B/\partial k$, because $A + B + C = A_0$
# does not depend on the rates. So **each column of $S$ sums to zero**: a rate constant can only move
# material between species. (The same $S$ solves the *sensitivity equations*
# $\dot S = J S + \partial f/\partial k$, with $J$ the Jacobian above; that is how sensitivities are
# computed when no closed form exists.)
#
# The formula divides by $k_2 - k_1$. At $k_1 = k_2$ the solution is still smooth
# ($B = A_0 k t e^{-kt}$), but this closed form breaks down and numbers close to each other lose
# digits to cancellation; our function refuses equal rates.

# %%
def concentrations(t, k1, k2, A0=1.0):
    """The closed-form concentrations (A, B, C) at time t (t may be an array), for k1 != k2."""
    e1, e2 = np.exp(-k1 * t), np.exp(-k2 * t)
    a = A0 * e1
    b = A0 * k1 / (k2 - k1) * (e1 - e2)
    return np.array([a, b, A0 - a - b])


def plot_concentrations_and_sensitivities(k1=0.5, k2=1.5, A0=1.0):
    """Concentrations of A, B, C over time, and their sensitivities to k1 and k2.

    The sensitivities here are central differences of the closed form, a numerical preview of the
    exact derivatives the task asks for.
    """
    import matplotlib.pyplot as plt

    ts = np.linspace(0.0, 10.0, 201)
    h = 1e-5
    by_k1 = (concentrations(ts, k1 + h, k2, A0) - concentrations(ts, k1 - h, k2, A0)) / (2 * h)
    by_k2 = (concentrations(ts, k1, k2 + h, A0) - concentrations(ts, k1, k2 - h, A0)) / (2 * h)
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), sharex=True)
    for values, name in zip(concentrations(ts, k1, k2, A0), "ABC", strict=True):
        axes[0].plot(ts, values, label=name)
    axes[0].set_title(f"concentrations (k1 = {k1}, k2 = {k2})")
    for ax, sens, rate in zip(axes[1:], (by_k1, by_k2), ("k1", "k2"), strict=True):
        for values, name in zip(sens, "ABC", strict=True):
            ax.plot(ts, values, label=f"∂{name}/∂{rate}")
        ax.plot(ts, sens.sum(axis=0), "k:", label="column sum")
        ax.set_title(f"sensitivity to {rate}")
    for ax in axes:
        ax.axhline(0.0, color="grey", linewidth=0.5)
        ax.set_xlabel("t")
        ax.legend()
    fig.tight_layout()
    return fig


# %% active="ipynb"
# plot_concentrations_and_sensitivities();

# %% task="concentration_sensitivity" points=3
def concentration_sensitivity(t: float, k1: float, k2: float, A0: float = 1.0) -> np.ndarray:
    """The sensitivities ∂[A, B, C](t)/∂(k1, k2) of the chain A → B → C, from the closed-form solution.

    The concentrations, for A(0) = A0 and B(0) = C(0) = 0, are
    A = A0·e^(−k1·t), B = A0·k1/(k2 − k1)·(e^(−k1·t) − e^(−k2·t)), C = A0 − A − B.

    Args:
        t: the time, a float (t >= 0 in practice; the formulas hold for any t).
        k1: the rate constant of A → B, a float.
        k2: the rate constant of B → C, a float different from k1.
        A0: the initial concentration of A, a float (default 1.0).

    Returns:
        A NumPy float array S of shape (3, 2): S[i, j] = ∂c_i/∂p_j with rows c = (A, B, C) and columns
        p = (k1, k2). Exact derivatives are expected (any method accurate to about the best a central
        difference can do is accepted). Each column sums to zero, because A + B + C = A0.

    Raises:
        ValueError: if k1 == k2 (the closed form divides by k2 − k1).

    Example:
        >>> concentration_sensitivity(1.5, 0.4, 1.1, A0=2.0).round(6)
        array([[-1.646435,  0.      ],
               [ 0.660967, -0.25324 ],
               [ 0.985468,  0.25324 ]])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## Summary
#
# The Hessian holds second derivatives (mixed ones included, and symmetric); the Jacobian holds first
# derivatives of several functions, one row per function and one column per variable. Newton's
# method solves $H s = -g$ for its step, lands on the minimum of a quadratic in one step and converges
# quadratically near any well-behaved minimum. For the reaction chain, the Jacobian of the rate
# equations has columns summing to zero (mass is conserved), and so do the sensitivities of the
# concentrations to the rate constants, the derivatives we need to fit those constants to data.

# %% active="py"
if __name__ == "__main__":
    x, y = sp.symbols("x y")
    print(f"hessian(x**3 + 2*x*y**2 - y, [x, y]) = {hessian(x**3 + 2 * x * y**2 - y, [x, y]).tolist()}")
    z = sp.Symbol("z")
    print(f"jacobian([x*y*z, x - z], [x, y, z]) = {jacobian([x * y * z, x - z], [x, y, z]).tolist()}")
    A, b = np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([1.0, -1.0])
    point, steps = newtons_method(lambda v: A @ v - b, lambda v: A, np.array([5.0, -3.0]))
    print(f"Newton on a quadratic: x = {point}, {steps} step(s)")
    point, steps = newtons_method(banana_gradient, banana_hessian, np.array([-1.2, 1.0]), tol=1e-10)
    print(f"Newton on the banana from (-1.2, 1): x = {point}, {steps} step(s)")
    print(f"reaction_jacobian() = {reaction_jacobian().tolist()}")
    S = concentration_sensitivity(1.5, 0.4, 1.1, A0=2.0)
    print(f"concentration_sensitivity(1.5, 0.4, 1.1, A0=2.0) =\n{S}")
    print(f"column sums: {S.sum(axis=0)}")
