"""The in-memory model of one day, parsed once from its solution and its checks.

``solutions/day_NN.py`` is a jupytext percent-format module. Markdown cells carry the lesson; code
cells carry code. A task cell is a code cell whose header names the task and its points,
``# %% task="numerical_gradient" points=4``; it defines a top-level function of that name whose body
holds the part the student writes between ``### BEGIN SOLUTION`` and ``### END SOLUTION``. A cell
marked ``active="py"`` runs only as a script (the demo); ``active="ipynb"`` only in the notebook.

Checks are plain functions named ``test_*`` whose parameters name the tasks they call; the first
parameter is the task the check belongs to. Visible checks live in ``tests/test_day_NN.py``, hidden
ones in ``hidden/test_day_NN_hidden.py``.
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from daykit.course import Course, CourseError

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
MARKER = re.compile(r"^(?P<indent>[ \t]*)### (?P<which>BEGIN|END) SOLUTION[ \t]*$")
CELL_KEYS = {"task", "points", "active"}


@dataclass(frozen=True)
class Cell:
    kind: str  # "markdown" or "code"
    source: str
    task: str | None = None
    in_notebook: bool = True
    in_script: bool = True


@dataclass(frozen=True)
class Task:
    name: str
    points: int
    docstring: str
    hints: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckSource:
    """One check function as text, for the notebook: its name, tasks and source."""

    name: str
    tasks: tuple[str, ...]
    source: str

    @property
    def task(self) -> str:
        return self.tasks[0]


@dataclass(frozen=True)
class CheckFile:
    """A checks file split into its shared part (imports, helpers) and its check functions."""

    path: Path
    preamble: str
    checks: tuple[CheckSource, ...]


@dataclass(frozen=True)
class Day:
    slug: str
    title: str
    text: str
    cells: tuple[Cell, ...]
    tasks: tuple[Task, ...]
    visible: CheckFile | None = None
    hidden: CheckFile | None = None
    solution_path: Path = field(default=Path())

    def task(self, name: str) -> Task:
        for task in self.tasks:
            if task.name == name:
                return task
        raise KeyError(name)

    @property
    def max_score(self) -> int:
        return sum(task.points for task in self.tasks)

    def checks_for(self, task: str, hidden: bool = False) -> list[CheckSource]:
        source = self.hidden if hidden else self.visible
        return [c for c in (source.checks if source else ()) if c.task == task]


def _error(path: Path, cell: int | None, message: str) -> CourseError:
    where = f"{path}" + (f", cell {cell}" if cell is not None else "")
    return CourseError(f"{where}: {message}")


def solution_regions(source: str, path: Path, cell: int | None = None) -> list[tuple[int, int]]:
    """The (begin, end) line indices of each solution region in ``source``; checks they pair up."""
    regions, begin = [], None
    for number, line in enumerate(source.splitlines()):
        match = MARKER.match(line)
        if not match:
            if BEGIN in line or END in line:
                raise _error(path, cell, f"line {number + 1}: a solution marker must stand alone on its line.")
            continue
        if match["which"] == "BEGIN":
            if begin is not None:
                raise _error(path, cell, f"line {number + 1}: {BEGIN} inside another solution region.")
            begin = number
        else:
            if begin is None:
                raise _error(path, cell, f"line {number + 1}: {END} without a {BEGIN} before it.")
            regions.append((begin, number))
            begin = None
    if begin is not None:
        raise _error(path, cell, f"line {begin + 1}: {BEGIN} is never closed by {END}.")
    return regions


def _task_cell(cell_source: str, metadata: dict, path: Path, index: int) -> Task:
    name = metadata.get("task")
    points = metadata.get("points")
    if not isinstance(name, str) or not name.isidentifier():
        raise _error(path, index, f'task="{name}" is not a function name.')
    if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
        raise _error(path, index, f'task "{name}" needs points=N with N a positive whole number.')
    try:
        tree = ast.parse(cell_source)
    except SyntaxError as exc:
        raise _error(path, index, f"line {exc.lineno}: {exc.msg}") from None
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    if name not in functions:
        raise _error(path, index, f'the cell is marked task="{name}" but defines no function {name}.')
    function = functions[name]
    docstring = ast.get_docstring(function) or ""
    if not docstring:
        raise _error(path, index, f"{name} has no docstring: say what it takes, returns, and give an example.")
    if "Example" not in docstring:
        raise _error(path, index, f"{name}'s docstring has no 'Example' section.")
    regions = solution_regions(cell_source, path, index)
    if not regions:
        raise _error(path, index, f"{name} has no {BEGIN} / {END} region for the student to write.")
    lines = cell_source.splitlines()
    bodies = [
        (n.lineno - 1, n.end_lineno - 1, n.col_offset) for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
    ]
    for begin, _end in regions:
        indent = len(lines[begin]) - len(lines[begin].lstrip())
        if not any(lo < begin <= hi + 1 and indent > col for lo, hi, col in bodies):
            raise _error(path, index, f"line {begin + 1}: a solution region must sit inside a function body.")
    return Task(name=name, points=points, docstring=docstring)


def parse_solution(path: Path) -> tuple[str, tuple[Cell, ...], tuple[Task, ...]]:
    import jupytext  # imported here: it pulls in nbformat, which costs seconds

    text = path.read_text(encoding="utf-8")
    notebook = jupytext.reads(text, fmt="py:percent")
    cells, tasks = [], []
    for index, cell in enumerate(notebook.cells):
        metadata = {k: v for k, v in cell.metadata.items() if k != "lines_to_next_cell"}
        unknown = set(metadata) - CELL_KEYS
        if unknown:
            raise _error(path, index, f"unknown cell option(s) {', '.join(sorted(unknown))}; known: "
                         f"{', '.join(sorted(CELL_KEYS))}.")
        active = {part.strip() for part in str(metadata.get("active", "ipynb,py")).split(",")}
        in_notebook, in_script = "ipynb" in active, "py" in active
        kind = "markdown" if cell.cell_type == "markdown" else "code"
        task = None
        if "task" in metadata or "points" in metadata:
            if kind != "code":
                raise _error(path, index, "only a code cell can be a task.")
            found = _task_cell(cell.source, metadata, path, index)
            if any(t.name == found.name for t in tasks):
                raise _error(path, index, f"task {found.name} is defined twice.")
            tasks.append(found)
            task = found.name
        elif kind == "code" and solution_regions(cell.source, path, index):
            raise _error(path, index, 'a solution region outside a task cell: mark the cell task="..." points=N.')
        cells.append(Cell(kind, cell.source, task, in_notebook, in_script))
    if not tasks:
        raise _error(path, None, 'no task cells: mark each task\'s cell with task="name" points=N.')
    return text, tuple(cells), tuple(tasks)


def _segments(text: str, tree: ast.Module) -> list[tuple[ast.stmt, str]]:
    """Each top-level statement with its text, comments just above it included."""
    lines = text.splitlines()
    out, previous_end = [], 0
    for node in tree.body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
        first = start
        while first > previous_end and lines[first - 1].lstrip().startswith("#"):
            first -= 1
        out.append((node, "\n".join(lines[first : node.end_lineno])))
        previous_end = node.end_lineno
    return out


def _is_kit_import(node: ast.stmt) -> bool:
    """Imports the notebook gets another way: the check helpers and other check files."""
    if isinstance(node, ast.ImportFrom) and node.module:
        return node.module.split(".")[0] in {"daykit", "tests", "hidden"}
    return False


def parse_checks(path: Path, tasks: set[str]) -> CheckFile:
    text = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise CourseError(f"{path}, line {exc.lineno}: {exc.msg}") from None
    preamble, checks = [], []
    for index, (node, source) in enumerate(_segments(text, tree)):
        is_docstring = index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if is_docstring or _is_kit_import(node):
            continue
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            params = tuple(a.arg for a in node.args.args)
            if not params:
                raise CourseError(f"{path}, line {node.lineno}: {node.name} takes no task; its first "
                                  "parameter must name the task it checks.")
            unknown = [p for p in params if p not in tasks]
            if unknown:
                raise CourseError(f"{path}, line {node.lineno}: {node.name} takes {unknown[0]}, which is "
                                  f"not a task of this day ({', '.join(sorted(tasks))}).")
            checks.append(CheckSource(name=node.name, tasks=params, source=source))
        else:
            preamble.append(source)
    return CheckFile(path=path, preamble="\n\n".join(preamble), checks=tuple(checks))


def read_hints(path: Path, tasks: tuple[Task, ...]) -> dict[str, tuple[str, ...]]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CourseError(f"{path}: {exc}") from None
    names = {t.name for t in tasks}
    for name in data:
        if name not in names:
            raise CourseError(f"{path}: [{name}] is not a task of this day ({', '.join(sorted(names))}).")
    return {name: tuple(entry.get("hints", ())) for name, entry in data.items()}


def load_day(course: Course, day: str) -> Day:
    """Parse a day's solution, checks and hints into one model; every problem names its file."""
    path = course.solution(day)
    if not path.exists():
        raise CourseError(f"{path} does not exist.")
    text, cells, tasks = parse_solution(path)
    names = {t.name for t in tasks}
    hints = read_hints(course.hints(day), tasks)
    tasks = tuple(Task(t.name, t.points, t.docstring, hints.get(t.name, ())) for t in tasks)
    visible_path, hidden_path = course.checks(day), course.hidden_checks(day)
    if not visible_path.exists():
        raise CourseError(f"{visible_path} does not exist: every day needs visible checks.")
    visible = parse_checks(visible_path, names)
    hidden = parse_checks(hidden_path, names) if hidden_path.exists() else None
    for task in tasks:
        if not any(c.task == task.name for c in visible.checks):
            raise CourseError(f"{visible_path}: task {task.name} has no visible check (a test_* function "
                              f"whose first parameter is {task.name}).")
    title = next((c.source.splitlines()[0].lstrip("# ").strip() for c in cells if c.kind == "markdown"), day)
    return Day(slug=day, title=title, text=text, cells=cells, tasks=tasks, visible=visible, hidden=hidden,
               solution_path=path)
