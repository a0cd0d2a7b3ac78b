"""A student's feedback points to a command that checks the file they handed in: for a notebook, its
test cells or ``daykit check --target`` the notebook, never ``pytest tests/test_day_NN.py`` alone,
which checks ``exercises/`` and would pass or fail without regard to the notebook."""

from daykit.authoring.model import load_day
from daykit.course import Course
from daykit.grading.reports import feedback

DAY = load_day(Course.here(), "day_39")


def graded(path: str) -> dict:
    return {"student": "alice", "path": path, "score": 0, "max_score": DAY.max_score, "tasks": [
        {"task": "symbolic_derivative", "status": "fail", "points": 0, "max_points": 3,
         "message": "symbolic_derivative(): the second item is 3*x**2 + 4*x, not the expected 3*x**2 - 4*x."},
    ]}


def test_feedback_on_a_notebook_points_to_the_notebook():
    text = feedback(DAY, graded("submitted/alice/day_39/day_39.ipynb"))
    assert "Run the test cell under symbolic_derivative in your notebook" in text
    assert "`daykit check 39 --target path/to/day_39.ipynb`" in text
    assert "pytest tests/test_day_39.py" not in text


def test_feedback_on_a_module_points_to_pytest():
    text = feedback(DAY, graded("submitted/alice/day_39/day_39.py"))
    assert "Run `pytest tests/test_day_39.py` to see the visible checks" in text
