"""Grading speed: ``nbgrader autograde`` against ``daykit grade`` on one class of Day 39 notebooks.

A temporary nbgrader course gets Day 39 released and a class of notebook submissions laid out in
submitted/: the reference, the untouched release and every variant, repeated under new names until
the class has at least --students members. The class is graded by both tools, each run as the
command an instructor types (so start-up counts for both), and the script prints both times, the
time per submission, whether every student got the same score from both, and as its last line the
speed-up.

    python benchmarks/grading.py [--students 40] [--jobs N] [--keep]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from daykit.authoring.model import load_day
from daykit.course import Course
from daykit.demo.agreement import differences
from daykit.demo.sample_class import sample_class, write_submissions
from daykit.nbgrader.release import release
from daykit.nbgrader.run import gradebook_scores, temporary_course

DAY = "day_39"


def make_class(course: Course, size: int) -> list:
    """The sample class, repeated under new names until it has at least ``size`` students."""
    base = sample_class(course, DAY)
    students, round_ = [], 0
    while len(students) < size:
        students += [dataclasses.replace(s, student_id=f"{s.student_id}_r{round_}") for s in base]
        round_ += 1
    return students


def timed(command: list[str], cwd: Path, env: dict) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return elapsed, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40, help="at least this many submissions (default 40)")
    parser.add_argument("--jobs", type=int, default=0, help="daykit grade's grading processes (default: all cores)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary course and print where it is")
    args = parser.parse_args()

    course = Course.here(Path(__file__).resolve().parent)
    bin_dir = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""), MPLBACKEND="Agg")
    work = Path(tempfile.mkdtemp(prefix="daykit-bench-"))
    try:
        course_dir = temporary_course(course, parent=work)
        release(Course(course_dir), [DAY])
        students = make_class(course, args.students)
        paths = write_submissions(course_dir, DAY, students)
        ids = [s.student_id for s in students]
        max_score = load_day(course, DAY).max_score
        rounds = len(students) // len(sample_class(course, DAY))
        print(f"class: {len(students)} Day 39 notebooks ({rounds} rounds of the reference, the stub, every variant); "
              f"{os.cpu_count()} cores")

        nb_seconds, _ = timed([str(Path(bin_dir) / "nbgrader"), "autograde", DAY, "--force"], course_dir, env)
        theirs = {DAY: {s: {cell.removeprefix("test_"): points for cell, points in cells.items()}
                        for s, cells in gradebook_scores(course_dir, DAY, ids).items()}}
        print(f"nbgrader autograde: {nb_seconds:7.1f} s  ({nb_seconds / len(ids):.2f} s per submission)")

        command = [str(Path(bin_dir) / "daykit"), "grade", DAY, *map(str, paths), "--force", "--json",
                   "--results", str(work / "results")]
        if args.jobs:
            command += ["--jobs", str(args.jobs)]
        dk_seconds, done = timed(command, course.root, env)
        report = json.loads(done.stdout)
        ours = {DAY: {s["student"]: {t["task"]: float(t["points"]) for t in s["tasks"]} for s in report["submissions"]}}
        print(f"daykit grade:       {dk_seconds:7.1f} s  ({dk_seconds / len(ids):.2f} s per submission)")

        diff = differences(theirs, ours)
        for line in diff[:20]:
            print(f"  differs: {line}")
        totals = sorted(sum(ours[DAY][s].values()) for s in ids)
        print(f"scores: {totals.count(max_score)} full, {totals.count(0)} zero, {len(totals)} in all; "
              f"{len(diff)} task score(s) differ")
        if args.keep:
            print(f"kept: {work}")
        print(f"grading speedup vs nbgrader autograde: {nb_seconds / dk_seconds:.1f}x "
              f"(scores identical: {'yes' if not diff else 'no'})")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
