# %% [markdown]
# # Day 45 — Automatic differentiation: forward mode, reverse mode, and why it is exact
#
# Day 39 met two ways to differentiate. SymPy manipulates a formula and gives an exact derivative, but
# it needs the formula and its answers can grow enormous. Finite differences need only evaluations of
# the function, but they are never exact: the step trades truncation error against rounding error.
#
# **Automatic differentiation** (AD) takes the best of both. It runs the program that computes f, and
# alongside every number it carries a derivative, updated by the exact rule of each operation (sum,
# product, quotient, power). Nothing is approximated, so the derivative is exact up to the rounding
# of the floating-point operations themselves, the same rounding that f's own value suffers. And it
# needs no formula: any program built from those operations, loops included, can be differentiated.
#
# Today we build both flavours from scratch:
#
# 1. **forward mode**, with *dual numbers*: one pass that pushes derivatives from the input forward;
# 2. **reverse mode**, with a *recorded graph*: one pass forward to compute values, one pass backward
#    to collect the whole gradient at once. This is backpropagation, the engine of deep learning;
# 3. a **comparison** of symbolic, finite-difference and automatic derivatives on the same function.
#
# Each task is one function (two of them come with a class whose methods you fill in). Fill in every
# place that says `YOUR CODE HERE`, then run `pytest tests/test_day_45.py` (or the test cell under
# the task in the notebook).

# %%
import math
import time
from collections.abc import Callable, Sequence

import numpy as np
import sympy as sp

# %% [markdown]
# ## 1. Forward mode: dual numbers
#
# Extend the real numbers with a new number $\varepsilon$ that is not zero but whose square is:
# $\varepsilon^2 = 0$. A **dual number** is $a + a'\varepsilon$, a value $a$ with a "derivative part"
# $a'$. Arithmetic follows from the ordinary rules and $\varepsilon^2 = 0$:
#
# $$(a + a'\varepsilon) + (b + b'\varepsilon) = (a + b) + (a' + b')\varepsilon,$$
#
# $$(a + a'\varepsilon)(b + b'\varepsilon) = ab + (a'b + ab')\varepsilon + a'b'\varepsilon^2
#   = ab + (a'b + ab')\varepsilon,$$
#
# $$\frac{a + a'\varepsilon}{b + b'\varepsilon} = \frac{a}{b} + \frac{a'b - ab'}{b^2}\,\varepsilon,
# \qquad (a + a'\varepsilon)^n = a^n + n\,a^{n-1}a'\,\varepsilon .$$
#
# The $\varepsilon$ parts are exactly the sum, product, quotient and power rules. This is no
# accident: by Taylor's theorem $f(a + h) = f(a) + f'(a)\,h + \tfrac12 f''(a)\,h^2 + \dots$, and with
# $h = \varepsilon$ every term after the first two vanishes, so
#
# $$f(x + 1\cdot\varepsilon) = f(x) + f'(x)\,\varepsilon .$$
#
# To differentiate f at x, evaluate f once on the dual number $x + 1\varepsilon$ (the derivative of x
# with respect to itself is 1) and read off both parts. Constants are dual numbers with derivative
# part 0.
#
# **In Python** a class gets arithmetic through special methods: `d + e` calls `d.__add__(e)`,
# `d * 2` calls `d.__mul__(2)`, `-d` calls `d.__neg__()` and `d ** 3` calls `d.__pow__(3)`. When the
# *left* operand is a plain number, as in `2 * d`, `1 / d` or `3 - d`, Python first asks the number
# (`int.__mul__` does not know dual numbers and returns `NotImplemented`) and then calls the
# *reflected* method of the right operand: `d.__rmul__(2)`, `d.__rtruediv__(1)`, `d.__rsub__(3)`.
# Without them `2 * d` raises `TypeError`. Careful with the ones that do not commute:
# `d.__rsub__(3)` must compute $3 - d$, not $d - 3$, and `d.__rtruediv__(1)` computes $1/d$.


# %% task="forward_mode_derivative" points=3
class Dual:
    """A dual number value + derivative·ε (with ε² = 0): a number and its derivative, carried together.

    ``Dual(3.0, 1.0)`` is the input x = 3 of a function being differentiated (dx/dx = 1);
    ``Dual(2.0)`` is the constant 2 (derivative 0). Every operation returns a new ``Dual``; the
    operands are never changed. The other operand of an operation may be a ``Dual`` or a plain
    number (int or float), which counts as a constant.

    Example:
        >>> d = Dual(3.0, 1.0)
        >>> d * d + 2 * d
        Dual(15.0, 8.0)
    """

    def __init__(self, value, derivative=0.0):
        self.value = float(value)
        self.derivative = float(derivative)

    def __repr__(self):
        return f"Dual({self.value!r}, {self.derivative!r})"

    @staticmethod
    def lift(other):
        """``other`` as a Dual: a Dual stays itself, a plain number c becomes the constant Dual(c, 0.0)."""
        return other if isinstance(other, Dual) else Dual(other, 0.0)

    def __add__(self, other):
        """self + other: (a + b) + (a' + b')ε."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __radd__(self, other):
        """other + self, where other is a plain number (as in 2 + d)."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __sub__(self, other):
        """self - other: (a - b) + (a' - b')ε."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __rsub__(self, other):
        """other - self, where other is a plain number (as in 3 - d). Mind the order."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __mul__(self, other):
        """self * other: ab + (a'b + ab')ε (the product rule)."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __rmul__(self, other):
        """other * self, where other is a plain number (as in 2 * d)."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __truediv__(self, other):
        """self / other: a/b + ((a'b - ab')/b²)ε (the quotient rule)."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __rtruediv__(self, other):
        """other / self, where other is a plain number (as in 1 / d). Mind the order."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __neg__(self):
        """-self: (-a) + (-a')ε."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __pow__(self, exponent):
        """self ** exponent for a constant exponent n (int or float, negative and fractional included):
        aⁿ + (n·aⁿ⁻¹·a')ε (the power rule with the chain rule). A Dual exponent is not needed."""
        # YOUR CODE HERE
        raise NotImplementedError()


def forward_mode_derivative(f: Callable, x: float) -> tuple[float, float]:
    """The value and the derivative of f at x, by forward-mode AD with the ``Dual`` class above.

    Args:
        f: a function of one argument built from +, -, *, / (with numbers on either side), unary
            minus and ``**`` with a constant int or float exponent, for example
            ``lambda x: 3 * x**3 - 2 / x + (x - 1) ** 2``. It may contain loops and intermediate
            variables. If it returns a plain number (f does not depend on its argument), the
            derivative is 0.0.
        x: the point, a finite real number (int or float). f must be defined at x.

    Returns:
        A tuple ``(value, derivative)`` of two Python floats: f(x) and f'(x), found by evaluating f
        once on ``Dual(x, 1.0)``. They are exact up to floating-point rounding (no step, no
        truncation error).

    Raises:
        ValueError: if x is not a finite number (nan or ±inf).

    Example:
        >>> forward_mode_derivative(lambda x: 3 * x**3 - 2 / x + (x - 1) ** 2, 2.0)
        (24.0, 38.5)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 2. Exact to rounding, and why finite differences are not
#
# A forward difference $\big(f(x + h) - f(x)\big)/h$ makes two errors (Day 39). Its **truncation
# error**, about $h\,|f''(x)|/2$, comes from replacing a tangent by a secant, and shrinks with h. Its
# **rounding error**, about $\varepsilon_{\text{mach}}\,|f(x)|/h$ with
# $\varepsilon_{\text{mach}} \approx 2.2\times 10^{-16}$, comes from subtracting two nearly equal
# rounded numbers and dividing by a tiny h, and grows as h shrinks. No step makes both small: the
# best forward difference is good to about $\sqrt{\varepsilon_{\text{mach}}} \approx 10^{-8}$, half
# the digits.
#
# Forward mode makes no truncation error at all: the $\varepsilon$ part is computed by exact rules,
# not by a secant. What remains is rounding: each operation on the derivative part is rounded to the
# nearest double, exactly like the operations that compute $f(x)$. For a program of $K$ operations
# the error is at most about $K\,\varepsilon_{\text{mach}}$ times the size of the terms involved,
# so the derivative is as accurate as the value, typically to the last digit or two, whatever the
# function. The plot shows the error of forward and central differences for
# $f(x) = 3x^3 - 2/x + (x - 1)^2$ at $x = 2$ (exact derivative 38.5) against the step, next to the
# error of forward mode, which does not depend on any step (it is often exactly 0; the plot draws it
# at least at $\varepsilon_{\text{mach}}|f'(x)|$, the rounding level).


# %%
def plot_ad_versus_finite_differences():
    """Plot the error of finite differences against the step, next to the error of forward-mode AD."""
    import matplotlib.pyplot as plt

    def f(x):
        return 3 * x**3 - 2 / x + (x - 1) ** 2

    x0, exact = 2.0, 38.5  # f'(x) = 9x² + 2/x² + 2(x - 1)
    steps = np.logspace(-15, -1, 57)
    forward = np.array([abs((f(x0 + h) - f(x0)) / h - exact) for h in steps])
    central = np.array([abs((f(x0 + h) - f(x0 - h)) / (2 * h) - exact) for h in steps])
    floor = np.finfo(float).eps * exact
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.loglog(steps, np.maximum(forward, floor), "o-", markersize=3, label="forward difference")
    ax.loglog(steps, np.maximum(central, floor), "s-", markersize=3, label="central difference")
    try:
        ad_error = abs(forward_mode_derivative(f, x0)[1] - exact)
        ax.axhline(max(ad_error, floor), color="C2", linewidth=2, label=f"forward-mode AD (error {ad_error:.1e})")
        title = "AD has no step: its error stays at the rounding level"
    except NotImplementedError:
        title = "Finite differences (write forward_mode_derivative to see the AD line)"
    ax.set_xlabel("step h")
    ax.set_ylabel("absolute error of f'(2)")
    ax.set_title(title, fontsize=10)
    ax.legend()
    return fig


# %% active="ipynb"
# plot_ad_versus_finite_differences();

# %% [markdown]
# ## 3. Reverse mode: record the graph, then run it backwards
#
# Forward mode gives the derivative with respect to *one* input per pass. A loss function of a
# million parameters would need a million passes for its gradient. Reverse mode gets the whole
# gradient in one backward pass, at the price of remembering the computation.
#
# While f runs, every operation creates a **node** that records its value and its **parents**, the
# nodes it was computed from, each with the **local derivative** of this node with respect to that
# parent. For $c = a\,b$ the parents are $(a, b)$ and the local derivatives
# $\partial c/\partial a = b$ and $\partial c/\partial b = a$; for $c = a/b$ they are $1/b$ and
# $-a/b^2$; for $c = a^n$ it is $n\,a^{n-1}$. The nodes form a directed acyclic graph from the inputs
# to the output.
#
# The backward pass computes, for every node v, its **adjoint** $\bar v = \partial\,\text{out}/\partial v$.
# Start with $\overline{\text{out}} = 1$. A node influences the output through every node that uses
# it (its *consumers*), so by the chain rule
#
# $$\bar v = \sum_{c \text{ consumer of } v} \bar c\,\frac{\partial c}{\partial v}.$$
#
# Two consequences shape the code:
#
# - **Accumulate.** A node used twice, as in $y = x\cdot x$ (x is both parents) or $y + y$, receives
#   one contribution per use: `parent.grad += local * node.grad`, never `=`. Here
#   $\partial(y + y)/\partial x = 2 \cdot 2x = 4x$.
# - **Topological order.** A node may pass its adjoint on only when it is complete, that is after
#   every consumer has contributed. Processing the nodes in reverse **topological order** (every node
#   after all nodes computed from it) guarantees this. A depth-first search from the output that
#   appends a node after all its parents gives a topological order; reversing it gives the order of
#   the backward pass. A breadth-first walk does not: in the "diamond"
#   $a = xy,\ b = a + x,\ \text{out} = a\,b$, the node a would pass on its adjoint before b has added
#   its share.
#
# One backward pass costs a small multiple of one evaluation of f, whatever the number of inputs:
# this is why neural networks are trained with reverse mode (backpropagation). Forward mode wins
# when there are few inputs and many outputs.


# %% task="reverse_mode_gradient" points=4
class Node:
    """One value of a recorded computation: the value, its parents with local derivatives, and a grad.

    ``parents`` is a tuple of pairs ``(parent_node, local_derivative)``, where local_derivative is
    ∂self/∂parent as a float; inputs and constants have no parents. ``grad`` starts at 0.0 and
    receives ∂out/∂self during ``out.backward()``. Operations work between nodes and with plain
    numbers (int or float, which count as constants) on either side, and return new nodes.

    Example:
        >>> x = Node(3.0)
        >>> y = x * x + 2 * x
        >>> y.value
        15.0
        >>> y.backward()
        >>> x.grad
        8.0
    """

    def __init__(self, value, parents=()):
        self.value = float(value)
        self.parents = tuple(parents)
        self.grad = 0.0

    def __repr__(self):
        return f"Node({self.value!r}, grad={self.grad!r})"

    @staticmethod
    def lift(other):
        """``other`` as a Node: a Node stays itself, a plain number c becomes a constant Node(c)."""
        return other if isinstance(other, Node) else Node(other)

    def __add__(self, other):
        """self + other; the local derivatives are 1 and 1."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __radd__(self, other):
        """other + self, where other is a plain number."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __sub__(self, other):
        """self - other; the local derivatives are 1 and -1."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __rsub__(self, other):
        """other - self, where other is a plain number. Mind the order."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __mul__(self, other):
        """self * other; the local derivatives are other.value and self.value."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __rmul__(self, other):
        """other * self, where other is a plain number."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __truediv__(self, other):
        """self / other = a / b; the local derivatives are 1/b and -a/b²."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __rtruediv__(self, other):
        """other / self, where other is a plain number. Mind the order."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __neg__(self):
        """-self; the local derivative is -1."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __pow__(self, exponent):
        """self ** exponent for a constant int or float exponent n; the local derivative is n·aⁿ⁻¹."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def backward(self):
        """Set ``grad`` of this node and of every node it depends on to ∂self/∂node.

        Sets self.grad = 1.0, then visits the nodes in reverse topological order (each node after
        every node computed from it) and adds ``local_derivative * node.grad`` to each parent's grad.
        Assumes every grad is still 0.0 (a freshly recorded graph). Returns None.
        """
        # YOUR CODE HERE
        raise NotImplementedError()


def reverse_mode_gradient(f: Callable, point: Sequence[float]) -> tuple[float, np.ndarray]:
    """The value and the gradient of f at a point, by reverse-mode AD with the ``Node`` class above.

    Args:
        f: a function of n positional arguments built from +, -, *, / (with numbers on either
            side), unary minus and ``**`` with a constant int or float exponent, for example
            ``lambda x, y: x * y + y ** 2 / x``. It may reuse intermediate results (``y = x * x;
            return y + y``) and contain loops. If it returns a plain number, the gradient is zero.
        point: the n ≥ 1 coordinates where f is differentiated: a list, tuple or 1-D NumPy array of
            real numbers. f must be defined there.

    Returns:
        A tuple ``(value, gradient)``: value is f(point) as a Python float, gradient a NumPy float
        array of shape (n,) holding ∂f/∂(argument i) in the order of f's arguments. Found by
        evaluating f once on one ``Node`` per coordinate and one ``backward()`` pass; exact up to
        floating-point rounding.

    Raises:
        ValueError: if point is empty or not one-dimensional.

    Example:
        >>> value, gradient = reverse_mode_gradient(lambda x, y: x * y + y ** 2 / x, [2.0, 3.0])
        >>> value
        10.5
        >>> gradient
        array([0.75, 5.  ])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 4. Three methods side by side
#
# | | symbolic (SymPy) | finite differences | automatic (forward or reverse) |
# |---|---|---|---|
# | needs | a formula | evaluations of f | the program of f, run on new numbers |
# | accuracy | exact | about $\sqrt{\varepsilon_{\text{mach}}}$ (forward) | exact to rounding |
# | gradient in n variables | formulas may swell | n + 1 evaluations | n passes (forward), 1 (reverse) |
#
# Symbolic differentiation is the reference: today we take its value at the point as the truth and
# measure the others against it. Its weakness is cost: differentiating a product of many factors or
# a deeply nested composition produces expressions much larger than the program that computes f.
# AD never builds the derivative as a formula; it evaluates it, number by number, alongside f.
#
# To run the same SymPy expression on floats and on dual numbers, turn it into a plain Python
# function. `sp.lambdify(x, expr, modules=[{"sqrt": lambda u: u ** 0.5}])` writes code that uses only
# operators (`sqrt` is the one function SymPy prints for powers like $x^{1/2}$, and the dictionary
# turns it back into a power), so it works on `Dual` numbers too.
#
# The timings are wall-clock seconds from `time.perf_counter()`. They depend on the machine and on
# SymPy's caches, so no check compares them; try larger expressions and see which method scales.


# %% task="compare_methods" points=3
def compare_methods(expr: sp.Expr, x0: float, step: float = 1e-6) -> dict:
    """Differentiate one function at one point symbolically, by finite differences and by forward mode.

    Args:
        expr: a SymPy expression in exactly one symbol (of any name), built from numbers, that
            symbol, +, -, *, / and powers with constant exponents (``sp.sqrt`` included), for example
            ``3*x**3 - 2/x + (x - 1)**2``. It must be defined near x0.
        x0: the point (a real number).
        step: the finite-difference step h, a positive float (default 1e-6). The estimate must use
            exactly this step.

    Returns:
        A dict with three keys, each mapping to a dict with the keys "derivative", "error" and
        "seconds" (all three Python floats):

        - ``"symbolic"``: the SymPy derivative of expr evaluated at x0 (as a float); its error is 0.0,
          since it is the reference the other two are measured against;
        - ``"finite_difference"``: the forward difference (f(x0 + h) − f(x0)) / h in floating point
          (the central difference (f(x0 + h) − f(x0 − h)) / (2h) is accepted too); its error is
          |derivative − symbolic derivative|;
        - ``"forward_mode"``: the derivative from your ``forward_mode_derivative`` applied to a Python
          function of expr; its error is |derivative − symbolic derivative|.

        "seconds" is the wall-clock time (``time.perf_counter()``) each method took, a non-negative
        float. The checks do not compare times.

    Raises:
        ValueError: if expr does not have exactly one free symbol, or step is not positive.

    Example:
        >>> x = sp.Symbol("x")
        >>> result = compare_methods(3*x**3 - 2/x + (x - 1)**2, 2.0, step=1e-6)
        >>> result["symbolic"]["derivative"], result["symbolic"]["error"]
        (38.5, 0.0)
        >>> result["finite_difference"]["derivative"]   # off by about 1.9e-5
        38.5000187570483
        >>> result["forward_mode"]["error"]
        0.0
        >>> sorted(result)
        ['finite_difference', 'forward_mode', 'symbolic']
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 5. As the function grows: your AD, JAX, SymPy and finite differences
#
# One derivative of a small formula says little about cost. Take a function that grows with a size
# $n$, the sum of $n$ terms
#
# $$f_n(x) = \sum_{k=1}^{n} \frac{1}{k + x^2}, \qquad f_n'(x) = \sum_{k=1}^{n} \frac{-2x}{(k + x^2)^2},$$
#
# and differentiate it at $x = 0.7$ for $n = 10, 100, \dots, 10^5$ in five ways: SymPy (build the sum,
# differentiate, evaluate), a forward difference with $h = 10^{-6}$ on a NumPy version of $f_n$, your
# forward mode and your reverse mode on a plain Python loop, and `jax.grad` on a `jax.numpy` version.
# The cell below measures the time of each (one run, wall clock) and its error against the exact sum
# added up with `math.fsum`, and draws both on log–log axes.
#
# JAX is optional. Install it with `pip install -e ".[jax]"` in the course folder (or `pip install jax`);
# without it the cell says so and draws nothing. SymPy stops at $n = 1000$: past that, building and
# differentiating the expression takes longer than everything else together.
#
# What one run on a 2-core machine showed (your figures will differ, the shapes should not). The errors
# of the three AD methods stayed at the rounding level, below $4\times 10^{-14}$, for every $n$; the
# forward difference stayed near $10^{-7}$ whatever $n$ was, as Day 39's error formula says. SymPy was
# exact but, past a hundred terms, the slowest, and its time grew fastest: 0.4 s for 10 terms, 10 s for
# 1000, because it builds and differentiates the whole formula. Your forward and reverse modes grew in
# proportion to $n$, one Python operation per term: at $10^5$ terms forward mode took about 1 s and
# reverse mode about 14 s, since reverse mode records a graph node for every operation and this function
# has a single input (reverse mode pays off with many inputs and one output, as in training a network).
# `jax.grad`, compiled with `jax.jit`, took under a millisecond even at $10^5$ terms, about a thousand
# times less than your forward mode, because it traces the function once into whole-array operations;
# its first call, which traces and compiles, cost a few tenths of a second at every size. So automatic
# differentiation wins on accuracy at every size, and a compiled implementation also wins on time once
# the function is large or called many times; for a small function called once, the compilation
# dominates. JAX computes in single precision unless told otherwise: the cell turns on double precision
# (`jax_enable_x64`) so that the errors compare like with like. The cell takes about half a minute.


# %%
def _growing_sum(x, n):
    """f_n(x) = Σ_{k=1..n} 1/(k + x²), one Python operation at a time (so AD records every term)."""
    total = 0.0
    for k in range(1, n + 1):
        total = total + 1 / (k + x * x)
    return total


def _growing_sum_derivatives(n, x0, sympy_limit):
    """(name, function) pairs, each computing f_n'(x0) one way when called."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)  # JAX computes in float32 unless asked; compare like with like
    k = np.arange(1, n + 1, dtype=float)
    compiled = jax.jit(jax.grad(lambda x, k: jnp.sum(1 / (k + x * x))))
    x = sp.Symbol("x")
    pairs = [
        ("finite difference", lambda: (np.sum(1 / (k + (x0 + 1e-6) ** 2)) - np.sum(1 / (k + x0**2))) / 1e-6),
        ("forward mode", lambda: forward_mode_derivative(lambda u: _growing_sum(u, n), x0)[1]),
        ("reverse mode", lambda: reverse_mode_gradient(lambda u: _growing_sum(u, n), [x0])[1][0]),
        ("jax.grad, first call", lambda: compiled(x0, jnp.asarray(k))),  # traces and compiles
        ("jax.grad, compiled", lambda: compiled(x0, jnp.asarray(k))),  # runs the compiled code
    ]
    if n <= sympy_limit:
        expr = lambda: sp.Add(*[1 / (j + x**2) for j in range(1, n + 1)])
        pairs.append(("SymPy", lambda: sp.diff(expr(), x).evalf(subs={x: x0})))
    return pairs


def growing_sum_measurements(sizes=(10, 100, 1_000, 10_000, 100_000), x0=0.7, sympy_limit=1_000):
    """Time and error of six ways to differentiate f_n(x) = Σ 1/(k + x²) at x0, for each n in sizes.

    Returns {method: [(n, seconds, error), ...]}; a method that cannot run (a task not written yet,
    SymPy past sympy_limit) has no entry for that n. Needs JAX.
    """
    names = ("SymPy", "finite difference", "forward mode", "reverse mode", "jax.grad, first call", "jax.grad, compiled")
    results = {name: [] for name in names}
    for n in sizes:
        exact = math.fsum(-2 * x0 / (k + x0 * x0) ** 2 for k in range(1, n + 1))
        for name, method in _growing_sum_derivatives(n, x0, sympy_limit):
            start = time.perf_counter()
            try:
                derivative = float(method())
            except NotImplementedError:
                continue
            results[name].append((n, time.perf_counter() - start, abs(derivative - exact)))
    return results


def plot_methods_as_the_function_grows():
    """Time and error of SymPy, a finite difference, forward and reverse mode and jax.grad against n."""
    try:
        import jax  # noqa: F401
    except ImportError:
        print('JAX is not installed: `pip install -e ".[jax]"` (or `pip install jax`), then run this cell again.')
        return None
    import matplotlib.pyplot as plt

    results = growing_sum_measurements()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    floor = np.finfo(float).eps / 4  # errors of exactly 0 are drawn at a quarter of the rounding unit
    for (name, rows), marker in zip(results.items(), "osD^vx", strict=True):
        if rows:
            n, seconds, error = np.array(rows).T
            left.loglog(n, seconds, marker + "-", label=name)
            right.loglog(n, np.maximum(error, floor), marker + "-", label=name)
    left.set_xlabel("number of terms n")
    left.set_ylabel("seconds (one run)")
    left.set_title("time to differentiate f_n at 0.7", fontsize=10)
    right.set_xlabel("number of terms n")
    right.set_ylabel("absolute error")
    right.set_title("error against the exact sum", fontsize=10)
    left.legend(fontsize=8)
    fig.tight_layout()
    return fig


# %% active="ipynb"
# plot_methods_as_the_function_grows();

# %% [markdown]
# ## Summary
#
# Automatic differentiation evaluates derivatives by the exact rules of each operation while the
# program runs, so it makes no truncation error: its result is exact up to the rounding of the
# operations, like the value of f itself, while a finite difference loses about half the digits.
# Forward mode carries one derivative along with each value (dual numbers, $\varepsilon^2 = 0$) and
# costs one pass per input. Reverse mode records the computation as a graph and, in one backward pass
# in reverse topological order, accumulates $\partial\,\text{out}/\partial v$ for every node: the
# whole gradient for the price of a few evaluations. That is backpropagation.

# %% active="py"
if __name__ == "__main__":

    def demo_function(x):
        return 3 * x**3 - 2 / x + (x - 1) ** 2

    value, derivative = forward_mode_derivative(demo_function, 2.0)
    print(f"forward mode: f(2) = {value}, f'(2) = {derivative}   (exact: 24, 38.5)")
    value, gradient = reverse_mode_gradient(lambda x, y: x * y + y**2 / x, [2.0, 3.0])
    print(f"reverse mode: f(2, 3) = {value}, gradient = {gradient}   (exact: 10.5, [0.75, 5])")

    def shared(x):
        y = x * x
        return y + y

    print(f"y = x*x; y + y at 1.5: gradient {reverse_mode_gradient(shared, [1.5])[1]}   (exact: [6])")
    x = sp.Symbol("x")
    for method, row in compare_methods(3 * x**3 - 2 / x + (x - 1) ** 2, 2.0, step=1e-6).items():
        print(f"{method:>17}: derivative {row['derivative']:.15g}, error {row['error']:.2e}, {row['seconds']:.1e} s")
