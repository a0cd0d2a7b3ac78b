"""The cost of Dask: ``daykit grade`` with its local pool against ``daykit grade --cluster local:N``.

One class of Day 39 submissions (the sample class: the reference, the stub and every variant, repeated
under new names until it has at least --students members) is graded twice, each time as the command
an instructor types (start-up counts): by the local pool of N grading processes, then on a LocalCluster
of N single-threaded Dask worker processes started by the command. The script prints both times,
the time each submission took to grade (start-up aside), whether every student got the same score,
and as its last line the overhead ratio (cluster / pool, wall time of the command).

    python benchmarks/cluster.py [--students 40] [--workers N]
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

from daykit.course import Course
from daykit.demo.sample_class import sample_class, write_submissions

DAY = "day_39"


def grade(paths: list[Path], where: list[str], results: Path, root: Path) -> tuple[float, float, dict[str, float]]:
    """The command's wall time, the mean time a submission took to grade (from its results document:
    what a grading process spent on it, without start-up), and the scores."""
    command = [sys.executable, "-m", "daykit", "grade", DAY, *map(str, paths), "--force", "--json",
               "--no-gradebook", "--results", str(results), *where]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=root, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[3:5])} {' '.join(where)} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    docs = [json.loads(p.read_text()) for p in (results / "submissions").glob("*.json")]
    each = sum(d["seconds"] for d in docs) / len(docs)
    return elapsed, each, {s["student"]: s["score"] for s in json.loads(done.stdout)["submissions"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40, help="at least this many submissions (default 40)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="grading processes, and Dask workers (default: all cores)")
    args = parser.parse_args()

    course = Course.here(Path(__file__).resolve().parent)
    base = sample_class(course, DAY)
    students, round_ = [], 0
    while len(students) < args.students:
        students += [dataclasses.replace(s, student_id=f"{s.student_id}_r{round_}") for s in base]
        round_ += 1
    work = Path(tempfile.mkdtemp(prefix="daykit-bench-cluster-"))
    try:
        paths = write_submissions(work, DAY, students, kind="py", course=course)
        print(f"class: {len(paths)} Day 39 submissions; {args.workers} workers on {os.cpu_count()} cores")
        pool_seconds, pool_each, pool_scores = grade(paths, ["--jobs", str(args.workers)], work / "pool", course.root)
        print(f"local pool:         {pool_seconds:6.1f} s in all; {pool_each:.3f} s to grade a submission")
        where = ["--cluster", f"local:{args.workers}"]
        dask_seconds, dask_each, dask_scores = grade(paths, where, work / "dask", course.root)
        print(f"Dask LocalCluster:  {dask_seconds:6.1f} s in all; {dask_each:.3f} s to grade a submission")
        same = pool_scores == dask_scores
        print(f"start-up and transport on Dask: {dask_seconds - pool_seconds:+.1f} s; a submission's grading: "
              f"{dask_each / pool_each:.2f}x the pool's")
        print(f"Dask overhead vs the local pool: {dask_seconds / pool_seconds:.2f}x "
              f"(scores identical: {'yes' if same else 'no'})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
