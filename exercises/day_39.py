# %% [markdown]
# # Day 39 — Calculus: derivatives three ways
#
# Training a model means nudging its parameters downhill, and "downhill" is a derivative. Today we
# compute derivatives in the three ways that the rest of the unit builds on:
#
# 1. **symbolically**, with SymPy, which manipulates the formula itself and gives an exact answer;
# 2. **numerically**, with NumPy, by evaluating the function at nearby points (finite differences);
# 3. **by the chain rule**, which is how derivatives of composed functions, and so of neural
#    networks, are put together.
#
# Each task is one function. Fill in the body where it says `YOUR CODE HERE`, then run
# `pytest tests/test_day_39.py` (or the test cell under the task in the notebook).

# %%
import numpy as np
import sympy as sp

# %% [markdown]
# ## 1. Symbolic differentiation
#
# SymPy works on expressions built from symbols. Once `x = sp.Symbol("x")` exists,
# `x**3 - 2*x**2 + 5` is not a number but a tree of operations, and `sp.diff(expr, x)` applies the
# rules of differentiation to that tree. The result is exact: no step size, no rounding, and it can
# be simplified, factored or evaluated anywhere afterwards.
#
# The price is that the function must be available as a formula. A simulation, a lookup table or a
# program with loops and branches has no formula for SymPy to read.

# %% task="symbolic_derivative" points=3
def symbolic_derivative():
    """Differentiate the polynomial f(x) = x³ − 2x² + 5 with SymPy.

    Takes no arguments.

    Returns:
        A tuple ``(f, df)`` of two SymPy expressions in the symbol ``x``: the polynomial f(x) itself
        and its derivative f'(x). Any form equal to the derivative is accepted.

    Example:
        >>> f, df = symbolic_derivative()
        >>> f
        x**3 - 2*x**2 + 5
        >>> df
        3*x**2 - 4*x
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 2. Numerical differentiation
#
# When all we can do is *evaluate* a function, we estimate its slope from nearby values. The
# **forward difference** with step h is
#
# $$\frac{\partial f}{\partial x}(x, y) \approx \frac{f(x + h, y) - f(x, y)}{h},$$
#
# and the **central difference** looks both ways:
#
# $$\frac{\partial f}{\partial x}(x, y) \approx \frac{f(x + h, y) - f(x - h, y)}{2h}.$$
#
# Taylor's theorem tells us how wrong they are. The forward difference is off by about
# $h\,|f''|/2$ (its error shrinks like h), the central one by about $h^2\,|f'''|/6$ (like h²), because
# the second-order terms cancel. That is the *truncation* error, and it argues for a tiny h.
#
# Floating-point numbers argue the other way. Each value of f carries a relative rounding error of
# about $\varepsilon \approx 2.2\times10^{-16}$, and dividing a difference of two nearly equal
# numbers by a small h magnifies it to about $\varepsilon\,|f|/h$. The total error is smallest in
# between: near $h \approx \sqrt{\varepsilon} \approx 10^{-8}$ for a forward difference and
# $h \approx \varepsilon^{1/3} \approx 10^{-5}$ for a central one. The plot below shows both
# effects for the derivative of $\sin$ at 1.
#
# A **gradient** collects the partial derivatives of a function of several variables into a
# vector: one finite difference per variable, moving that variable only.

# %%
def plot_step_error():
    """Plot the error of forward and central differences of sin at 1 against the step."""
    import matplotlib.pyplot as plt

    steps = np.logspace(-15, -1, 57)
    exact = np.cos(1.0)
    forward = np.abs((np.sin(1.0 + steps) - np.sin(1.0)) / steps - exact)
    central = np.abs((np.sin(1.0 + steps) - np.sin(1.0 - steps)) / (2 * steps) - exact)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.loglog(steps, forward, "o-", markersize=3, label="forward difference")
    ax.loglog(steps, central, "s-", markersize=3, label="central difference")
    ax.set_xlabel("step h")
    ax.set_ylabel("absolute error of the derivative of sin at 1")
    ax.set_title("Truncation error falls with h, rounding error grows")
    ax.legend()
    return fig


# %% active="ipynb"
# plot_step_error();

# %% task="numerical_gradient" points=4
def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    """Estimate the gradient of f(x, y) = x²·y + y³ by finite differences with NumPy.

    Args:
        x_val: the x coordinate of the point (a float).
        y_val: the y coordinate of the point (a float).
        step: the finite-difference step h (a positive float). The estimate must use exactly this
            step, with a forward difference (central and backward differences are accepted too).

    Returns:
        A NumPy array of shape (2,) and float dtype: ``[∂f/∂x, ∂f/∂y]`` at (x_val, y_val).
        The exact gradient is [2xy, x² + 3y²], so the estimate is close to [12, 31] at (2, 3).

    Example:
        >>> numerical_gradient(2.0, 3.0, step=1e-6)
        array([12.000003, 31.000009])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## 3. The chain rule
#
# A composite function $f(g(x))$ changes because $g$ changes and $f$ responds to that change:
#
# $$\frac{d}{dx} f(g(x)) = f'(g(x))\, g'(x).$$
#
# For $(2x + 1)^2$ the outer function is $u^2$ and the inner one $u = 2x + 1$, so the derivative is
# $2(2x + 1)\cdot 2 = 8x + 4$. Forgetting the inner factor 2 is the classic mistake. Expanding first,
# $4x^2 + 4x + 1$, and differentiating term by term gives the same answer, which is a good check.
# A neural network is a long composite, and backpropagation (Day 42) is the chain rule applied
# layer by layer.

# %% task="chain_rule_derivative" points=3
def chain_rule_derivative():
    """Expand the composite (2x + 1)² and differentiate it with SymPy.

    Takes no arguments.

    Returns:
        A tuple ``(expanded, derivative)`` of two SymPy expressions in the symbol ``x``: the
        expansion of (2x + 1)², written as a sum of powers of x (as ``sp.expand`` gives it), and its
        derivative with respect to x in any equivalent form.

    Example:
        >>> expanded, derivative = chain_rule_derivative()
        >>> expanded
        4*x**2 + 4*x + 1
        >>> derivative
        8*x + 4
    """
    # YOUR CODE HERE
    raise NotImplementedError()


# %% [markdown]
# ## Summary
#
# Symbolic derivatives are exact but need a formula; finite differences need only evaluations but
# trade truncation error against rounding error through the step; the chain rule turns derivatives of
# pieces into the derivative of the whole. Day 40 takes the numerical side further.

# %% active="py"
if __name__ == "__main__":
    f, df = symbolic_derivative()
    print(f"f(x)  = {f}")
    print(f"f'(x) = {df}")
    estimate = numerical_gradient(2.0, 3.0, step=1e-6)
    print(f"numerical gradient of x²y + y³ at (2, 3): {estimate}")
    print(f"analytical gradient at (2, 3):            {np.array([12.0, 31.0])}")
    expanded, derivative = chain_rule_derivative()
    print(f"(2x + 1)² = {expanded}")
    print(f"d/dx      = {derivative}")
