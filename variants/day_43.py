"""Day 43 variants: known-wrong answers the checks must catch, and other correct answers they must accept.

Each function replaces the reference function of its task in an otherwise correct solution.
"""

import numpy as np
import sympy as sp

from daykit.checking.variants import right, wrong

# ------------------------------------------------------------------------------------------ hessian


@wrong("hessian", "keeps only the diagonal: the mixed terms are missing")
def hessian(expr, variables):
    n = len(variables)
    return sp.Matrix(n, n, lambda i, j: sp.diff(expr, variables[i], 2) if i == j else 0)


@wrong("hessian", "fills the upper triangle only, so the matrix is not symmetric")
def hessian(expr, variables):
    n = len(variables)
    return sp.Matrix(n, n, lambda i, j: sp.diff(expr, variables[i], variables[j]) if i <= j else 0)


@wrong("hessian", "wrong symmetry: the lower mixed terms get the opposite sign")
def hessian(expr, variables):
    n = len(variables)
    return sp.Matrix(n, n, lambda i, j: sp.diff(expr, variables[i], variables[j]) * (-1 if i > j else 1))


@wrong("hessian", "ignores the order given and sorts the variables by name")
def hessian(expr, variables):
    ordered = sorted(variables, key=lambda v: v.name)
    return sp.hessian(expr, ordered)


@wrong("hessian", "uses the symbols of the expression instead of the variables given")
def hessian(expr, variables):
    return sp.hessian(expr, sorted(expr.free_symbols, key=lambda v: v.name))


@wrong("hessian", "returns a list of lists instead of a SymPy matrix")
def hessian(expr, variables):
    return [[sp.diff(expr, a, b) for b in variables] for a in variables]


@right("hessian", "SymPy's own sp.hessian")
def hessian(expr, variables):
    return sp.hessian(expr, list(variables))


@right("hessian", "the Jacobian of the gradient, as an ImmutableMatrix")
def hessian(expr, variables):
    gradient = sp.Matrix([sp.diff(expr, v) for v in variables])
    return sp.ImmutableMatrix(gradient.jacobian(list(variables)))


# ----------------------------------------------------------------------------------------- jacobian


@wrong("jacobian", "transposed: rows are variables, columns are functions")
def jacobian(exprs, variables):
    return sp.Matrix(exprs).jacobian(list(variables)).T


@wrong("jacobian", "ignores the order given and sorts the variables by name")
def jacobian(exprs, variables):
    return sp.Matrix(exprs).jacobian(sorted(variables, key=lambda v: v.name))


@wrong("jacobian", "returns a list of lists instead of a SymPy matrix")
def jacobian(exprs, variables):
    return [[sp.diff(f, v) for v in variables] for f in exprs]


@wrong("jacobian", "returns the gradient of the sum of the functions (one row)")
def jacobian(exprs, variables):
    total = sum(exprs)
    return sp.Matrix([[sp.diff(total, v) for v in variables]])


@right("jacobian", "SymPy's Matrix.jacobian")
def jacobian(exprs, variables):
    return sp.Matrix(list(exprs)).jacobian(list(variables))


@right("jacobian", "gradients stacked as rows, returned as an ImmutableMatrix")
def jacobian(exprs, variables):
    rows = [sp.Matrix([f]).jacobian(list(variables)) for f in exprs]
    return sp.ImmutableMatrix(sp.Matrix.vstack(*rows))


# ----------------------------------------------------------------------------------- newtons_method


@wrong("newtons_method", "published bug: never tests the tolerance and always runs max_iterations")
def newtons_method(grad, hess, x0, tol=1e-8, max_iterations=50):
    x = np.array(x0, dtype=float)
    for _ in range(max_iterations):
        x = x + np.linalg.solve(hess(x), -np.asarray(grad(x), dtype=float))
    return x, max_iterations


@wrong("newtons_method", "takes gradient steps x - g and never uses the Hessian")
def newtons_method(grad, hess, x0, tol=1e-8, max_iterations=50):
    x = np.array(x0, dtype=float)
    for k in range(max_iterations + 1):
        g = np.asarray(grad(x), dtype=float)
        if np.linalg.norm(g) < tol or k == max_iterations:
            return x, k
        x = x - g


@wrong("newtons_method", "wrong sign: steps by +H⁻¹g, away from the minimum")
def newtons_method(grad, hess, x0, tol=1e-8, max_iterations=50):
    x = np.array(x0, dtype=float)
    for k in range(max_iterations + 1):
        g = np.asarray(grad(x), dtype=float)
        if np.linalg.norm(g) < tol or k == max_iterations:
            return x, k
        x = x + np.linalg.solve(hess(x), g)


@wrong("newtons_method", "counts the confirming gradient test as an iteration (2 on a quadratic)")
def newtons_method(grad, hess, x0, tol=1e-8, max_iterations=50):
    x = np.array(x0, dtype=float)
    for k in range(max_iterations + 1):
        g = np.asarray(grad(x), dtype=float)
        if np.linalg.norm(g) < tol or k == max_iterations:
            return x, k + 1
        x = x + np.linalg.solve(hess(x), -g)


@wrong("newtons_method", "stops on ‖step‖ < tol instead of ‖grad‖ < tol, counting the tiny last step")
def newtons_method(grad, hess, x0, tol=1e-8, max_iterations=50):
    x = np.array(x0, dtype=float)
    for k in range(1, max_iterations + 1):
        step = np.linalg.solve(hess(x), -np.asarray(grad(x), dtype=float))
        x = x + step
        if np.linalg.norm(step) < tol:
            return x, k
    return x, max_iterations


@wrong("newtons_method", "uses a fixed tolerance of 1e-8 whatever tol is given")
def newtons_method(grad, hess, x0, tol=1e-8, max_iterations=50):
    x = np.array(x0, dtype=float)
    for k in range(max_iterations + 1):
        g = np.asarray(grad(x), dtype=float)
        if np.linalg.norm(g) < 1e-8 or k == max_iterations:
            return x, k
        x = x + np.linalg.solve(hess(x), -g)


@wrong("newtons_method", "uses the pseudo-inverse, so a singular Hessian goes unnoticed")
def newtons_method(grad, hess, x0, tol=1e-8, max_iterations=50):
    x = np.array(x0, dtype=float)
    for k in range(max_iterations + 1):
        g = np.asarray(grad(x), dtype=float)
        if np.linalg.norm(g) < tol or k == max_iterations:
            return x, k
        x = x - np.linalg.pinv(hess(x)) @ g


@wrong("newtons_method", "raises an error when max_iterations is reached instead of returning")
def newtons_method(grad, hess, x0, tol=1e-8, max_iterations=50):
    x = np.array(x0, dtype=float)
    for k in range(max_iterations + 1):
        g = np.asarray(grad(x), dtype=float)
        if np.linalg.norm(g) < tol:
            return x, k
        if k == max_iterations:
            raise RuntimeError("Newton's method did not converge")
        x = x + np.linalg.solve(hess(x), -g)


@right("newtons_method", "np.linalg.lstsq for the step, with a rank test for singular Hessians")
def newtons_method(grad, hess, x0, tol=1e-8, max_iterations=50):
    x = np.array(x0, dtype=float)
    for k in range(max_iterations):
        g = np.asarray(grad(x), dtype=float)
        if np.linalg.norm(g) < tol:
            return x, k
        h = np.asarray(hess(x), dtype=float)
        step, _, rank, _ = np.linalg.lstsq(h, -g, rcond=None)
        if rank < len(x):
            raise np.linalg.LinAlgError("singular Hessian")
        x = x + step
    return x, max_iterations


@right("newtons_method", "a for loop over the steps, numpy integer count, list in and out of the loop")
def newtons_method(grad, hess, x0, tol=1e-8, max_iterations=50):
    x = np.asarray(x0, dtype=float).copy()
    count = np.int64(0)
    while count < max_iterations and np.sqrt(np.sum(np.asarray(grad(x)) ** 2)) >= tol:
        x -= np.linalg.solve(hess(x), grad(x))
        count += 1
    return x, count


# -------------------------------------------------------------------------------- reaction_jacobian


@wrong("reaction_jacobian", "published bug: transposed, with the signs of the rates flipped")
def reaction_jacobian():
    k1, k2 = sp.symbols("k1 k2")
    return sp.Matrix([[k1, -k1, 0], [0, k2, -k2], [0, 0, 0]])


@wrong("reaction_jacobian", "transposed: rows are concentrations, columns are rates")
def reaction_jacobian():
    A, B, C, k1, k2 = sp.symbols("A B C k1 k2")
    return sp.Matrix([-k1 * A, k1 * A - k2 * B, k2 * B]).jacobian([A, B, C]).T


@wrong("reaction_jacobian", "the signs of the rates flipped")
def reaction_jacobian():
    k1, k2 = sp.symbols("k1 k2")
    return sp.Matrix([[k1, 0, 0], [-k1, k2, 0], [0, -k2, 0]])


@wrong("reaction_jacobian", "differentiates with respect to the rate constants instead of the concentrations")
def reaction_jacobian():
    A, B, C, k1, k2 = sp.symbols("A B C k1 k2")
    return sp.Matrix([-k1 * A, k1 * A - k2 * B, k2 * B]).jacobian([k1, k2])


@wrong("reaction_jacobian", "names the rate constants k_1 and k_2")
def reaction_jacobian():
    A, B, C, k1, k2 = sp.symbols("A B C k_1 k_2")
    return sp.Matrix([-k1 * A, k1 * A - k2 * B, k2 * B]).jacobian([A, B, C])


@right("reaction_jacobian", "written out by hand with positive symbols, as an ImmutableMatrix")
def reaction_jacobian():
    k1, k2 = sp.symbols("k1 k2", positive=True)
    return sp.ImmutableMatrix([[-k1, 0, 0], [k1, -k2, 0], [0, k2, 0]])


@right("reaction_jacobian", "entry by entry with sp.diff")
def reaction_jacobian():
    A, B, C, k1, k2 = sp.symbols("A B C k1 k2")
    rates = [-k1 * A, k1 * A - k2 * B, k2 * B]
    return sp.Matrix([[sp.diff(r, c) for c in (A, B, C)] for r in rates])


# ------------------------------------------------------------------------- concentration_sensitivity


@wrong("concentration_sensitivity", "a forward difference with a coarse step h = 1e-3")
def concentration_sensitivity(t, k1, k2, A0=1.0):
    if k1 == k2:
        raise ValueError("k1 == k2")

    def conc(a, b):
        e1, e2 = np.exp(-a * t), np.exp(-b * t)
        return np.array([A0 * e1, A0 * a / (b - a) * (e1 - e2), A0 - A0 * e1 - A0 * a / (b - a) * (e1 - e2)])

    h = 1e-3
    base = conc(k1, k2)
    return np.column_stack([(conc(k1 + h, k2) - base) / h, (conc(k1, k2 + h) - base) / h])


@wrong("concentration_sensitivity", "the columns swapped: (k2, k1) instead of (k1, k2)")
def concentration_sensitivity(t, k1, k2, A0=1.0):
    if k1 == k2:
        raise ValueError("k1 == k2")
    e1, e2, d = np.exp(-k1 * t), np.exp(-k2 * t), k2 - k1
    dA = np.array([-t * A0 * e1, 0.0])
    dB = A0 * np.array([k2 / d**2 * (e1 - e2) - k1 * t / d * e1, -k1 / d**2 * (e1 - e2) + k1 * t / d * e2])
    return np.array([dA, dB, -dA - dB])[:, ::-1]


@wrong("concentration_sensitivity", "∂C taken as ∂A + ∂B instead of −∂A − ∂B: columns do not sum to zero")
def concentration_sensitivity(t, k1, k2, A0=1.0):
    if k1 == k2:
        raise ValueError("k1 == k2")
    e1, e2, d = np.exp(-k1 * t), np.exp(-k2 * t), k2 - k1
    dA = np.array([-t * A0 * e1, 0.0])
    dB = A0 * np.array([k2 / d**2 * (e1 - e2) - k1 * t / d * e1, -k1 / d**2 * (e1 - e2) + k1 * t / d * e2])
    return np.array([dA, dB, dA + dB])


@wrong("concentration_sensitivity", "treats the factor k1/(k2 − k1) as a constant when differentiating B")
def concentration_sensitivity(t, k1, k2, A0=1.0):
    if k1 == k2:
        raise ValueError("k1 == k2")
    e1, e2, d = np.exp(-k1 * t), np.exp(-k2 * t), k2 - k1
    dA = np.array([-t * A0 * e1, 0.0])
    dB = A0 * k1 / d * np.array([-t * e1, t * e2])
    return np.array([dA, dB, -dA - dB])


@wrong("concentration_sensitivity", "returns the transpose, shape (2, 3)")
def concentration_sensitivity(t, k1, k2, A0=1.0):
    if k1 == k2:
        raise ValueError("k1 == k2")
    e1, e2, d = np.exp(-k1 * t), np.exp(-k2 * t), k2 - k1
    dA = np.array([-t * A0 * e1, 0.0])
    dB = A0 * np.array([k2 / d**2 * (e1 - e2) - k1 * t / d * e1, -k1 / d**2 * (e1 - e2) + k1 * t / d * e2])
    return np.array([dA, dB, -dA - dB]).T


@wrong("concentration_sensitivity", "does not refuse k1 == k2 (returns nan instead of raising)")
def concentration_sensitivity(t, k1, k2, A0=1.0):
    with np.errstate(divide="ignore", invalid="ignore"):
        e1, e2, d = np.exp(-k1 * t), np.exp(-k2 * t), np.float64(k2 - k1)
        dA = np.array([-t * A0 * e1, 0.0])
        dB = A0 * np.array([k2 / d**2 * (e1 - e2) - k1 * t / d * e1, -k1 / d**2 * (e1 - e2) + k1 * t / d * e2])
    return np.array([dA, dB, -dA - dB])


@right("concentration_sensitivity", "SymPy differentiation of the closed form, lambdified")
def concentration_sensitivity(t, k1, k2, A0=1.0):
    if k1 == k2:
        raise ValueError("k1 and k2 must differ")
    ts, a, b, a0 = sp.symbols("t k1 k2 A0")
    conc_a = a0 * sp.exp(-a * ts)
    conc_b = a0 * a / (b - a) * (sp.exp(-a * ts) - sp.exp(-b * ts))
    sens = sp.Matrix([conc_a, conc_b, a0 - conc_a - conc_b]).jacobian([a, b])
    return np.array(sp.lambdify((ts, a, b, a0), sens, "numpy")(t, k1, k2, A0), dtype=float)


@right("concentration_sensitivity", "complex-step derivative of the closed form (exact to rounding)")
def concentration_sensitivity(t, k1, k2, A0=1.0):
    if k1 == k2:
        raise ValueError("k1 and k2 must differ")

    def conc(a, b):
        e1, e2 = np.exp(-a * t), np.exp(-b * t)
        conc_b = A0 * a / (b - a) * (e1 - e2)
        return np.array([A0 * e1, conc_b, A0 - A0 * e1 - conc_b])

    h = 1e-30
    return np.column_stack([conc(k1 + 1j * h, k2).imag / h, conc(k1, k2 + 1j * h).imag / h])


@right("concentration_sensitivity", "central differences with a small relative step")
def concentration_sensitivity(t, k1, k2, A0=1.0):
    if k1 == k2:
        raise ValueError("k1 and k2 must differ")

    def conc(a, b):
        e1, e2 = np.exp(-a * t), np.exp(-b * t)
        conc_b = A0 * a / (b - a) * (e1 - e2)
        return np.array([A0 * e1, conc_b, A0 - A0 * e1 - conc_b])

    h1, h2 = 1e-5 * abs(k1), 1e-5 * abs(k2)
    return np.column_stack(
        [(conc(k1 + h1, k2) - conc(k1 - h1, k2)) / (2 * h1), (conc(k1, k2 + h2) - conc(k1, k2 - h2)) / (2 * h2)]
    )
