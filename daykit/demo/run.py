"""``daykit demo``: the instructor's loop end to end on a sample class — build, release, collect, grade, report.

The demo works in an nbgrader course of its own, ``demo/`` in the course root (a copy of
``nbgrader_config.py``, with its gradebook inside it, and of ``source/``), so its sample students never
mix with a real class in ``submitted/``, ``results/``, ``grades.csv`` or ``gradebook.db``. For every day:
build the artefacts, release the notebooks with nbgrader into ``demo/release/``, lay out a sample class in
``demo/submitted/`` (the reference, the untouched release, and one known-wrong variant per task), grade
it with ``daykit grade`` (in parallel, isolated; a second run reuses every result still current), write
it through to the demo's gradebook and ``demo/autograded/`` as ``nbgrader autograde`` would, print a
table of students × tasks per day, and write ``demo/grades.csv`` with nbgrader's export columns beside
the per-day reports in ``demo/results/``.

The table's "as expected" column says whether each sample student scored what its code implies (the
legend under each table says how): a known-wrong task scores nothing, and so may the tasks whose checks
or code call it.
"""

from __future__ import annotations

import ast
import shutil
import time
from pathlib import Path

from daykit.authoring.build import build
from daykit.authoring.model import Day, load_day
from daykit.checking.generate import tables
from daykit.course import Course, CourseError, write_atomically
from daykit.demo.agreement import points_by_task
from daykit.demo.sample_class import SampleStudent, one_wrong_per_task, sample_class, write_submissions
from daykit.grading.grade import ClassRun, Submission, grade_together, progress_bar
from daykit.grading.misconceptions import misconception_table, misconceptions_text
from daykit.grading.publish import course_grades, publish
from daykit.nbgrader.release import release
from daykit.nbgrader.run import CONFIG, PRIVATE_GRADEBOOK

DEMO_FOLDER = "demo"
EXPECTED_LEGEND = ("as expected: yes when the student scored what its code implies: the reference every point,\n"
                   "  the untouched release none, a known-wrong task none (the tasks that call it may lose theirs),\n"
                   "  every other task full points.")


def demo_course(course: Course) -> Path:
    """The demo's own nbgrader course, ``demo/`` in the course root: the course's nbgrader_config.py
    (its gradebook pinned inside the folder) and a copy of source/, refreshed on every run. Its
    submitted/, autograded/, results/, grades.csv and gradebook.db hold the sample class only."""
    folder = course.root / DEMO_FOLDER
    config = course.root / CONFIG
    source = course.root / "source"
    if not config.exists() or not source.is_dir():
        raise CourseError(f"{course.root} needs {CONFIG} and source/ (run `daykit build`) for the demo's course.")
    folder.mkdir(exist_ok=True)
    text = config.read_text(encoding="utf-8") + PRIVATE_GRADEBOOK
    if not (folder / CONFIG).exists() or (folder / CONFIG).read_text(encoding="utf-8") != text:
        write_atomically(folder / CONFIG, text)
    copy = folder / "source"
    if copy.exists() and _same_tree(source, copy):
        return folder
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(source, copy)
    return folder


def _same_tree(first: Path, second: Path) -> bool:
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    if files != sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file()):
        return False
    return all((first / f).read_bytes() == (second / f).read_bytes() for f in files)

Scores = dict[str, dict[str, dict[str, float]]]  # day → student → task → points


def lay_out_class(course: Course, days: list[str], folder: Path) -> dict[str, list[SampleStudent]]:
    """Write the demo class's notebooks into ``submitted/`` of the demo's course ``folder`` (release first)."""
    students = {}
    for day in days:
        students[day] = one_wrong_per_task(sample_class(course, day))
        write_submissions(folder, day, students[day])
    return students


def _points(value: float) -> str:
    return f"{value:g}"


def dependents(day: Day) -> dict[str, set[str]]:
    """For each task, the tasks that may lose points when it is wrong: those whose checks call it, or
    whose reference code calls it, directly or through another task. In a notebook every cell runs on
    the student's own functions, so one wrong task can cost the tasks built on it."""
    names = {t.name for t in day.tasks}
    uses: dict[str, set[str]] = {name: set() for name in names}
    for cell in day.cells:
        if cell.task:
            used = {n.id for n in ast.walk(ast.parse(cell.source)) if isinstance(n, ast.Name)}
            uses[cell.task] |= (used & names) - {cell.task}
    for name in names:
        for check in day.checks_for(name) + day.checks_for(name, hidden=True):
            uses[name] |= set(check.tasks) - {name}
    found = {name: set() for name in names}
    for name in names:  # transitive: who reaches `name` through `uses`
        frontier = [name]
        while frontier:
            current = frontier.pop()
            for other in names:
                if current in uses[other] and other not in found[name]:
                    found[name].add(other)
                    frontier.append(other)
    return found


def expected(student: SampleStudent, day: Day, scores: dict[str, float]) -> bool:
    """Whether a sample student scored as expected: the reference everything, the stub nothing, a
    known-wrong variant nothing on its task and everything on the tasks whose checks do not call it,
    a right variant everything."""
    full = {t.name: float(t.points) for t in day.tasks}
    got = {t.name: scores.get(t.name, 0.0) for t in day.tasks}
    if student.student_id == "stub":
        return all(v == 0 for v in got.values())
    if student.student_id.startswith("wrong_"):
        (task,) = student.replacements
        affected = dependents(day)[task]
        return got[task] == 0 and all(got[t] == full[t] for t in full if t != task and t not in affected)
    return got == full


def render_table(day: Day, students: list[SampleStudent], scores: dict[str, dict[str, float]],
                 width: int = 60) -> str:
    """One day's results as text: a legend of the tasks, then a row per student with points/max per
    task, the total, whether the student scored as expected, and the student's description."""
    tasks = day.tasks
    lines = [f"{day.slug}: {day.title} (max {_points(day.max_score)})"]
    lines += [f"  [{n}] {t.name} ({_points(t.points)} pt)" for n, t in enumerate(tasks, 1)]
    header = ["student"] + [f"[{n}]" for n in range(1, len(tasks) + 1)] + ["total", "as expected", "description"]
    rows = []
    for student in students:
        got = scores.get(student.student_id, {})
        cells = [f"{_points(got.get(t.name, 0.0))}/{_points(t.points)}" for t in tasks]
        total = f"{_points(sum(got.get(t.name, 0.0) for t in tasks))}/{_points(sum(t.points for t in tasks))}"
        description = student.description if len(student.description) <= width else student.description[
            : width - 1] + "…"
        rows.append([student.student_id, *cells, total, "yes" if expected(student, day, got) else "NO", description])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    lines.append("  " + EXPECTED_LEGEND)
    return "\n".join(lines)


def surprises(course: Course, students: dict[str, list[SampleStudent]], scores: Scores) -> list[str]:
    """A line for each sample student who did not score as expected (an uncaught variant, say)."""
    found = []
    for day, members in students.items():
        model = load_day(course, day)
        for student in members:
            if not expected(student, model, scores[day].get(student.student_id, {})):
                found.append(f"{day} {student.student_id} ({student.description})")
    return found


def run(args) -> int:
    started = time.perf_counter()
    course = Course.here()
    days = course.select(args.days)

    def step(message: str, since: float) -> float:
        now = time.perf_counter()
        print(f"{message} ({now - since:.1f} s)", flush=True)
        return now

    mark = started
    written = build(course, days, tables)
    mark = step(f"built {len(days)} day(s), {len(written)} file(s) rewritten", mark)
    home = demo_course(course)
    where = course.relative(home)
    release(Course(home), days)
    mark = step(f"released {len(days)} day(s) with nbgrader into {where}/release/ (the demo's own course)", mark)
    students = lay_out_class(course, days, home)
    count = sum(len(s) for s in students.values())
    mark = step(f"laid out {count} sample submissions in {where}/submitted/", mark)
    models = {day: load_day(course, day) for day in days}
    batches = []
    for day in days:
        folder = home / "submitted"
        files = [Submission(s.student_id, folder / s.student_id / day / f"{day}.ipynb") for s in students[day]]
        batches.append((ClassRun(course, models[day], results=home / "results" / day), files))
    graded = grade_together(batches, progress=progress_bar())
    mark = step(f"graded {count} submissions with daykit grade", mark)
    scores = {}
    for (run_, _), docs in zip(batches, graded, strict=True):
        day = run_.day.slug
        publish(course, run_.day, docs, run_.folder, course_dir=home)
        scores[day] = points_by_task(docs)
    mark = step(f"wrote the grades to {where}'s nbgrader gradebook and {where}/autograded/", mark)
    for run_, _ in batches:
        print("\n" + render_table(run_.day, students[run_.day.slug], scores[run_.day.slug]))
    print("\nThe class's mistakes (results/<day>/misconceptions.md): known misconceptions the grader named, "
          "and failures none explains, grouped by behaviour")
    for run_, docs in zip(batches, graded, strict=True):
        print(f"{run_[0].day.slug}:\n{misconceptions_text(misconception_table(run_[0].day, docs))}")
    csv_path = course_grades(course, {run_.day.slug: run_.day for run_, _ in batches}, home / "results",
                             home / "grades.csv", course_dir=home)
    print(f"\nwrote {course.relative(csv_path)} (nbgrader's export columns); per day: {where}/results/<day>/ holds "
          "each student's JSON, grades.csv, summary.json, histogram.png and feedback/<student>.md. The sample "
          f"class is nbgrader's too: from {where}/, `nbgrader generate_feedback DAY` or formgrader show it.")
    odd = surprises(course, students, scores)
    for line in odd:
        print(f"not as expected: {line}")
    print(f"demo done in {time.perf_counter() - started:.1f} s. Run it again: results still current are reused.")
    return 1 if odd else 0


def add_command(commands) -> None:
    command = commands.add_parser(
        "demo", help="build, release, grade a sample class with daykit grade, show the results"
    )
    command.add_argument("days", nargs="*", metavar="DAY", help="days to include, like 39 or day_39 (default: all)")
    command.set_defaults(run=run)
