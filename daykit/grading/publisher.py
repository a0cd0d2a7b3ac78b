"""The handle on the process that writes the reports and nbgrader's gradebook (publish.py does the work).

``daykit grade`` forks that process first thing, beside the workers' fork server (command.py), so that its
imports (nbgrader, SQLAlchemy) overlap everything else: this module imports nothing of them, nor of the
reports, and the process loads publish.py once forked. ``Published``, what publishing a day returns, is
here too, so that the command reads the reply without loading publish.py.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from daykit.course import Course


@dataclass
class Published:
    """What publishing a day's results did: the class as reported, and what was left out and why."""

    docs: list[dict]
    skipped: list[str] = field(default_factory=list)
    gradebook: list[str] = field(default_factory=list)  # students written to the gradebook
    notes: list[str] = field(default_factory=list)
    unwritten: bool = False  # the gradebook was to be written and was not (notes say why)


class Publisher:
    """The reports and nbgrader's gradebook, made in a process of their own that ``daykit grade`` forks
    before anything else (command.py), before the grader imports NumPy and SymPy: it imports nbgrader
    (without its Jupyter server extensions: see gradebook.without_server_extensions) and no SymPy, while
    the grader loads and grades, and it is the one process that writes the gradebook. ``call`` runs one of
    publish.CALLS there and returns what it returns, or raises what it raised. With ``warm`` (a run that will
    write the gradebook) it sets up nbgrader's gradebook ahead; ``foreign``: file descriptors of this
    process that the publishing process closes."""

    def __init__(self, course: Course, warm: bool = True, foreign: list[int] = ()) -> None:
        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_publishing_process, daemon=True,
                                       args=(theirs, os.getpid(), course, warm, tuple(foreign)))
        self.process.start()
        theirs.close()
        self.course = course
        self.asked = False

    def call(self, name: str, *args, **kwargs):
        self.asked = True
        self.connection.send((name, args, kwargs))
        try:
            failed, value = self.connection.recv()
        except EOFError:
            raise RuntimeError("the process that writes the reports and the gradebook ended without a reply") from None
        if failed:
            raise value
        return value

    def prepare(self, slugs: list[str], gradebook: bool = True) -> None:
        """Have the process prepare, while the class is graded, what publishing the days ``slugs`` will need
        (see publish.prepare); returns at once, and nothing comes back (a failure is left to the later calls)."""
        self.connection.send(("prepare", (self.course, list(slugs)), {"gradebook": gradebook}))
        self.connection.send(("compile_bytecode", (), {}))

    def close(self) -> None:
        """Let the process finish what it was asked and end; one never asked anything (the run stopped before
        grading, on an error) is only loading its libraries, and ends at once."""
        if not self.asked:
            self.process.kill()
        if self.process.is_alive():
            try:
                self.connection.send(None)
            except OSError:
                pass
            self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def _publishing_process(connection, parent: int, course: Course, gradebook: bool = True,
                        foreign: tuple[int, ...] = ()) -> None:
    for fd in foreign:  # the parent's ends of what it started before (the workers' fork server): not this one's
        os.close(fd)
    from daykit.grading import publish

    publish._serve(connection, parent, course, gradebook)
