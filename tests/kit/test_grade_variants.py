"""Every variant of every day, as a submission, through the real grader (workers, wire, proxies).

The content self-check runs variants in-process; this runs them as students' files are run, so a
check that only works in-process (an exception type, a callable that cannot travel, a module the
worker cannot import) shows here. A right variant must earn full marks; a wrong one must lose its
own task (and may cost the tasks that call it, as it would in a notebook).
"""

import pytest

from daykit.course import Course
from daykit.demo.sample_class import sample_class
from tests.kit.variant_class import graded_class

pytestmark = pytest.mark.slow

COURSE = Course.here()


@pytest.fixture(scope="module")
def graded():
    return graded_class()  # graded once per session, shared with test_parity


def cases():
    for day in COURSE.days():
        for student in sample_class(COURSE, day):
            yield pytest.param(day, student.student_id, id=f"{day}-{student.student_id}")


@pytest.mark.parametrize(("day", "student"), list(cases()))
def test_variant_through_the_grader(graded, day, student):
    docs, students = graded
    doc, who = docs[day][student], students[day][student]
    tasks = {t["task"]: t for t in doc["tasks"]}
    if student == "stub":
        assert {t["status"] for t in tasks.values()} == {"not_started"}
    elif student == "reference" or student.startswith("right_"):
        assert doc["score"] == doc["max_score"], (who.description, [t for t in tasks.values() if t["points"] == 0])
    else:
        (task,) = who.replacements
        assert tasks[task]["status"] in ("fail", "error"), (who.description, tasks[task])
