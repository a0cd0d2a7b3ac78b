"""Drive nbgrader 0.9.6 in-process: a configured API for a course folder, autograde, validate.

Why in-process: every ``nbgrader`` command spends 4-5 s starting up, so the kit loads nbgrader once and
calls ``NbGraderAPI`` for every day and every step. The API does not read ``nbgrader_config.py`` by
itself (the command reads it from the current directory only), so :func:`load_config` loads the
course's own file with traitlets; the config computes the course root from its own location, so the
current directory does not matter. API methods return ``{success, log, error}`` dicts instead of
raising; :func:`require` turns a failure into :class:`NbgraderError` carrying nbgrader's log.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from daykit.course import Course, CourseError

CONFIG = "nbgrader_config.py"
SHUTDOWN_WAIT = 1.0  # seconds; nbgrader's default window makes ~6 % of kernels cost 3 s more

# Appended to a temporary course's config: its gradebook stays inside it, whatever DAYKIT_DB_URL says.
PRIVATE_GRADEBOOK = """

# Added by daykit.nbgrader.run.temporary_course: this copy keeps its own gradebook, whatever DAYKIT_DB_URL says.
import os as _os
c.CourseDirectory.db_url = (
    "sqlite:///" + _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "gradebook.db") + "?timeout=60"
)
"""


class NbgraderError(CourseError):
    """nbgrader failed; the message names the step, the day, and carries nbgrader's own log."""


def _alembic_on_path() -> None:
    """nbgrader runs the ``alembic`` command when it creates a gradebook: make the venv's copy findable
    even when ``daykit`` was started by its full path without an activated venv."""
    if shutil.which("alembic"):
        return
    venv_bin = Path(sys.executable).parent
    if (venv_bin / "alembic").exists():
        os.environ["PATH"] = f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}"


_socket_dir: Path | None = None


def kernel_config(config):
    """Kernel settings for every nbgrader step: a short shutdown window, and IPC sockets in a folder of
    this process's own, so that kernels of processes side by side never race for a TCP port (and the
    kernels do not warn about unencrypted TCP)."""
    global _socket_dir
    if _socket_dir is None:
        _socket_dir = Path(tempfile.mkdtemp(prefix="daykit-kernels-"))
        atexit.register(shutil.rmtree, _socket_dir, ignore_errors=True)
    config.KernelManager.shutdown_wait_time = SHUTDOWN_WAIT
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(_socket_dir / "kernel")
    return config


def load_config(course_dir: Path):
    """The traitlets config of the nbgrader course at ``course_dir`` (its ``nbgrader_config.py``), as read;
    what runs kernels adds ``kernel_config`` (``nbgrader_api`` does)."""
    from traitlets.config.loader import PyFileConfigLoader

    course_dir = Path(course_dir).resolve()
    if not (course_dir / CONFIG).exists():
        raise CourseError(f"{course_dir / CONFIG} does not exist: an nbgrader course needs its config file.")
    return PyFileConfigLoader(CONFIG, path=str(course_dir)).load_config()


@contextmanager
def quiet_gradebook():
    """Silence the SQLAlchemy warnings nbgrader's own gradebook code raises on every autograde."""
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        yield


def nbgrader_api(course_dir: Path):
    """An ``NbGraderAPI`` for the course at ``course_dir``, configured from its nbgrader_config.py."""
    from nbgrader.apps.api import NbGraderAPI

    _alembic_on_path()
    config = kernel_config(load_config(course_dir))
    api = NbGraderAPI(config=config)
    if Path(api.coursedir.root).resolve() != Path(course_dir).resolve():
        raise CourseError(f"{Path(course_dir) / CONFIG} sets the course root to {api.coursedir.root}, not its own "
                          "folder: set c.CourseDirectory.root from the file's own location.")
    return api


def require(result: dict, what: str) -> str:
    """nbgrader's log when an API call succeeded; otherwise raise with the log and the traceback."""
    log = result.get("log", "")
    if not result.get("success"):
        error = result.get("error", "").strip()
        if log.strip() and error:  # the log already holds the tracebacks; keep the exception's last line
            error = error.splitlines()[-1]
        detail = "\n".join(part.strip() for part in (log, error) if part and part.strip())
        raise NbgraderError(f"nbgrader failed to {what}:\n{detail or '(nbgrader gave no log)'}")
    return log


def temporary_course(course: Course, parent: Path | None = None) -> Path:
    """A throw-away nbgrader course: a copy of the course's nbgrader_config.py and source/.

    The copy's config finds its root from its own location, so nbgrader works in the copy as in the
    original; its gradebook is pinned inside the copy. The caller removes the folder when done.
    """
    folder = Path(tempfile.mkdtemp(prefix="daykit-course-", dir=parent))
    source = course.root / "source"
    if not source.is_dir():
        raise CourseError(f"{source} does not exist: run `daykit build` to generate the source notebooks.")
    config = (course.root / CONFIG).read_text(encoding="utf-8")
    (folder / CONFIG).write_text(config + PRIVATE_GRADEBOOK, encoding="utf-8")
    shutil.copytree(source, folder / "source")
    return folder


def add_students(course_dir: Path, student_ids: list[str]) -> None:
    """Put the students in the gradebook up front, in this one process. Two autogrades side by side
    that both meet a new student both try to add it, and one fails on the gradebook's unique key."""
    from nbgrader.api import Gradebook

    api = nbgrader_api(Path(course_dir).resolve())
    with quiet_gradebook(), Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for student in dict.fromkeys(student_ids):
            gradebook.update_or_create_student(student)


def submitted_students(course_dir: Path, day: str) -> list[str]:
    """The students with a submission of ``day`` in the course's submitted/ folder."""
    return sorted(p.parent.name for p in (Path(course_dir) / "submitted").glob(f"*/{day}") if p.is_dir())


def autograde(course_dir: Path, day: str, student_ids: list[str] | None = None) -> dict[str, dict[str, float]]:
    """Run nbgrader autograde (forced) on ``day`` for the given students (default: every submission),
    in one call, and return each student's score per autograded cell: ``{student: {grade_id: score}}``.

    nbgrader adds unknown students to the gradebook itself. A task whose test cell fails scores 0.
    """
    course_dir = Path(course_dir).resolve()
    present = submitted_students(course_dir, day)
    wanted = present if student_ids is None else list(student_ids)
    missing = [s for s in wanted if s not in present]
    if missing:
        raise CourseError(f"{course_dir / 'submitted'}: no submission of {day} for {', '.join(missing)}.")
    if not wanted:
        return {}
    api = nbgrader_api(course_dir)
    api.coursedir.student_id_exclude = ",".join(s for s in present if s not in wanted)
    with quiet_gradebook():
        result = api.autograde(day, "*", force=True, create=True)
    require(result, f"autograde {day} in {course_dir}")
    return gradebook_scores(course_dir, day, wanted)


def gradebook_scores(course_dir: Path, day: str, student_ids: list[str]) -> dict[str, dict[str, float]]:
    """Each student's score per autograded cell of ``day``, read from the course's gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    api = nbgrader_api(course_dir)
    scores: dict[str, dict[str, float]] = {}
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for student in student_ids:
            try:
                notebook = gradebook.find_submission_notebook(day, day, student)
            except MissingEntry:
                raise NbgraderError(f"the gradebook of {course_dir} has no graded {day} for {student}.") from None
            scores[student] = {grade.name: float(grade.score) for grade in notebook.grades}
    return scores


def validation_problems(path: Path, invert: bool = False) -> dict:
    """nbgrader's validation of a notebook, in-process: ``{}`` when it passes, else nbgrader's findings
    (``failed`` cells, or with ``invert`` the ``passed`` ones; ``changed``/``type_changed`` locked cells)."""
    from nbgrader.validator import Validator
    from traitlets.config import Config

    path = Path(path)
    if not path.exists():
        raise CourseError(f"{path} does not exist: nothing to validate.")
    return Validator(invert=invert, config=kernel_config(Config())).validate(str(path.resolve()))


def validate(path: Path, invert: bool = False) -> bool:
    """True when the notebook validates: every test cell passes (with ``invert``: none passes)."""
    return validation_problems(path, invert) == {}


def side_by_side(calls: list[tuple[Callable, tuple]], workers: int = 2, return_exceptions: bool = False) -> list:
    """Run ``function(*args)`` for each call in up to ``workers`` fresh processes; results in call order.

    For independent nbgrader steps (one day's autograde, a validation): each process loads nbgrader
    once and runs kernels of its own. Functions must be importable module-level functions. A failure
    is raised here once every call has finished, or with ``return_exceptions`` stands in its result.
    """
    if workers <= 1 or len(calls) <= 1:
        outcomes = []
        for function, args in calls:
            try:
                outcomes.append(function(*args))
            except Exception as exc:
                if not return_exceptions:
                    raise
                outcomes.append(exc)
        return outcomes
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(calls)), mp_context=context) as pool:
        futures = [pool.submit(function, *args) for function, args in calls]
        outcomes = [future.exception() or future.result() for future in futures]
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not return_exceptions:
            raise outcome
    return outcomes
