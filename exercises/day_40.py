# %% [markdown]
# # Day 40 — Numerical calculus with NumPy
#
# Day 39 estimated a derivative from a few values of a function. Today we make that a small toolkit:
# derivatives, partial derivatives and gradients from function values, and integrals from function
# values. Both come up constantly in machine learning:
#
# - **gradient checking**: before trusting a hand-written backward pass, compare it with a
#   finite-difference gradient; if the two disagree, the backward pass has a bug;
# - **integrals**: expectations, normalising constants of densities, and areas under curves (the
#   area under a ROC curve is computed with the trapezoidal rule) all need an integral of something
#   we can only evaluate.
#
# For every method we also ask *how wrong* it is, and how fast that error shrinks as the step gets
# smaller. That rate, the method's **order**, is what separates a good method from a bad one.
#
# Each task is one function. Fill in the body where it says `YOUR CODE HERE`, then run
# `pytest tests/test_day_40.py` (or the test cell under the task in the notebook).

# %%
from collections.abc import Callable

import numpy as np

# %% [markdown]
# ## 1. The central difference
#
# Expand f around x with Taylor's theorem, one step h to each side:
#
# $$f(x \pm h) = f(x) \pm h f'(x) + \frac{h^2}{2} f''(x) \pm \frac{h^3}{6} f'''(x) + \dots$$
#
# Subtracting the two lines cancels every even power of h, and dividing by 2h leaves
#
# $$\frac{f(x + h) - f(x - h)}{2h} = f'(x) + \frac{h^2}{6} f'''(x) + O(h^4).$$
#
# So the **central difference** is off by about $h^2 |f'''|/6$: halve the step and the error falls
# by four. (The forward difference $(f(x+h) - f(x))/h$ keeps the $h f''/2$ term and only halves.)
# On a cubic the series stops after the $h^3$ term, so the error is *exactly* $h^2 f'''/6$: for
# $f(x) = x^3$ the central difference gives $3x^2 + h^2$ whatever x is. That makes cubics a sharp
# test that a step was really used.
#
# NumPy makes the formula work on many points at once: if `f` is vectorised (built from `+`, `*`,
# `np.sin`, ...), then `f(x + h)` with an array `x` evaluates f at every point in one call, and the
# same line of code returns an array of derivatives.

# %% task="central_difference" points=3
def central_difference(
    f: Callable[[float | np.ndarray], float | np.ndarray],
    x: float | np.ndarray,
    h: float = 1e-5,
) -> float | np.ndarray:
    """Estimate f'(x) by the central difference (f(x + h) − f(x − h)) / (2h).

    Args:
        f: a function of one real variable, vectorised: given a float it returns a float, given a
            NumPy array it returns an array of the same shape holding f of each entry.
        x: the point, a float, or a NumPy array of points of any shape (each entry is a point).
        h: the step, a positive float (default 1e-5). The estimate must use exactly this step.

    Returns:
        For a float x, a float: the central-difference estimate of f'(x). For an array x, a NumPy
        float array of the same shape as x holding the estimate at every entry. The error is about
        h²·|f'''(x)|/6; on a cubic it is exactly h²·f'''/6 (for x³: 3x² + h²).

    Example:
        >>> central_difference(np.sin, 0.0, h=1e-5)   # cos(0) = 1
        0.9999999999833332
        >>> central_difference(lambda t: t**3, 1.0, h=0.5)   # 3·1² + 0.5²
        3.25
        >>> central_difference(np.exp, np.array([0.0, 1.0]), h=1e-5)
        array([1.        , 2.71828183])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 2. Partial derivatives and the gradient
#
# For a function of several variables $f(x_0, \dots, x_{n-1})$, the partial derivative
# $\partial f/\partial x_i$ is the ordinary derivative in $x_i$ with every other coordinate held
# fixed. With the unit vector $e_i$ (a 1 in place i, zeros elsewhere) the central difference becomes
#
# $$\frac{\partial f}{\partial x_i}(p) \approx \frac{f(p + h e_i) - f(p - h e_i)}{2h}.$$
#
# Only coordinate i moves. Moving all of them at once, $f(p + h\mathbf{1})$, measures the slope
# along the diagonal, which is the *sum* of the partial derivatives, not any one of them.
#
# The **gradient** $\nabla f(p) = (\partial f/\partial x_0, \dots, \partial f/\partial x_{n-1})$
# stacks the n partial derivatives into a vector. It costs 2n evaluations of f, which is why
# training uses backpropagation instead (Day 42), and why finite differences remain the standard
# way to *test* a backpropagation on a few small cases.
#
# Two practical traps: build the moved point as a new float array (an integer array would round
# $p_i + h$ back to $p_i$), and never change the caller's `point` in place.

# %% task="partial_derivative" points=3
def partial_derivative(
    f: Callable[[np.ndarray], float],
    point: np.ndarray,
    i: int,
    h: float = 1e-5,
) -> float:
    """Estimate ∂f/∂x_i at ``point`` by a central difference in coordinate i only.

    Args:
        f: a function of n real variables that takes a 1-D NumPy array of shape (n,) and returns a
            float.
        point: the point p, a 1-D NumPy array of shape (n,) (integer entries are allowed and are
            used as floats). It must not be modified.
        i: the index of the coordinate, an int with 0 <= i < n.
        h: the step, a positive float (default 1e-5). The estimate must use exactly this step.

    Returns:
        A float: (f(p + h·e_i) − f(p − h·e_i)) / (2h), where e_i is the i-th unit vector. Its error
        is about h²·|∂³f/∂x_i³|/6.

    Raises:
        ValueError: if i is not in range(n) (negative indices included), with a message that says so.

    Example:
        >>> f = lambda p: p[0] ** 2 * p[1]        # ∂f/∂x0 = 2·x0·x1, ∂f/∂x1 = x0²
        >>> partial_derivative(f, np.array([1.0, 2.0]), 0, h=1e-5)
        4.000000000004
        >>> partial_derivative(f, np.array([1.0, 2.0]), 1, h=1e-5)
        1.0000000000065512
        >>> partial_derivative(f, np.array([1.0, 2.0]), 2)
        Traceback (most recent call last):
        ValueError: i = 2 is not a coordinate index of a point with 2 coordinates (0 <= i < 2)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% task="gradient" points=2
def gradient(f: Callable[[np.ndarray], float], point: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Estimate the gradient of f at ``point``, one central difference per coordinate.

    Args:
        f: a function of n real variables that takes a 1-D NumPy array of shape (n,) and returns a
            float.
        point: the point p, a 1-D NumPy array of shape (n,) (integer entries are used as floats). It
            must not be modified.
        h: the step, a positive float (default 1e-5), used for every coordinate.

    Returns:
        A NumPy float array of shape (n,) (not a list) whose entry i is the central difference
        (f(p + h·e_i) − f(p − h·e_i)) / (2h), as partial_derivative computes it.

    Example:
        >>> f = lambda p: p[0] ** 2 * p[1] + np.sin(p[2])
        >>> gradient(f, np.array([1.0, 2.0, 0.0]), h=1e-5)   # [2·x0·x1, x0², cos(x2)]
        array([4., 1., 1.])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 3. The trapezoidal rule
#
# To integrate f over [a, b], cut the interval into n **subintervals** of width $h = (b - a)/n$.
# Their ends are the $n + 1$ points $x_k = a + kh$, $k = 0, \dots, n$. On each subinterval, replace
# f by the straight line through its two end values; the area under that line is a trapezoid,
# $h\,(f(x_k) + f(x_{k+1}))/2$. Adding them up, every inner point is shared by two trapezoids and
# each end point belongs to one:
#
# $$T_n = h\left[\tfrac{1}{2} f(x_0) + f(x_1) + \dots + f(x_{n-1}) + \tfrac{1}{2} f(x_n)\right].$$
#
# Count carefully: n subintervals, n + 1 points, a width of (b − a)/n. Dividing by the number of
# points instead (a step of (b − a)/(n + 1)) is the classic fencepost error, and it gives a rule
# that is wrong even for a constant function.
#
# The rule is exact for straight lines. For a smooth f its error is
#
# $$T_n - \int_a^b f(x)\,dx = \frac{(b - a)\,h^2}{12} f''(\xi) \quad\text{for some } \xi \in [a, b],$$
#
# so it falls like $h^2$, that is like $1/n^2$: doubling n divides the error by four. On a quadratic
# $f''$ is constant and this formula is exact, which gives another sharp test of the step.

# %% task="trapezoid" points=3
def trapezoid(f: Callable[[float | np.ndarray], float | np.ndarray], a: float, b: float, n: int = 100) -> float:
    """Integrate f over [a, b] with the composite trapezoidal rule on n subintervals.

    Args:
        f: a function of one real variable, vectorised like NumPy functions (a float gives a float,
            an array gives an array of the same shape).
        a: the left end of the interval (a float).
        b: the right end of the interval (a float, b > a).
        n: the number of SUBINTERVALS, an int >= 1 (default 100). The rule uses the n + 1 points
            x_k = a + k·h, k = 0..n, with h = (b − a)/n.

    Returns:
        A float: h·(f(x_0)/2 + f(x_1) + ... + f(x_{n−1}) + f(x_n)/2). It is exact when f is a
        straight line; otherwise it differs from the integral by (b − a)·h²·f''(ξ)/12 for some ξ.

    Raises:
        ValueError: if n < 1, with a message that says so.

    Example:
        >>> trapezoid(lambda t: 3 * t - 1, 0.0, 2.0, n=1)   # a straight line: exact
        4.0
        >>> trapezoid(np.sin, 0.0, np.pi, n=8)             # the integral is 2
        1.974231601945551
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 4. Simpson's rule
#
# Straight lines are a crude model of a curve. Simpson's rule takes the subintervals in pairs and
# fits a parabola through the three points of each pair; integrating that parabola over
# $[x_{2j}, x_{2j+2}]$ gives $\frac{h}{3}\left(f(x_{2j}) + 4 f(x_{2j+1}) + f(x_{2j+2})\right)$.
# Adding the pairs, the weights along the points follow the pattern 1, 4, 2, 4, 2, ..., 4, 1:
#
# $$S_n = \frac{h}{3}\left[f(x_0) + 4 f(x_1) + 2 f(x_2) + 4 f(x_3) + \dots + 4 f(x_{n-1}) + f(x_n)\right].$$
#
# The 4s sit at the midpoints of the pairs (odd k), the 2s at the points shared by two pairs (even
# inner k). Because the points come in pairs, **n must be even**; with an odd n there is no honest
# Simpson's rule, and the function should refuse rather than quietly drop or reuse a subinterval.
#
# A parabola should only be exact on quadratics, but the symmetric weights cancel the cubic term
# too, so Simpson's rule is **exact on cubics**. Its error is
#
# $$S_n - \int_a^b f(x)\,dx = \frac{(b - a)\,h^4}{180} f^{(4)}(\xi),$$
#
# so it falls like $h^4$: doubling n divides it by sixteen, for the same number of evaluations of f
# as the trapezoidal rule.

# %% task="simpson" points=3
def simpson(f: Callable[[float | np.ndarray], float | np.ndarray], a: float, b: float, n: int = 100) -> float:
    """Integrate f over [a, b] with the composite Simpson's rule on n subintervals.

    Args:
        f: a function of one real variable, vectorised like NumPy functions (a float gives a float,
            an array gives an array of the same shape).
        a: the left end of the interval (a float).
        b: the right end of the interval (a float, b > a).
        n: the number of SUBINTERVALS, an EVEN int >= 2 (default 100). The rule uses the n + 1
            points x_k = a + k·h, k = 0..n, with h = (b − a)/n.

    Returns:
        A float: (h/3)·(f(x_0) + 4f(x_1) + 2f(x_2) + 4f(x_3) + ... + 4f(x_{n−1}) + f(x_n)). It is
        exact when f is a polynomial of degree at most 3; otherwise it differs from the integral by
        (b − a)·h⁴·f⁽⁴⁾(ξ)/180 for some ξ.

    Raises:
        ValueError: if n is odd or n < 2, with a message that says n must be even and at least 2.

    Example:
        >>> simpson(lambda t: t**3 - 2 * t + 1, -1.0, 2.0, n=2)   # a cubic: exact, 3.75
        3.75
        >>> simpson(np.sin, 0.0, np.pi, n=8)                     # the integral is 2
        2.0002691699483877
        >>> simpson(np.sin, 0.0, np.pi, n=7)
        Traceback (most recent call last):
        ValueError: Simpson's rule needs an even number n >= 2 of subintervals, got n = 7
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 5. Reading the order off a log–log plot
#
# Every error above has the form $E \approx C h^p$. Taking logarithms, $\log E \approx \log C + p
# \log h$: on log–log axes the error is a straight line whose **slope is the order p**. The plot
# below uses your three functions: the central difference of $\sin$ at 1, and the trapezoidal and
# Simpson's rules for $\int_0^\pi \sin x\,dx = 2$, each against its step h (for the rules,
# $h = \pi/n$). The dashed lines have slopes 2 and 4. The central difference and the trapezoidal
# rule run parallel to the slope-2 line, Simpson's rule to the slope-4 line. If your line has the
# wrong slope, or sits far from the others, the plot has found a bug for you.

# %%
def plot_error_orders():
    """Plot the errors of central_difference, trapezoid and simpson against the step, on log–log axes."""
    import matplotlib.pyplot as plt

    try:
        steps = np.logspace(-3, 0, 13)
        derivative_error = [abs(central_difference(np.sin, 1.0, h=h) - np.cos(1.0)) for h in steps]
        counts = 2 ** np.arange(1, 10)
        widths = np.pi / counts
        trapezoid_error = [abs(trapezoid(np.sin, 0.0, np.pi, n=int(n)) - 2.0) for n in counts]
        simpson_error = [abs(simpson(np.sin, 0.0, np.pi, n=int(n)) - 2.0) for n in counts]
    except NotImplementedError:
        print("Finish central_difference, trapezoid and simpson to see this plot.")
        return None
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    ax.loglog(steps, derivative_error, "o-", markersize=4, label="central difference of sin at 1")
    ax.loglog(widths, trapezoid_error, "s-", markersize=4, label="trapezoid, ∫ sin over [0, π]")
    ax.loglog(widths, simpson_error, "^-", markersize=4, label="Simpson, ∫ sin over [0, π]")
    wide, narrow = np.array([1e-3, 2.0]), np.array([5e-3, 2.0])
    ax.loglog(wide, 0.2 * wide**2, "k--", linewidth=1, label="slope 2: error ∝ h²")
    ax.loglog(narrow, 0.01 * narrow**4, "k:", linewidth=1, label="slope 4: error ∝ h⁴")
    ax.set_xlabel("step h")
    ax.set_ylabel("absolute error")
    ax.set_title("The order of a method is the slope of its error")
    ax.legend(fontsize=8)
    return fig


# %% active="ipynb"
# plot_error_orders();

# %% [markdown]
# ## Summary
#
# - The central difference $(f(x+h) - f(x-h))/(2h)$ has error $h^2 f'''/6$: second order, exact on
#   quadratics and off by exactly $h^2 f'''/6$ on cubics.
# - A partial derivative moves one coordinate only; the gradient is n of them, 2n evaluations.
# - The trapezoidal rule on n subintervals (n + 1 points, $h = (b-a)/n$) is second order and exact
#   on lines; Simpson's rule needs an even n, is fourth order and exact on cubics.
# - On a log–log plot, the slope of the error against the step is the order of the method.

# %% active="py"
if __name__ == "__main__":
    print(f"central_difference(sin, 1.0)         = {central_difference(np.sin, 1.0):.10f}  (cos 1 = {np.cos(1):.10f})")
    print(f"central_difference(x³, 1.0, h=0.5)   = {central_difference(lambda t: t**3, 1.0, h=0.5)}  (3 + h²)")
    print(f"central_difference(exp, [0, 1, 2])   = {central_difference(np.exp, np.array([0.0, 1.0, 2.0]))}")

    def bowl(p):
        return p[0] ** 2 * p[1] + np.sin(p[2])

    point = np.array([1.0, 2.0, 0.0])
    print(f"partial_derivative(bowl, {point}, 0) = {partial_derivative(bowl, point, 0):.10f}  (exact 4)")
    print(f"gradient(bowl, {point})           = {gradient(bowl, point)}  (exact [4, 1, 1])")
    for n in (4, 8, 16):
        t = trapezoid(np.sin, 0.0, np.pi, n=n)
        s = simpson(np.sin, 0.0, np.pi, n=n)
        print(f"n = {n:2d}: trapezoid error {abs(t - 2):.2e}, Simpson error {abs(s - 2):.2e}")
    try:
        simpson(np.sin, 0.0, np.pi, n=7)
    except ValueError as error:
        print(f"simpson(sin, 0, π, n=7) raises ValueError: {error}")
