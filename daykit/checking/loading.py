"""Load a module from a path, or a notebook's code, into a fresh namespace (trusted code or a
student's own practice run; the grader never loads student code this way)."""

from __future__ import annotations

import importlib.util
import json
import sys
import types
from pathlib import Path

from daykit.notebook import is_test_cell


class LoadError(Exception):
    """A module or notebook that could not be loaded; the message names the file and the cause."""


def load_module(path: Path, name: str) -> types.ModuleType:
    """Import a trusted file by path (checks, variants, solutions) under ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise LoadError(f"{path}: not a Python file.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def notebook_cells(path: Path) -> list[dict]:
    """A notebook's cells as plain dicts, each with a str ``source`` and a dict ``metadata``.

    Notebooks in today's format (4) are read as the JSON they are: nbformat costs seconds to import
    and each grading process would pay it. Other versions go through nbformat, which converts them.
    """
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise LoadError(f"{path} is not a readable notebook: {type(exc).__name__}: {exc}") from None
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        data = _converted(path, text)
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise LoadError(f"{path} is not a readable notebook: it has no list of cells.")
    return [_plain_cell(cell) for cell in cells if isinstance(cell, dict)]


def _converted(path: Path, text: str) -> dict:
    import nbformat  # imported here: it costs seconds, and only old notebooks need it

    try:
        return json.loads(nbformat.writes(nbformat.reads(text, as_version=4)))
    except Exception as exc:
        raise LoadError(f"{path} is not a readable notebook: {type(exc).__name__}: {exc}") from None


def _plain_cell(cell: dict) -> dict:
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(part for part in source if isinstance(part, str))
    metadata = cell.get("metadata")
    return {
        "cell_type": cell.get("cell_type") if isinstance(cell.get("cell_type"), str) else "",
        "source": source if isinstance(source, str) else "",
        "metadata": metadata if isinstance(metadata, dict) else {},
    }


def notebook_code(path: Path) -> list[str]:
    """The student's code cells of a notebook, as written (magics included), without the autograded
    test cells. ``ipython_cells`` runs them as a kernel would."""
    cells = notebook_cells(path)
    return [c["source"] for c in cells if c["cell_type"] == "code" and not is_test_cell(c)]


class Located(str):
    """An error message that also says where it happened: ``filename`` (a file, or a notebook's cell as
    ``load_target`` names it), ``line`` and ``task`` (the task whose cell holds the line), each None when
    unknown."""

    def __new__(cls, message: str, filename: str, line: int | None, task: str | None) -> Located:
        text = super().__new__(cls, message)
        text.filename, text.line, text.task = filename, line, task
        return text


def describe_exception(exc: BaseException, filename: str) -> str:
    """``path, line 121, in numerical_gradient: SyntaxError: invalid syntax``: the file, the line and the
    task it is in, then what went wrong (a ``Located`` message)."""
    from daykit.checking.where import pointer, task_at  # where reads notebooks with this module

    line = None
    if isinstance(exc, SyntaxError):
        line, what = exc.lineno, f"{type(exc).__name__}: {exc.msg}"
    else:
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == filename:
                line = tb.tb_lineno
            tb = tb.tb_next
        what = f"called sys.exit({exc.code!r})" if isinstance(exc, SystemExit) else f"{type(exc).__name__}: {exc}"
    return Located(f"{pointer(filename, line)}: {what}", filename, line, task_at(filename, line))


def load_target(path: Path, name: str, notes: list[str] | None = None) -> tuple[dict, str | None]:
    """Run a submission (``.py`` or ``.ipynb``) in a fresh namespace.

    Returns the namespace and the first error met, if any. Like nbgrader, a notebook cell that fails
    does not stop the cells after it; a module that fails keeps what it defined before the failure.
    A notebook's cells run as IPython runs them (see ``ipython_cells``, the grader's worker does the
    same); what they asked for and did not get (a shell command, say) is added to ``notes``.
    """
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module  # as the grader's worker does: code that looks its module up (dataclasses) finds it
    namespace: dict = module.__dict__
    if not path.exists():
        return namespace, f"{path} does not exist."
    if path.suffix == ".ipynb":
        try:
            chunks = [(f"{path} [cell {i + 1}]", src) for i, src in enumerate(notebook_code(path))]
        except LoadError as exc:
            return namespace, str(exc)
    else:
        try:
            chunks = [(str(path), path.read_text(encoding="utf-8"))]
        except (OSError, UnicodeDecodeError) as exc:
            return namespace, f"{path} could not be read: {exc}"
    shell = None
    if path.suffix == ".ipynb":
        try:
            from daykit.checking.ipython_cells import Shell, preload

            preload()
        except ImportError as exc:
            return namespace, f"{path}: running a notebook's cells needs IPython ({exc}): pip install ipython"
        shell = Shell(namespace)
        shell.install()
    first_error = None
    for filename, source in chunks:
        try:
            if shell is not None:
                shell.run(source, filename)
            else:
                exec(compile(source, filename, "exec"), namespace)
        except (Exception, SystemExit) as exc:
            first_error = first_error or describe_exception(exc, filename)
    if shell is not None and notes is not None:
        notes.extend(shell.notes)
    return namespace, first_error
