"""Every day's sample class (the reference, the stub, every variant) graded once per test session by the
real grader, shared by the tests that read it (test_grade_variants, test_parity)."""

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from daykit.authoring.model import load_day
from daykit.course import Course
from daykit.demo.sample_class import SampleStudent, sample_class, submission_module
from daykit.grading.grade import ClassRun, Submission, grade_together

COURSE = Course.here()


@functools.cache
def graded_class() -> tuple[dict[str, dict[str, dict]], dict[str, dict[str, SampleStudent]]]:
    """(results documents by day and student, sample students by day and student); each document's
    ``path`` is the submitted ``.py`` file."""
    folder = Path(tempfile.mkdtemp(prefix="daykit-variant-class-"))
    atexit.register(shutil.rmtree, folder, True)
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
        run = ClassRun(COURSE, load_day(COURSE, day), force=True, results=folder / "results" / day)
        batches.append((run, submissions))
    results = grade_together(batches)
    by_day = zip(COURSE.days(), results, strict=True)
    return {day: {doc["student"]: doc for doc in day_docs} for day, day_docs in by_day}, students
