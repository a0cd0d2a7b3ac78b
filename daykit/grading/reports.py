"""Reports from results documents: a table, grades.csv, a summary, a histogram and feedback.

Everything here reads the results documents that ``daykit grade`` wrote and nothing else, so a report
can be made again at any time. The class reports are always made from every stored result of the day
(``results/<day>/submissions/*.json``), whichever submissions a run graded: regrading one student
updates that student's row and leaves the rest of the class in place. Feedback shows the messages of
the checks, which for a hidden check name only what was judged and how it failed, never its code,
its input or its expected value.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from daykit.authoring.model import Day
from daykit.course import write_atomically
from daykit.grading.misconceptions import write_misconceptions

CSV_COLUMNS = [
    "assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
    "raw_score", "late_submission_penalty", "score", "max_score",
]
MARKS = {"pass": "✓", "fail": "✗", "error": "!", "timeout": "⏱", "not_started": "·"}
MAX_MESSAGE = 600  # as the grader caps them: a results document from elsewhere is capped here too
WORDS = {"pass": "passed", "fail": "failed", "error": "error", "timeout": "timed out", "not_started": "not started"}


def _points(value: float) -> str:
    return f"{value:g}"


def table(day: Day, docs: list[dict], labels: dict[str, str] | None = None) -> str:
    """Students × tasks: each cell the points earned and a mark for the status."""
    names = [t.name for t in day.tasks]
    width = max([len("student"), *(len(d["student"]) for d in docs)])
    columns = [max(len(n), 7) for n in names]
    header = f"{'student':<{width}}  " + "  ".join(f"{n:>{w}}" for n, w in zip(names, columns, strict=True))
    header += f"  {'score':>9}"
    if labels:
        header += "  who"
    lines = [header, "-" * len(header)]
    for doc in docs:
        cells = []
        for task, w in zip(doc["tasks"], columns, strict=True):
            cell = f"{MARKS.get(task['status'], '?')} {_points(task['points'])}/{_points(task['max_points'])}"
            cells.append(f"{cell:>{w}}")
        row = f"{doc['student']:<{width}}  " + "  ".join(cells)
        row += f"  {_points(doc['score']) + '/' + _points(doc['max_score']):>9}"
        if labels:
            row += f"  {labels.get(doc['student'], '')}"
        lines.append(row)
    lines.append("")
    lines.append("  ".join(f"{mark} {WORDS[s]}" for s, mark in MARKS.items()))
    return "\n".join(lines)


def summary(day: Day, docs: list[dict]) -> dict:
    """Pass rates per task and the score distribution."""
    tasks = {}
    for index, task in enumerate(day.tasks):
        statuses = [d["tasks"][index]["status"] for d in docs]
        tasks[task.name] = {
            "points": task.points,
            **{status: statuses.count(status) for status in MARKS},
            "pass_rate": round(statuses.count("pass") / len(statuses), 4) if statuses else 0.0,
        }
    scores = [d["score"] for d in docs]
    return {
        "day": day.slug,
        "submissions": len(docs),
        "max_score": day.max_score,
        "mean_score": round(sum(scores) / len(scores), 2) if scores else 0.0,
        "full_marks": sum(s == day.max_score for s in scores),
        "tasks": tasks,
    }


def summary_text(data: dict) -> str:
    """The class's summary as a person reads it: the mean to one decimal, one aligned row per task."""
    count = data["submissions"]
    lines = [f"{data['day']}: {count} submission(s), mean {data['mean_score']:.1f}/{_points(data['max_score'])}, "
             f"{data['full_marks']} with full marks"]
    width = max([len(name) for name in data["tasks"]] + [4])
    digits = len(str(count))
    for name, row in data["tasks"].items():
        lines.append(f"  {name:<{width}}  passed by {row['pass']:>{digits}}/{count} {row['pass_rate']:>5.0%}"
                     f"   not started {row['not_started']:>{digits}}, failed {row['fail']:>{digits}},"
                     f" error {row['error']:>{digits}}, timeout {row['timeout']:>{digits}}")
    return "\n".join(lines)


Late = dict[tuple[str, str], tuple[str, float]]  # (day, student) → (due date, late penalty) from the gradebook


def grades_csv(entries: list[tuple[Day, dict]], timestamps: dict[tuple[str, str], str] | None = None,
               late: Late | None = None) -> str:
    """One row per day and student, with ``nbgrader export``'s columns and number format; the due date
    and late penalty are the gradebook's (nbgrader's late-submission policy), the score net of it."""
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for day, doc in entries:
        key = (day.slug, doc["student"])
        duedate, penalty = (late or {}).get(key, ("", 0.0))
        raw = float(doc["score"])
        writer.writerow({
            "assignment": day.slug, "duedate": duedate, "timestamp": (timestamps or {}).get(key, ""),
            "student_id": doc["student"], "last_name": "", "first_name": "", "email": "",
            "raw_score": raw, "late_submission_penalty": float(penalty), "score": raw - float(penalty),
            "max_score": float(doc["max_score"]),
        })
    return stream.getvalue()


def stored_results(day: Day, folder: Path) -> tuple[list[dict], list[str]]:
    """Every stored result of the day in ``folder/submissions/``, by student, and a line for each file
    left out (unreadable, of another day, or graded against tasks the day no longer has)."""
    docs, skipped = [], []
    tasks = [t.name for t in day.tasks]
    for path in sorted((folder / "submissions").glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            skipped.append(f"{path}: not a readable results document ({exc})")
            continue
        if not isinstance(doc, dict) or doc.get("day") != day.slug or doc.get("student") != path.stem:
            skipped.append(f"{path}: not a result of {day.slug} for {path.stem}")
        elif [t.get("task") for t in doc.get("tasks", [])] != tasks:
            skipped.append(f"{path}: graded against other tasks than {day.slug}'s; grade it again")
        else:
            docs.append(doc)
    return docs, skipped


def feedback(day: Day, doc: dict) -> str:
    """A student's feedback in Markdown: each task's status, and what to do next."""
    lines = [f"# {day.title}: feedback for {doc['student']}", "",
             f"Score: **{_points(doc['score'])} / {_points(doc['max_score'])}**", ""]
    if doc.get("also_found"):
        graded = Path(doc["path"]).name
        lines += [f"Also found: {', '.join(doc['also_found'])} — not graded (only {graded} is).", ""]
    if doc.get("notes"):  # what the notebook asked for that a graded notebook never gets (a shell command)
        lines += [f"While grading: {'; '.join(doc['notes'])}. A graded notebook runs no shell command and "
                  "reaches nothing outside itself.", ""]
    for task in doc["tasks"]:
        lines.append(f"## {task['task']} — {WORDS.get(task['status'], task['status'])} "
                     f"({_points(task['points'])}/{_points(task['max_points'])})")
        lines.append("")
        if task["status"] == "pass":
            lines.append("Every check passed.")
        elif task["status"] == "not_started":
            lines.append("Not started: the function still raises NotImplementedError.")
        else:
            message = str(task["message"] or "A check did not pass.")
            lines.append(message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 3] + "...")
            found = task.get("diagnosis")
            if isinstance(found, dict) and isinstance(found.get("message"), str):
                lines += ["", found["message"]]
            elif isinstance(found, dict) and found.get("reason"):  # a result stored without the words
                # imported here: it imports SymPy, which the process that writes the reports never needs else
                from daykit.checking.diagnosis import message as diagnosis_message

                lines += ["", diagnosis_message(str(found["reason"]))]
            lines.append("")
            lines.append(_what_next(day, task, notebook=str(doc.get("path", "")).endswith(".ipynb")))
        lines.append("")
    return "\n".join(lines)


def _what_next(day: Day, task: dict, notebook: bool = False) -> str:
    """For a hidden check's failure, what to explore (the visible checks cannot show it: they may all
    pass); for any other, the visible checks that show it (in the notebook, for a notebook) and a hint."""
    number, name = day.slug.split("_")[1], task["task"]
    if str(task.get("message", "")).startswith("a hidden check"):
        return (f"This check is hidden: it tries {name} on other inputs than the visible checks, which may "
                f"all pass. Explore what it names: call {name} yourself on inputs of your own (other points, "
                "sizes and signs, the cases its docstring mentions) and compare each result with one you work "
                "out by hand; an answer right only at the visible inputs, or that ignores one of its arguments, "
                f"fails here. `daykit hint {number} {name}` gives a hint.")
    if notebook:  # pytest without --target checks exercises/, not the notebook
        return (f"Run the test cell under {name} in your notebook to see the visible checks, or check the "
                f"whole notebook with `daykit check {number} --target path/to/{day.slug}.ipynb`; "
                f"`daykit hint {number} {name}` gives a hint.")
    return (f"Run `pytest tests/test_{day.slug}.py` to see the visible checks; "
            f"`daykit hint {number} {name}` gives a hint.")


def histogram(day: Day, docs: list[dict], path: Path) -> None:
    """A PNG histogram of the scores, drawn in this process."""
    draw_histogram(day.slug, day.max_score, [d["score"] for d in docs], path)


def draw_histogram(slug: str, max_score: float, scores: list[float], path: Path) -> None:
    """A PNG histogram of ``scores``, written atomically to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(6, 3.5))
    bins = [b - 0.5 for b in range(0, int(max_score) + 2)]
    ax.hist(scores, bins=bins, color="#4c72b0", edgecolor="white")
    ax.set_xlabel(f"score (out of {max_score:g})")
    ax.set_ylabel("students")
    ax.set_title(f"{slug}: {len(scores)} submission(s)")
    ax.set_xlim(-0.5, max_score + 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.png")
    try:
        fig.savefig(partial, dpi=100)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
        plt.close(fig)


def histogram_later(day: Day, docs: list[dict], path: Path) -> subprocess.Popen:
    """Draw the histogram in a detached process, which this one neither waits for nor hears from: the
    results and every text report are written first, and matplotlib (about a second of start-up and
    drawing) is never paid by the grading run. ``path`` appears, atomically, shortly after."""
    data = json.dumps({"slug": day.slug, "max_score": day.max_score, "scores": [d["score"] for d in docs],
                       "path": str(Path(path).resolve())})
    process = subprocess.Popen(
        # -P: nothing from the folder the command runs in (a student's, say) on its path
        [sys.executable, "-P", "-c", "from daykit.grading.reports import _draw_from_stdin; _draw_from_stdin()"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    with contextlib.suppress(OSError):
        process.stdin.write(data.encode())
        process.stdin.close()
    return process


def _draw_from_stdin() -> None:
    if hasattr(os, "nice"):  # a picture nobody waits for yields the CPU to whatever runs next
        os.nice(10)
    data = json.loads(sys.stdin.read())
    draw_histogram(data["slug"], float(data["max_score"]), [float(s) for s in data["scores"]], Path(data["path"]))


Stamps = dict[tuple[str, str], str]  # (day, student) → submission time


def write_reports(day: Day, docs: list[dict], folder: Path, timestamps: Stamps | None = None,
                  late: Late | None = None, draw_now: bool = False) -> dict:
    """grades.csv, summary.json, histogram.png and feedback/<student>.md in ``folder`` for the class in
    ``docs`` (give it every stored result: see :func:`class_reports`); returns the paths. The histogram
    is drawn by a detached process (see :func:`histogram_later`) unless ``draw_now``."""
    data = summary(day, docs)
    paths = {
        "grades": folder / "grades.csv",
        "summary": folder / "summary.json",
        "histogram": folder / "histogram.png",
        "feedback": folder / "feedback",
    }
    write_atomically(paths["grades"], grades_csv([(day, doc) for doc in docs], timestamps, late))
    write_atomically(paths["summary"], json.dumps(data, indent=1) + "\n")
    if draw_now:
        histogram(day, docs, paths["histogram"])
    else:
        histogram_later(day, docs, paths["histogram"])
    for doc in docs:
        write_atomically(paths["feedback"] / f"{doc['student']}.md", feedback(day, doc))
    paths.update(write_misconceptions(day, docs, folder))
    return paths


def class_reports(day: Day, folder: Path, timestamps: Stamps | None = None, late: Late | None = None,
                  stored: tuple[list[dict], list[str]] | None = None) -> tuple[list[dict], list[str]]:
    """Rebuild the day's class reports in ``folder`` from every stored result there (``stored``: what
    stored_results just gave, not read again); returns the class's results documents and a line for each
    stored file left out."""
    docs, skipped = stored if stored is not None else stored_results(day, folder)
    write_reports(day, docs, folder, timestamps, late)
    return docs, skipped
