"""``daykit grade`` on the command line: its options, and the start of its run.

This module imports little (no NumPy, SymPy or nbgrader), so that the run starts its other processes
before anything else: the workers' fork server (zygote.Zygote), which imports NumPy and SymPy for the
students' code and forks the grading processes, and the process that writes the reports and the gradebook
(publisher.Publisher), which imports nbgrader. Both load while this one plans the run (grade.py).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from daykit.course import Course
from daykit.grading.zygote import Zygote

# The worker's own limits (grading.worker.Limits), repeated here so that the command line is built without
# importing the worker, which imports NumPy and SymPy; tests/kit/test_fixed_cost.py keeps them in step.
TASK_SECONDS = 10.0
MEMORY_MIB = 1024


DAY_ARGUMENT = re.compile(r"(day_)?\d{2,3}")


def split_targets(targets: list[str]) -> tuple[list[str], list[str]]:
    """The days and the submissions named on the command line: the leading arguments that name a day
    (39, day_39) are days, and the rest submissions; after the first day, an argument that is an existing
    file or folder is a submission even when its name looks like a day's."""
    days, rest = [], list(targets)
    while rest and DAY_ARGUMENT.fullmatch(rest[0]) and not (days and Path(rest[0]).exists()):
        days.append(rest.pop(0))
    return days, rest


def run(args) -> int:
    # nbgrader's gradebook imports nbformat, whose jsonschema builds a parser for IRIs when rfc3987_syntax
    # is installed: 1.5 s of every run, for a format that no notebook schema uses; jsonschema does without
    sys.modules.setdefault("rfc3987_syntax", None)
    # first, so that their imports overlap the grader's (a Dask cluster's machines start their own servers)
    server = None if args.cluster or args.scheduler else Zygote()
    from daykit.grading.publisher import Publisher

    # a class found in submitted/ goes to the gradebook: its libraries load meanwhile; files named on the
    # command line mostly do not (see publish.collected), and load them only if they do
    _, files = split_targets(args.targets)
    publisher = Publisher(Course.here(), warm=not args.no_gradebook and not files,
                          foreign=[server.control.fileno()] if server else [])
    from daykit.grading import grade

    return grade.run(args, publisher, server)


def add_command(commands) -> None:
    command = commands.add_parser("grade", help="grade submissions in parallel, isolated from the grader")
    command.add_argument("targets", nargs="*", metavar="DAY|SUBMISSION",
                         help="the days to grade, like 39 or day_39 (default: every day, all in one pool), each "
                              "from every submitted/<student>/<DAY>/; or one day and the notebooks, .py files or "
                              "student folders to grade")
    command.add_argument("--json", action="store_true", help="print the results as one JSON document")
    command.add_argument("--jobs", type=int, default=0, metavar="N", help="grading processes (default: all cores)")
    command.add_argument("--force", action="store_true", help="grade again even where a current result exists")
    command.add_argument("--no-gradebook", action="store_true",
                         help="leave nbgrader's gradebook alone: no gradebook entries or autograded/, and no due "
                              "dates or late penalties read from it (results and reports only)")
    command.add_argument("--results", metavar="DIR",
                         help="where results and reports go (default: results/DAY; with several days, DIR/DAY)")
    command.add_argument("--timeout", type=float, default=TASK_SECONDS, metavar="SECONDS",
                         help=f"wall time per task (default: {TASK_SECONDS:g})")
    where = command.add_mutually_exclusive_group()
    where.add_argument("--cluster", metavar="local[:N]",
                       help="grade on a Dask LocalCluster of N worker processes (default N: --jobs, or all cores)")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="grade on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786, tls://...)")
    command.add_argument("--memory", type=int, default=MEMORY_MIB, metavar="MIB",
                         help=f"memory per worker beyond the libraries (default: {MEMORY_MIB})")
    command.set_defaults(run=run, exit_now=True)  # every process it starts has ended when run returns
