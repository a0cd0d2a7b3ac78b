"""Grading speed: ``daykit grade`` against ``nbgrader autograde``, against an in-process run, and its fixed cost.

Three measurements, each run as the commands an instructor types (so start-up counts):

1. A temporary nbgrader course gets Day 39 released and a class of notebook submissions laid out in
   submitted/: the reference, the untouched release and every variant, repeated under new names until
   the class has at least --students members. The class is graded by ``nbgrader autograde`` and by
   ``daykit grade`` (three times, each once the previous run's histogram is drawn: the median, as its
   run takes seconds); the last line of this part is the speed-up.
2. A copy of the whole course (every day released) gets a class of at least --class-size notebook
   submissions over the seven days, from the same sample classes. ``daykit grade`` (no day: the whole
   course in one pool, without the gradebook) grades it; so does an in-process baseline with no
   isolation at all: one process that loads each submission's cells as the worker does (IPython's
   transformation included) and runs the same checks on its functions directly. The ratio of the two
   times is the grader's overhead; their scores must be the same.
3. The fixed cost: ``daykit grade`` of one day and one submission, in a copy of that course that holds
   only that submission (the median of seven runs: a run of under a second shows every hiccup of a
   shared machine), with the gradebook written and without.

daykit's modules are compiled to bytecode first, as ``pip install`` leaves them (and as ``daykit grade``
leaves an editable install after its first run), whatever PYTHONDONTWRITEBYTECODE says here.

    python benchmarks/grading.py [--students 40] [--class-size 1000] [--jobs N] [--keep] [--skip PART]
"""

from __future__ import annotations

import argparse
import compileall
import dataclasses
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import daykit
from daykit.authoring.model import load_day
from daykit.course import Course
from daykit.demo.agreement import differences
from daykit.demo.sample_class import sample_class, write_submissions
from daykit.nbgrader.release import release
from daykit.nbgrader.run import gradebook_scores, temporary_course

DAY = "day_39"
COURSE_FILES = ("solutions", "tests", "hidden", "variants", "hints", "exercises", "source")


def make_class(course: Course, size: int, day: str = DAY) -> list:
    """The sample class, repeated under new names until it has at least ``size`` students."""
    base = sample_class(course, day)
    students, round_ = [], 0
    while len(students) < size:
        students += [dataclasses.replace(s, student_id=f"{s.student_id}_r{round_}") for s in base]
        round_ += 1
    return students


def course_class(course: Course, size: int) -> dict[str, list]:
    """Every day's sample class, round after round under new names, until the course has ``size`` submissions."""
    bases = {day: sample_class(course, day) for day in course.days()}
    chosen: dict[str, list] = {day: [] for day in bases}
    total, round_ = 0, 0
    while total < size:
        for day, base in bases.items():
            for student in base:
                if total == size:
                    break
                chosen[day].append(dataclasses.replace(student, student_id=f"{student.student_id}_r{round_}"))
                total += 1
        round_ += 1
    return {day: students for day, students in chosen.items() if students}


def timed(command: list[str], cwd: Path, env: dict) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall time and CPU time (the command's and its children's) of ``command``; exits when it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return elapsed, cpu, done


def nbgrader_part(course: Course, work: Path, env: dict, bin_dir: str, args) -> None:
    course_dir = temporary_course(course, parent=work)
    release(Course(course_dir), [DAY])
    students = make_class(course, args.students)
    paths = write_submissions(course_dir, DAY, students)
    ids = [s.student_id for s in students]
    max_score = load_day(course, DAY).max_score
    rounds = len(students) // len(sample_class(course, DAY))
    print(f"class: {len(students)} Day 39 notebooks ({rounds} rounds of the reference, the stub, every variant); "
          f"{os.cpu_count()} cores")

    nb_seconds, _, _ = timed([str(Path(bin_dir) / "nbgrader"), "autograde", DAY, "--force"], course_dir, env)
    theirs = {DAY: {s: {cell.removeprefix("test_"): points for cell, points in cells.items()}
                    for s, cells in gradebook_scores(course_dir, DAY, ids).items()}}
    print(f"nbgrader autograde: {nb_seconds:7.1f} s  ({nb_seconds / len(ids):.2f} s per submission)")

    command = [str(Path(bin_dir) / "daykit"), "grade", DAY, *map(str, paths), "--force", "--json",
               "--results", str(work / "results")]
    if args.jobs:
        command += ["--jobs", str(args.jobs)]
    runs = []
    for _ in range(3):  # a run of seconds: the median of three
        runs.append(timed(command, course.root, env))
        time.sleep(2)  # the histogram's detached process draws meanwhile, off the clock (as in fixed_part)
    dk_seconds, done = statistics.median(r[0] for r in runs), runs[-1][2]
    report = json.loads(done.stdout)
    ours = {DAY: {s["student"]: {t["task"]: float(t["points"]) for t in s["tasks"]} for s in report["submissions"]}}
    print(f"daykit grade:       {dk_seconds:7.1f} s  ({dk_seconds / len(ids):.2f} s per submission; the median of "
          f"{', '.join(f'{r[0]:.1f}' for r in runs)} s)")

    diff = differences(theirs, ours)
    for line in diff[:20]:
        print(f"  differs: {line}")
    totals = sorted(sum(ours[DAY][s].values()) for s in ids)
    print(f"scores: {totals.count(max_score)} full, {totals.count(0)} zero, {len(totals)} in all; "
          f"{len(diff)} task score(s) differ")
    print(f"grading speedup vs nbgrader autograde: {nb_seconds / dk_seconds:.1f}x "
          f"(scores identical: {'yes' if not diff else 'no'})")


def course_copy(course: Course, work: Path) -> Path:
    """The instructor's course (its authored and generated files, its nbgrader config) in ``work``, every
    day released, so that ``daykit grade`` finds its class in submitted/ as it does in a course."""
    root = work / "course"
    for name in COURSE_FILES:
        shutil.copytree(course.root / name, root / name)
    config = (course.root / "nbgrader_config.py").read_text(encoding="utf-8")
    (root / "nbgrader_config.py").write_text(config, encoding="utf-8")
    release(Course(root), Course(root).days())
    return root


def scores_of(documents: list[dict]) -> dict[str, dict[str, dict[str, float]]]:
    found: dict = {}
    for doc in documents:
        found.setdefault(doc["day"], {})[doc["student"]] = {t["task"]: float(t["points"]) for t in doc["tasks"]}
    return found


def course_part(course: Course, work: Path, env: dict, bin_dir: str, args) -> Path:
    root = course_copy(course, work)
    classes = course_class(course, args.class_size)
    for day, students in classes.items():
        write_submissions(root, day, students)
    total = sum(len(s) for s in classes.values())
    sizes = ", ".join(f"{day}: {len(students)}" for day, students in classes.items())
    print(f"class: {total} notebooks over {len(classes)} days ({sizes}); {os.cpu_count()} cores")

    command = [str(Path(bin_dir) / "daykit"), "grade", "--force", "--no-gradebook"]
    if args.jobs:
        command += ["--jobs", str(args.jobs)]
    dk_seconds, _, _ = timed(command, root, env)
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((root / "results").glob("*/submissions/*.json"))]
    ours = scores_of(docs)
    print(f"daykit grade (whole course, one pool): {dk_seconds:7.1f} s  "
          f"({1000 * dk_seconds / total:.1f} ms per submission)")

    base_seconds, base_cpu, done = timed([sys.executable, __file__, "--in-process", str(root)], root, env)
    theirs = json.loads(done.stdout)
    print(f"in-process baseline (no isolation):    {base_seconds:7.1f} s  ({1000 * base_seconds / total:.1f} ms per "
          f"submission, {base_cpu:.1f} s CPU)")
    diff = differences(theirs, ours)
    for line in diff[:20]:
        print(f"  differs: {line}")
    print(f"overhead vs in-process baseline: {dk_seconds / base_seconds:.1f}x "
          f"(scores identical: {'yes' if not diff and sum(map(len, ours.values())) == total else 'no'})")
    return root


def fixed_part(root: Path, work: Path, env: dict, bin_dir: str) -> None:
    """``daykit grade`` of one day and one submission, in a course of its own that holds only that one (so
    that no other result's report is rebuilt), seven times each way, alternately; the medians."""
    fixed = work / "fixed"
    for name in (*COURSE_FILES, "release"):
        shutil.copytree(root / name, fixed / name)
    for name in ("nbgrader_config.py", "gradebook.db"):
        if (root / name).exists():
            shutil.copy2(root / name, fixed / name)
    one = root / "submitted" / "reference_r0" / DAY
    shutil.copytree(one, fixed / "submitted" / "reference_r0" / DAY)
    ways = {"with the gradebook": [], "without the gradebook": ["--no-gradebook"]}
    times: dict[str, list[float]] = {label: [] for label in ways}
    for _ in range(7):  # alternately, so that a slow minute of the machine falls on both
        for label, extra in ways.items():
            times[label].append(timed([str(Path(bin_dir) / "daykit"), "grade", DAY, "--force", *extra], fixed, env)[0])
            time.sleep(2)  # the histogram's detached process draws meanwhile, off the clock
    figures = {label: statistics.median(found) for label, found in times.items()}
    print(f"fixed cost of daykit grade (one day, one submission): {figures['with the gradebook']:.2f} s "
          f"({figures['without the gradebook']:.2f} s without the gradebook)")


def in_process(root: Path) -> None:
    """The baseline: every submission of the course in this one process, no isolation; prints the scores."""
    from daykit.checking import ipython_cells
    from daykit.checking.library import diagnose_results, load_library  # as the grader names known mistakes
    from daykit.checking.runner import callables, grade_functions, load_checks
    from daykit.grading.grade import find_submissions, graded_day, read_chunks

    course = Course(root)
    found: dict = {}
    for slug in course.days():
        submissions = find_submissions(course, slug)
        if not submissions:
            continue
        day, locked = graded_day(course, slug)
        checks = load_checks(course, slug)
        library = load_library(course, slug)
        for submission in submissions:
            chunks, error = read_chunks(submission.path, locked)
            namespace = {"__name__": "__main__", "__builtins__": __builtins__}
            shell = ipython_cells.Shell(namespace)
            shell.install(into_builtins=True)
            for label, source in chunks:
                try:
                    shell.run(source, label)
                except BaseException:  # noqa: BLE001 - the student's code may raise anything
                    pass
            functions = callables(namespace)
            results = grade_functions(day, checks, functions, submission.student, check_seconds=10.0)
            if library is not None:
                diagnose_results(library, results, functions, None, 10.0)
            found.setdefault(slug, {})[submission.student] = {r.task: float(r.points) for r in results}
    print(json.dumps(found))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40, help="at least this many Day 39 submissions (default 40)")
    parser.add_argument("--class-size", type=int, default=1000,
                        help="submissions over the seven days for the overhead (default 1000)")
    parser.add_argument("--jobs", type=int, default=0, help="daykit grade's grading processes (default: all cores)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary courses and print where they are")
    parser.add_argument("--skip", action="append", default=[], choices=["nbgrader", "course", "fixed"],
                        help="leave out a part (repeatable)")
    parser.add_argument("--in-process", metavar="COURSE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        in_process(Path(args.in_process))
        return

    course = Course.here(Path(__file__).resolve().parent)
    compileall.compile_dir(Path(daykit.__file__).parent, quiet=2)  # see the module's docstring
    bin_dir = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""), MPLBACKEND="Agg")
    env.pop("DAYKIT_DB_URL", None)
    work = Path(tempfile.mkdtemp(prefix="daykit-bench-"))
    try:
        if "nbgrader" not in args.skip:
            nbgrader_part(course, work, env, bin_dir, args)
        if "course" not in args.skip or "fixed" not in args.skip:
            if "course" in args.skip:
                args.class_size = 1  # the fixed cost needs Day 39's reference only
            root = course_part(course, work, env, bin_dir, args) if "course" not in args.skip else None
            if root is None:
                root = course_copy(course, work)
                for day, students in course_class(course, args.class_size).items():
                    write_submissions(root, day, students)
            if "fixed" not in args.skip:
                fixed_part(root, work, env, bin_dir)
        if args.keep:
            print(f"kept: {work}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
