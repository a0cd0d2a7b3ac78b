"""Known mistakes re-implemented by hand, in code unlike the variant's: ``HAND_WRITTEN[day][(task, why)]``
is a function's source making the mistake the variant ``why`` of ``task`` describes, written the way
another student might (loops where the variant vectorises, other names, other order of operations)."""

HAND_WRITTEN: dict[str, dict[tuple[str, str], str]] = {
    "day_39": {
        ("symbolic_derivative", "returns the pair in the wrong order"): '''
def symbolic_derivative():
    t = sp.Symbol("x")
    poly = t**3 - 2 * t**2 + 5
    slope = sp.diff(poly, t)
    return slope, poly
''',
        ("numerical_gradient", "always uses a step of 1e-3, whatever step is given"): '''
def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    h = 0.001
    point = np.array([x_val, y_val], dtype=float)
    value = lambda q: q[0] ** 2 * q[1] + q[1] ** 3
    out = []
    for k in range(2):
        moved = point.copy()
        moved[k] += h
        out.append((value(moved) - value(point)) / h)
    return np.array(out)
''',
        ("chain_rule_derivative", "forgets the inner derivative: 2(2x + 1)"): '''
def chain_rule_derivative():
    x = sp.Symbol("x")
    inner = 2 * x + 1
    return sp.expand(inner**2), 2 * inner
''',
    },
    "day_40": {
        ("central_difference", "divides by h instead of 2h"): '''
def central_difference(f, x, h=1e-5):
    ahead = f(x + h)
    behind = f(x - h)
    return (ahead - behind) * (1.0 / h)
''',
        ("partial_derivative", "a forward difference"): '''
def partial_derivative(f, point, i, h=1e-5):
    base = np.asarray(point, dtype=float).copy()
    if i < 0 or i >= len(base):
        raise ValueError("there is no such coordinate")
    moved = base.copy()
    moved[i] = moved[i] + h
    return float((f(moved) - f(base)) / h)
''',
        ("gradient", "forward differences"): '''
def gradient(f, point, h=1e-5):
    base = np.array(point, dtype=float)
    here = f(base)
    out = np.zeros(len(base))
    for k in range(len(base)):
        moved = base.copy()
        moved[k] += h
        out[k] = (f(moved) - here) / h
    return out
''',
        ("trapezoid", "a left Riemann sum"): '''
def trapezoid(f, a, b, n=100):
    if n < 1:
        raise ValueError("n must be positive")
    width = (b - a) / n
    total = 0.0
    for k in range(n):
        total += f(a + k * width)
    return float(width * total)
''',
        ("simpson", "h/6 in place of h/3"): '''
def simpson(f, a, b, n=100):
    if n < 2 or n % 2:
        raise ValueError("n must be even and at least 2")
    h = (b - a) / n
    ys = np.asarray(f(np.linspace(a, b, n + 1)), dtype=float) * np.ones(n + 1)
    weights = np.array([1.0] + [4.0 if k % 2 else 2.0 for k in range(1, n)] + [1.0])
    return float(h / 6 * np.dot(weights, ys))
''',
    },
    "day_42": {
        ("sigmoid", "sign slip: 1 / (1 + exp(z))"): '''
def sigmoid(z):
    flipped = -np.asarray(z, dtype=float)
    small = np.exp(-np.abs(flipped))
    return np.where(flipped >= 0, 1 / (1 + small), small / (1 + small))
''',
        ("sigmoid_derivative", "z * (1 - z): treats z as if it were σ(z)"): '''
def sigmoid_derivative(z):
    values = np.asarray(z, dtype=float)
    return values - values**2
''',
        ("softmax", "over the columns (axis=0) instead of the rows"): '''
def softmax(z):
    a = np.array(z, dtype=float)
    if a.ndim not in (1, 2):
        raise ValueError("1-D or 2-D input only")
    if a.ndim == 1:
        e = np.exp(a - a.max())
        return e / e.sum()
    out = []
    for column in a.T:
        e = np.exp(column - column.max())
        out.append(e / e.sum())
    return np.array(out).T
''',
    },
    "day_43": {
        ("hessian", "keeps only the diagonal: the mixed terms are missing"): '''
def hessian(expr, variables):
    size = len(variables)
    rows = [[0] * size for _ in range(size)]
    for k, v in enumerate(variables):
        first = sp.diff(expr, v)
        rows[k][k] = sp.diff(first, v)
    return sp.Matrix(rows)
''',
        ("jacobian", "transposed: rows are variables, columns are functions"): '''
def jacobian(exprs, variables):
    table = []
    for v in variables:
        table.append([sp.diff(f, v) for f in exprs])
    return sp.Matrix(table)
''',
    },
    "day_44": {
        ("regression_cost", "divides by m, not 2m (the mean squared error)"): '''
def regression_cost(y_hat, y):
    predicted = np.asarray(y_hat, dtype=float)
    target = np.asarray(y, dtype=float)
    if predicted.shape != target.shape or target.size == 0:
        raise ValueError("y_hat and y must have one shape")
    total = 0.0
    for a, b in zip(predicted.ravel(), target.ravel()):
        total += (a - b) * (a - b)
    return total / target.size
''',
        ("log_loss", "forgets the minus sign: a negative loss"): '''
def log_loss(p, y, eps=1e-12):
    probs = np.asarray(p, dtype=float)
    labels = np.asarray(y, dtype=float)
    if probs.shape != labels.shape or labels.size == 0:
        raise ValueError("p and y must have one shape")
    safe = np.minimum(np.maximum(probs, eps), 1 - eps)
    terms = labels * np.log(safe) + (1 - labels) * np.log(1 - safe)
    return float(terms.sum() / labels.size)
''',
    },
    "day_41": {
        ("mse_gradient", "sign slip: uses the residual y − Xθ"): '''
def mse_gradient(theta, X, y):
    weights = np.asarray(theta, dtype=float)
    features = np.asarray(X, dtype=float)
    targets = np.asarray(y, dtype=float)
    if features.ndim != 2 or weights.shape != (features.shape[1],) or targets.shape != (features.shape[0],):
        raise ValueError("theta, X and y do not fit together")
    m = len(targets)
    grad = np.zeros(len(weights))
    for row, target in zip(features, targets):
        grad += (target - row @ weights) * row
    return 2 * grad / m
''',
    },
    "day_45": {
        ("compare_methods", "reports relative errors instead of absolute ones"): '''
def compare_methods(expr, x0, step=1e-6):
    free = sorted(expr.free_symbols, key=lambda s: s.name)
    if len(free) != 1 or step <= 0:
        raise ValueError("expr needs exactly one symbol and step must be positive")
    x = free[0]
    clock = time.perf_counter
    start = clock()
    exact = float(sp.diff(expr, x).subs(x, x0))
    symbolic_seconds = clock() - start
    g = sp.lambdify(x, expr, modules=[{"sqrt": lambda value: value ** 0.5}])  # dual numbers have no np.sqrt
    start = clock()
    finite = (g(x0 + step) - g(x0)) / step
    finite_seconds = clock() - start
    start = clock()
    forward = forward_mode_derivative(g, x0)[1]
    forward_seconds = clock() - start
    scale = abs(exact)
    return {
        "symbolic": {"derivative": exact, "error": 0.0, "seconds": symbolic_seconds},
        "finite_difference": {"derivative": finite, "error": abs(finite - exact) / scale, "seconds": finite_seconds},
        "forward_mode": {"derivative": forward, "error": abs(forward - exact) / scale, "seconds": forward_seconds},
    }
''',
    },
}
