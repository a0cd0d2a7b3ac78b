"""Day 39 variants: known-wrong answers the checks must catch, and other correct answers they must accept.

Each function replaces the reference function of its task in an otherwise correct solution.
"""

import numpy as np
import sympy as sp

from daykit.checking.variants import right, wrong

# ------------------------------------------------------------------------------ symbolic_derivative


@wrong("symbolic_derivative", "sign slip: differentiates -2x² to +4x")
def symbolic_derivative():
    x = sp.Symbol("x")
    return x**3 - 2 * x**2 + 5, 3 * x**2 + 4 * x


@wrong("symbolic_derivative", "returns the second derivative")
def symbolic_derivative():
    x = sp.Symbol("x")
    f = x**3 - 2 * x**2 + 5
    return f, sp.diff(f, x, 2)


@wrong("symbolic_derivative", "returns the pair in the wrong order")
def symbolic_derivative():
    x = sp.Symbol("x")
    f = x**3 - 2 * x**2 + 5
    return sp.diff(f, x), f


@wrong("symbolic_derivative", "returns strings instead of SymPy expressions")
def symbolic_derivative():
    return "x**3 - 2*x**2 + 5", "3*x**2 - 4*x"


@wrong("symbolic_derivative", "writes the polynomial in t instead of x")
def symbolic_derivative():
    t = sp.Symbol("t")
    f = t**3 - 2 * t**2 + 5
    return f, sp.diff(f, t)


@right("symbolic_derivative", "a real symbol and a factored derivative")
def symbolic_derivative():
    x = sp.Symbol("x", real=True)
    return x**3 - 2 * x**2 + 5, x * (3 * x - 4)


@right("symbolic_derivative", "the derivative written out by hand")
def symbolic_derivative():
    x = sp.symbols("x")
    return 5 + x**2 * (x - 2), 3 * x**2 - 4 * x


# ------------------------------------------------------------------------------- numerical_gradient


@wrong("numerical_gradient", "returns the exact gradient and ignores the step")
def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    return np.array([2 * x_val * y_val, x_val**2 + 3 * y_val**2])


@wrong("numerical_gradient", "hard-codes the answer at (2, 3)")
def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    return np.array([12.000003, 31.000009])


@wrong("numerical_gradient", "divides a forward difference by 2h")
def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    def f(x, y):
        return x**2 * y + y**3

    base = f(x_val, y_val)
    return np.array([(f(x_val + step, y_val) - base) / (2 * step), (f(x_val, y_val + step) - base) / (2 * step)])


@wrong("numerical_gradient", "returns the partial derivatives in the order [df/dy, df/dx]")
def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    def f(x, y):
        return x**2 * y + y**3

    base = f(x_val, y_val)
    return np.array([(f(x_val, y_val + step) - base) / step, (f(x_val + step, y_val) - base) / step])


@wrong("numerical_gradient", "always uses a step of 1e-3, whatever step is given")
def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    def f(x, y):
        return x**2 * y + y**3

    h = 1e-3
    base = f(x_val, y_val)
    return np.array([(f(x_val + h, y_val) - base) / h, (f(x_val, y_val + h) - base) / h])


@wrong("numerical_gradient", "returns a list instead of a NumPy array")
def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    def f(x, y):
        return x**2 * y + y**3

    base = f(x_val, y_val)
    return [(f(x_val + step, y_val) - base) / step, (f(x_val, y_val + step) - base) / step]


@right("numerical_gradient", "central differences")
def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    def f(x, y):
        return x**2 * y + y**3

    return np.array(
        [
            (f(x_val + step, y_val) - f(x_val - step, y_val)) / (2 * step),
            (f(x_val, y_val + step) - f(x_val, y_val - step)) / (2 * step),
        ]
    )


@right("numerical_gradient", "backward differences, one coordinate at a time with a unit vector")
def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    point = np.array([x_val, y_val], dtype=float)

    def f(p):
        return p[0] ** 2 * p[1] + p[1] ** 3

    grad = np.zeros(2)
    for i in range(2):
        e = np.zeros(2)
        e[i] = step
        grad[i] = (f(point) - f(point - e)) / step
    return grad


# ---------------------------------------------------------------------------- chain_rule_derivative


@wrong("chain_rule_derivative", "forgets the inner derivative: 2(2x + 1)")
def chain_rule_derivative():
    x = sp.Symbol("x")
    return sp.expand((2 * x + 1) ** 2), 2 * (2 * x + 1)


@wrong("chain_rule_derivative", "returns the composite unexpanded")
def chain_rule_derivative():
    x = sp.Symbol("x")
    composite = (2 * x + 1) ** 2
    return composite, sp.diff(composite, x)


@wrong("chain_rule_derivative", "squares term by term: 4x² + 1")
def chain_rule_derivative():
    x = sp.Symbol("x")
    expanded = 4 * x**2 + 1
    return expanded, sp.diff(expanded, x)


@wrong("chain_rule_derivative", "returns only the derivative")
def chain_rule_derivative():
    x = sp.Symbol("x")
    return sp.diff((2 * x + 1) ** 2, x)


@right("chain_rule_derivative", "the derivative by the chain rule, left factored")
def chain_rule_derivative():
    x = sp.Symbol("x")
    u = 2 * x + 1
    return sp.expand(u**2), 2 * u * sp.diff(u, x)


@right("chain_rule_derivative", "the expansion written by hand with a positive symbol")
def chain_rule_derivative():
    x = sp.Symbol("x", positive=True)
    expanded = 4 * x**2 + 4 * x + 1
    return expanded, 8 * x + 4
