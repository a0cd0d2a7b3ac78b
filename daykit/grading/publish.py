"""After grading: the class's reports, rebuilt from every stored result, and nbgrader's gradebook.

A run of ``daykit grade`` may grade the whole class or one student; either way the day's reports
(``results/<day>/grades.csv``, ``summary.json``, ``histogram.png``, feedback) and the course's
``grades.csv`` (every day) are made again from every result stored for the day, and every submission
of the run that nbgrader knows (``submitted/<student>/<day>/``) is written through to the gradebook
with its autograded notebook, so that nbgrader's formgrader, feedback and export see daykit's grades.
This runs in one process, the Publisher's (publisher.py, which forks it and runs ``_serve`` here): the
grading processes return data, one process writes. It imports neither NumPy nor SymPy.
"""

from __future__ import annotations

import pickle
import signal
import sys
from pathlib import Path

from daykit.authoring.model import Day
from daykit.course import Course, CourseError, write_atomically
from daykit.grading import sandbox
from daykit.grading.publisher import Published
from daykit.grading.reports import Late, class_reports, grades_csv, stored_results
from daykit.nbgrader import gradebook
from daykit.nbgrader.gradebook import (
    CourseGradebook,
    GradebookError,
    Graded,
    NoGradebook,
    TaskGrade,
    late_penalties,
    write_through,
)

# The gradebooks the publishing process holds for its whole life (see _serve and CourseGradebook), by course
# folder; None in any other process, where each call opens the gradebook and closes it.
_held: dict[Path, CourseGradebook] | None = None


def held(course_dir: Path) -> CourseGradebook | None:
    """The gradebook of the course at ``course_dir`` as this process holds it, if it holds gradebooks."""
    if _held is None:
        return None
    key = Path(course_dir).resolve()
    if key not in _held:
        _held[key] = CourseGradebook(key)
    return _held[key]


def release_held() -> None:
    global _held
    books, _held = _held or {}, None
    for book in books.values():
        book.close()


def timestamp_of(path: Path) -> str:
    """nbgrader's timestamp.txt beside a submission, as ``nbgrader export`` shows it (without the zone)."""
    stamp = Path(path).parent / "timestamp.txt"
    if not stamp.is_file():
        return ""
    return stamp.read_text(encoding="utf-8", errors="replace").strip()[:64].removesuffix(" UTC")


def collected(course_dir: Path, day: str, doc: dict) -> Graded | None:
    """The result as the gradebook takes it, when its file is the one nbgrader collected:
    ``submitted/<student>/<day>/`` of the course. Other files (named on the command line) are not, nor
    one that was refused (a symbolic link, say: nothing it leads to goes into the student's notebook)."""
    if doc.get("refused"):
        return None
    path = Path(doc["path"]).resolve()
    folder = (Path(course_dir) / "submitted" / doc["student"] / day).resolve()
    if path.parent != folder:
        return None
    tasks = tuple(TaskGrade(t["task"], t["status"], float(t["points"]), t.get("message") or "")
                  for t in doc["tasks"])
    return Graded(doc["student"], folder, path, tasks)


def publish(course: Course, day: Day, docs: list[dict], folder: Path, course_dir: Path | None = None,
            gradebook: bool = True) -> Published:
    """Write ``docs`` (this run's results) through to the gradebook of the nbgrader course at
    ``course_dir`` (default: the course root), then rebuild the day's reports in ``folder`` from every
    stored result, with nbgrader's due dates and late penalties."""
    course_dir = Path(course_dir or course.root)
    result = Published(docs=[])
    if gradebook:
        found = [(d["student"], collected(course_dir, day.slug, d)) for d in docs]
        graded = [g for _, g in found if g is not None]
        outside = sorted(student for student, g in found if g is None)
        if outside:
            result.notes.append(f"not in the gradebook (not under submitted/<student>/{day.slug}/): "
                                + ", ".join(outside))
        if graded:
            from sqlalchemy.exc import SQLAlchemyError

            try:
                write_through(course_dir, day.slug, graded, held(course_dir))
            except GradebookError as exc:
                result.notes.append(f"gradebook not written: {exc}")
                result.unwritten = not isinstance(exc, NoGradebook)  # a course that never used nbgrader's is fine
            except SQLAlchemyError as exc:  # a server down, a locked file: the results are safe, retry later
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                result.notes.append(f"gradebook not written ({first}); the results are stored: run the same "
                                    "`daykit grade` again once the database answers (nothing is graded twice)")
                result.unwritten = True
            else:
                result.gradebook = [g.student for g in graded]
    stored, skipped = stored_results(day, folder)
    late = lateness(course_dir, [(day.slug, d) for d in stored]) if gradebook else {}
    stamps = {(day.slug, d["student"]): timestamp_of(Path(d["path"])) for d in stored}
    result.docs, result.skipped = class_reports(day, folder, stamps, late, stored=(stored, skipped))
    return result


def lateness(course_dir: Path, entries: list[tuple[str, dict]]) -> Late:
    """The gradebook's due dates and late penalties of the results among ``entries`` (day, result) that
    graded the file nbgrader collected (see ``collected``): a file named on the command line is not that
    submission, and gets none. None when there is no gradebook or it does not answer; the gradebook is
    not read (nor nbgrader imported) when no result is a collected one."""
    keys = {(day, doc["student"]) for day, doc in entries if collected(course_dir, day, doc) is not None}
    if not keys:
        return {}
    from sqlalchemy.exc import SQLAlchemyError

    try:
        found = late_penalties(course_dir, sorted({day for day, _ in keys}), held(course_dir))
    except (CourseError, SQLAlchemyError):
        return {}
    return {key: value for key, value in found.items() if key in keys}


def course_grades(course: Course, days: dict[str, Day], results: Path, path: Path,
                  course_dir: Path | None = None, gradebook: bool = True) -> Path:
    """The course's grades.csv: one row per day and student, from every stored result in
    ``results/<day>/``, with the gradebook's due dates and late penalties (without ``gradebook``, none:
    the gradebook is not read, as ``publish`` does not read it then)."""
    entries, stamps = [], {}
    for slug, day in days.items():
        docs, _ = stored_results(day, results / slug)
        entries += [(day, doc) for doc in docs]
        stamps.update({(slug, d["student"]): timestamp_of(Path(d["path"])) for d in docs})
    late = lateness(Path(course_dir or course.root), [(d.slug, doc) for d, doc in entries]) if gradebook else {}
    write_atomically(path, grades_csv(entries, stamps, late))
    return path


def prepare(course: Course, slugs: list[str], gradebook: bool = True, course_dir: Path | None = None) -> None:
    """What publishing ``slugs`` will need whatever the results, done ahead while they are graded: the
    gradebook opened, each day's cells and source notebook read, the queries of write_through and
    lateness compiled (see CourseGradebook.prepare). Only where gradebooks are held (the publishing
    process); what fails here is left to the calls that need it, which fail as they would have."""
    if not gradebook:
        return
    book = held(course_dir or course.root)
    if book is not None:
        book.prepare(list(slugs))


def compile_bytecode() -> None:
    """Write the bytecode of daykit's modules that lack it or whose source changed since (an editable install
    has only what its processes wrote, and the fork server, the grading processes and the workers write
    none: see zygote.ENVIRONMENT), so that the next run's processes import them without compiling; unless
    this process was told to write no bytecode (PYTHONDONTWRITEBYTECODE), as Python itself would be."""
    if sys.dont_write_bytecode:
        return
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parents[1], quiet=2)


CALLS = {"publish": publish, "course_grades": course_grades}  # what a Publisher runs, and answers
AHEAD = {"prepare": prepare, "compile_bytecode": compile_bytecode}  # run without a reply: work ahead


def _serve(connection, parent: int, course: Course, write: bool = True) -> None:
    sandbox.die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the coordinator decides when to stop
    gradebook.without_server_extensions()  # nbgrader's Jupyter server extensions: a second, never used here
    try:
        warm = write and gradebook._exists(gradebook.database_url(course.root))
    except CourseError:
        warm = False
    if warm:  # what writing and reading the gradebook imports and sets up, while the class is graded
        import nbgrader.api  # noqa: F401
        import nbgrader.coursedir  # noqa: F401
        from sqlalchemy.orm import configure_mappers

        configure_mappers()  # what the first query to the gradebook would do
    global _held
    _held = {}
    try:
        _answer(connection)
    finally:
        release_held()


def _answer(connection) -> None:
    while (request := connection.recv()) is not None:
        name, args, kwargs = request
        if name in AHEAD:
            try:
                AHEAD[name](*args, **kwargs)
            except Exception:  # noqa: BLE001, S110 - work ahead only: the calls that need it do it again
                pass
            continue
        try:
            reply = (False, CALLS[name](*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - the coordinator raises it
            reply = (True, exc)
        try:
            connection.send(reply)
        except (TypeError, pickle.PicklingError, AttributeError):  # an exception that does not pickle
            connection.send((True, RuntimeError(f"{type(reply[1]).__name__}: {reply[1]}")))
