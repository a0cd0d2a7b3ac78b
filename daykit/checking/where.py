"""Where things are in a student's work: the file a ``--target`` names, and the line and task an
error happened in.

A submission is run under its own file name (``exercises/day_39.py``) or, for a notebook, one name per
code cell (``day_39.ipynb [cell 4]``, see ``loading.load_target``). A line of a ``.py`` file belongs to
the task whose ``# %% task="name"`` cell holds it; a notebook cell belongs to the task it is the
solution cell of (its nbgrader ``grade_id``) or whose function it defines.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from daykit.checking.loading import LoadError, notebook_cells
from daykit.notebook import is_test_cell, nbgrader_meta

CELL = re.compile(r"^(?P<path>.*) \[cell (?P<cell>\d+)\]$")
HEADER = re.compile(r"^# %%")
TASK = re.compile(r'\btask="(?P<task>[A-Za-z_]\w*)"')


def cell_name(path: Path | str, index: int) -> str:
    """The file name a notebook's ``index``-th code cell (counted from 1) is run under."""
    return f"{path} [cell {index}]"


def split_name(filename: str) -> tuple[str, int | None]:
    """``"nb.ipynb [cell 4]"`` → ``("nb.ipynb", 4)``; a plain file name → ``(name, None)``."""
    match = CELL.match(filename)
    return (match["path"], int(match["cell"])) if match else (filename, None)


# ------------------------------------------------------------------------------------ which task


def task_at(filename: str, line: int | None) -> str | None:
    """The task whose cell holds ``line`` of ``filename`` (a file, or a notebook's cell), if any."""
    path, cell = split_name(filename)
    try:
        if cell is not None:
            return _notebook_task(Path(path), cell, line)
        return _script_task(Path(path).read_text(encoding="utf-8"), line)
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def _script_task(text: str, line: int | None) -> str | None:
    if not line:
        return None
    task = None
    for content in text.splitlines()[:line]:
        if HEADER.match(content):
            match = TASK.search(content)
            task = match["task"] if match else None
    return task


def _notebook_task(path: Path, cell: int, line: int | None) -> str | None:
    try:
        cells = [c for c in notebook_cells(path) if c["cell_type"] == "code" and not is_test_cell(c)]
    except LoadError:
        return None
    if not 1 <= cell <= len(cells):
        return None
    meta = nbgrader_meta(cells[cell - 1])
    if meta.get("solution") and isinstance(meta.get("grade_id"), str) and meta["grade_id"].isidentifier():
        return meta["grade_id"]
    source = cells[cell - 1]["source"]
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and line and node.lineno <= line <= (
                node.end_lineno or node.lineno):
            return node.name
    return None


# ------------------------------------------------------------------------------------ which line


def student_frame(tb, filenames) -> tuple[str, int] | None:
    """The innermost frame of a traceback in one of the student's files (or notebook cells)."""
    files = {split_name(str(name))[0] for name in filenames}
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if split_name(filename)[0] in files:
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def pointer(filename: str, line: int | None, label: str | None = None) -> str:
    """``exercises/day_39.py, line 121, in numerical_gradient`` (a notebook: ``nb.ipynb, cell 4, line 2, in ...``).

    ``label`` replaces the file's path, as the student names it."""
    path, cell = split_name(filename)
    parts = [label or path]
    if cell is not None:
        parts.append(f"code cell {cell}")
    if line:
        parts.append(f"line {line}")
    task = task_at(filename, line)
    if task:
        parts.append(f"in {task}")
    return ", ".join(parts)


# ------------------------------------------------------------------------------------ which file


def target_path(option: str, root: Path, cwd: Path, day: str) -> tuple[Path, str]:
    """The file a ``--target`` names for a day, and its label as the student wrote it.

    ``exercises`` (the default) and ``solutions`` are the course's folders; anything else is a
    ``.py`` or ``.ipynb`` file, or a folder holding ``day_NN.py``, ``day_NN.ipynb`` or ``day_NN/day_NN.ipynb``.
    """
    if option in ("exercises", "solutions"):
        path = root / option / f"{day}.py"
        return path, str(path.relative_to(root))
    path = Path(option).expanduser()
    if not path.is_absolute():
        path = cwd / path
    if path.is_dir():
        candidates = [path / f"{day}.py", path / f"{day}.ipynb", path / day / f"{day}.ipynb"]
        path = next((c for c in candidates if c.exists()), candidates[0])
    return path, option if Path(option).name == path.name else str(path)
