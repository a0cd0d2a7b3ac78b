"""Day 39 checks: symbolic derivative, numerical gradient, chain rule.

Run them with ``pytest tests/test_day_39.py`` (your exercises) or ``--target solutions``.
Each check's parameters name the task functions it calls.
"""

import numpy as np
import sympy as sp

from daykit.checks import (
    expect_close,
    expect_equivalent,
    expect_expr,
    expect_true,
    expect_tuple,
    finite_difference_tolerance,
)

x = sp.Symbol("x")


def gradient_of_day_39_function(x_val, y_val):
    """The exact gradient of f(x, y) = x²y + y³."""
    return np.array([2 * x_val * y_val, x_val**2 + 3 * y_val**2])


def gradient_tolerance(x_val, y_val, step, safety=4.0):
    """How far a forward, backward or central difference with this step may fall from the gradient."""
    second = [2 * abs(y_val), 6 * abs(y_val)]  # f_xx = 2y, f_yy = 6y
    third = [0.0, 6.0]  # f_xxx = 0, f_yyy = 6
    scale = abs(x_val**2 * y_val + y_val**3) + 1.0
    return finite_difference_tolerance(step, second, third, scale, safety)


def test_symbolic_derivative(symbolic_derivative):
    call = "symbolic_derivative()"
    f, df = expect_tuple(symbolic_derivative(), 2, call=call)
    expect_equivalent(f, x**3 - 2 * x**2 + 5, call=call, what="the first item, f(x)")
    expect_equivalent(df, 3 * x**2 - 4 * x, call=call, what="the second item, f'(x)")


def test_numerical_gradient_at_2_3(numerical_gradient):
    call = "numerical_gradient(2.0, 3.0, step=1e-6)"
    expect_close(
        numerical_gradient(2.0, 3.0, step=1e-6),
        gradient_of_day_39_function(2.0, 3.0),
        tol=gradient_tolerance(2.0, 3.0, 1e-6),
        call=call,
        what="the gradient",
        why="a difference with step h is off by about h·|f''|/2 plus rounding",
    )


def test_numerical_gradient_keywords_and_defaults(numerical_gradient):
    by_keyword = numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6)
    by_default = numerical_gradient()
    expect_close(
        by_default,
        by_keyword,
        tol=1e-12,
        call="numerical_gradient()",
        what="the result with the defaults",
        why="the defaults are x_val=2.0, y_val=3.0, step=1e-6",
    )


def test_numerical_gradient_uses_its_step(numerical_gradient):
    step = 0.5
    call = f"numerical_gradient(2.0, 3.0, step={step})"
    # f is a cubic, so a difference is off by exactly its first Taylor terms, at most h·|f''|/2 + h²·|f'''|/6:
    # [1.5, 4.75] here. That bound, with a tenth more for rounding, is the tolerance.
    got = expect_close(
        numerical_gradient(2.0, 3.0, step=step),
        gradient_of_day_39_function(2.0, 3.0),
        tol=gradient_tolerance(2.0, 3.0, step, safety=1.1),
        call=call,
        what="the gradient",
        why="with h = 0.5 a forward, backward or central difference is off by at most 1.5 in x and 4.75 in y",
    )
    # With h = 0.5 the forward difference is [13.5, 35.75] and the central one [12, 31.25]:
    # an estimate that is exact in y did not use the step.
    expect_true(
        abs(got[1] - 31.0) > 0.2,
        f"{call} returned {got}; with a step of 0.5 a finite difference in y cannot be exact "
        "(a forward difference gives 35.75, a central one 31.25). Use the step you are given.",
        "the estimate does not depend on the step",
    )


def test_chain_rule_derivative(chain_rule_derivative):
    call = "chain_rule_derivative()"
    expanded, derivative = expect_tuple(chain_rule_derivative(), 2, call=call)
    expanded = expect_equivalent(expanded, (2 * x + 1) ** 2, call=call, what="the first item")
    expect_true(
        sp.expand(expanded) == expanded,
        f"{call}: the first item is {expanded}, which is (2x + 1)² but not expanded. "
        "Use sp.expand to write it as a sum of powers of x.",
        "the first item is not expanded",
    )
    derivative = expect_expr(derivative, call=call, what="the second item")
    expect_equivalent(derivative, 8 * x + 4, call=call, what="the second item, the derivative")
