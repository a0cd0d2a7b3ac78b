"""`daykit grade` is a drop-in for `nbgrader autograde`: everything nbgrader does after autograding works.

One class of Day 39 (a finished notebook, an untouched release, one wrong task, a late submission, and
one with its test cells deleted) is handed in to a stand-alone copy of the course, released with a due
date and nbgrader's "zero" late policy. A copy of that course is graded by `nbgrader autograde`, the
course itself by `daykit grade`; then nbgrader's own commands and formgrader's API must find what
autograde would have left: the same students, scores per cell, totals and penalties, "autograded"
submissions, and feedback free of hidden tests. A manual grade entered afterwards survives a regrade.
The routine runs on SQLite, and on a PostgreSQL server started here when its binaries are installed.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from daykit.course import Course
from daykit.demo.sample_class import submission_notebook
from daykit.grading.export import canvas_csv
from daykit.nbgrader.gradebook import export_csv
from daykit.nbgrader.release import release
from daykit.nbgrader.run import nbgrader_api, quiet_gradebook
from tests.kit.course_copy import BIN, COURSE, command, course_copy, environment, hand_in

pytestmark = pytest.mark.slow

DAY = "day_39"
LATE_POLICY = '\nc.LateSubmissionPlugin.penalty_method = "zero"\n'
DUE = "2026-12-02 12:00:00 UTC"
ON_TIME, LATE = "2026-12-01 10:00:00.000000 UTC", "2026-12-03 09:30:00.000000 UTC"
WRONG_GRADIENT = (  # the exact gradient, whatever the step: fails the step check
    "def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):\n"
    "    return np.array([2 * x_val * y_val, x_val**2 + 3 * y_val**2])\n"
)
HIDDEN_NAMES = [line.split("(")[0].removeprefix("def ") for line in
                COURSE.hidden_checks(DAY).read_text().splitlines() if line.startswith("def test_")]


def hand_in_class(root: Path) -> list[str]:
    """The class, made from the release notebook as students fill it in."""
    release = nbformat.read(str(root / "release" / DAY / f"{DAY}.ipynb"), as_version=4)
    source = nbformat.read(str(root / "source" / DAY / f"{DAY}.ipynb"), as_version=4)
    tasks = [c.metadata.nbgrader.grade_id for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")]
    finished = submission_notebook(release, source, {})
    no_tests = submission_notebook(release, source, {})
    no_tests.cells = [c for c in no_tests.cells if not c.metadata.get("nbgrader", {}).get("grade")]
    students = {
        "finished": (finished, ON_TIME),
        "untouched": (submission_notebook(release, source, dict.fromkeys(tasks)), ON_TIME),
        "wrong": (submission_notebook(release, source, {"numerical_gradient": WRONG_GRADIENT}), ON_TIME),
        "late": (finished, LATE),
        "no_tests": (no_tests, ON_TIME),
    }
    for student, (notebook, stamp) in students.items():
        hand_in(root, student, json.loads(nbformat.writes(notebook)), stamp=stamp)
    return sorted(students)


@contextmanager
def database(env: dict):
    """In this process too, the gradebook the commands in ``env`` use (the course's config reads DAYKIT_DB_URL)."""
    old = os.environ.pop("DAYKIT_DB_URL", None)
    if "DAYKIT_DB_URL" in env:
        os.environ["DAYKIT_DB_URL"] = env["DAYKIT_DB_URL"]
    try:
        yield
    finally:
        os.environ.pop("DAYKIT_DB_URL", None)
        if old is not None:
            os.environ["DAYKIT_DB_URL"] = old


def export_rows(text: str) -> list[dict]:
    return sorted(csv.DictReader(io.StringIO(text)), key=lambda row: row["student_id"])


def nbgrader_export(root: Path, env: dict) -> list[dict]:
    target = root / "nbgrader_export.csv"
    command(root, "nbgrader", "export", "--to", str(target), env=env)
    return export_rows(target.read_text())


def cell_grades(root: Path, students: list[str]) -> dict:
    """Per student and test cell: (auto score, score, needs manual grade), and the solution cells' comments."""
    from nbgrader.api import Gradebook

    api = nbgrader_api(root)
    found = {}
    with quiet_gradebook(), Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for student in students:
            notebook = gradebook.find_submission_notebook(DAY, DAY, student)
            grades = {g.name: (g.auto_score, g.score, g.needs_manual_grade) for g in notebook.grades}
            comments = {c.name: (c.auto_comment, c.manual_comment) for c in notebook.comments}
            found[student] = {"grades": grades, "comments": comments,
                              "penalty": notebook.late_submission_penalty or 0.0}
    return found


def set_manual_grade(root: Path, student: str, score: float, comment: str) -> None:
    """What an instructor does in formgrader: a manual score on a test cell, a comment on the task."""
    from nbgrader.api import Gradebook

    api = nbgrader_api(root)
    with quiet_gradebook(), Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        gradebook.find_grade("test_numerical_gradient", DAY, DAY, student).manual_score = score
        gradebook.find_comment("numerical_gradient", DAY, DAY, student).manual_comment = comment
        gradebook.db.commit()


def set_due_date(root: Path) -> None:
    """What ``nbgrader db assignment add day_39 --duedate ...`` does, without its start-up time."""
    from nbgrader.api import Gradebook
    from nbgrader.utils import parse_utc

    api = nbgrader_api(root)
    with quiet_gradebook(), Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        gradebook.update_or_create_assignment(DAY, duedate=parse_utc(DUE))


def routine(parent: Path, env: dict, autograde_too: bool) -> dict:
    """Release with a due date, hand in the class, grade it with daykit (and a copy with nbgrader)."""
    root = course_copy(parent, DAY, LATE_POLICY)
    with database(env):  # releasing and the due date are not under test: in this process, to save start-ups
        release(Course(root), [DAY])
        set_due_date(root)
    students = hand_in_class(root)
    seen = {"root": root, "students": students, "env": env}
    if autograde_too:  # the same course, graded by nbgrader itself (its SQLite gradebook copied with it)
        theirs = parent / "by_nbgrader"
        shutil.copytree(root, theirs)
        command(theirs, "nbgrader", "autograde", DAY, env=env)
        with database(env):
            seen["nbgrader_export"] = export_rows(export_csv(theirs, DAY, parent / "theirs.csv").read_text())
            seen["nbgrader_cells"] = cell_grades(theirs, students)
    seen["grade"] = command(root, "daykit", "grade", "39", env=env)
    with database(env):
        if autograde_too:  # nbgrader's own command once; on PostgreSQL the same export plugin in this process
            seen["export"] = nbgrader_export(root, env)
        else:
            seen["export"] = export_rows(export_csv(root, DAY, parent / "ours.csv").read_text())
        seen["cells"] = cell_grades(root, students)
        api = nbgrader_api(root)
        seen["submissions"] = {s["student"]: s for s in api.get_submissions(DAY)}
        seen["indices"] = api.get_notebook_submission_indices(DAY, DAY)
    return seen


# ------------------------------------------------------------------------------------------- SQLite


@pytest.fixture(scope="module")
def sqlite(tmp_path_factory):
    return routine(tmp_path_factory.mktemp("gradebook_sqlite"), environment(), autograde_too=True)


def test_nbgrader_export_is_what_autograde_gives(sqlite):
    assert [row["student_id"] for row in sqlite["export"]] == sqlite["students"]
    assert sqlite["export"] == sqlite["nbgrader_export"]
    scores = {row["student_id"]: (row["raw_score"], row["late_submission_penalty"], row["score"])
              for row in sqlite["export"]}
    assert scores["finished"] == ("10.0", "0.0", "10.0") and scores["late"] == ("10.0", "10.0", "0.0")
    assert scores["wrong"] == ("6.0", "0.0", "6.0") and scores["untouched"][2] == "0.0"


def test_every_cell_is_scored_as_autograde_scores_it(sqlite):
    ours = {s: (c["grades"], c["penalty"]) for s, c in sqlite["cells"].items()}
    theirs = {s: (c["grades"], c["penalty"]) for s, c in sqlite["nbgrader_cells"].items()}
    assert ours == theirs
    assert ours["no_tests"][0]["test_numerical_gradient"] == (4.0, 4.0, False)


def test_formgrader_sees_every_submission_autograded(sqlite):
    submissions = sqlite["submissions"]
    assert sorted(submissions) == sqlite["students"]
    assert all(s["autograded"] and s["submitted"] for s in submissions.values())
    assert {s: submissions[s]["score"] for s in submissions} == {
        "finished": 10.0, "late": 10.0, "no_tests": 10.0, "untouched": 0.0, "wrong": 6.0}
    assert len(sqlite["indices"]) == len(sqlite["students"])


def test_autograded_notebooks_are_what_formgrader_opens(sqlite):
    root = sqlite["root"]
    for student in sqlite["students"]:
        path = root / "autograded" / student / DAY / f"{DAY}.ipynb"
        notebook = nbformat.read(str(path), as_version=4)
        nbformat.validate(notebook)
        tests = {c.metadata.nbgrader.grade_id: c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")}
        assert sorted(tests) == ["test_chain_rule_derivative", "test_numerical_gradient", "test_symbolic_derivative"]
        assert (root / "autograded" / student / DAY / "timestamp.txt").is_file()
    wrong = nbformat.read(str(root / "autograded" / "wrong" / DAY / f"{DAY}.ipynb"), as_version=4)
    failed = next(c for c in wrong.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_numerical_gradient")
    assert failed.outputs[0].output_type == "error"  # nbgrader's sign of a failed test cell


def test_the_task_comment_is_the_student_facing_message(sqlite):
    comments = sqlite["cells"]["wrong"]["comments"]
    message = comments["numerical_gradient"][0]
    assert message and "step" in message
    assert comments["symbolic_derivative"] == (None, None)
    assert sqlite["cells"]["untouched"]["comments"]["symbolic_derivative"][0] == "No response."


def test_grades_csv_shows_the_due_date_and_the_late_penalty(sqlite):
    with open(sqlite["root"] / "results" / DAY / "grades.csv", newline="") as stream:
        late = next(row for row in csv.DictReader(stream) if row["student_id"] == "late")
    assert late["duedate"].startswith("2026-12-02 12:00:00")
    assert (late["raw_score"], late["late_submission_penalty"], late["score"]) == ("10.0", "10.0", "0.0")


def test_a_gradebook_left_unwritten_fails_the_run_and_keeps_the_results(sqlite, tmp_path):
    """A gradebook that was to be written and was not (here: a timestamp nbgrader cannot read) is a failed
    run, so that a script notices; the results and reports are stored all the same. A course that has no
    gradebook at all (it never used nbgrader's) grades with success."""
    root = tmp_path / "course"
    shutil.copytree(sqlite["root"], root)
    (root / "submitted" / "wrong" / DAY / "timestamp.txt").write_text("yesterday\n", encoding="utf-8")
    for arguments in ((), ("--json",)):
        done = subprocess.run([str(BIN / "daykit"), "grade", "39", "--force", *arguments], cwd=root,
                              env=sqlite["env"], capture_output=True, text=True, timeout=600)
        assert done.returncode == 1, done.stderr
        assert "gradebook not written" in done.stderr and "timestamp.txt" in done.stderr
        assert (root / "results" / DAY / "submissions" / "wrong.json").is_file()
    (root / "gradebook.db").unlink()
    done = command(root, "daykit", "grade", "39", "--force", env=sqlite["env"])
    assert "there is no gradebook" in done.stderr


def test_the_publishing_process_holds_the_gradebook_through_a_lock_and_after_it(sqlite, tmp_path):
    """The publishing process opens the gradebook once, ahead (prepare, which nothing answers: each later call
    gets its own reply). Locked by another process, the gradebook is left unwritten as before, with the same
    note; once the lock is gone the same process writes it (its session, failed in the midst of a write, was
    rolled back), and the course's grades.csv reads the late penalty it has just written."""
    import sqlite3

    from daykit.grading.grade import graded_day
    from daykit.grading.publisher import Publisher

    root = tmp_path / "course"
    shutil.copytree(sqlite["root"], root)
    for path in (root / "results" / DAY / "submissions").glob("*.json"):  # the copy's own submissions
        path.write_text(path.read_text().replace(str(sqlite["root"]), str(root)))
    course = Course(root)
    day, _ = graded_day(course, DAY)
    docs = [json.loads(p.read_text()) for p in sorted((root / "results" / DAY / "submissions").glob("*.json"))]
    with sqlite3.connect(root / "gradebook.db") as db:  # what the run writes, not there yet
        db.execute("UPDATE grade SET auto_score = NULL")
        db.execute("UPDATE submitted_notebook SET late_submission_penalty = NULL")
    with database({"DAYKIT_DB_URL": f"sqlite:///{root / 'gradebook.db'}?timeout=0.2"}):
        publisher = Publisher(course)
    try:
        publisher.prepare([DAY])
        publisher.prepare([DAY], gradebook=False)
        assert publisher.call("course_grades", course, {DAY: day}, root / "results", root / "grades.csv")
        lock = sqlite3.connect(root / "gradebook.db", isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # read, but not written: the session fails in the midst of its work
        try:
            locked = publisher.call("publish", course, day, docs, root / "results" / DAY)
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        written = publisher.call("publish", course, day, docs, root / "results" / DAY)
        publisher.call("course_grades", course, {DAY: day}, root / "results", root / "grades.csv")
    finally:
        publisher.close()
    assert locked.unwritten and not locked.gradebook
    [note] = locked.notes  # SQLAlchemy's first line: here, that the lock stopped a flush
    assert note.startswith("gradebook not written (") and "once the database answers" in note
    assert not written.unwritten and not written.notes and written.gradebook == sqlite["students"]
    with open(root / "grades.csv", newline="") as stream:
        late = next(row for row in csv.DictReader(stream) if row["student_id"] == "late")
    assert (late["late_submission_penalty"], late["score"]) == ("10.0", "0.0")
    assert cell_grades(root, sqlite["students"]) == sqlite["cells"]


def test_a_copy_named_on_the_command_line_is_not_the_late_submission(sqlite, tmp_path):
    """The gradebook's late penalty belongs to the notebook nbgrader collected: the same notebook graded
    from elsewhere gets results and reports, and no penalty (nor any gradebook entry)."""
    root = sqlite["root"]
    copy = tmp_path / "late" / DAY / f"{DAY}.ipynb"  # nbgrader's layout: the student is "late"
    copy.parent.mkdir(parents=True)
    shutil.copy2(root / "submitted" / "late" / DAY / f"{DAY}.ipynb", copy)
    command(root, "daykit", "grade", "39", str(copy), "--results", str(tmp_path / "results"), env=sqlite["env"])
    with open(tmp_path / "results" / "grades.csv", newline="") as stream:
        row = next(r for r in csv.DictReader(stream) if r["student_id"] == "late")
    assert (row["raw_score"], row["late_submission_penalty"], row["score"]) == ("10.0", "0.0", "10.0")
    with open(root / "results" / DAY / "grades.csv", newline="") as stream:
        collected = next(r for r in csv.DictReader(stream) if r["student_id"] == "late")
    assert collected["late_submission_penalty"] == "10.0"  # the collected one's is as it was


def test_the_collected_notebook_named_on_the_command_line_goes_to_the_gradebook(sqlite, tmp_path):
    """Named on the command line, the notebook nbgrader collected is still that submission: written through to
    the gradebook and autograded/ (the gradebook is opened after grading, not ahead, for named files)."""
    root = sqlite["root"]
    collected = root / "submitted" / "late" / DAY / f"{DAY}.ipynb"
    done = command(root, "daykit", "grade", "39", str(collected), "--force", "--results", str(tmp_path / "results"),
                   env=sqlite["env"])
    assert "1 in nbgrader's gradebook and autograded/" in done.stdout
    with open(tmp_path / "results" / "grades.csv", newline="") as stream:
        row = next(r for r in csv.DictReader(stream) if r["student_id"] == "late")
    assert row["late_submission_penalty"] == "10.0"  # the gradebook's due date and penalty apply to it


def test_generate_feedback_works_and_hides_the_hidden_tests(sqlite):
    root, env = sqlite["root"], sqlite["env"]
    command(root, "nbgrader", "generate_feedback", DAY, env=env)
    for student in sqlite["students"]:
        html = (root / "feedback" / student / DAY / f"{DAY}.html").read_text()
        assert "BEGIN HIDDEN TESTS" not in html
        leaked = [name for name in HIDDEN_NAMES if name in html]
        assert leaked == [], f"{student}'s feedback shows hidden checks"
    assert "6.0" in (root / "feedback" / "wrong" / DAY / f"{DAY}.html").read_text()


def test_a_manual_grade_survives_a_regrade_and_reaches_the_exports(sqlite):
    root, env = sqlite["root"], sqlite["env"]
    with database(env):
        set_manual_grade(root, "wrong", 3.0, "Close: see me")
    command(root, "daykit", "grade", "39", "--force", env=env)
    with database(env):
        cells = cell_grades(root, ["wrong"])["wrong"]
    assert cells["grades"]["test_numerical_gradient"] == (0.0, 3.0, True)  # kept, flagged for review
    assert cells["comments"]["numerical_gradient"][1] == "Close: see me"
    ours = root / "daykit_export.csv"
    command(root, "daykit", "export", "39", "--format", "csv", "--output", str(ours), env=env)
    exported = export_rows(ours.read_text())
    before = {row["student_id"]: row for row in sqlite["export"]}
    before["wrong"] = {**before["wrong"], "raw_score": "9.0", "score": "9.0"}  # 3 + 3 by hand + 3
    assert exported == [before[s] for s in sorted(before)]
    lines = list(csv.reader(canvas_csv(root, DAY).splitlines()))
    assert lines[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", DAY]
    assert lines[1][0] == "Points Possible" and lines[1][-1] == "10"
    by_login = {row[3]: row[-1] for row in lines[2:]}
    assert by_login == {"finished": "10", "late": "0", "no_tests": "10", "untouched": "0", "wrong": "9"}


# ---------------------------------------------------------------------------------------- PostgreSQL


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    """A throw-away PostgreSQL server from the system's binaries (as an unprivileged user: initdb
    refuses root); its URL, with trust authentication on 127.0.0.1."""
    binaries = postgres_bin()
    if binaries is None:
        pytest.skip("PostgreSQL's server binaries are not installed (no /usr/lib/postgresql/*/bin/initdb): "
                    "`apt-get install postgresql` (as .ci/run does) to test the gradebook on PostgreSQL")
    folder = Path(tempfile.mkdtemp(prefix="daykit-pg-"))
    as_user = []
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)
        as_user = ["runuser", "-u", "nobody", "--"]
    port = free_port()
    data = folder / "data"

    def run(*args):
        subprocess.run([*as_user, *map(str, args)], check=True, capture_output=True, timeout=120, cwd=folder)

    run(binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
    run(binaries / "pg_ctl", "-D", data, "-l", folder / "server.log", "-w", "-o",
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -F", "start")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres(postgres_url, tmp_path_factory):
    return routine(tmp_path_factory.mktemp("gradebook_postgres"), environment(DAYKIT_DB_URL=postgres_url),
                   autograde_too=False)


def test_postgres_gradebook_holds_what_sqlite_holds(postgres, sqlite):
    assert not (postgres["root"] / "gradebook.db").exists()  # the grades went to the server
    assert postgres["export"] == sqlite["nbgrader_export"]
    strip = {s: c["grades"] for s, c in postgres["cells"].items()}
    assert strip == {s: c["grades"] for s, c in sqlite["nbgrader_cells"].items()}
    assert all(s["autograded"] for s in postgres["submissions"].values())


def test_postgres_keeps_a_manual_grade_through_a_regrade(postgres):
    root, env = postgres["root"], postgres["env"]
    with database(env):
        set_manual_grade(root, "wrong", 2.0, "Half right")
    command(root, "daykit", "grade", "39", "--force", env=env)
    with database(env):
        cells = cell_grades(root, ["wrong"])["wrong"]
    assert cells["grades"]["test_numerical_gradient"] == (0.0, 2.0, True)
    assert cells["comments"]["numerical_gradient"][1] == "Half right"
