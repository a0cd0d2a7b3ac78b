"""The visible step check of numerical_gradient (Day 39): its tolerance is the method's own error bound.

With h = 0.5 a forward, backward or central difference of f(x, y) = x²y + y³ at (2, 3) is off by
[1.5, 4.75] at most; an estimate much further off than any of them (a forward difference divided by
2h gives [6.75, 17.875] against [12, 31]) did not compute a difference with that step.
"""

import numpy as np
import pytest

from daykit.checks import CheckFailure
from tests.test_day_39 import test_numerical_gradient_uses_its_step as step_check


def f(x, y):
    return x**2 * y + y**3


def difference(kind, divisor=1.0):
    """A numerical_gradient with the given scheme, its difference divided by ``divisor``·h."""

    def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
        h = step
        if kind == "forward":
            dx, dy = f(x_val + h, y_val) - f(x_val, y_val), f(x_val, y_val + h) - f(x_val, y_val)
        elif kind == "backward":
            dx, dy = f(x_val, y_val) - f(x_val - h, y_val), f(x_val, y_val) - f(x_val, y_val - h)
        else:
            dx = (f(x_val + h, y_val) - f(x_val - h, y_val)) / 2
            dy = (f(x_val, y_val + h) - f(x_val, y_val - h)) / 2
        return np.array([dx, dy]) / (divisor * h)

    return numerical_gradient


@pytest.mark.parametrize("kind", ["forward", "backward", "central"])
def test_every_difference_with_the_step_passes(kind):
    step_check(difference(kind))


def test_a_forward_difference_over_2h_fails():
    wrong = difference("forward", divisor=2.0)
    assert np.allclose(wrong(2.0, 3.0, step=0.5), [6.75, 17.875])
    with pytest.raises(CheckFailure, match=r"step=0\.5\): the gradient is .*expected about"):
        step_check(wrong)


@pytest.mark.parametrize("factor", [1.25, 0.8])
def test_an_estimate_a_quarter_off_fails(factor):
    """Off by a quarter in x: more than a forward difference's error (1.5 of 12), whatever the scheme."""

    def off(x_val=2.0, y_val=3.0, step=1e-6):
        return difference("central")(x_val, y_val, step) * np.array([factor, 1.0])

    with pytest.raises(CheckFailure):
        step_check(off)
