"""The class's histogram is drawn after the results and the text reports are written, by a detached
process: the grading run never imports matplotlib, and histogram.png appears whole, shortly after."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

CODE = """
import json, sys
from pathlib import Path
from daykit.authoring.model import load_day
from daykit.checking.runner import Status, TaskResult
from daykit.course import Course
from daykit.grading.grade import Submission, document
from daykit.grading.reports import write_reports

day = load_day(Course.here(), "day_39")
docs = []
for index, student in enumerate(["ada", "bo", "cy"]):
    tasks = [TaskResult(t.name, Status.PASS if i < index else Status.FAIL, t.points if i < index else 0, t.points, "")
             for i, t in enumerate(day.tasks)]
    docs.append(document(day, Submission(student, Path(student + ".py")), tasks))
folder = Path(sys.argv[1])
paths = write_reports(day, docs, folder)
print(json.dumps({"matplotlib": "matplotlib" in sys.modules, "histogram_at_return": paths["histogram"].exists(),
                  "written": sorted(p.name for p in folder.iterdir())}))
"""


def test_the_histogram_is_drawn_apart_and_appears_whole(tmp_path):
    folder = tmp_path / "results"
    done = subprocess.run([sys.executable, "-c", CODE, str(folder)], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["matplotlib"] is False  # the run itself never paid for it
    assert {"grades.csv", "summary.json", "feedback"} <= set(report["written"])
    histogram = folder / "histogram.png"
    deadline = time.monotonic() + 120
    while not histogram.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert histogram.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    time.sleep(0.5)
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []  # no partial file left


def test_the_drawing_process_yields_the_cpu(tmp_path):
    """The drawing runs at a lower priority than the run that started it (a next run is not slowed)."""
    data = json.dumps({"slug": "day_39", "max_score": 3, "scores": [0, 1, 3], "path": str(tmp_path / "h.png")})
    code = ("import os; before = os.nice(0); from daykit.grading.reports import _draw_from_stdin; "
            "_draw_from_stdin(); print(before, os.nice(0))")
    done = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[2], env={**os.environ, "MPLBACKEND": "Agg"})
    assert done.returncode == 0, done.stderr
    before, after = map(int, done.stdout.split())
    assert after == min(before + 10, 19) and (tmp_path / "h.png").read_bytes()[:4] == b"\x89PNG"
