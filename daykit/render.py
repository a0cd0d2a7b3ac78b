"""Render a day's artefacts from its model: the student stub and the nbgrader source notebook.

Both renderers are pure: the same model gives byte-identical text, so ``daykit build --check`` can
compare what is on disk with what the sources give now.
"""

from __future__ import annotations

import ast
from pathlib import Path

from daykit import checks as check_helpers
from daykit.checks import SHARED_NAMES
from daykit.model import Day, solution_regions

STUB_CODE = ("# YOUR CODE HERE", "raise NotImplementedError()")
DISPLAY_PREFIX = "display"  # lesson cells that only show something (a plot): they define nothing
SETUP_ID = "checks-setup"
NBGRADER_SCHEMA = 3
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


# ---------------------------------------------------------------------------------------------- stub


def clear_solutions(source: str, path: Path | None = None) -> str:
    """Replace each solution region with nbgrader's stub, at the region's indentation."""
    lines = source.splitlines()
    out, position = [], 0
    for begin, end in solution_regions(source, path or Path("<source>")):
        indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
        out.extend(lines[position:begin])
        out.extend(indent + code for code in STUB_CODE)
        position = end + 1
    out.extend(lines[position:])
    return "\n".join(out) + ("\n" if source.endswith("\n") else "")


def render_stub(day: Day) -> str:
    """The student's exercise module: the solution with every solution region cleared."""
    return clear_solutions(day.text, day.solution_path)


# ------------------------------------------------------------------------------------------ notebook


def helpers_source() -> str:
    """The check helpers' code, without their module docstring, for the notebook's setup cell."""
    text = Path(check_helpers.__file__).read_text(encoding="utf-8")
    tree = ast.parse(text)
    first = tree.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        text = "\n".join(text.splitlines()[first.end_lineno :])
    return text.strip()


def _nbgrader(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": NBGRADER_SCHEMA,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _code(source: str, cell_id: str, metadata: dict):
    import nbformat

    cell = nbformat.v4.new_code_cell(source=source, metadata=metadata)
    cell.id = cell_id
    return cell


def _markdown(source: str, cell_id: str):
    import nbformat

    cell = nbformat.v4.new_markdown_cell(source=source)
    cell.id = cell_id
    return cell


def setup_cell_source(day: Day) -> str:
    parts = [
        f"# The checks' shared code: the helpers of `daykit.checks` and the top of tests/test_{day.slug}.py.",
        "# Run this cell before the test cells; there is no need to read or change it.",
        helpers_source(),
    ]
    if day.visible and day.visible.preamble:
        parts.append(day.visible.preamble)
    parts.append(f"{SHARED_NAMES} = dict(globals())  # the checks see these, whatever the notebook defines later")
    return "\n\n".join(parts)


def test_cell_source(day: Day, task: str) -> str:
    visible = day.checks_for(task)
    hidden = day.checks_for(task, hidden=True)
    points = day.task(task).points
    parts = [f"# Checks for {task} ({points} point{'s' if points != 1 else ''}). Run this cell after the one above."]
    parts += [check.source for check in visible]
    parts.append(f"run_checks(globals(), {', '.join(c.name for c in visible)})")
    text = "\n\n".join(parts)
    if hidden:
        inner = [day.hidden.preamble] if day.hidden.preamble else []
        inner += [check.source for check in hidden]
        inner.append(f"run_checks(globals(), {', '.join(c.name for c in hidden)}, hidden=True)")
        text += "\n### BEGIN HIDDEN TESTS\n" + "\n\n".join(inner) + "\n### END HIDDEN TESTS"
    return text


def notebook_cells(day: Day) -> list:
    cells, setup_done = [], False
    for number, cell in enumerate(day.cells):
        if not cell.in_notebook:
            continue
        cell_id = f"{'cell' if cell.in_script else DISPLAY_PREFIX}-{number:02d}"
        if cell.kind == "markdown":
            cells.append(_markdown(cell.source, cell_id))
        elif cell.task:
            task = day.task(cell.task)
            cells.append(_code(cell.source, task.name, _nbgrader(task.name, solution=True)))
            cells.append(
                _code(
                    test_cell_source(day, task.name),
                    f"test_{task.name}",
                    _nbgrader(f"test_{task.name}", grade=True, locked=True, points=task.points),
                )
            )
        else:
            cells.append(_code(cell.source, cell_id, _nbgrader(cell_id, locked=True)))
            if not setup_done:
                cells.append(_code(setup_cell_source(day), SETUP_ID, _nbgrader(SETUP_ID, locked=True)))
                setup_done = True
    if not setup_done:  # a day with no plain code cell: the setup goes first
        cells.insert(0, _code(setup_cell_source(day), SETUP_ID, _nbgrader(SETUP_ID, locked=True)))
    return cells


def render_notebook(day: Day) -> str:
    """The nbgrader source notebook: lesson, one solution and one locked test cell per task."""
    import nbformat  # imported here: it costs seconds, and most commands never render a notebook

    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    notebook.cells = notebook_cells(day)
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


def nbgrader_meta(cell: dict) -> dict:
    metadata = cell.get("metadata")
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return meta if isinstance(meta, dict) else {}


def is_test_cell(cell: dict) -> bool:
    """An autograded test cell by nbgrader's metadata (a hint for speed only, never for points)."""
    meta = nbgrader_meta(cell)
    return meta.get("grade") is True and not meta.get("solution")


def grade_id(cell: dict) -> str | None:
    value = nbgrader_meta(cell).get("grade_id")
    return value if isinstance(value, str) else None


def graded_code(cells: list[dict]) -> dict[str, str | None]:
    """For each locked code cell of the instructor's notebook (plain cells, by grade_id), the code a
    grader runs in its place: the instructor's own text (as nbgrader restores locked cells), or None
    for cells that define nothing a task needs (test cells, the checks' setup, display-only cells)."""
    code = {}
    for cell in cells:
        meta = nbgrader_meta(cell)
        if cell.get("cell_type") != "code" or meta.get("solution") or not isinstance(meta.get("grade_id"), str):
            continue
        cell_id = meta["grade_id"]
        skip = meta.get("grade") or cell_id == SETUP_ID or cell_id.startswith(DISPLAY_PREFIX)
        code[cell_id] = None if skip else cell.get("source", "")
    return code
