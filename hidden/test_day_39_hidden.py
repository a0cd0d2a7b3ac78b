"""Day 39 hidden checks: other points and steps than the visible ones. Never shipped to students."""

import numpy as np
import sympy as sp

from daykit.checks import expect_close, expect_equivalent, expect_true, expect_tuple
from tests.test_day_39 import gradient_of_day_39_function, gradient_tolerance

x = sp.Symbol("x")

POINTS = [(-1.25, 0.75), (0.5, -2.0), (3.5, 1.5)]


def day_39_function(x_val, y_val):
    return x_val**2 * y_val + y_val**3


def test_symbolic_derivative_is_the_derivative_of_f(symbolic_derivative):
    call = "symbolic_derivative()"
    f, df = expect_tuple(symbolic_derivative(), 2, call=call)
    f = expect_equivalent(f, x**3 - 2 * x**2 + 5, call=call, what="f(x)")
    expect_equivalent(df, sp.diff(f, x), call=call, what="f'(x), compared with the derivative of f(x)")


def test_numerical_gradient_at_other_points(numerical_gradient):
    for x_val, y_val in POINTS:
        expect_close(
            numerical_gradient(x_val, y_val, step=1e-6),
            gradient_of_day_39_function(x_val, y_val),
            tol=gradient_tolerance(x_val, y_val, 1e-6),
            call=f"numerical_gradient({x_val}, {y_val}, step=1e-6)",
            what="the gradient at another point",
        )


def test_numerical_gradient_is_a_finite_difference_with_its_step(numerical_gradient):
    step = 0.125
    for x_val, y_val in POINTS:
        got = np.asarray(numerical_gradient(x_val=x_val, y_val=y_val, step=step), dtype=float)
        base = day_39_function(x_val, y_val)
        schemes = {
            "forward": [
                (day_39_function(x_val + step, y_val) - base) / step,
                (day_39_function(x_val, y_val + step) - base) / step,
            ],
            "backward": [
                (base - day_39_function(x_val - step, y_val)) / step,
                (base - day_39_function(x_val, y_val - step)) / step,
            ],
            "central": [
                (day_39_function(x_val + step, y_val) - day_39_function(x_val - step, y_val)) / (2 * step),
                (day_39_function(x_val, y_val + step) - day_39_function(x_val, y_val - step)) / (2 * step),
            ],
        }
        matches = [
            name
            for name, value in schemes.items()
            if got.shape == (2,) and np.allclose(got, value, rtol=1e-9, atol=1e-9)
        ]
        expect_true(
            bool(matches),
            f"numerical_gradient({x_val}, {y_val}, step={step}) returned {got}, which is not a "
            f"forward, backward or central difference with step {step}.",
            "with a large step, the estimate is not a finite difference with that step",
        )


def test_chain_rule_derivative_is_the_derivative_of_the_expansion(chain_rule_derivative):
    call = "chain_rule_derivative()"
    expanded, derivative = expect_tuple(chain_rule_derivative(), 2, call=call)
    expanded = expect_equivalent(expanded, 4 * x**2 + 4 * x + 1, call=call, what="the expansion")
    expect_equivalent(
        derivative, sp.diff(expanded, x), call=call, what="the derivative, compared with d/dx of the expansion"
    )
