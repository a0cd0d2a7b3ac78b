"""Reports and the autograded notebook as pure functions: what a stored result set and a gradebook give.

Quick checks of the pieces `daykit grade` puts together; tests/kit/test_class_reports.py and
tests/kit/test_gradebook.py run the commands themselves.
"""

import csv
import io
import json

import pytest

from daykit.authoring.model import Day, Task
from daykit.grading.reports import grades_csv, stored_results, summary, summary_text
from daykit.nbgrader.gradebook import TaskGrade, autograded_notebook

DAY = Day(slug="day_99", title="Day 99", text="", cells=(),
          tasks=(Task("first_task", 3, ""), Task("a_much_longer_task_name", 7, "")))


def doc(student, statuses, points):
    tasks = [{"task": t.name, "status": s, "points": p, "max_points": t.points, "message": ""}
             for t, s, p in zip(DAY.tasks, statuses, points, strict=True)]
    return {"version": 1, "day": DAY.slug, "student": student, "path": f"/x/{student}.ipynb",
            "score": sum(points), "max_score": 10, "tasks": tasks}


def test_stored_results_are_the_class_and_say_what_they_leave_out(tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "ann.json").write_text(json.dumps(doc("ann", ["pass", "pass"], [3, 7])))
    (folder / "ben.json").write_text(json.dumps(doc("ben", ["pass", "fail"], [3, 0])))
    old = doc("cat", ["pass", "pass"], [3, 7])  # graded when the day had one task
    old["tasks"] = old["tasks"][:1]
    (folder / "cat.json").write_text(json.dumps(old))
    (folder / "dan.json").write_text("{ not json")
    docs, skipped = stored_results(DAY, tmp_path)
    assert [d["student"] for d in docs] == ["ann", "ben"]
    assert len(skipped) == 2
    assert "cat.json" in skipped[0] and "grade it again" in skipped[0]
    assert "dan.json" in skipped[1] and "not a readable results document" in skipped[1]


def test_grades_csv_takes_off_the_late_penalty_and_shows_the_due_date():
    late = {("day_99", "ben"): ("2026-12-02 12:00:00", 3.0)}
    text = grades_csv([(DAY, doc("ann", ["pass", "pass"], [3, 7])), (DAY, doc("ben", ["pass", "pass"], [3, 7]))],
                      {("day_99", "ben"): "2026-12-03 09:00:00"}, late)
    rows = {r["student_id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert (rows["ann"]["duedate"], rows["ann"]["late_submission_penalty"], rows["ann"]["score"]) == ("", "0.0", "10.0")
    assert (rows["ben"]["duedate"], rows["ben"]["raw_score"], rows["ben"]["late_submission_penalty"],
            rows["ben"]["score"]) == ("2026-12-02 12:00:00", "10.0", "3.0", "7.0")


def test_the_summary_is_rounded_and_aligned():
    docs = [doc(f"s{i:02d}", ["pass", "pass" if i % 3 else "fail"], [3, 7 if i % 3 else 0]) for i in range(12)]
    data = summary(DAY, docs)
    assert data["mean_score"] == round((12 * 3 + 8 * 7) / 12, 2)
    text = summary_text(data)
    assert "mean 7.7/10" in text
    lines = text.splitlines()[1:]
    assert len({line.index("passed by") for line in lines}) == 1
    assert len({line.index("%") for line in lines}) == 1 and "100%" in text and "67%" in text


def notebook_cell(grade_id, source, *, grade=False, solution=False, locked=False):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if grade:
        meta["points"] = 1
    return {"cell_type": "code", "source": source, "metadata": {"nbgrader": meta}, "outputs": [{"x": 1}],
            "execution_count": 7}


def test_the_autograded_notebook_restores_locked_cells_and_shows_each_outcome():
    source = {"cells": [notebook_cell("setup", "import math", locked=True),
                        notebook_cell("area", "def area(): ...", solution=True),
                        notebook_cell("test_area", "check(area)", grade=True, locked=True),
                        notebook_cell("volume", "def volume(): ...", solution=True),
                        notebook_cell("test_volume", "check(volume)", grade=True, locked=True)],
              "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
              "nbformat": 4, "nbformat_minor": 5}
    gradebook = {c["metadata"]["nbgrader"]["grade_id"]: {"source": c["source"] + "\n# hidden", "checksum": "abc",
                                                          "locked": c["metadata"]["nbgrader"]["locked"]}
                 for c in source["cells"]}
    submitted = json.loads(json.dumps(source))
    submitted["cells"][0]["source"] = "import os  # changed by the student"
    del submitted["cells"][4]  # the student deleted the last test cell
    submitted["metadata"]["kernelspec"]["name"] = "not-a-kernel"
    tasks = (TaskGrade("area", "pass", 1, ""), TaskGrade("volume", "fail", 0, "volume() returned 2; expected 3"))
    result = autograded_notebook(submitted, gradebook, tasks, source)
    ids = [c["metadata"]["nbgrader"]["grade_id"] for c in result["cells"]]
    assert ids == ["setup", "area", "test_area", "volume", "test_volume"]
    cells = dict(zip(ids, result["cells"], strict=True))
    assert cells["setup"]["source"] == "import math\n# hidden" and cells["setup"]["outputs"] == []
    assert cells["area"]["source"] == "def area(): ..."  # the student's own code is kept
    assert cells["test_area"]["outputs"][0]["output_type"] == "stream"
    failed = cells["test_volume"]["outputs"][0]
    assert failed["output_type"] == "error" and failed["evalue"] == "volume() returned 2; expected 3"
    assert cells["test_volume"]["metadata"]["nbgrader"]["checksum"] == "abc"
    assert result["metadata"]["kernelspec"]["name"] == "python3"
    assert [c["execution_count"] for c in result["cells"]] == [1, 2, 3, 4, 5]


def test_a_timestamp_nbgrader_cannot_read_is_named(tmp_path):
    from daykit.nbgrader.gradebook import GradebookError, submitted_at

    assert submitted_at(tmp_path) is None
    (tmp_path / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC\n")
    assert submitted_at(tmp_path).isoformat() == "2026-12-01T10:00:00"
    (tmp_path / "timestamp.txt").write_text("yesterday, just before midnight\n")
    with pytest.raises(GradebookError, match=r"timestamp\.txt holds 'yesterday.*fix or delete it"):
        submitted_at(tmp_path)
