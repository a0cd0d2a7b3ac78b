"""daykit check, hint and watch on a small made-up course (day_98), and check on the real stubs."""

import io
import json

import pytest

from daykit.checking.runner import Status
from daykit.cli import main
from daykit.course import Course, CourseError
from daykit.student.hints import reveal
from daykit.student.practice import practice_day, run_day
from daykit.student.screen import render_check
from daykit.student.watch import Watcher, watch
from tests.kit.made_up_day import STUB, TODO

DONE = STUB.replace(TODO, "    return 2 * x", 1).replace(TODO, "    return x * x")
CHECKS = '''
from daykit.checks import expect_close


def test_double(double):
    expect_close(double(3.0), 6.0, tol=1e-12, call="double(3.0)")


def test_square(square):
    expect_close(square(4.0), 16.0, tol=1e-12, call="square(4.0)")
'''
HIDDEN = '''
def test_double_hidden(double):
    raise AssertionError("hidden checks must not run in a practice run")
'''
HINTS = '[double]\nhints = ["Multiply.", "By two.", "return 2 * x"]\n'


@pytest.fixture
def course(tmp_path):
    for relative, text in {"exercises/day_98.py": STUB, "tests/test_day_98.py": CHECKS,
                           "hidden/test_day_98_hidden.py": HIDDEN, "hints/day_98.toml": HINTS}.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    return Course(tmp_path)


def save(course, text):
    course.stub("day_98").write_text(text)


def statuses(result):
    return [r.status for r in result.results]


def test_tasks_points_and_title_come_from_the_exercise_file(course):
    day = practice_day(course, "day_98")
    assert [(t.name, t.points) for t in day.tasks] == [("double", 2), ("square", 1)]
    assert day.title == "Day 98 — Doubling and squaring" and day.label == "exercises/day_98.py"


def test_stub_is_not_started_and_only_visible_checks_run(course):
    assert statuses(run_day(course, "day_98")) == [Status.NOT_STARTED] * 2
    save(course, DONE)
    assert statuses(run_day(course, "day_98")) == [Status.PASS] * 2


def test_a_failure_carries_the_message_and_a_syntax_error_the_line(course):
    save(course, DONE.replace("2 * x", "2 + x"))
    result = run_day(course, "day_98")
    assert statuses(result) == [Status.FAIL, Status.PASS]
    assert "double(3.0): the result is 5.0" in result.results[0].message
    save(course, DONE.replace("2 * x", "2 * (x"))
    result = run_day(course, "day_98")
    assert statuses(result) == [Status.ERROR] * 2
    assert result.load_error.startswith("exercises/day_98.py, line") and "SyntaxError" in result.load_error


def test_the_table_shows_each_task_progress_and_the_next_step(course):
    save(course, DONE.replace("x * x", "x + x"))
    result = run_day(course, "day_98")
    text = render_check([result], [result], color=False)
    assert "double" in text and "2 pt  passed" in text
    assert "1 pt  failed" in text and "square(4.0): the result is 8.0" in text
    assert "1/2 tasks (50%)" in text
    assert "Next: fix square in exercises/day_98.py" in text and "daykit hint 98 square" in text


def test_check_command_exit_code_and_progress_memory(course, monkeypatch, capsys):
    monkeypatch.chdir(course.root)
    assert main(["check", "98"]) == 1
    assert "0/2 tasks (0%)" in capsys.readouterr().out
    save(course, DONE)
    assert main(["check"]) == 0
    assert "2/2 tasks (100%), 1/1 days complete" in capsys.readouterr().out
    progress = json.loads((course.root / ".daykit" / "progress.json").read_text())
    assert progress["day_98"]["tasks"] == {"double": "pass", "square": "pass"}
    assert (course.root / ".daykit" / ".gitignore").read_text().strip().endswith("*")


def test_hints_one_level_at_a_time_all_and_reset(course, monkeypatch, capsys):
    assert "1 of 3" in reveal(course, "day_98", "double") and "By two." not in reveal(course, "day_98", "square")
    second = reveal(course, "day_98", "double")
    assert "2 of 3" in second and "1. Multiply." in second and "2. By two." in second
    assert "3 of 3" in reveal(course, "day_98", "double", show_all=True)
    monkeypatch.chdir(course.root)
    assert main(["hint", "98", "double", "--reset"]) == 0
    assert main(["hint", "98", "double"]) == 0
    assert "1 of 3" in capsys.readouterr().out
    assert main(["hint", "98"]) == 0
    assert "double  1/3" in capsys.readouterr().out
    with pytest.raises(CourseError, match="no task 'cube'"):
        practice_day(course, "day_98").task("cube")


def test_watch_reruns_on_save_debounces_and_quits(course):
    out, typed, naps = io.StringIO(), [[], ["h"], [], ["q"]], []
    watcher = Watcher(course, ["day_98"], out=out, color=False, sleep=naps.append,
                      keys=lambda: typed.pop(0) if typed else [])
    watcher.start()
    assert "not started" in out.getvalue() and "Watching exercises/day_98.py" in out.getvalue()
    assert watcher.step() is False  # nothing changed
    save(course, DONE)
    assert watcher.step() is True  # the key "h" and the save
    screen = out.getvalue().rsplit("Day 98", 1)[1]
    assert "2/2 tasks" in screen and "passed" in screen and naps  # debounced with a sleep
    assert watcher.step() is False
    watcher.step()
    assert watcher.quit
    finished = watch(course, ["day_98"], iterations=2, out=io.StringIO(), color=False, sleep=lambda s: None,
                     keys=lambda: [])
    assert finished.results["day_98"].done


def test_watch_survives_a_file_caught_half_saved_or_deleted(course):
    out = io.StringIO()
    watcher = Watcher(course, ["day_98"], out=out, color=False, sleep=lambda s: None, keys=lambda: [])
    watcher.start()
    for broken in ("", None):  # truncated by an editor before it writes, then deleted
        path = course.root / "exercises/day_98.py"
        path.write_text(broken) if broken is not None else path.unlink()
        assert watcher.step() is True and not watcher.quit
        screen = out.getvalue().rsplit("Day 98", 1)[1]
        assert "exercises/day_98.py" in screen and "saved again" in screen and "not started" in screen
    save(course, DONE)
    assert watcher.step() is True
    assert watcher.results["day_98"].done and "saved again" not in out.getvalue().rsplit("Day 98", 1)[1]


def test_watch_will_not_start_on_a_file_without_tasks(course):
    save(course, "")
    with pytest.raises(CourseError, match="no task cells"):
        Watcher(course, ["day_98"], out=io.StringIO(), color=False, keys=lambda: []).start()


def test_check_on_the_real_stubs_reports_not_started():
    course = Course.here()
    result = run_day(course, "day_39")
    assert statuses(result) == [Status.NOT_STARTED] * len(result.results)


def test_os_exit_in_a_task_costs_that_task_only(course):
    save(course, DONE.replace("    return 2 * x", "    import os\n    os._exit(3)", 1))
    result = run_day(course, "day_98")
    assert statuses(result) == [Status.ERROR, Status.PASS]
    assert "exit code 3 while double ran" in result.results[0].message and "os._exit" in result.results[0].message


def notebook(code: str) -> str:
    """A notebook of one code cell, as nbformat 4 writes it (nbformat itself takes seconds to import)."""
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": code}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_watch_a_target_notebook_redraws_as_each_task_ends(course, tmp_path):
    target = tmp_path / "mine.ipynb"
    target.write_text(notebook(DONE.replace("x * x", "x + x")))
    out = io.StringIO()
    watcher = Watcher(course, ["day_98"], out=out, color=False, sleep=lambda s: None, keys=lambda: [],
                      files={"day_98": (target, "mine.ipynb")})
    watcher.start()
    screens = out.getvalue()
    assert "… double  " in screens and "running" in screens  # drawn while double ran
    assert "Watching mine.ipynb" in screens and "square(4.0): the result is 8.0" in screens
    assert "Course progress" not in screens  # the exercises were not what was checked
    target.write_text(notebook(DONE))
    assert watcher.step() is True
    assert watcher.results["day_98"].done
