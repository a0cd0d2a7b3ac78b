"""Every variant of every day, as a submission, through the real grader (workers, wire, proxies).

The content self-check runs variants in-process; this runs them as students' files are run, so a
check that only works in-process (an exception type, a callable that cannot travel, a module the
worker cannot import) shows here. A right variant must earn full marks; a wrong one must lose its
own task (and may cost the tasks that call it, as it would in a notebook).
"""

import pytest

from daykit.authoring.model import load_day
from daykit.course import Course
from daykit.demo.sample_class import sample_class, submission_module
from daykit.grading.grade import ClassRun, Submission, grade_together

pytestmark = pytest.mark.slow

COURSE = Course.here()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("variants")
    batches, students = [], {}
    for day in COURSE.days():
        members = sample_class(COURSE, day)
        students[day] = {s.student_id: s for s in members}
        submissions = []
        for student in members:
            path = folder / day / f"{student.student_id}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(submission_module(COURSE, day, student.replacements))
            submissions.append(Submission(student.student_id, path))
        batches.append((ClassRun(COURSE, load_day(COURSE, day), force=True, results=folder / "results" / day),
                        submissions))
    results = grade_together(batches)
    return {day: {doc["student"]: doc for doc in docs} for day, docs in zip(COURSE.days(), results, strict=True)}, \
        students


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
