"""nbgrader autograde and daykit grade give identical scores on the same notebooks.

Every day's sample class (the reference, the untouched release, one known-wrong variant per task
and an alternative-correct one) is laid out as notebooks in one temporary nbgrader course and
graded by both.
"""

import pytest

from daykit.course import Course
from daykit.demo.agreement import daykit_points, differences, nbgrader_points
from daykit.demo.sample_class import one_wrong_per_task, sample_class, write_submissions
from daykit.nbgrader.release import release
from daykit.nbgrader.run import temporary_course

pytestmark = pytest.mark.slow

COURSE = Course.here()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course_dir = temporary_course(COURSE, parent=tmp_path_factory.mktemp("agreement"))
    days = COURSE.days()
    release(Course(course_dir), days)
    students = {}
    for day in days:
        everyone = sample_class(COURSE, day)
        chosen = one_wrong_per_task(everyone) + [s for s in everyone if s.student_id.startswith("right_")][:1]
        write_submissions(course_dir, day, chosen)
        students[day] = [s.student_id for s in chosen]
    ours = daykit_points(COURSE, course_dir, students, tmp_path_factory.mktemp("results"))
    theirs = nbgrader_points(course_dir, students)
    return theirs, ours, students


def test_nbgrader_and_daykit_give_identical_scores(graded):
    theirs, ours, _ = graded
    assert differences(theirs, ours) == []


def test_the_class_is_not_trivial(graded):
    """The comparison means something only if the class has full, partial and zero scores."""
    _, ours, students = graded
    totals = [sum(ours[day][s].values()) for day in students for s in students[day]]
    assert 0 in totals and len(set(totals)) > 3
