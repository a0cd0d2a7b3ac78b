"""Day 45 variants: known-wrong answers the checks must catch, and other correct answers they must accept.

Each function replaces the reference function of its task in an otherwise correct solution. The classes a
variant needs are defined inside it, so each variant carries its own bug.
"""

import math
import time
from collections import deque

import numpy as np
import sympy as sp

from daykit.checking.variants import right, wrong

# -------------------------------------------------------------------------- forward_mode_derivative


@wrong("forward_mode_derivative", "product rule u'v' instead of u'v + uv'")
def forward_mode_derivative(f, x):
    class D:
        def __init__(self, v, d=0.0):
            self.v, self.d = float(v), float(d)

        def _l(self, o):
            return o if isinstance(o, D) else D(o)

        def __add__(self, o):
            o = self._l(o)
            return D(self.v + o.v, self.d + o.d)

        __radd__ = __add__

        def __sub__(self, o):
            o = self._l(o)
            return D(self.v - o.v, self.d - o.d)

        def __rsub__(self, o):
            return self._l(o) - self

        def __mul__(self, o):
            o = self._l(o)
            return D(self.v * o.v, self.d * o.d)

        __rmul__ = __mul__

        def __truediv__(self, o):
            o = self._l(o)
            return D(self.v / o.v, (self.d * o.v - self.v * o.d) / o.v**2)

        def __rtruediv__(self, o):
            return self._l(o) / self

        def __neg__(self):
            return D(-self.v, -self.d)

        def __pow__(self, n):
            return D(self.v**n, n * self.v ** (n - 1) * self.d)

    if not math.isfinite(x):
        raise ValueError("x must be finite")
    out = f(D(x, 1.0))
    return (out.v, out.d) if isinstance(out, D) else (float(out), 0.0)


@wrong("forward_mode_derivative", "quotient rule with the wrong sign: (u'v + uv')/v²")
def forward_mode_derivative(f, x):
    class D:
        def __init__(self, v, d=0.0):
            self.v, self.d = float(v), float(d)

        def _l(self, o):
            return o if isinstance(o, D) else D(o)

        def __add__(self, o):
            o = self._l(o)
            return D(self.v + o.v, self.d + o.d)

        __radd__ = __add__

        def __sub__(self, o):
            o = self._l(o)
            return D(self.v - o.v, self.d - o.d)

        def __rsub__(self, o):
            return self._l(o) - self

        def __mul__(self, o):
            o = self._l(o)
            return D(self.v * o.v, self.d * o.v + self.v * o.d)

        __rmul__ = __mul__

        def __truediv__(self, o):
            o = self._l(o)
            return D(self.v / o.v, (self.d * o.v + self.v * o.d) / o.v**2)

        def __rtruediv__(self, o):
            return self._l(o) / self

        def __neg__(self):
            return D(-self.v, -self.d)

        def __pow__(self, n):
            return D(self.v**n, n * self.v ** (n - 1) * self.d)

    if not math.isfinite(x):
        raise ValueError("x must be finite")
    out = f(D(x, 1.0))
    return (out.v, out.d) if isinstance(out, D) else (float(out), 0.0)


@wrong("forward_mode_derivative", "no reflected operators: 2 - x and 1 / x raise TypeError")
def forward_mode_derivative(f, x):
    class D:
        def __init__(self, v, d=0.0):
            self.v, self.d = float(v), float(d)

        def _l(self, o):
            return o if isinstance(o, D) else D(o)

        def __add__(self, o):
            o = self._l(o)
            return D(self.v + o.v, self.d + o.d)

        def __sub__(self, o):
            o = self._l(o)
            return D(self.v - o.v, self.d - o.d)

        def __mul__(self, o):
            o = self._l(o)
            return D(self.v * o.v, self.d * o.v + self.v * o.d)

        def __truediv__(self, o):
            o = self._l(o)
            return D(self.v / o.v, (self.d * o.v - self.v * o.d) / o.v**2)

        def __neg__(self):
            return D(-self.v, -self.d)

        def __pow__(self, n):
            return D(self.v**n, n * self.v ** (n - 1) * self.d)

    if not math.isfinite(x):
        raise ValueError("x must be finite")
    out = f(D(x, 1.0))
    return (out.v, out.d) if isinstance(out, D) else (float(out), 0.0)


@wrong("forward_mode_derivative", "reflected subtraction not reversed: 3 - d computed as d - 3")
def forward_mode_derivative(f, x):
    class D:
        def __init__(self, v, d=0.0):
            self.v, self.d = float(v), float(d)

        def _l(self, o):
            return o if isinstance(o, D) else D(o)

        def __add__(self, o):
            o = self._l(o)
            return D(self.v + o.v, self.d + o.d)

        __radd__ = __add__

        def __sub__(self, o):
            o = self._l(o)
            return D(self.v - o.v, self.d - o.d)

        __rsub__ = __sub__

        def __mul__(self, o):
            o = self._l(o)
            return D(self.v * o.v, self.d * o.v + self.v * o.d)

        __rmul__ = __mul__

        def __truediv__(self, o):
            o = self._l(o)
            return D(self.v / o.v, (self.d * o.v - self.v * o.d) / o.v**2)

        def __rtruediv__(self, o):
            return self._l(o) / self

        def __neg__(self):
            return D(-self.v, -self.d)

        def __pow__(self, n):
            return D(self.v**n, n * self.v ** (n - 1) * self.d)

    if not math.isfinite(x):
        raise ValueError("x must be finite")
    out = f(D(x, 1.0))
    return (out.v, out.d) if isinstance(out, D) else (float(out), 0.0)


@wrong("forward_mode_derivative", "power by repeated multiplication: x**-2 comes out as the constant 1")
def forward_mode_derivative(f, x):
    class D:
        def __init__(self, v, d=0.0):
            self.v, self.d = float(v), float(d)

        def _l(self, o):
            return o if isinstance(o, D) else D(o)

        def __add__(self, o):
            o = self._l(o)
            return D(self.v + o.v, self.d + o.d)

        __radd__ = __add__

        def __sub__(self, o):
            o = self._l(o)
            return D(self.v - o.v, self.d - o.d)

        def __rsub__(self, o):
            return self._l(o) - self

        def __mul__(self, o):
            o = self._l(o)
            return D(self.v * o.v, self.d * o.v + self.v * o.d)

        __rmul__ = __mul__

        def __truediv__(self, o):
            o = self._l(o)
            return D(self.v / o.v, (self.d * o.v - self.v * o.d) / o.v**2)

        def __rtruediv__(self, o):
            return self._l(o) / self

        def __neg__(self):
            return D(-self.v, -self.d)

        def __pow__(self, n):
            if n != int(n):  # fractional powers by the power rule, whole ones by repeated products
                return D(self.v**n, n * self.v ** (n - 1) * self.d)
            result = D(1.0)
            for _ in range(int(n)):
                result = result * self
            return result

    if not math.isfinite(x):
        raise ValueError("x must be finite")
    out = f(D(x, 1.0))
    return (out.v, out.d) if isinstance(out, D) else (float(out), 0.0)


@wrong("forward_mode_derivative", "a central difference with h = 1e-6 instead of dual numbers")
def forward_mode_derivative(f, x):
    if not math.isfinite(x):
        raise ValueError("x must be finite")
    h = 1e-6
    return float(f(x)), (f(x + h) - f(x - h)) / (2 * h)


@wrong("forward_mode_derivative", "seeds the input with derivative 0 instead of 1")
def forward_mode_derivative(f, x):
    class D:
        def __init__(self, v, d=0.0):
            self.v, self.d = float(v), float(d)

        def _l(self, o):
            return o if isinstance(o, D) else D(o)

        def __add__(self, o):
            o = self._l(o)
            return D(self.v + o.v, self.d + o.d)

        __radd__ = __add__

        def __sub__(self, o):
            o = self._l(o)
            return D(self.v - o.v, self.d - o.d)

        def __rsub__(self, o):
            return self._l(o) - self

        def __mul__(self, o):
            o = self._l(o)
            return D(self.v * o.v, self.d * o.v + self.v * o.d)

        __rmul__ = __mul__

        def __truediv__(self, o):
            o = self._l(o)
            return D(self.v / o.v, (self.d * o.v - self.v * o.d) / o.v**2)

        def __rtruediv__(self, o):
            return self._l(o) / self

        def __neg__(self):
            return D(-self.v, -self.d)

        def __pow__(self, n):
            return D(self.v**n, n * self.v ** (n - 1) * self.d)

    if not math.isfinite(x):
        raise ValueError("x must be finite")
    out = f(D(x))
    return (out.v, out.d) if isinstance(out, D) else (float(out), 0.0)


@right("forward_mode_derivative", "division through a reciprocal, every operand coerced by one helper")
def forward_mode_derivative(f, x):
    class Dual:
        def __init__(self, value, derivative=0.0):
            self.value, self.derivative = value, derivative

        @staticmethod
        def coerce(other):
            return other if isinstance(other, Dual) else Dual(other)

        def reciprocal(self):
            return Dual(1.0 / self.value, -self.derivative / (self.value * self.value))

        def __add__(self, other):
            other = Dual.coerce(other)
            return Dual(self.value + other.value, self.derivative + other.derivative)

        def __radd__(self, other):
            return Dual.coerce(other) + self

        def __neg__(self):
            return Dual(-self.value, -self.derivative)

        def __sub__(self, other):
            return self + (-Dual.coerce(other))

        def __rsub__(self, other):
            return Dual.coerce(other) + (-self)

        def __mul__(self, other):
            other = Dual.coerce(other)
            return Dual(self.value * other.value, self.value * other.derivative + self.derivative * other.value)

        def __rmul__(self, other):
            return Dual.coerce(other) * self

        def __truediv__(self, other):
            return self * Dual.coerce(other).reciprocal()

        def __rtruediv__(self, other):
            return Dual.coerce(other) * self.reciprocal()

        def __pow__(self, n):
            if n == 0:
                return Dual(1.0)
            return Dual(self.value**n, n * self.value ** (n - 1) * self.derivative)

    if isinstance(x, bool) or not isinstance(x, (int, float)) or math.isnan(x) or math.isinf(x):
        raise ValueError("x must be a finite real number")
    result = f(Dual(float(x), 1.0))
    if not isinstance(result, Dual):
        return float(result), 0.0
    return np.float64(result.value), np.float64(result.derivative)


@right("forward_mode_derivative", "dual numbers as value/derivative pairs in a small immutable class")
def forward_mode_derivative(f, x):
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Pair:
        a: float
        b: float = 0.0

        def __add__(self, o):
            o = o if isinstance(o, Pair) else Pair(o)
            return Pair(self.a + o.a, self.b + o.b)

        def __radd__(self, o):
            return self + o

        def __sub__(self, o):
            return self + (-1.0) * o

        def __rsub__(self, o):
            return (-1.0) * self + o

        def __mul__(self, o):
            o = o if isinstance(o, Pair) else Pair(o)
            return Pair(self.a * o.a, self.b * o.a + self.a * o.b)

        def __rmul__(self, o):
            return self * o

        def __truediv__(self, o):
            o = o if isinstance(o, Pair) else Pair(o)
            q = self.a / o.a
            return Pair(q, (self.b - q * o.b) / o.a)

        def __rtruediv__(self, o):
            return Pair(o) / self

        def __neg__(self):
            return Pair(-self.a, -self.b)

        def __pow__(self, n):
            return Pair(self.a**n, n * self.a ** (n - 1) * self.b)

    if not math.isfinite(x):
        raise ValueError("x must be finite")
    out = f(Pair(float(x), 1.0))
    return (out.a, out.b) if isinstance(out, Pair) else (float(out), 0.0)


# ---------------------------------------------------------------------------- reverse_mode_gradient


@wrong("reverse_mode_gradient", "overwrites grads (=) instead of accumulating them (+=)")
def reverse_mode_gradient(f, point):
    class N:
        def __init__(self, v, parents=()):
            self.v, self.parents, self.grad = float(v), tuple(parents), 0.0

        def _l(self, o):
            return o if isinstance(o, N) else N(o)

        def __add__(self, o):
            o = self._l(o)
            return N(self.v + o.v, [(self, 1.0), (o, 1.0)])

        __radd__ = __add__

        def __sub__(self, o):
            o = self._l(o)
            return N(self.v - o.v, [(self, 1.0), (o, -1.0)])

        def __rsub__(self, o):
            return self._l(o) - self

        def __mul__(self, o):
            o = self._l(o)
            return N(self.v * o.v, [(self, o.v), (o, self.v)])

        __rmul__ = __mul__

        def __truediv__(self, o):
            o = self._l(o)
            return N(self.v / o.v, [(self, 1 / o.v), (o, -self.v / o.v**2)])

        def __rtruediv__(self, o):
            return self._l(o) / self

        def __neg__(self):
            return N(-self.v, [(self, -1.0)])

        def __pow__(self, n):
            return N(self.v**n, [(self, n * self.v ** (n - 1))])

    coordinates = np.asarray(point, dtype=float)
    if coordinates.ndim != 1 or coordinates.size == 0:
        raise ValueError("point must be a non-empty 1-D sequence")
    inputs = [N(c) for c in coordinates]
    out = f(*inputs)
    if not isinstance(out, N):
        return float(out), np.zeros(len(inputs))
    order, seen = [], set()

    def visit(node):
        if node in seen:
            return
        seen.add(node)
        for parent, _ in node.parents:
            visit(parent)
        order.append(node)

    visit(out)
    out.grad = 1.0
    for node in reversed(order):
        for parent, local in node.parents:
            parent.grad = local * node.grad
    return out.v, np.array([n.grad for n in inputs])


@wrong("reverse_mode_gradient", "breadth-first backward pass: a node passes its grad on before it is complete")
def reverse_mode_gradient(f, point):
    class N:
        def __init__(self, v, parents=()):
            self.v, self.parents, self.grad = float(v), tuple(parents), 0.0

        def _l(self, o):
            return o if isinstance(o, N) else N(o)

        def __add__(self, o):
            o = self._l(o)
            return N(self.v + o.v, [(self, 1.0), (o, 1.0)])

        __radd__ = __add__

        def __sub__(self, o):
            o = self._l(o)
            return N(self.v - o.v, [(self, 1.0), (o, -1.0)])

        def __rsub__(self, o):
            return self._l(o) - self

        def __mul__(self, o):
            o = self._l(o)
            return N(self.v * o.v, [(self, o.v), (o, self.v)])

        __rmul__ = __mul__

        def __truediv__(self, o):
            o = self._l(o)
            return N(self.v / o.v, [(self, 1 / o.v), (o, -self.v / o.v**2)])

        def __rtruediv__(self, o):
            return self._l(o) / self

        def __neg__(self):
            return N(-self.v, [(self, -1.0)])

        def __pow__(self, n):
            return N(self.v**n, [(self, n * self.v ** (n - 1))])

    coordinates = np.asarray(point, dtype=float)
    if coordinates.ndim != 1 or coordinates.size == 0:
        raise ValueError("point must be a non-empty 1-D sequence")
    inputs = [N(c) for c in coordinates]
    out = f(*inputs)
    if not isinstance(out, N):
        return float(out), np.zeros(len(inputs))
    out.grad = 1.0
    queue, seen = deque([out]), {out}
    while queue:
        node = queue.popleft()
        for parent, local in node.parents:
            parent.grad += local * node.grad
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return out.v, np.array([n.grad for n in inputs])


@wrong("reverse_mode_gradient", "local derivative of a / b taken as +a/b² (quotient sign error)")
def reverse_mode_gradient(f, point):
    class N:
        def __init__(self, v, parents=()):
            self.v, self.parents, self.grad = float(v), tuple(parents), 0.0

        def _l(self, o):
            return o if isinstance(o, N) else N(o)

        def __add__(self, o):
            o = self._l(o)
            return N(self.v + o.v, [(self, 1.0), (o, 1.0)])

        __radd__ = __add__

        def __sub__(self, o):
            o = self._l(o)
            return N(self.v - o.v, [(self, 1.0), (o, -1.0)])

        def __rsub__(self, o):
            return self._l(o) - self

        def __mul__(self, o):
            o = self._l(o)
            return N(self.v * o.v, [(self, o.v), (o, self.v)])

        __rmul__ = __mul__

        def __truediv__(self, o):
            o = self._l(o)
            return N(self.v / o.v, [(self, 1 / o.v), (o, self.v / o.v**2)])

        def __rtruediv__(self, o):
            return self._l(o) / self

        def __neg__(self):
            return N(-self.v, [(self, -1.0)])

        def __pow__(self, n):
            return N(self.v**n, [(self, n * self.v ** (n - 1))])

    coordinates = np.asarray(point, dtype=float)
    if coordinates.ndim != 1 or coordinates.size == 0:
        raise ValueError("point must be a non-empty 1-D sequence")
    inputs = [N(c) for c in coordinates]
    out = f(*inputs)
    if not isinstance(out, N):
        return float(out), np.zeros(len(inputs))
    order, seen = [], set()

    def visit(node):
        if node in seen:
            return
        seen.add(node)
        for parent, _ in node.parents:
            visit(parent)
        order.append(node)

    visit(out)
    out.grad = 1.0
    for node in reversed(order):
        for parent, local in node.parents:
            parent.grad += local * node.grad
    return out.v, np.array([n.grad for n in inputs])


@wrong("reverse_mode_gradient", "power rule moves negative exponents toward zero: d(x^-2) = -2x^-1")
def reverse_mode_gradient(f, point):
    class N:
        def __init__(self, v, parents=()):
            self.v, self.parents, self.grad = float(v), tuple(parents), 0.0

        def _l(self, o):
            return o if isinstance(o, N) else N(o)

        def __add__(self, o):
            o = self._l(o)
            return N(self.v + o.v, [(self, 1.0), (o, 1.0)])

        __radd__ = __add__

        def __sub__(self, o):
            o = self._l(o)
            return N(self.v - o.v, [(self, 1.0), (o, -1.0)])

        def __rsub__(self, o):
            return self._l(o) - self

        def __mul__(self, o):
            o = self._l(o)
            return N(self.v * o.v, [(self, o.v), (o, self.v)])

        __rmul__ = __mul__

        def __truediv__(self, o):
            o = self._l(o)
            return N(self.v / o.v, [(self, 1 / o.v), (o, -self.v / o.v**2)])

        def __rtruediv__(self, o):
            return self._l(o) / self

        def __neg__(self):
            return N(-self.v, [(self, -1.0)])

        def __pow__(self, n):
            lowered = n - 1 if n > 0 else n + 1
            return N(self.v**n, [(self, n * self.v**lowered)])

    coordinates = np.asarray(point, dtype=float)
    if coordinates.ndim != 1 or coordinates.size == 0:
        raise ValueError("point must be a non-empty 1-D sequence")
    inputs = [N(c) for c in coordinates]
    out = f(*inputs)
    if not isinstance(out, N):
        return float(out), np.zeros(len(inputs))
    order, seen = [], set()

    def visit(node):
        if node in seen:
            return
        seen.add(node)
        for parent, _ in node.parents:
            visit(parent)
        order.append(node)

    visit(out)
    out.grad = 1.0
    for node in reversed(order):
        for parent, local in node.parents:
            parent.grad += local * node.grad
    return out.v, np.array([n.grad for n in inputs])


@right("reverse_mode_gradient", "recursive depth-first topological order")
def reverse_mode_gradient(f, point):
    class N:
        def __init__(self, v, parents=()):
            self.v, self.parents, self.grad = float(v), tuple(parents), 0.0

        def _l(self, o):
            return o if isinstance(o, N) else N(o)

        def __add__(self, o):
            o = self._l(o)
            return N(self.v + o.v, [(self, 1.0), (o, 1.0)])

        __radd__ = __add__

        def __sub__(self, o):
            o = self._l(o)
            return N(self.v - o.v, [(self, 1.0), (o, -1.0)])

        def __rsub__(self, o):
            return self._l(o) - self

        def __mul__(self, o):
            o = self._l(o)
            return N(self.v * o.v, [(self, o.v), (o, self.v)])

        __rmul__ = __mul__

        def __truediv__(self, o):
            o = self._l(o)
            return N(self.v / o.v, [(self, 1 / o.v), (o, -self.v / o.v**2)])

        def __rtruediv__(self, o):
            return self._l(o) / self

        def __neg__(self):
            return N(-self.v, [(self, -1.0)])

        def __pow__(self, n):
            return N(self.v**n, [(self, n * self.v ** (n - 1))])

    coordinates = np.asarray(point, dtype=float)
    if coordinates.ndim != 1 or coordinates.size == 0:
        raise ValueError("point must be a non-empty 1-D sequence")
    inputs = [N(c) for c in coordinates]
    out = f(*inputs)
    if not isinstance(out, N):
        return float(out), np.zeros(len(inputs))
    order, seen = [], set()

    def visit(node):
        if node in seen:
            return
        seen.add(node)
        for parent, _ in node.parents:
            visit(parent)
        order.append(node)

    visit(out)
    out.grad = 1.0
    for node in reversed(order):
        for parent, local in node.parents:
            parent.grad += local * node.grad
    return out.v, np.array([n.grad for n in inputs])


@right("reverse_mode_gradient", "nodes numbered at creation, backward pass in decreasing creation order")
def reverse_mode_gradient(f, point):
    import itertools

    counter = itertools.count()

    class Var:
        def __init__(self, value, parents=()):
            self.value, self.parents, self.grad = value, list(parents), 0.0
            self.stamp = next(counter)  # parents are always created before their children

        def _wrap(self, o):
            return o if isinstance(o, Var) else Var(o)

        def __add__(self, o):
            o = self._wrap(o)
            return Var(self.value + o.value, [(self, 1.0), (o, 1.0)])

        def __radd__(self, o):
            return self._wrap(o) + self

        def __sub__(self, o):
            return self + (-self._wrap(o))

        def __rsub__(self, o):
            return self._wrap(o) + (-self)

        def __mul__(self, o):
            o = self._wrap(o)
            return Var(self.value * o.value, [(self, o.value), (o, self.value)])

        def __rmul__(self, o):
            return self._wrap(o) * self

        def __truediv__(self, o):
            return self * self._wrap(o) ** -1

        def __rtruediv__(self, o):
            return self._wrap(o) * self**-1

        def __neg__(self):
            return Var(-self.value, [(self, -1.0)])

        def __pow__(self, n):
            return Var(self.value**n, [(self, n * self.value ** (n - 1))])

    values = [float(v) for v in np.ravel(point)]
    if np.ndim(point) != 1 or not values:
        raise ValueError("point must be a non-empty 1-D sequence")
    inputs = [Var(v) for v in values]
    out = f(*inputs)
    if not isinstance(out, Var):
        return float(out), np.zeros(len(inputs))
    nodes, stack, seen = [], [out], {id(out)}
    while stack:
        node = stack.pop()
        nodes.append(node)
        for parent, _ in node.parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    out.grad = 1.0
    for node in sorted(nodes, key=lambda n: n.stamp, reverse=True):
        for parent, local in node.parents:
            parent.grad += local * node.grad
    return float(out.value), np.array([v.grad for v in inputs], dtype=float)


# ---------------------------------------------------------------------------------- compare_methods
# These variants call forward_mode_derivative, which resolves to the reference solution's function.


@wrong("compare_methods", "finite-difference error measured against itself, so always 0")
def compare_methods(expr, x0, step=1e-6):
    symbols = list(expr.free_symbols)
    if len(symbols) != 1 or not step > 0:
        raise ValueError("one free symbol and a positive step are needed")
    (s,) = symbols
    t = time.perf_counter()
    exact = float(sp.diff(expr, s).evalf(subs={s: x0}))
    t_sym = time.perf_counter() - t
    f = sp.lambdify(s, expr, modules=[{"sqrt": lambda u: u**0.5}])
    t = time.perf_counter()
    fd = (f(x0 + step) - f(x0)) / step
    t_fd = time.perf_counter() - t
    t = time.perf_counter()
    fm = forward_mode_derivative(f, x0)[1]
    t_fm = time.perf_counter() - t
    return {
        "symbolic": {"derivative": exact, "error": 0.0, "seconds": t_sym},
        "finite_difference": {"derivative": fd, "error": abs(fd - fd), "seconds": t_fd},
        "forward_mode": {"derivative": fm, "error": abs(fm - exact), "seconds": t_fm},
    }


@wrong("compare_methods", "forward-mode error measured against the finite difference")
def compare_methods(expr, x0, step=1e-6):
    symbols = list(expr.free_symbols)
    if len(symbols) != 1 or not step > 0:
        raise ValueError("one free symbol and a positive step are needed")
    (s,) = symbols
    t = time.perf_counter()
    exact = float(sp.diff(expr, s).evalf(subs={s: x0}))
    t_sym = time.perf_counter() - t
    f = sp.lambdify(s, expr, modules=[{"sqrt": lambda u: u**0.5}])
    t = time.perf_counter()
    fd = (f(x0 + step) - f(x0)) / step
    t_fd = time.perf_counter() - t
    t = time.perf_counter()
    fm = forward_mode_derivative(f, x0)[1]
    t_fm = time.perf_counter() - t
    return {
        "symbolic": {"derivative": exact, "error": 0.0, "seconds": t_sym},
        "finite_difference": {"derivative": fd, "error": abs(fd - exact), "seconds": t_fd},
        "forward_mode": {"derivative": fm, "error": abs(fm - fd), "seconds": t_fm},
    }


@wrong("compare_methods", "takes forward_mode_derivative(...)[0], the value, as the derivative")
def compare_methods(expr, x0, step=1e-6):
    symbols = list(expr.free_symbols)
    if len(symbols) != 1 or not step > 0:
        raise ValueError("one free symbol and a positive step are needed")
    (s,) = symbols
    t = time.perf_counter()
    exact = float(sp.diff(expr, s).evalf(subs={s: x0}))
    t_sym = time.perf_counter() - t
    f = sp.lambdify(s, expr, modules=[{"sqrt": lambda u: u**0.5}])
    t = time.perf_counter()
    fd = (f(x0 + step) - f(x0)) / step
    t_fd = time.perf_counter() - t
    t = time.perf_counter()
    fm = forward_mode_derivative(f, x0)[0]
    t_fm = time.perf_counter() - t
    return {
        "symbolic": {"derivative": exact, "error": 0.0, "seconds": t_sym},
        "finite_difference": {"derivative": fd, "error": abs(fd - exact), "seconds": t_fd},
        "forward_mode": {"derivative": fm, "error": abs(fm - exact), "seconds": t_fm},
    }


@wrong("compare_methods", "ignores the step: always a forward difference with h = 1e-8")
def compare_methods(expr, x0, step=1e-6):
    symbols = list(expr.free_symbols)
    if len(symbols) != 1 or not step > 0:
        raise ValueError("one free symbol and a positive step are needed")
    (s,) = symbols
    t = time.perf_counter()
    exact = float(sp.diff(expr, s).evalf(subs={s: x0}))
    t_sym = time.perf_counter() - t
    f = sp.lambdify(s, expr, modules=[{"sqrt": lambda u: u**0.5}])
    h = 1e-8
    t = time.perf_counter()
    fd = (f(x0 + h) - f(x0)) / h
    t_fd = time.perf_counter() - t
    t = time.perf_counter()
    fm = forward_mode_derivative(f, x0)[1]
    t_fm = time.perf_counter() - t
    return {
        "symbolic": {"derivative": exact, "error": 0.0, "seconds": t_sym},
        "finite_difference": {"derivative": fd, "error": abs(fd - exact), "seconds": t_fd},
        "forward_mode": {"derivative": fm, "error": abs(fm - exact), "seconds": t_fm},
    }


@wrong("compare_methods", "reports relative errors instead of absolute ones")
def compare_methods(expr, x0, step=1e-6):
    symbols = list(expr.free_symbols)
    if len(symbols) != 1 or not step > 0:
        raise ValueError("one free symbol and a positive step are needed")
    (s,) = symbols
    t = time.perf_counter()
    exact = float(sp.diff(expr, s).evalf(subs={s: x0}))
    t_sym = time.perf_counter() - t
    f = sp.lambdify(s, expr, modules=[{"sqrt": lambda u: u**0.5}])
    t = time.perf_counter()
    fd = (f(x0 + step) - f(x0)) / step
    t_fd = time.perf_counter() - t
    t = time.perf_counter()
    fm = forward_mode_derivative(f, x0)[1]
    t_fm = time.perf_counter() - t
    return {
        "symbolic": {"derivative": exact, "error": 0.0, "seconds": t_sym},
        "finite_difference": {"derivative": fd, "error": abs(fd - exact) / abs(exact), "seconds": t_fd},
        "forward_mode": {"derivative": fm, "error": abs(fm - exact) / abs(exact), "seconds": t_fm},
    }


@right("compare_methods", "central differences")
def compare_methods(expr, x0, step=1e-6):
    symbols = list(expr.free_symbols)
    if len(symbols) != 1:
        raise ValueError("expr must have exactly one free symbol")
    if step <= 0:
        raise ValueError("step must be positive")
    (s,) = symbols
    t = time.perf_counter()
    exact = float(sp.diff(expr, s).evalf(subs={s: x0}))
    t_sym = time.perf_counter() - t
    f = sp.lambdify(s, expr, modules=[{"sqrt": lambda u: u**0.5}])
    t = time.perf_counter()
    fd = (f(x0 + step) - f(x0 - step)) / (2 * step)
    t_fd = time.perf_counter() - t
    t = time.perf_counter()
    fm = forward_mode_derivative(f, x0)[1]
    t_fm = time.perf_counter() - t
    return {
        "symbolic": {"derivative": exact, "error": 0.0, "seconds": t_sym},
        "finite_difference": {"derivative": fd, "error": abs(fd - exact), "seconds": t_fd},
        "forward_mode": {"derivative": fm, "error": abs(fm - exact), "seconds": t_fm},
    }


@right("compare_methods", "own evaluator walking the SymPy tree, symbolic derivative via lambdify with math")
def compare_methods(expr, x0, step=1e-6):
    if len(expr.free_symbols) != 1:
        raise ValueError("expr must have exactly one free symbol")
    if not step > 0:
        raise ValueError("step must be positive")
    (s,) = expr.free_symbols

    def evaluate(e, x):
        if e == s:
            return x
        if e.is_Number:
            return float(e)
        if e.is_Add:
            total = 0.0
            for a in e.args:
                total = evaluate(a, x) + total
            return total
        if e.is_Mul:
            product = 1.0
            for a in e.args:
                product = evaluate(a, x) * product
            return product
        if e.is_Pow:
            return evaluate(e.base, x) ** float(e.exp)
        raise ValueError(f"unsupported operation {e.func}")

    start = time.perf_counter()
    exact = float(sp.lambdify(s, sp.diff(expr, s), "math")(float(x0)))
    symbolic = {"derivative": exact, "error": 0.0, "seconds": time.perf_counter() - start}

    start = time.perf_counter()
    fd = (evaluate(expr, x0 + step) - evaluate(expr, x0)) / step
    finite = {"derivative": fd, "error": abs(fd - exact), "seconds": time.perf_counter() - start}

    start = time.perf_counter()
    fm = forward_mode_derivative(lambda x: evaluate(expr, x), x0)[1]
    forward = {"derivative": fm, "error": abs(fm - exact), "seconds": time.perf_counter() - start}
    return {"symbolic": symbolic, "finite_difference": finite, "forward_mode": forward}
