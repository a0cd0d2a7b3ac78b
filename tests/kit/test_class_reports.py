"""Reports belong to the class: `daykit grade` for one student updates that student's row and keeps the
rest, and `daykit demo` grades its sample class in a course folder of its own.

The instructor's commands run in a stand-alone copy of the course, as they are typed.
"""

import csv
import json
import re
import stat

import pytest

from tests.kit.course_copy import command, course_copy, hand_in, solution_notebook

pytestmark = pytest.mark.slow

TASKS = ("symbolic_derivative", "numerical_gradient", "chain_rule_derivative")


def rows(path):
    with open(path, newline="", encoding="utf-8") as stream:
        return {row["student_id"]: row for row in csv.DictReader(stream)}


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = course_copy(tmp_path_factory.mktemp("reports"))
    hand_in(root, "alice", solution_notebook(root))
    hand_in(root, "bob", solution_notebook(root, stubbed=("numerical_gradient",)))
    hand_in(root, "carol", solution_notebook(root, stubbed=TASKS))
    first = command(root, "daykit", "grade", "39")
    before = {"class": rows(root / "results" / "day_39" / "grades.csv"),
              "summary": json.loads((root / "results" / "day_39" / "summary.json").read_text())}
    hand_in(root, "carol", solution_notebook(root))  # carol hands in again, finished
    again = command(root, "daykit", "grade", "39", "submitted/carol/day_39/day_39.ipynb")
    return root, first, before, again


def test_the_first_run_reports_the_whole_class(course):
    root, first, before, _ = course
    scores = {student: float(row["score"]) for student, row in before["class"].items()}
    assert scores == {"alice": 10.0, "bob": 6.0, "carol": 0.0}
    assert before["summary"]["submissions"] == 3


def test_regrading_one_student_keeps_the_class(course):
    root, _, _, again = course
    folder = root / "results" / "day_39"
    scores = {student: float(row["score"]) for student, row in rows(folder / "grades.csv").items()}
    assert scores == {"alice": 10.0, "bob": 6.0, "carol": 10.0}
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["submissions"] == 3 and summary["full_marks"] == 2
    assert summary["tasks"]["numerical_gradient"]["pass"] == 2
    assert {p.stem for p in (folder / "feedback").glob("*.md")} == {"alice", "bob", "carol"}
    course_wide = {student: float(row["score"]) for student, row in rows(root / "grades.csv").items()}
    assert course_wide == scores
    assert "1 submission(s) graded" in again.stdout and "the class has 3" in again.stdout


def test_the_summary_reads_as_a_person_expects(course):
    _, first, _, again = course
    assert "mean 5.3/10" in first.stdout  # (10 + 6 + 0) / 3, to one decimal
    assert "mean 8.7/10" in again.stdout
    for output in (first.stdout, again.stdout):
        lines = [line for line in output.splitlines() if "passed by" in line]
        assert len(lines) == len(TASKS)
        assert len({line.index("passed by") for line in lines}) == 1
        assert len({line.index("%") for line in lines}) == 1, "\n".join(lines)
        assert not re.search(r"\d\.\d{3}", output), "a figure with more digits than a person reads"


def test_reports_have_the_permissions_of_the_umask(course):
    root = course[0]
    folder = root / "results" / "day_39"
    for path in [folder / "grades.csv", folder / "summary.json", root / "grades.csv",
                 *folder.glob("submissions/*.json"), *folder.glob("feedback/*.md")]:
        assert mode(path) == 0o644, f"{path} has mode {oct(mode(path))}"


def test_the_demo_keeps_to_its_own_course_folder(course):
    root = course[0]
    class_csv = (root / "results" / "day_39" / "grades.csv").read_text()
    course_csv = (root / "grades.csv").read_text()
    done = command(root, "daykit", "demo", "39")
    assert sorted(p.name for p in (root / "submitted").iterdir()) == ["alice", "bob", "carol"]
    assert (root / "results" / "day_39" / "grades.csv").read_text() == class_csv
    assert (root / "grades.csv").read_text() == course_csv
    assert not (root / "gradebook.db").exists()
    sample = rows(root / "demo" / "grades.csv")
    assert {"reference", "stub"} <= set(sample) and not {"alice", "bob", "carol"} & set(sample)
    assert float(sample["reference"]["score"]) == 10.0 and float(sample["stub"]["score"]) == 0.0
    assert "as expected: yes when" in done.stdout and "NO" not in done.stdout.split()
