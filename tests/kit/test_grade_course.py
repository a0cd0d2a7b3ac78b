"""`daykit grade` with no day grades the whole course, and with several days those days, in one pool of
grading processes; each day gets its reports as when it is graded alone."""

from __future__ import annotations

import json
import os

import pytest
from course_copy import course_copy, hand_in, solution_notebook

from daykit.checking.runner import Status, TaskResult
from daykit.cli import main
from daykit.grading import grade
from daykit.grading.command import split_targets


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course of two days, two students handing in Day 39 and one Day 40; every pool the run makes is
    recorded and grades each submission full marks, without workers (the pool itself is tested elsewhere)."""
    for day in ("day_39", "day_40"):
        root = course_copy(tmp_path, day)
    for student in ("ada", "bo"):
        hand_in(root, student, solution_notebook(root))
    hand_in(root, "cy", solution_notebook(root, "day_40"), day="day_40")
    pools = []

    def grade_together(batches, jobs=0, progress=None, *rest, **options):
        pools.append([(run.day.slug, [s.student for s in submissions]) for run, submissions in batches])
        out = []
        for run, submissions in batches:
            run.plan(submissions)
            docs = []
            for submission in submissions:
                tasks = [TaskResult(t.name, Status.PASS, t.points, t.points, "") for t in run.day.tasks]
                docs.append(run.record(grade.document(run.day, submission, tasks)))
            out.append(docs)
        return out

    monkeypatch.setattr(grade, "grade_together", grade_together)
    monkeypatch.chdir(root)
    return root, pools


def test_no_day_grades_the_whole_course_in_one_pool(course, capsys):
    root, pools = course
    assert main(["grade", "--no-gradebook"]) == 0
    assert pools == [[("day_39", ["ada", "bo"]), ("day_40", ["cy"])]]
    out = capsys.readouterr().out
    assert "day_39: 2 submission(s) graded" in out and "day_40: 1 submission(s) graded" in out
    assert "3 submission(s) of 2 day(s) graded" in out
    for day, students in (("day_39", {"ada", "bo"}), ("day_40", {"cy"})):
        summary = json.loads((root / "results" / day / "summary.json").read_text())
        assert summary["submissions"] == len(students)
        assert {p.stem for p in (root / "results" / day / "feedback").glob("*.md")} == students
    rows = (root / "grades.csv").read_text().splitlines()[1:]
    assert sorted(r.split(",")[0] + ":" + r.split(",")[3] for r in rows) == ["day_39:ada", "day_39:bo", "day_40:cy"]


def test_several_days_are_graded_together_and_json_has_each(course, capsys):
    root, pools = course
    assert main(["grade", "40", "day_39", "--no-gradebook", "--json"]) == 0
    assert pools == [[("day_40", ["cy"]), ("day_39", ["ada", "bo"])]]
    report = json.loads(capsys.readouterr().out)
    assert [(d["day"], [s["student"] for s in d["submissions"]]) for d in report["days"]] == [
        ("day_40", ["cy"]), ("day_39", ["ada", "bo"])]


def test_one_day_keeps_its_json_and_its_results_folder(course, capsys, tmp_path):
    root, pools = course
    assert main(["grade", "39", "--no-gradebook", "--json", "--results", str(tmp_path / "out")]) == 0
    assert pools == [[("day_39", ["ada", "bo"])]]
    assert json.loads(capsys.readouterr().out)["day"] == "day_39"
    assert (tmp_path / "out" / "submissions" / "ada.json").exists()
    assert main(["grade", "--no-gradebook", "--results", str(tmp_path / "all")]) == 0
    assert sorted(os.listdir(tmp_path / "all")) == ["day_39", "day_40"]


def test_submissions_need_exactly_one_day(course, capsys):
    root, pools = course
    path = str(root / "submitted" / "ada" / "day_39" / "day_39.ipynb")
    assert main(["grade", path]) == 2
    assert "name one day before the submissions (none named)" in capsys.readouterr().err
    assert main(["grade", "39", "40", path]) == 2
    assert "name one day before the submissions (39, 40 named)" in capsys.readouterr().err
    assert pools == []


def test_a_day_without_submissions_is_named(course, capsys):
    root, pools = course
    for path in (root / "submitted" / "cy" / "day_40").iterdir():
        path.unlink()
    (root / "submitted" / "cy" / "day_40").rmdir()
    assert main(["grade", "40"]) == 2
    assert "no submissions in" in capsys.readouterr().err
    assert main(["grade", "--no-gradebook"]) == 0  # the whole course: the days that have some
    assert pools == [[("day_39", ["ada", "bo"])]]


def test_arguments_split_into_days_then_submissions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert split_targets([]) == ([], [])
    assert split_targets(["39", "day_40", "a.ipynb"]) == (["39", "day_40"], ["a.ipynb"])
    assert split_targets(["a.ipynb", "39"]) == ([], ["a.ipynb", "39"])
    (tmp_path / "day_39").mkdir()  # a student's folder named like the day, after the day
    assert split_targets(["39", "day_39"]) == (["39"], ["day_39"])
