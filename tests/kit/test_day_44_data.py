"""Day 44's real data: the lesson's embedded penguins and the checks' copy are the same rows, and small.

The lesson embeds the rows so that its notebook runs anywhere (nbgrader, JupyterLite, the confined
grader); the checks keep their own copy so that no expected value depends on the file being checked.
"""

import numpy as np

from daykit.checking.loading import load_module
from daykit.course import Course
from tests.test_day_44 import ADELIE_ROWS, GENTOO_ROWS, penguins

COURSE = Course.here()


def test_the_lesson_and_the_checks_hold_the_same_penguins():
    lesson = load_module(COURSE.solution("day_44"), "day_44_lesson_data")
    X, species = lesson.load_penguins()
    X_checks, species_checks = penguins()
    assert lesson.ADELIE_ROWS == ADELIE_ROWS and lesson.GENTOO_ROWS == GENTOO_ROWS
    assert np.array_equal(X, X_checks) and species == species_checks
    assert X.shape == (274, 4) and species.count("Adelie") == 151 and species.count("Gentoo") == 123
    assert len((ADELIE_ROWS + GENTOO_ROWS).encode()) < 8 * 1024


def test_the_penguins_are_plausible_measurements():
    X, species = penguins()
    assert np.all(np.isfinite(X))
    low, high = np.array([30.0, 13.0, 170.0, 2500.0]), np.array([60.0, 22.0, 235.0, 6500.0])
    assert np.all((X >= low) & (X <= high)), "a value outside the plausible range of an adult penguin (mm, mm, mm, g)"
    gentoo = np.array([name == "Gentoo" for name in species])
    assert X[gentoo, 1].mean() < X[~gentoo, 1].mean() and X[gentoo, 3].mean() > X[~gentoo, 3].mean()
