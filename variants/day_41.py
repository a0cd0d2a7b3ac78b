"""Day 41 variants: known-wrong answers the checks must catch, and other correct answers they must accept.

Each function replaces the reference function of its task in an otherwise correct solution.
"""

import numpy as np

from daykit.checking.variants import right, wrong

# ------------------------------------------------------------------------------- gradient_descent


@wrong("gradient_descent", "updates x in place, so every stored row is the same array (the last iterate)")
def gradient_descent(grad, x0, learning_rate=0.1, n_iterations=100):
    if learning_rate <= 0 or n_iterations < 0:
        raise ValueError("bad learning_rate or n_iterations")
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(n_iterations):
        x -= learning_rate * np.asarray(grad(x), dtype=float)
        path.append(x)
    return np.array(path)


@wrong("gradient_descent", "steps the caller's x0 in place (storing copies, so the path itself is right)")
def gradient_descent(grad, x0, learning_rate=0.1, n_iterations=100):
    if learning_rate <= 0 or n_iterations < 0:
        raise ValueError("bad learning_rate or n_iterations")
    x = np.asarray(x0, dtype=float)  # the caller's own array when it is already float
    path = [x.copy()]
    for _ in range(n_iterations):
        x -= learning_rate * np.asarray(grad(x), dtype=float)
        path.append(x.copy())
    return np.array(path)


@wrong("gradient_descent", "returns the n_iterations iterates without x0")
def gradient_descent(grad, x0, learning_rate=0.1, n_iterations=100):
    if learning_rate <= 0 or n_iterations < 0:
        raise ValueError("bad learning_rate or n_iterations")
    x = np.array(x0, dtype=float)
    path = []
    for _ in range(n_iterations):
        x = x - learning_rate * np.asarray(grad(x), dtype=float)
        path.append(x)
    return np.array(path).reshape(n_iterations, x.size)


@wrong("gradient_descent", "gradient ascent: adds the gradient instead of subtracting it")
def gradient_descent(grad, x0, learning_rate=0.1, n_iterations=100):
    if learning_rate <= 0 or n_iterations < 0:
        raise ValueError("bad learning_rate or n_iterations")
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(n_iterations):
        x = x + learning_rate * np.asarray(grad(x), dtype=float)
        path.append(x)
    return np.array(path)


@wrong("gradient_descent", "evaluates the gradient at x0 only, then reuses it for every step")
def gradient_descent(grad, x0, learning_rate=0.1, n_iterations=100):
    if learning_rate <= 0 or n_iterations < 0:
        raise ValueError("bad learning_rate or n_iterations")
    x = np.array(x0, dtype=float)
    g = np.asarray(grad(x), dtype=float)
    path = [x]
    for _ in range(n_iterations):
        x = x - learning_rate * g
        path.append(x)
    return np.array(path)


@wrong("gradient_descent", "does not validate its input (learning_rate ≤ 0 accepted)")
def gradient_descent(grad, x0, learning_rate=0.1, n_iterations=100):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(max(n_iterations, 0)):
        x = x - learning_rate * np.asarray(grad(x), dtype=float)
        path.append(x)
    return np.array(path)


@right("gradient_descent", "a list of copies, stacked at the end, with in-place updates")
def gradient_descent(grad, x0, learning_rate=0.1, n_iterations=100):
    x = np.atleast_1d(np.array(x0, dtype=float))
    if np.ndim(x0) != 1 or not learning_rate > 0 or n_iterations < 0:
        raise ValueError("x0 must be 1-D, learning_rate positive and n_iterations at least 0")
    path = [x.copy()]
    for _ in range(n_iterations):
        x -= learning_rate * np.asarray(grad(x), dtype=float)
        path.append(x.copy())
    return np.vstack(path)


# ------------------------------------------------------------------------------------- minimize


@wrong("minimize", "published bug: notes convergence but never leaves the loop, so it always runs max_iterations")
def minimize(grad, x0, learning_rate=0.1, tol=1e-8, max_iterations=500):
    x = np.array(x0, dtype=float)
    bound = 1e8 * (1.0 + np.linalg.norm(x))
    converged = False
    for k in range(1, max_iterations + 1):
        step = learning_rate * np.asarray(grad(x), dtype=float)
        x = x - step
        if not np.all(np.isfinite(x)) or np.linalg.norm(x) > bound:
            raise ValueError(f"diverged after {k} iterations: learning_rate too large")
        if np.linalg.norm(step) < tol:
            converged = True
    return {"x": x, "iterations": max_iterations, "converged": converged}


@wrong("minimize", "steps the caller's x0 in place")
def minimize(grad, x0, learning_rate=0.1, tol=1e-8, max_iterations=500):
    x = np.asarray(x0, dtype=float)  # the caller's own array when it is already float
    bound = 1e8 * (1.0 + np.linalg.norm(x))
    for k in range(1, max_iterations + 1):
        step = learning_rate * np.asarray(grad(x), dtype=float)
        x -= step
        if not np.all(np.isfinite(x)) or np.linalg.norm(x) > bound:
            raise ValueError(f"diverged after {k} iterations: learning_rate too large")
        if np.linalg.norm(step) < tol:
            return {"x": x.copy(), "iterations": k, "converged": True}
    return {"x": x.copy(), "iterations": max_iterations, "converged": False}


@wrong("minimize", "stops on the gradient norm instead of the step length η‖∇f‖")
def minimize(grad, x0, learning_rate=0.1, tol=1e-8, max_iterations=500):
    x = np.array(x0, dtype=float)
    bound = 1e8 * (1.0 + np.linalg.norm(x))
    for k in range(1, max_iterations + 1):
        g = np.asarray(grad(x), dtype=float)
        x = x - learning_rate * g
        if not np.all(np.isfinite(x)) or np.linalg.norm(x) > bound:
            raise ValueError(f"diverged after {k} iterations: learning_rate too large")
        if np.linalg.norm(g) < tol:
            return {"x": x, "iterations": k, "converged": True}
    return {"x": x, "iterations": max_iterations, "converged": False}


@wrong("minimize", "checks only for inf/nan, so a slowly diverging run is reported as not converged")
def minimize(grad, x0, learning_rate=0.1, tol=1e-8, max_iterations=500):
    x = np.array(x0, dtype=float)
    for k in range(1, max_iterations + 1):
        step = learning_rate * np.asarray(grad(x), dtype=float)
        x = x - step
        if not np.all(np.isfinite(x)):
            raise ValueError(f"diverged after {k} iterations: learning_rate too large")
        if np.linalg.norm(step) < tol:
            return {"x": x, "iterations": k, "converged": True}
    return {"x": x, "iterations": max_iterations, "converged": False}


@wrong("minimize", "reports converged = True even when max_iterations runs out")
def minimize(grad, x0, learning_rate=0.1, tol=1e-8, max_iterations=500):
    x = np.array(x0, dtype=float)
    bound = 1e8 * (1.0 + np.linalg.norm(x))
    k = 0
    for k in range(1, max_iterations + 1):
        step = learning_rate * np.asarray(grad(x), dtype=float)
        x = x - step
        if not np.all(np.isfinite(x)) or np.linalg.norm(x) > bound:
            raise ValueError(f"diverged after {k} iterations: learning_rate too large")
        if np.linalg.norm(step) < tol:
            break
    return {"x": x, "iterations": k, "converged": True}


@wrong("minimize", "compares the squared step length with tol")
def minimize(grad, x0, learning_rate=0.1, tol=1e-8, max_iterations=500):
    x = np.array(x0, dtype=float)
    bound = 1e8 * (1.0 + np.linalg.norm(x))
    for k in range(1, max_iterations + 1):
        step = learning_rate * np.asarray(grad(x), dtype=float)
        x = x - step
        if not np.all(np.isfinite(x)) or np.linalg.norm(x) > bound:
            raise ValueError(f"diverged after {k} iterations: learning_rate too large")
        if step @ step < tol:
            return {"x": x, "iterations": k, "converged": True}
    return {"x": x, "iterations": max_iterations, "converged": False}


@right("minimize", "tests the step before applying it (one iteration fewer), NumPy scalars in the dict")
def minimize(grad, x0, learning_rate=0.1, tol=1e-8, max_iterations=500):
    x = np.array(x0, dtype=float)
    bound = 1e8 * (1.0 + np.linalg.norm(x))
    k = 0
    while k < max_iterations:
        step = learning_rate * np.asarray(grad(x), dtype=float)
        if np.linalg.norm(step) < tol:
            return {"x": x, "iterations": np.int64(k), "converged": np.True_}
        x = x - step
        k += 1
        if not (np.all(np.isfinite(x)) and np.linalg.norm(x) <= bound):
            raise ValueError(f"diverged after {k} iterations: learning_rate too large")
    return {"x": x, "iterations": k, "converged": False}


@right("minimize", "built on gradient_descent one step at a time, with a FloatingPointError turned into ValueError")
def minimize(grad, x0, learning_rate=0.1, tol=1e-8, max_iterations=500):
    x = np.array(x0, dtype=float)
    bound = 1e8 * (1.0 + np.linalg.norm(x))
    for k in range(1, max_iterations + 1):
        with np.errstate(over="raise", invalid="raise"):
            try:
                new = gradient_descent(grad, x, learning_rate, 1)[-1]
            except FloatingPointError:
                raise ValueError(f"diverged after {k} iterations: learning_rate too large") from None
        if np.linalg.norm(new) > bound:
            raise ValueError(f"diverged after {k} iterations: learning_rate too large")
        moved = np.linalg.norm(new - x)
        x = new
        if moved < tol:
            return {"x": x, "iterations": k, "converged": True}
    return {"x": x, "iterations": max_iterations, "converged": False}


# ---------------------------------------------------------------------------------- mse_gradient


@wrong("mse_gradient", "uses 1/m instead of 2/m (the gradient of the ½-convention loss)")
def mse_gradient(theta, X, y):
    theta, X, y = (np.asarray(a, dtype=float) for a in (theta, X, y))
    if X.ndim != 2 or theta.shape != (X.shape[1],) or y.shape != (X.shape[0],):
        raise ValueError("shapes do not fit")
    return X.T @ (X @ theta - y) / X.shape[0]


@wrong("mse_gradient", "forgets to divide by m (the gradient of the sum, not the mean)")
def mse_gradient(theta, X, y):
    theta, X, y = (np.asarray(a, dtype=float) for a in (theta, X, y))
    if X.ndim != 2 or theta.shape != (X.shape[1],) or y.shape != (X.shape[0],):
        raise ValueError("shapes do not fit")
    return 2 * X.T @ (X @ theta - y)


@wrong("mse_gradient", "sign slip: uses the residual y − Xθ")
def mse_gradient(theta, X, y):
    theta, X, y = (np.asarray(a, dtype=float) for a in (theta, X, y))
    if X.ndim != 2 or theta.shape != (X.shape[1],) or y.shape != (X.shape[0],):
        raise ValueError("shapes do not fit")
    return 2 / X.shape[0] * X.T @ (y - X @ theta)


@wrong("mse_gradient", "divides by n (the number of parameters) instead of m")
def mse_gradient(theta, X, y):
    theta, X, y = (np.asarray(a, dtype=float) for a in (theta, X, y))
    if X.ndim != 2 or theta.shape != (X.shape[1],) or y.shape != (X.shape[0],):
        raise ValueError("shapes do not fit")
    return 2 / X.shape[1] * X.T @ (X @ theta - y)


@wrong("mse_gradient", "lets NumPy broadcast mismatched shapes instead of raising ValueError")
def mse_gradient(theta, X, y):
    theta, X, y = (np.asarray(a, dtype=float) for a in (theta, X, y))
    m = min(X.shape[0], y.shape[0])
    return 2 / m * X[:m].T @ (X[:m] @ theta - y[:m])


@right("mse_gradient", "a loop over the examples, adding 2·(xᵢᵀθ − yᵢ)·xᵢ / m")
def mse_gradient(theta, X, y):
    theta, X, y = np.asarray(theta, dtype=float), np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or len(theta) != X.shape[1] or theta.ndim != 1 or y.ndim != 1 or len(y) != len(X):
        raise ValueError("theta, X and y must have shapes (n,), (m, n) and (m,)")
    total = np.zeros(len(theta))
    for row, target in zip(X, y, strict=True):
        total += 2 * (row @ theta - target) * row
    return total / len(y)


@right("mse_gradient", "the normal-equation form (2/m)·(XᵀXθ − Xᵀy)")
def mse_gradient(theta, X, y):
    theta, X, y = (np.asarray(a, dtype=float) for a in (theta, X, y))
    if X.ndim != 2 or theta.shape != (X.shape[1],) or y.shape != (X.shape[0],):
        raise ValueError("shapes do not fit")
    return 2 * (X.T @ X @ theta - X.T @ y) / len(y)


# ------------------------------------------------------------------------- fit_linear_regression


@wrong("fit_linear_regression", "returns the least-squares solution directly, ignoring learning_rate and n_iterations")
def fit_linear_regression(X, y, learning_rate=0.1, n_iterations=500):
    return np.linalg.lstsq(np.asarray(X, dtype=float), np.asarray(y, dtype=float), rcond=None)[0]


@wrong("fit_linear_regression", "uses the gradient with 1/m instead of 2/m")
def fit_linear_regression(X, y, learning_rate=0.1, n_iterations=500):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    theta = np.zeros(X.shape[1])
    for _ in range(n_iterations):
        theta = theta - learning_rate * X.T @ (X @ theta - y) / len(y)
    return theta


@wrong("fit_linear_regression", "adds its own column of ones although X already has one")
def fit_linear_regression(X, y, learning_rate=0.1, n_iterations=500):
    X = np.column_stack([np.ones(len(X)), np.asarray(X, dtype=float)])
    y = np.asarray(y, dtype=float)
    theta = np.zeros(X.shape[1])
    for _ in range(n_iterations):
        theta = theta - learning_rate * 2 * X.T @ (X @ theta - y) / len(y)
    return theta


@wrong("fit_linear_regression", "starts from θ = 1 instead of θ = 0")
def fit_linear_regression(X, y, learning_rate=0.1, n_iterations=500):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    theta = np.ones(X.shape[1])
    for _ in range(n_iterations):
        theta = theta - learning_rate * 2 * X.T @ (X @ theta - y) / len(y)
    return theta


@wrong("fit_linear_regression", "off by one: performs n_iterations − 1 updates")
def fit_linear_regression(X, y, learning_rate=0.1, n_iterations=500):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    theta = np.zeros(X.shape[1])
    for _ in range(max(n_iterations - 1, 0)):
        theta = theta - learning_rate * 2 * X.T @ (X @ theta - y) / len(y)
    return theta


@right("fit_linear_regression", "precomputes XᵀX and Xᵀy, then iterates without calling other tasks")
def fit_linear_regression(X, y, learning_rate=0.1, n_iterations=500):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    m = len(y)
    gram, moment = 2 * X.T @ X / m, 2 * X.T @ y / m
    theta = np.zeros(X.shape[1])
    for _ in range(n_iterations):
        theta -= learning_rate * (gram @ theta - moment)
    return theta


# ----------------------------------------------------------------------------------- local_minima


@wrong("local_minima", "does not merge: returns every end point, sorted")
def local_minima(grad, starts, learning_rate=0.02, n_iterations=200, tol=1e-3):
    starts = np.asarray(starts, dtype=float)
    starts = starts[:, None] if starts.ndim == 1 else starts
    ends = []
    for start in starts:
        x = np.array(start, dtype=float)
        for _ in range(n_iterations):
            x = x - learning_rate * np.asarray(grad(x), dtype=float)
        if np.all(np.isfinite(x)):
            ends.append(x)
    ends = np.array(ends)
    return ends[np.lexsort(ends.T[::-1])]


@wrong("local_minima", "merges only exact duplicates with np.unique")
def local_minima(grad, starts, learning_rate=0.02, n_iterations=200, tol=1e-3):
    starts = np.asarray(starts, dtype=float)
    starts = starts[:, None] if starts.ndim == 1 else starts
    ends = []
    for start in starts:
        x = np.array(start, dtype=float)
        for _ in range(n_iterations):
            x = x - learning_rate * np.asarray(grad(x), dtype=float)
        if np.all(np.isfinite(x)):
            ends.append(x)
    return np.unique(np.array(ends), axis=0)


@wrong("local_minima", "merges correctly but returns the minima in the order they were found")
def local_minima(grad, starts, learning_rate=0.02, n_iterations=200, tol=1e-3):
    starts = np.asarray(starts, dtype=float)
    starts = starts[:, None] if starts.ndim == 1 else starts
    minima = []
    for start in starts:
        x = np.array(start, dtype=float)
        for _ in range(n_iterations):
            x = x - learning_rate * np.asarray(grad(x), dtype=float)
        if np.all(np.isfinite(x)) and not any(np.linalg.norm(x - m) < tol for m in minima):
            minima.append(x)
    return np.array(minima)


@wrong("local_minima", "keeps end points that are inf or nan")
def local_minima(grad, starts, learning_rate=0.02, n_iterations=200, tol=1e-3):
    starts = np.asarray(starts, dtype=float)
    starts = starts[:, None] if starts.ndim == 1 else starts
    minima = []
    with np.errstate(all="ignore"):
        for start in starts:
            x = np.array(start, dtype=float)
            for _ in range(n_iterations):
                x = x - learning_rate * np.asarray(grad(x), dtype=float)
            if not any(np.linalg.norm(x - m) < tol for m in minima):
                minima.append(x)
    minima = np.array(minima)
    return minima[np.lexsort(minima.T[::-1])]


@wrong("local_minima", "takes a single gradient step from each start instead of n_iterations")
def local_minima(grad, starts, learning_rate=0.02, n_iterations=200, tol=1e-3):
    starts = np.asarray(starts, dtype=float)
    starts = starts[:, None] if starts.ndim == 1 else starts
    minima = []
    for start in starts:
        x = start - learning_rate * np.asarray(grad(start), dtype=float)
        if np.all(np.isfinite(x)) and not any(np.linalg.norm(x - m) < tol for m in minima):
            minima.append(x)
    minima = np.array(minima)
    return minima[np.lexsort(minima.T[::-1])]


@right("local_minima", "groups all end points by pairwise distance and reports each group's mean")
def local_minima(grad, starts, learning_rate=0.02, n_iterations=200, tol=1e-3):
    starts = np.asarray(starts, dtype=float)
    starts = starts.reshape(-1, 1) if starts.ndim == 1 else starts
    ends = []
    with np.errstate(all="ignore"):
        for start in starts:
            x = start.copy()
            for _ in range(n_iterations):
                x = x - learning_rate * np.asarray(grad(x), dtype=float)
            ends.append(x)
    ends = np.array([e for e in ends if np.isfinite(e).all()]).reshape(-1, starts.shape[1])
    label = -np.ones(len(ends), dtype=int)
    groups = 0
    for i in range(len(ends)):
        if label[i] < 0:
            label[(label < 0) & (np.linalg.norm(ends - ends[i], axis=1) < tol)] = groups
            groups += 1
    means = np.array([ends[label == g].mean(axis=0) for g in range(groups)]).reshape(-1, starts.shape[1])
    return np.array(sorted(means.tolist())).reshape(-1, starts.shape[1])


@right("local_minima", "uses the gradient_descent task for each start")
def local_minima(grad, starts, learning_rate=0.02, n_iterations=200, tol=1e-3):
    starts = np.atleast_2d(np.asarray(starts, dtype=float).T).T
    found = []
    for start in starts:
        with np.errstate(all="ignore"):
            end = gradient_descent(grad, start, learning_rate, n_iterations)[-1]
        if np.isfinite(end).all() and all(np.linalg.norm(end - f) >= tol for f in found):
            found.append(end)
    found.sort(key=tuple)
    return np.array(found).reshape(len(found), starts.shape[1])


# ------------------------------------------------------------------------ max_stable_learning_rate


@wrong("max_stable_learning_rate", "1/λmax instead of 2/λmax")
def max_stable_learning_rate(A):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("A must be square")
    lam = np.linalg.eigvalsh((A + A.T) / 2)
    if lam[0] <= 0:
        raise ValueError("A is not positive definite")
    return float(1.0 / lam[-1])


@wrong("max_stable_learning_rate", "2/λmin instead of 2/λmax")
def max_stable_learning_rate(A):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("A must be square")
    lam = np.linalg.eigvalsh((A + A.T) / 2)
    if lam[0] <= 0:
        raise ValueError("A is not positive definite")
    return float(2.0 / lam[0])


@wrong("max_stable_learning_rate", "2/trace(A) instead of 2/λmax")
def max_stable_learning_rate(A):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("A must be square")
    if np.linalg.eigvalsh((A + A.T) / 2)[0] <= 0:
        raise ValueError("A is not positive definite")
    return float(2.0 / np.trace(A))


@wrong("max_stable_learning_rate", "eigenvalues of the non-symmetrised matrix (np.linalg.eigvals(A))")
def max_stable_learning_rate(A):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("A must be square")
    lam = np.linalg.eigvals(A).real
    if lam.min() <= 0:
        raise ValueError("A is not positive definite")
    return float(2.0 / lam.max())


@wrong("max_stable_learning_rate", "eigvalsh on A without symmetrising (reads the lower triangle only)")
def max_stable_learning_rate(A):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("A must be square")
    lam = np.linalg.eigvalsh(A)
    if lam[0] <= 0:
        raise ValueError("A is not positive definite")
    return float(2.0 / lam[-1])


@wrong("max_stable_learning_rate", "no positive-definiteness check: returns 2/λmax of any matrix")
def max_stable_learning_rate(A):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("A must be square")
    return float(2.0 / np.linalg.eigvalsh((A + A.T) / 2)[-1])


@right("max_stable_learning_rate", "the spectral norm of the symmetric part, with a Cholesky test for definiteness")
def max_stable_learning_rate(A):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("A must be a square matrix")
    S = (A + A.T) / 2
    try:
        np.linalg.cholesky(S)
    except np.linalg.LinAlgError:
        raise ValueError("A is not positive definite") from None
    return 2.0 / np.linalg.norm(S, 2)
