"""Day 40 variants: known-wrong answers the checks must catch, and other correct answers they must accept.

Each function replaces the reference function of its task in an otherwise correct solution.
"""

import numpy as np

from daykit.checking.variants import right, wrong

# ------------------------------------------------------------------------------- central_difference


@wrong("central_difference", "a forward difference passed off as central")
def central_difference(f, x, h=1e-5):
    return (f(x + h) - f(x)) / h


@wrong("central_difference", "divides by h instead of 2h")
def central_difference(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / h


@wrong("central_difference", "ignores h and always uses a step of 1e-6")
def central_difference(f, x, h=1e-5):
    step = 1e-6
    return (f(x + step) - f(x - step)) / (2 * step)


@wrong("central_difference", "a backward difference")
def central_difference(f, x, h=1e-5):
    return (f(x) - f(x - h)) / h


@wrong("central_difference", "loops over the entries and returns a list for an array x")
def central_difference(f, x, h=1e-5):
    if np.ndim(x) == 0:
        return (f(x + h) - f(x - h)) / (2 * h)
    return [(f(t + h) - f(t - h)) / (2 * h) for t in np.ravel(x)]


@wrong("central_difference", "flattens an array x, losing its shape")
def central_difference(f, x, h=1e-5):
    x = np.ravel(np.asarray(x, dtype=float))
    result = (f(x + h) - f(x - h)) / (2 * h)
    return float(result[0]) if result.size == 1 else result


@right("central_difference", "the mean of a forward and a backward difference")
def central_difference(f, x, h=1e-5):
    forward = (f(x + h) - f(x)) / h
    backward = (f(x) - f(x - h)) / h
    return (forward + backward) / 2


@right("central_difference", "written as 0.5/h times the difference, returning NumPy values")
def central_difference(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    return (0.5 / h) * (f(x + h) - f(x - h))


# ------------------------------------------------------------------------------- partial_derivative


@wrong("partial_derivative", "moves every coordinate, not only coordinate i")
def partial_derivative(f, point, i, h=1e-5):
    p = np.array(point, dtype=float)
    if not 0 <= i < p.shape[0]:
        raise ValueError(f"i = {i} out of range")
    return float((f(p + h) - f(p - h)) / (2 * h))


@wrong("partial_derivative", "a forward difference")
def partial_derivative(f, point, i, h=1e-5):
    p = np.array(point, dtype=float)
    if not 0 <= i < p.shape[0]:
        raise ValueError(f"i = {i} out of range")
    q = p.copy()
    q[i] += h
    return float((f(q) - f(p)) / h)


@wrong("partial_derivative", "keeps an integer point's dtype, so p[i] + h is rounded back to p[i]")
def partial_derivative(f, point, i, h=1e-5):
    if not 0 <= i < len(point):
        raise ValueError(f"i = {i} out of range")
    up, down = np.array(point), np.array(point)
    up[i] += h
    down[i] -= h
    return float((f(up) - f(down)) / (2 * h))


@wrong("partial_derivative", "checks only i >= n, so i = -1 silently means the last coordinate")
def partial_derivative(f, point, i, h=1e-5):
    p = np.array(point, dtype=float)
    if i >= p.shape[0]:
        raise ValueError(f"i = {i} out of range")
    e = np.zeros(p.shape[0])
    e[i] = h
    return float((f(p + e) - f(p - e)) / (2 * h))


@wrong("partial_derivative", "lets Python raise IndexError instead of a ValueError")
def partial_derivative(f, point, i, h=1e-5):
    p = np.array(point, dtype=float)
    e = np.zeros(p.shape[0])
    e[i] = h
    if i < 0:
        raise ValueError("negative index")
    return float((f(p + e) - f(p - e)) / (2 * h))


@wrong("partial_derivative", "divides by h instead of 2h")
def partial_derivative(f, point, i, h=1e-5):
    p = np.array(point, dtype=float)
    if not 0 <= i < p.shape[0]:
        raise ValueError(f"i = {i} out of range")
    e = np.zeros(p.shape[0])
    e[i] = h
    return float((f(p + e) - f(p - e)) / h)


@right("partial_derivative", "the unit vector taken as a row of np.eye")
def partial_derivative(f, point, i, h=1e-5):
    p = np.asarray(point, dtype=float)
    n = len(p)
    if i < 0 or i >= n:
        raise ValueError(f"index {i} is out of range for {n} coordinates")
    e = np.eye(n)[i]
    return (f(p + h * e) - f(p - h * e)) / (2 * h)


@right("partial_derivative", "the derivative of the restriction t -> f(p with p_i = t)")
def partial_derivative(f, point, i, h=1e-5):
    if not isinstance(i, (int, np.integer)) or not 0 <= i < np.shape(point)[0]:
        raise ValueError("i must be a coordinate index, 0 <= i < n")

    def along(t):
        q = np.array(point, dtype=float)
        q[i] = t
        return f(q)

    t0 = float(point[i])
    return (along(t0 + h) - along(t0 - h)) / (2 * h)


# ------------------------------------------------------------------------------------------ gradient


@wrong("gradient", "returns a list instead of a NumPy array")
def gradient(f, point, h=1e-5):
    p = np.array(point, dtype=float)
    out = []
    for i in range(len(p)):
        e = np.zeros(len(p))
        e[i] = h
        out.append(float((f(p + e) - f(p - e)) / (2 * h)))
    return out


@wrong("gradient", "moves every coordinate at once: n copies of the diagonal slope")
def gradient(f, point, h=1e-5):
    p = np.array(point, dtype=float)
    slope = (f(p + h) - f(p - h)) / (2 * h)
    return np.full(len(p), slope)


@wrong("gradient", "forward differences")
def gradient(f, point, h=1e-5):
    p = np.array(point, dtype=float)
    base = f(p)
    return np.array([(f(p + h * e) - base) / h for e in np.eye(len(p))])


@wrong("gradient", "divides by h instead of 2h")
def gradient(f, point, h=1e-5):
    p = np.array(point, dtype=float)
    return np.array([(f(p + h * e) - f(p - h * e)) / h for e in np.eye(len(p))])


@wrong("gradient", "returns a column of shape (n, 1)")
def gradient(f, point, h=1e-5):
    p = np.array(point, dtype=float)
    return np.array([[(f(p + h * e) - f(p - h * e)) / (2 * h)] for e in np.eye(len(p))])


@wrong("gradient", "moves the caller's point in place and back by arithmetic, which rounds: the point changes")
def gradient(f, point, h=1e-5):
    p = np.asarray(point, dtype=float)  # the caller's own array when it is already float
    grad = np.empty(p.shape[0])
    for i in range(p.shape[0]):
        p[i] += h
        up = f(p)
        p[i] -= 2 * h
        down = f(p)
        p[i] += h
        grad[i] = (up - down) / (2 * h)
    return grad


@right("gradient", "vectorised over the rows of h·np.eye(n)")
def gradient(f, point, h=1e-5):
    p = np.asarray(point, dtype=float)
    steps = h * np.eye(p.size)
    return np.array([f(p + e) - f(p - e) for e in steps]) / (2 * h)


@right("gradient", "one coordinate at a time on a working copy, restored after each")
def gradient(f, point, h=1e-5):
    work = np.array(point, dtype=float)
    grad = np.empty(work.shape[0])
    for i in range(work.shape[0]):
        keep = work[i]
        work[i] = keep + h
        up = f(work)
        work[i] = keep - h
        down = f(work)
        work[i] = keep
        grad[i] = (up - down) / (2 * h)
    return grad


# ----------------------------------------------------------------------------------------- trapezoid


@wrong("trapezoid", "published bug: divides by the number of points, h = (b - a)/(n + 1)")
def trapezoid(f, a, b, n=100):
    if n < 1:
        raise ValueError("n must be at least 1")
    x = np.linspace(a, b, n + 1)
    y = f(x) * np.ones(n + 1)
    h = (b - a) / (n + 1)
    return float(h * (y.sum() - (y[0] + y[-1]) / 2))


@wrong("trapezoid", "published bug: n points instead of n subintervals, h = (b - a)/n")
def trapezoid(f, a, b, n=100):
    if n < 1:
        raise ValueError("n must be at least 1")
    x = np.linspace(a, b, n)
    y = f(x) * np.ones(n)
    h = (b - a) / n
    return float(h * (y.sum() - (y[0] + y[-1]) / 2))


@wrong("trapezoid", "n + 1 subintervals: counts n + 2 points with h = (b - a)/(n + 1)")
def trapezoid(f, a, b, n=100):
    if n < 1:
        raise ValueError("n must be at least 1")
    x = np.linspace(a, b, n + 2)
    y = f(x) * np.ones(n + 2)
    h = (b - a) / (n + 1)
    return float(h * (y.sum() - (y[0] + y[-1]) / 2))


@wrong("trapezoid", "double-counts the end points (full weight plus half weight)")
def trapezoid(f, a, b, n=100):
    if n < 1:
        raise ValueError("n must be at least 1")
    x = np.linspace(a, b, n + 1)
    y = f(x) * np.ones(n + 1)
    h = (b - a) / n
    return float(h * (y.sum() + (y[0] + y[-1]) / 2))


@wrong("trapezoid", "a left Riemann sum")
def trapezoid(f, a, b, n=100):
    if n < 1:
        raise ValueError("n must be at least 1")
    x = np.linspace(a, b, n + 1)
    h = (b - a) / n
    return float(h * np.sum(f(x[:-1])))


@wrong("trapezoid", "does not check n, so n = 0 divides by zero")
def trapezoid(f, a, b, n=100):
    h = (b - a) / n
    x = np.linspace(a, b, n + 1)
    y = f(x) * np.ones(n + 1)
    return float(h * (y.sum() - (y[0] + y[-1]) / 2))


@right("trapezoid", "a loop adding one trapezoid per subinterval")
def trapezoid(f, a, b, n=100):
    if n < 1:
        raise ValueError(f"n = {n}: at least one subinterval is needed")
    h = (b - a) / n
    total = 0.0
    for k in range(n):
        left, right_ = a + k * h, a + (k + 1) * h
        total += h * (f(left) + f(right_)) / 2
    return total


@right("trapezoid", "the mean of the left and right Riemann sums")
def trapezoid(f, a, b, n=100):
    if n < 1:
        raise ValueError("n must be >= 1")
    x = np.linspace(a, b, n + 1)
    y = np.broadcast_to(f(x), x.shape)
    h = (b - a) / n
    return (h * y[:-1].sum() + h * y[1:].sum()) / 2


@right("trapezoid", "a weights array dotted with the values")
def trapezoid(f, a, b, n=100):
    if n < 1:
        raise ValueError("n must be >= 1")
    h = (b - a) / n
    weights = np.full(n + 1, h)
    weights[[0, -1]] = h / 2
    return float(weights @ (f(a + h * np.arange(n + 1)) * np.ones(n + 1)))


# ------------------------------------------------------------------------------------------- simpson


@wrong("simpson", "weights swapped: 2 at the odd points and 4 at the even inner points")
def simpson(f, a, b, n=100):
    if n < 2 or n % 2:
        raise ValueError("n must be even and at least 2")
    x = np.linspace(a, b, n + 1)
    y = f(x) * np.ones(n + 1)
    h = (b - a) / n
    return float(h / 3 * (y[0] + y[-1] + 2 * y[1:-1:2].sum() + 4 * y[2:-1:2].sum()))


@wrong("simpson", "accepts an odd n silently")
def simpson(f, a, b, n=100):
    if n < 2:
        raise ValueError("n must be at least 2")
    x = np.linspace(a, b, n + 1)
    y = f(x) * np.ones(n + 1)
    h = (b - a) / n
    return float(h / 3 * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum()))


@wrong("simpson", "reads n as the number of parabolas: 2n subintervals")
def simpson(f, a, b, n=100):
    if n < 2 or n % 2:
        raise ValueError("n must be even and at least 2")
    m = 2 * n
    x = np.linspace(a, b, m + 1)
    y = f(x) * np.ones(m + 1)
    h = (b - a) / m
    return float(h / 3 * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum()))


@wrong("simpson", "divides by the number of points, h = (b - a)/(n + 1)")
def simpson(f, a, b, n=100):
    if n < 2 or n % 2:
        raise ValueError("n must be even and at least 2")
    x = np.linspace(a, b, n + 1)
    y = f(x) * np.ones(n + 1)
    h = (b - a) / (n + 1)
    return float(h / 3 * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum()))


@wrong("simpson", "checks only that n is even, so n = 0 divides by zero")
def simpson(f, a, b, n=100):
    if n % 2:
        raise ValueError("n must be even")
    h = (b - a) / n
    x = np.linspace(a, b, n + 1)
    y = f(x) * np.ones(n + 1)
    return float(h / 3 * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum()))


@wrong("simpson", "h/6 in place of h/3")
def simpson(f, a, b, n=100):
    if n < 2 or n % 2:
        raise ValueError("n must be even and at least 2")
    x = np.linspace(a, b, n + 1)
    y = f(x) * np.ones(n + 1)
    h = (b - a) / n
    return float(h / 6 * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum()))


@right("simpson", "a weights array 1, 4, 2, ..., 4, 1")
def simpson(f, a, b, n=100):
    if n < 2 or n % 2 != 0:
        raise ValueError(f"n = {n}: Simpson's rule needs an even n >= 2")
    h = (b - a) / n
    weights = np.ones(n + 1)
    weights[1:-1:2] = 4
    weights[2:-1:2] = 2
    return float(h / 3 * weights @ (f(np.linspace(a, b, n + 1)) * np.ones(n + 1)))


@right("simpson", "Richardson: (4·T_n − T_(n/2))/3 from two trapezoid sums")
def simpson(f, a, b, n=100):
    if n < 2 or n % 2 != 0:
        raise ValueError("n must be an even number of subintervals, at least 2")

    def trap(m):
        x = np.linspace(a, b, m + 1)
        y = f(x) * np.ones(m + 1)
        return (b - a) / m * (y.sum() - (y[0] + y[-1]) / 2)

    return (4 * trap(n) - trap(n // 2)) / 3


@right("simpson", "a loop over the pairs of subintervals, one parabola each")
def simpson(f, a, b, n=100):
    if n < 2 or n % 2 == 1:
        raise ValueError("Simpson's rule: n must be even and >= 2")
    h = (b - a) / n
    total = 0.0
    for j in range(n // 2):
        x0 = a + 2 * j * h
        total += h / 3 * (f(x0) + 4 * f(x0 + h) + f(x0 + 2 * h))
    return total


@wrong("simpson", "raises a bare ValueError with no message")
def simpson(f, a, b, n=100):
    if n < 2 or n % 2:
        raise ValueError
    x = np.linspace(a, b, n + 1)
    y = f(x) * np.ones(n + 1)
    h = (b - a) / n
    return float(h / 3 * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum()))
