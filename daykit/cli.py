"""The ``daykit`` command. It only parses and dispatches: each module in COMMANDS adds its own
subcommand with ``add_command(subparsers)`` and a ``run(args) -> int`` bound through set_defaults.

Only the chosen command's module is imported: the modules import NumPy, SymPy, nbgrader and more,
which cost a second or more, and ``daykit --help`` lists every command from SUMMARIES without them
(tests/kit/test_cli.py keeps SUMMARIES in step with each module's own ``add_command``).
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import os
import sys

from daykit.course import CourseError

COMMANDS = [
    "daykit.checking.generate",
    "daykit.checking.verify",
    "daykit.nbgrader.release",
    "daykit.demo.run",
    "daykit.grading.command",
    "daykit.site.build",
    "daykit.grading.export",
    "daykit.student.check",
    "daykit.student.hints",
    "daykit.student.watch",
    "daykit.student.edition",
]

# module -> (command, help), as the module's add_command declares them
SUMMARIES = {
    "daykit.checking.generate": ("build", "generate exercises/ and source/ from solutions/ and tests/"),
    "daykit.checking.verify": (
        "verify", "test a day's checks: reference passes, stub not started, variants caught or accepted"),
    "daykit.nbgrader.release": ("release", "generate release/ notebooks with nbgrader (stubs, no hidden tests)"),
    "daykit.demo.run": ("demo", "build, release, grade a sample class with daykit grade, show the results"),
    "daykit.grading.command": ("grade", "grade submissions in parallel, isolated from the grader"),
    "daykit.site.build": ("site", "build the course as a static website (MkDocs), optionally with JupyterLite"),
    "daykit.grading.export": ("export", "export a day's grades from nbgrader's gradebook (CSV or Canvas)"),
    "daykit.student.check": ("check", "run the visible checks on your exercises: a table of tasks"),
    "daykit.student.hints": ("hint", "show a task's hints, one more each time"),
    "daykit.student.watch": ("watch", "re-run the checks each time you save an exercise file"),
    "daykit.student.edition": (
        "student-repo", "write the student edition: stubs, visible checks, hints, release notebooks; no solutions"),
}


def _chosen(argv: list[str]) -> str | None:
    """The command named on the command line (the first argument that is not an option), if any."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command's parser: in full for the command ``argv`` names (every command when ``argv`` is None),
    and for the others only their name and help, so that their modules are not imported."""
    top = argparse.ArgumentParser(
        prog="daykit", description="Auto-graded daily exercises on the calculus behind machine learning."
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = None if argv is None else _chosen(argv)
    for module in COMMANDS:
        name, summary = SUMMARIES[module]
        if argv is None or name == chosen:
            importlib.import_module(module).add_command(commands)
        else:
            commands.add_parser(name, help=summary)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the command ``argv`` names (default: the command line's). From the command line, a command that
    sets ``exit_now`` (it leaves no process or thread behind) ends the process as soon as it is done."""
    from_command_line = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser(argv).parse_args(argv)
    try:
        code = args.run(args)
    except CourseError as exc:
        print(f"daykit: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        print("daykit: interrupted.", file=sys.stderr)
        code = 130
    if from_command_line and getattr(args, "exit_now", False):
        exit_now(code)
    return code


def exit_now(code: int) -> None:
    """End this process without tearing the interpreter down, which with NumPy, SymPy and SQLAlchemy
    loaded takes tenths of a second and frees nothing the system does not. What was registered to run
    at exit (atexit: multiprocessing's, logging's, weakref finalizers) still runs; both streams are flushed."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
