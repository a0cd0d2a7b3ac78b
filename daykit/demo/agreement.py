"""The same notebooks graded by ``nbgrader autograde`` and by ``daykit grade``, side by side.

Both graders earn a task its points when all its checks pass, so on submissions that leave their
test cells alone they must agree to the point. The kit's tests and the grading benchmark use this.
"""

from __future__ import annotations

from pathlib import Path

from daykit.course import Course
from daykit.grading.grade import ClassRun, Submission, grade_together, graded_day
from daykit.grading.worker import Limits
from daykit.nbgrader.run import add_students, autograde, side_by_side

Scores = dict[str, dict[str, dict[str, float]]]  # day → student → task → points


def points_by_task(docs: list[dict]) -> dict[str, dict[str, float]]:
    """A class's results documents as {student: {task: points}}."""
    return {doc["student"]: {t["task"]: float(t["points"]) for t in doc["tasks"]} for doc in docs}


def nbgrader_points(course_dir: Path, students: dict[str, list[str]], workers: int = 2) -> Scores:
    """Autograde each day's students with nbgrader (one call per day, days side by side); nbgrader's
    test cell ``test_<task>`` scores task ``<task>``."""
    days = list(students)
    add_students(course_dir, [s for day in days for s in students[day]])
    graded = side_by_side([(autograde, (course_dir, day, students[day])) for day in days], workers=workers)
    return {
        day: {student: {cell.removeprefix("test_"): points for cell, points in cells.items()}
              for student, cells in by_student.items()}
        for day, by_student in zip(days, graded, strict=True)
    }


def daykit_points(course: Course, course_dir: Path, students: dict[str, list[str]], results: Path,
                  jobs: int = 0, limits: Limits | None = None) -> Scores:
    """Grade the same ``submitted/<student>/<day>/<day>.ipynb`` files with the kit's grader (forced)."""
    batches = []
    for day, names in students.items():
        run = ClassRun(course, graded_day(course, day)[0], limits or Limits(), jobs, force=True, results=results / day)
        batches.append((run, [Submission(s, Path(course_dir) / "submitted" / s / day / f"{day}.ipynb") for s in names]))
    graded = grade_together(batches, jobs)
    return {day: points_by_task(docs) for day, docs in zip(students, graded, strict=True)}


def differences(first: Scores, second: Scores, names: tuple[str, str] = ("nbgrader", "daykit")) -> list[str]:
    """A line for every day, student and task on which two graders differ."""
    lines = []
    for day in sorted(set(first) | set(second)):
        a, b = first.get(day, {}), second.get(day, {})
        for student in sorted(set(a) | set(b)):
            tasks = set(a.get(student, {})) | set(b.get(student, {}))
            for task in sorted(tasks):
                x, y = a.get(student, {}).get(task), b.get(student, {}).get(task)
                if x != y:
                    lines.append(f"{day} {student} {task}: {names[0]} {x}, {names[1]} {y}")
    return lines
