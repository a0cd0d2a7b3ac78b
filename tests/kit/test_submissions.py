"""Which file ``daykit grade`` grades for a student, and which it refuses, through the real command.

One file per student, the one nbgrader grades: ``submitted/<student>/<day>/<day>.ipynb``; where there
is no notebook, ``<day>.py`` (which only daykit can grade). Anything else in the folder is listed in
the result and the feedback as not graded; a folder without either file is an error that names what
it holds. A submission that is a symbolic link, or in a folder that is one, is refused for that
student (a link to solutions/ would otherwise earn full marks), and every other student is graded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from daykit.course import Course
from tests.kit.test_confinement import course_copy

pytestmark = pytest.mark.slow

COURSE = Course.here()
REFERENCE = COURSE.solution("day_39").read_text()
STUB = COURSE.stub("day_39").read_text()
NOTEBOOK = COURSE.source_notebook("day_39").read_text()  # the reference in nbgrader's cells
DAYKIT = Path(sys.executable).with_name("daykit")


def put(course: Path, relative: str, text: str) -> Path:
    path = course / "submitted" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def grade(course: Path, *arguments: str) -> subprocess.CompletedProcess:
    command = [str(DAYKIT), "grade", "39", "--no-gradebook", "--jobs", "2", "--timeout", "8", *arguments]
    done = subprocess.run(command, cwd=course, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    return done


def stored(course: Path) -> dict[str, dict]:
    folder = course / "results" / "day_39" / "submissions"
    return {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")}


def messages(doc: dict) -> set[str]:
    return {t["message"] for t in doc["tasks"]}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = course_copy(tmp_path_factory.mktemp("course"))
    put(course, "alice/day_39/day_39.ipynb", NOTEBOOK)
    put(course, "alice/day_39/scratch.ipynb", NOTEBOOK.replace("return", "return None #"))
    put(course, "alice/day_39/timestamp.txt", "2026-11-30 10:00:00.000000 UTC")
    put(course, "alice/day_39/day_39.py", STUB)  # had daykit graded this one, alice would get 0
    put(course, "carol/day_39/day_39.py", REFERENCE)
    put(course, "frank/day_39/day_39 (1).ipynb", NOTEBOOK)
    # links to the instructor's reference, and to another student's work
    link = course / "submitted" / "mallory" / "day_39" / "day_39.py"
    link.parent.mkdir(parents=True)
    link.symlink_to(course / "solutions" / "day_39.py")
    (course / "submitted" / "trudy").mkdir()
    (course / "submitted" / "trudy" / "day_39").symlink_to(course / "solutions", target_is_directory=True)
    (course / "solutions" / "day_39.ipynb").write_text(NOTEBOOK)
    (course / "submitted" / "eve").symlink_to(course / "submitted" / "carol", target_is_directory=True)
    done = grade(course)
    return course, stored(course), done


def test_the_notebook_named_like_the_assignment_is_graded_and_the_rest_reported(graded):
    course, docs, _ = graded
    alice = docs["alice"]
    assert alice["score"] == 10 and alice["path"].endswith("alice/day_39/day_39.ipynb")
    assert alice["also_found"] == ["day_39.py", "scratch.ipynb"]  # nbgrader's timestamp.txt is not hers
    feedback = (course / "results" / "day_39" / "feedback" / "alice.md").read_text()
    assert "Also found: day_39.py, scratch.ipynb — not graded" in feedback


def test_the_notebook_wins_over_a_py_file_as_nbgrader_grades_only_the_notebook(graded):
    _, docs, _ = graded
    assert docs["alice"]["score"] == 10 and docs["alice"]["path"].endswith("day_39.ipynb")  # not the stub
    assert docs["carol"]["score"] == 10 and docs["carol"]["path"].endswith("day_39.py")
    assert docs["carol"]["also_found"] == []


def test_a_folder_without_the_expected_file_is_an_error_that_names_what_it_holds(graded):
    _, docs, _ = graded
    frank = docs["frank"]
    assert frank["score"] == 0 and {t["status"] for t in frank["tasks"]} == {"error"}
    (message,) = messages(frank)
    assert "has no day_39.ipynb" in message and "found: day_39 (1).ipynb" in message


@pytest.mark.parametrize("student", ["mallory", "trudy", "eve"])
def test_a_symbolic_link_is_refused_for_that_student_only(graded, student):
    _, docs, _ = graded
    doc = docs[student]
    assert doc["score"] == 0 and {t["status"] for t in doc["tasks"]} == {"error"}, doc["tasks"]
    (message,) = messages(doc)
    assert "is a symbolic link" in message
    assert docs["carol"]["score"] == 10  # eve's link pointed at carol, who is graded as herself


def test_named_files_and_folders_follow_the_same_rules(graded, tmp_path):
    course, _, _ = graded
    link = tmp_path / "linked.py"
    link.symlink_to(course / "solutions" / "day_39.py")
    own = tmp_path / "own.py"
    own.write_text(REFERENCE)
    results = tmp_path / "results"
    done = subprocess.run(
        [str(DAYKIT), "grade", "39", str(link), str(own), str(course / "submitted" / "carol" / "day_39"),
         str(course / "submitted" / "frank"), "--json", "--no-gradebook", "--results", str(results)],
        cwd=course, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    scores = {s["student"]: s for s in json.loads(done.stdout)["submissions"]}
    assert scores["own"]["score"] == 10 and scores["carol"]["score"] == 10
    assert scores["linked"]["score"] == 0
    assert all("is a symbolic link" in t["message"] for t in scores["linked"]["tasks"])
    assert all("found: day_39 (1).ipynb" in t["message"] for t in scores["frank"]["tasks"])


def test_a_link_inside_a_named_folder_that_leads_out_of_it_is_refused(tmp_path):
    from daykit.grading.grade import submission_at

    folder = tmp_path / "carol" / "day_39"
    folder.mkdir(parents=True)
    (folder / "day_39.py").symlink_to(COURSE.solution("day_39"))
    chosen = submission_at(folder, "day_39")
    assert chosen.student == "carol" and "symbolic link" in chosen.problem
    os.remove(folder / "day_39.py")
    (folder / "day_39.py").write_text(REFERENCE)
    assert submission_at(folder, "day_39").problem == ""


def test_nothing_a_refused_link_leads_to_goes_into_nbgraders_gradebook(graded):
    from daykit.grading.publish import collected

    course, docs, _ = graded
    assert docs["eve"]["refused"] and collected(course, "day_39", docs["eve"]) is None
    assert collected(course, "day_39", docs["carol"]) is not None
    assert "refused" not in docs["carol"]
