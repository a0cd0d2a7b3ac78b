"""nbgrader's gradebook written from outside nbgrader: what ``nbgrader autograde`` records, from daykit's grades.

In: the graded tasks of each submission (plain data, returned by daykit's grading processes) and the
nbgrader course folder. Out: nbgrader's gradebook (students, submissions with their ``timestamp.txt``,
each test cell's ``auto_score``, each task's comment, ``needs_manual_grade`` as autograde sets it, the
late-submission penalty from nbgrader's own policy) and ``autograded/<student>/<day>/<day>.ipynb`` as
nbgrader writes it, so that formgrader, ``generate_feedback``, ``release_feedback`` and ``export`` work
on daykit's grading as on ``nbgrader autograde``'s.

One process writes (SQLite allows one writer): the caller, after its grading processes have returned.
A ``manual_score`` or ``manual_comment`` an instructor entered is never written: nbgrader adds it to
(in place of) the automatic score itself, and a regrade keeps it, flagged for review as autograde does.
The gradebook's URL is the course's (``nbgrader_config.py``: SQLite ``gradebook.db`` unless
``DAYKIT_DB_URL`` names another database).
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from daykit.course import CourseError
from daykit.nbgrader.run import _alembic_on_path, load_config, quiet_gradebook

NOT_STARTED_COMMENT = "No response."  # what nbgrader says of a solution cell left as released


class GradebookError(CourseError):
    """The gradebook cannot take the grades; the message says why and what to run."""


class NoGradebook(GradebookError):
    """The course has no gradebook yet: nbgrader has not released anything in it."""


@dataclass(frozen=True)
class TaskGrade:
    """One task of one submission as daykit graded it; its test cell is ``test_<task>``."""

    task: str
    status: str  # pass, fail, error, timeout, not_started
    points: float
    message: str


@dataclass(frozen=True)
class Graded:
    """A graded submission: the student, its folder ``submitted/<student>/<day>/``, the file graded."""

    student: str
    folder: Path
    path: Path
    tasks: tuple[TaskGrade, ...]


def without_server_extensions() -> None:
    """Make ``import nbgrader.<module>`` skip nbgrader's own ``__init__``, in this process only.

    ``nbgrader/__init__.py`` imports its Jupyter server extensions (formgrader, assignment list and
    their handlers, the exchange, jupyter_server), about a second, for the server that loads them; the
    gradebook, the course directory, the preprocessors and the converters import none of them. Here the
    package is made from its own spec with ``__path__`` and ``__version__`` only, so its submodules load
    as they always do. The same for setuptools, whose ``__init__`` (pkg_resources, its patches to
    distutils: a fifth of a second) nbgrader.utils pays for ``setuptools.archive_util`` alone, which only
    the exchange's zip collection calls. For a process that writes the gradebook, never serves Jupyter
    and never builds a package; a package the process imported already is kept as it is.

    nbformat's ``__init__`` (its validator, and with it jsonschema and its format checkers: a tenth of a
    second) nbgrader.utils pays for ``nbformat.notebooknode`` alone; it runs the first time anything
    else of the package is asked for (nbconvert, say, for nbgrader's late-penalty step). requests (and
    urllib3, its TLS setup: a twentieth of a second), which nbgrader.api imports through its JupyterHub
    authenticator and calls only when it talks to JupyterHub, loads in the same way.
    """
    package = _package_only("nbgrader")
    if package is not None:
        try:
            from nbgrader._version import __version__
        except BaseException:
            del sys.modules["nbgrader"]
            raise
        package.__version__ = __version__
    _package_only("setuptools")
    _package_only("nbformat", init_on_use=True)
    _package_only("requests", init_on_use=True)


def _package_only(name: str, init_on_use: bool = False):
    """The package ``name`` in sys.modules, made from its spec without running its ``__init__``; None when
    it is imported already or not installed as a package (its own import says so where it is needed).
    With ``init_on_use``, the ``__init__`` runs in it the first time an attribute it lacks is asked for
    (``from name import X``), so that it is then the package it always is."""
    if name in sys.modules:
        return None
    spec = importlib.util.find_spec(name)
    if spec is None or spec.submodule_search_locations is None:
        return None
    package = importlib.util.module_from_spec(spec)
    if init_on_use:

        def __getattr__(attribute: str):
            del package.__getattr__
            spec.loader.exec_module(package)
            return getattr(package, attribute)

        package.__getattr__ = __getattr__
    sys.modules[name] = package
    return package


def course_directory(course_dir: Path):
    """nbgrader's CourseDirectory for the course at ``course_dir``, configured from its nbgrader_config.py."""
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=load_config(course_dir))


def database_url(course_dir: Path) -> str:
    """The gradebook's URL from the course's config, as nbgrader reads it (its default: gradebook.db in
    the course root), without importing nbgrader, whose start-up costs seconds."""
    config = load_config(course_dir).get("CourseDirectory", {})
    if config.get("db_url"):
        return config["db_url"]
    return "sqlite:///" + str(Path(config.get("root") or course_dir).resolve() / "gradebook.db")


def _exists(url: str) -> bool:
    """False for an SQLite gradebook whose file is not there (reading must not create one)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return bool(parsed.database) and Path(parsed.database).exists()
    return True


def open_gradebook(course_dir: Path, coursedir=None):
    """nbgrader's Gradebook of the course at ``course_dir`` (or of its CourseDirectory ``coursedir``)."""
    from nbgrader.api import Gradebook

    _alembic_on_path()
    coursedir = coursedir or course_directory(course_dir)
    return Gradebook(coursedir.db_url, coursedir.course_id)


@dataclass(frozen=True)
class DayCells:
    """What write_through needs of a day's notebook in the gradebook: its cells' names, its source cells."""

    grade: frozenset[str]
    solution: frozenset[str]
    source: dict[str, dict]


class CourseGradebook:
    """The gradebook of the course at ``course_dir``, held by one process for as long as it writes it.

    The course's config and CourseDirectory are read once, and nbgrader's Gradebook (one SQLAlchemy engine,
    which keeps every statement it compiled: the first query of each shape costs milliseconds to compile,
    the next ones nothing) is opened on first use and kept until ``close``. Each use (``session``) has a
    session of its own and returns its connections at its end, whatever happened: nothing read is served
    again from memory, a failed transaction is rolled back, and a database that stopped answering is
    connected anew the next time, as if the gradebook had been opened for that use alone. What does not
    change while the process lives is read once: each day's cells, its source notebook, the course's
    late-penalty plugin. A function given none opens its own and closes it when done.
    """

    def __init__(self, course_dir: Path) -> None:
        self.course_dir = Path(course_dir).resolve()
        self.config = load_config(self.course_dir)
        self.late = LatePenalty(self.config)
        self._coursedir = None
        self._gradebook = None
        self._cells: dict[str, DayCells] = {}
        self._sources: dict[str, dict | None] = {}

    def __enter__(self) -> CourseGradebook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def coursedir(self):
        if self._coursedir is None:
            from nbgrader.coursedir import CourseDirectory

            self._coursedir = CourseDirectory(config=self.config)
        return self._coursedir

    @property
    def url(self) -> str:
        return self.coursedir.db_url

    def exists(self) -> bool:
        """Whether the gradebook is there (opening one that is not would create it)."""
        return _exists(self.url)

    @contextmanager
    def session(self):
        """nbgrader's Gradebook for one use, opened on the first (see the class)."""
        if self._gradebook is None:
            self._gradebook = open_gradebook(self.course_dir, self.coursedir)
        gradebook = self._gradebook
        try:
            with quiet_gradebook():
                yield gradebook
        finally:
            gradebook.db.remove()  # closes the session: rolls back what was not committed, forgets what was read
            gradebook.engine.dispose()  # the connections; the engine keeps its compiled statements

    def close(self) -> None:
        if self._gradebook is not None:
            gradebook, self._gradebook = self._gradebook, None
            gradebook.close()

    def cells(self, gradebook, day: str) -> DayCells:
        """The cells of ``day``'s notebook in the gradebook; GradebookError when it is not there."""
        if day not in self._cells:
            from nbgrader.api import MissingEntry

            try:
                notebook = gradebook.find_notebook(day, day)
            except MissingEntry:
                raise GradebookError(
                    f"{day} is not in the gradebook ({self.url}): release it first with `daykit release "
                    f"{day}` (or `nbgrader generate_assignment {day}`), then grade again.") from None
            self._cells[day] = DayCells(
                frozenset(cell.name for cell in notebook.grade_cells),
                frozenset(cell.name for cell in notebook.solution_cells),
                {cell.name: {"source": cell.source, "checksum": cell.checksum, "locked": cell.locked}
                 for cell in notebook.source_cells})
        return self._cells[day]

    def source_notebook(self, day: str) -> dict | None:
        """``source/<day>/<day>.ipynb`` of the course, or None without one."""
        if day not in self._sources:
            path = self.course_dir / "source" / day / f"{day}.ipynb"
            self._sources[day] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
        return self._sources[day]

    def prepare(self, days: list[str]) -> None:
        """Open the gradebook and read what writing and reading ``days`` will need whatever the results:
        each day's cells and source notebook; and run,
        reading only, the queries of write_through and late_penalties, so that their statements are
        compiled. Nothing when there is no gradebook (reading must not create one)."""
        if not self.exists():
            return
        with self.session() as gradebook:
            for day in days:
                try:
                    cells = self.cells(gradebook, day)
                except GradebookError:
                    continue
                with suppress(OSError, ValueError):  # write_through says what is wrong with it
                    self.source_notebook(day)
                _read_as_write_through_does(gradebook, day, cells)
            _penalties(gradebook, days)


def _read_as_write_through_does(gradebook, day: str, cells: DayCells) -> None:
    """write_through's queries of one submission of ``day`` (any in the gradebook; without one, names that
    match nothing: the same statements all the same), reading only."""
    from nbgrader.api import MissingEntry

    submissions = gradebook.find_assignment(day).submissions
    student = submissions[0].student_id if submissions else ""
    try:
        gradebook.find_student(student)
        submission = gradebook.find_submission(day, student)
        _ = submission.total_seconds_late
        for name in sorted(cells.grade)[:1]:
            _ = gradebook.find_grade(name, day, day, student).manual_score
        for name in sorted(cells.solution)[:1]:
            _ = gradebook.find_comment(name, day, day, student).auto_comment
        notebook = gradebook.find_submission_notebook(day, day, student)
        _ = (notebook.score, notebook.late_submission_penalty)
    except MissingEntry:
        pass


# ------------------------------------------------------------------------------------- write-through


def write_through(course_dir: Path, day: str, graded: list[Graded],
                  book: CourseGradebook | None = None) -> dict[str, float]:
    """Record every graded submission of ``day`` in the course's gradebook as ``nbgrader autograde``
    does, and write its autograded notebook; returns each student's late-submission penalty.

    The day must be in the gradebook (``nbgrader generate_assignment`` / ``daykit release`` put it
    there), with one test cell ``test_<task>`` per task; else GradebookError says what to run. ``book``:
    the course's gradebook as the calling process holds it (else one is opened and closed here).
    """
    if book is None:
        with CourseGradebook(course_dir) as book:
            return write_through(course_dir, day, graded, book)
    course_dir = book.course_dir
    penalties: dict[str, float] = {}
    if not book.exists():
        raise NoGradebook(f"there is no gradebook at {book.url} yet: release {day} with nbgrader first "
                             f"(`daykit release {day}` or `nbgrader generate_assignment {day}`), then grade again.")
    with book.session() as gradebook:
        cells = book.cells(gradebook, day)
        for item in graded:
            missing = [f"test_{t.task}" for t in item.tasks if f"test_{t.task}" not in cells.grade]
            if missing:
                raise GradebookError(f"the gradebook's {day} has no test cell {', '.join(missing)}: release {day} "
                                     "again after `daykit build`, then grade again.")
            gradebook.update_or_create_student(item.student)
            timestamp = submitted_at(item.folder)
            if timestamp:
                submission = gradebook.update_or_create_submission(day, item.student, timestamp=timestamp)
            else:
                submission = gradebook.update_or_create_submission(day, item.student)
            for task in item.tasks:
                grade = gradebook.find_grade(f"test_{task.task}", day, day, item.student)
                grade.auto_score = float(task.points)
                # autograde's rule: a grade an instructor entered is flagged for review, never replaced
                grade.needs_manual_grade = grade.manual_score is not None
                if task.task in cells.solution:
                    comment = gradebook.find_comment(task.task, day, day, item.student)
                    comment.auto_comment = _comment(task)
            gradebook.db.commit()
            penalties[item.student] = book.late(gradebook, day, item.student, submission)
            gradebook.db.commit()
    for item in graded:
        if item.path.suffix == ".ipynb" and item.path.is_file():
            try:
                write_autograded(course_dir, day, item, cells.source, book.source_notebook)
            except (OSError, ValueError, TypeError, AttributeError):
                # a notebook that is not one (its grade says why); nbgrader could not autograde it either
                remove_autograded(course_dir, day, item.student)
    return penalties


def submitted_at(folder: Path):
    """The time in ``folder/timestamp.txt`` as nbgrader parses it, or None without one."""
    from nbgrader.utils import parse_utc

    stamp = Path(folder) / "timestamp.txt"
    text = stamp.read_text(encoding="utf-8", errors="replace").strip() if stamp.is_file() else ""
    if not text:
        return None
    try:
        return parse_utc(text)
    except (ValueError, OverflowError):
        raise GradebookError(f"{stamp} holds {text[:40]!r}, not a time nbgrader reads (like 2026-12-01 "
                             "10:00:00.000000 UTC): fix or delete it, then grade again.") from None


def _comment(task: TaskGrade) -> str | None:
    if task.status == "pass":
        return None
    if task.status == "not_started":
        return NOT_STARTED_COMMENT
    return task.message or None


class LatePenalty:
    """nbgrader's AssignLatePenalties, step for step: the course's late-submission plugin decides. The step
    (nbgrader's preprocessors, and with them nbconvert, a quarter of a second) is loaded for the first late
    submission only."""

    def __init__(self, config) -> None:
        self.config = config
        self.assigner = None

    def __call__(self, gradebook, day: str, student: str, submission) -> float:
        notebook = gradebook.find_submission_notebook(day, day, student)
        notebook.late_submission_penalty = None
        seconds = submission.total_seconds_late
        if seconds and seconds > 0:
            if self.assigner is None:
                from nbgrader.preprocessors import AssignLatePenalties

                self.assigner = AssignLatePenalties(config=self.config)
                self.assigner.init_plugin()
            penalty = self.assigner.plugin_inst.late_submission_penalty(student, notebook.score, seconds)
            if penalty is not None:
                notebook.late_submission_penalty = self.assigner._check_late_penalty(notebook, penalty)
        return float(notebook.late_submission_penalty or 0.0)


def late_penalties(course_dir: Path, days: list[str], book: CourseGradebook | None = None
                   ) -> dict[tuple[str, str], tuple[str, float]]:
    """``(day, student) → (due date, late penalty)`` for every submission in the gradebook, as ``nbgrader
    export`` shows them; empty when there is no gradebook yet. ``book``: see write_through."""
    if book is None:
        if not _exists(database_url(course_dir)):  # without importing nbgrader
            return {}
        with CourseGradebook(course_dir) as book:
            return late_penalties(course_dir, days, book)
    if not book.exists():
        return {}
    with book.session() as gradebook:
        return _penalties(gradebook, days)


def _penalties(gradebook, days: list[str]) -> dict[tuple[str, str], tuple[str, float]]:
    found = {}
    for assignment in gradebook.assignments:
        if assignment.name not in days:
            continue
        duedate = "" if assignment.duedate is None else str(assignment.duedate)
        for submission in assignment.submissions:
            penalty = sum(float(n.late_submission_penalty or 0.0) for n in submission.notebooks)
            found[(assignment.name, submission.student.id)] = (duedate, penalty)
    return found


# ------------------------------------------------------------------------------- autograded notebooks


def _output(task: TaskGrade) -> dict:
    """The test cell's output as it would be after running: a line when it passed, else the error."""
    if task.status == "pass":
        return {"output_type": "stream", "name": "stdout", "text": f"{task.task}: every check passed.\n"}
    name = {"not_started": "NotStarted", "fail": "CheckFailure", "timeout": "TimeoutError"}.get(task.status, "Error")
    message = task.message or f"{task.task}: {task.status}"
    return {"output_type": "error", "ename": name, "evalue": message, "traceback": [f"{name}: {message}"]}


def autograded_notebook(submitted: dict, source_cells: dict[str, dict], tasks: tuple[TaskGrade, ...],
                        source_notebook: dict | None = None) -> dict:
    """The submitted notebook as ``nbgrader autograde`` leaves it: outputs cleared, every locked cell
    (test cells included) restored from the gradebook with its checksum, missing test cells put back
    after their task's cell, the kernelspec the instructor's, and each test cell's output the outcome
    daykit graded (an error output for a failure: nbgrader's sign of a failed cell)."""
    notebook = copy.deepcopy(submitted)
    by_task = {t.task: t for t in tasks}
    cells = []
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        cell_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
        if cell_id in source_cells and source_cells[cell_id]["locked"]:
            cell["source"] = source_cells[cell_id]["source"]
            meta["checksum"] = source_cells[cell_id]["checksum"]
            cell["metadata"].update(deletable=False, editable=False)
        cells.append(cell)
    present = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells}
    for task in tasks:  # put back a deleted test cell after its task's cell (OverwriteCells.add_missing_cells)
        name = f"test_{task.task}"
        if name in present or name not in source_cells:
            continue
        template = next((c for c in (source_notebook or {}).get("cells", [])
                         if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == name), None)
        if template is None:
            continue
        cell = copy.deepcopy(template)
        cell["source"] = source_cells[name]["source"]
        cell["metadata"]["nbgrader"]["checksum"] = source_cells[name]["checksum"]
        cell["metadata"].update(deletable=False, editable=False)
        after = next((i for i, c in enumerate(cells)
                      if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == task.task), len(cells) - 1)
        cells.insert(after + 1, cell)
    count = 0
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        count += 1
        cell["execution_count"] = count
        cell_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or ""
        task = by_task.get(cell_id.removeprefix("test_")) if cell_id.startswith("test_") else None
        if task is not None:
            cell["outputs"] = [_output(task)]
    notebook["cells"] = cells
    if source_notebook and "kernelspec" in source_notebook.get("metadata", {}):
        notebook.setdefault("metadata", {})["kernelspec"] = copy.deepcopy(source_notebook["metadata"]["kernelspec"])
    return notebook


def write_autograded(course_dir: Path, day: str, item: Graded, source_cells: dict[str, dict],
                     source_notebook: Callable[[str], dict | None] | None = None) -> Path:
    """``autograded/<student>/<day>/<day>.ipynb`` and the submission's timestamp.txt, read-only as
    nbgrader writes them, replaced atomically. ``source_notebook``: the day's source notebook (None without
    one) as the caller keeps it; else read from the course's source/."""
    folder = Path(course_dir) / "autograded" / item.student / day
    folder.mkdir(parents=True, exist_ok=True)
    submitted = json.loads(item.path.read_text(encoding="utf-8"))
    if not isinstance(submitted, dict) or not isinstance(submitted.get("cells"), list):
        raise ValueError(f"{item.path} is not a notebook")
    if source_notebook is not None:
        source = source_notebook(day)
    else:
        source_path = Path(course_dir) / "source" / day / f"{day}.ipynb"
        source = json.loads(source_path.read_text(encoding="utf-8")) if source_path.exists() else None
    notebook = autograded_notebook(submitted, source_cells, item.tasks, source)
    target = folder / f"{day}.ipynb"
    _write_read_only(target, json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    stamp = item.folder / "timestamp.txt"
    if stamp.is_file():
        _write_read_only(folder / "timestamp.txt", stamp.read_text(encoding="utf-8"))
    return target


def _write_read_only(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o444)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_autograded(course_dir: Path, day: str, student: str) -> None:
    shutil.rmtree(Path(course_dir) / "autograded" / student / day, ignore_errors=True)


# ---------------------------------------------------------------------------------------- export


def export_csv(course_dir: Path, day: str, path: Path) -> Path:
    """``nbgrader export`` of one day, by nbgrader's own CSV plugin, from the course's gradebook."""
    from nbgrader.plugins import CsvExportPlugin

    if not _exists(database_url(course_dir)):
        raise GradebookError(f"there is no gradebook at {database_url(course_dir)}: release {day} "
                             f"(`daykit release {day}`) and grade it (`daykit grade {day}`) first.")
    plugin = CsvExportPlugin(config=load_config(course_dir))
    plugin.to, plugin.assignment = str(path), [day]
    with quiet_gradebook(), open_gradebook(course_dir) as gradebook:
        if day not in {a.name for a in gradebook.assignments}:
            _missing(day)
        plugin.export(gradebook)
    return path


def _missing(day: str) -> None:
    raise GradebookError(f"{day} is not in the gradebook: release it (`daykit release {day}`) and grade it first.")


@dataclass(frozen=True)
class StudentScore:
    student: str
    first_name: str
    last_name: str
    lms_user_id: str
    score: float | None  # net of the late penalty; None without a submission


def scores(course_dir: Path, day: str) -> tuple[float, list[StudentScore]]:
    """The day's points possible and every student's score in the gradebook (manual grades included,
    late penalty taken off), as formgrader and ``nbgrader export`` count them."""
    from nbgrader.api import MissingEntry

    if not _exists(database_url(course_dir)):
        raise GradebookError(f"there is no gradebook at {database_url(course_dir)}: release {day} "
                             f"(`daykit release {day}`) and grade it (`daykit grade {day}`) first.")
    rows = []
    with quiet_gradebook(), open_gradebook(course_dir) as gradebook:
        try:
            assignment = gradebook.find_assignment(day)
        except MissingEntry:
            _missing(day)
        possible = float(assignment.max_score)
        for student in gradebook.students:
            try:
                submission = gradebook.find_submission(day, student.id)
            except MissingEntry:
                score = None
            else:
                penalty = sum(float(n.late_submission_penalty or 0.0) for n in submission.notebooks)
                score = float(submission.score) - penalty
            rows.append(StudentScore(student.id, student.first_name or "", student.last_name or "",
                                     student.lms_user_id or "", score))
    return possible, rows
