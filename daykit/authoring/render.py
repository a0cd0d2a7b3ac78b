"""Render a day's artefacts from its model: the student stub and the nbgrader source notebook.

Both renderers are pure: the same model gives byte-identical text, so ``daykit build --check`` can
compare what is on disk with what the sources give now.
"""

from __future__ import annotations

import ast
from pathlib import Path

from daykit import checks as check_helpers
from daykit.authoring.model import Day, solution_regions
from daykit.checks import MISTAKES, SHARED_NAMES
from daykit.notebook import DISPLAY_PREFIX, SETUP_ID, SETUP_NOTE_ID, SOURCE_HIDDEN, nbgrader_metadata

STUB_CODE = ("# YOUR CODE HERE", "raise NotImplementedError()")
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


def setup_note(day: Day) -> str:
    """The markdown above the folded setup cell: run it first; how to check the notebook as a whole."""
    number = day.slug.split("_")[1]
    target = f"release/{day.slug}/{day.slug}.ipynb"
    return (
        "**Setting up the checks.** The next cell sets up the checks that the cell under each task runs. "
        "Its code is folded away, as there is no need to read it: just run it once before the tasks "
        "(running the cells from the top does).\n\n"
        "Each test cell checks its task as you go. To check this whole notebook from a terminal, save it, "
        f"then run from the course folder `daykit check {number} --target {target}` "
        f"(or `pytest tests/test_{day.slug}.py --target {target}`). "
        f"Without `--target` those commands check `exercises/{day.slug}.py`, not this notebook."
    )


def mistakes_line(mistakes: str) -> str:
    """The setup cell's line that makes the day's table of known mistakes (``MistakeTable``) from its JSON
    text: the variants' outcomes on the visible checks' calls, as salted hashes, and their reasons."""
    return (f"{MISTAKES} = MistakeTable({mistakes!r})  "
            "# the known mistakes, on the visible checks' calls only: salted hashes, no value")


def setup_cell_source(day: Day, mistakes: str | None = None) -> str:
    """The setup cell: the check helpers, the visible checks' preamble and, where the day has known
    mistakes, their table (``mistakes``, its JSON text; see daykit.checking.library)."""
    parts = [
        f"# The checks' shared code: the helpers of `daykit.checks` and the top of tests/test_{day.slug}.py.",
        "# Run this cell before the test cells; there is no need to read or change it.",
        helpers_source(),
    ]
    if day.visible and day.visible.preamble:
        parts.append(day.visible.preamble)
    if mistakes is not None:
        parts.append(mistakes_line(mistakes))
    parts.append(f"{SHARED_NAMES} = dict(globals())  # the checks see these, whatever the notebook defines later")
    return "\n\n".join(parts)


def setup_guard() -> str:
    """A test cell's first line: run before the setup cell, it says so instead of a bare NameError."""
    return (
        f'if "{SHARED_NAMES}" not in globals(): '
        "raise NameError(\"Run the setup cell first: the folded cell under 'Setting up the checks'.\")"
    )


def test_cell_source(day: Day, task: str) -> str:
    visible = day.checks_for(task)
    hidden = day.checks_for(task, hidden=True)
    points = day.task(task).points
    parts = [
        setup_guard() + "\n"
        f"# Checks for {task} ({points} point{'s' if points != 1 else ''}). Run this cell after the one above."
    ]
    parts += [check.source for check in visible]
    parts.append(f"run_checks(globals(), {', '.join(c.name for c in visible)})")
    text = "\n\n".join(parts)
    if hidden:
        inner = [day.hidden.preamble] if day.hidden.preamble else []
        inner += [check.source for check in hidden]
        inner.append(f"run_checks(globals(), {', '.join(c.name for c in hidden)}, hidden=True)")
        text += "\n### BEGIN HIDDEN TESTS\n" + "\n\n".join(inner) + "\n### END HIDDEN TESTS"
    return text


def notebook_cells(day: Day, mistakes: str | None = None) -> list:
    cells, setup_done = [], False
    for number, cell in enumerate(day.cells):
        if not cell.in_notebook:
            continue
        cell_id = f"{'cell' if cell.in_script else DISPLAY_PREFIX}-{number:02d}"
        if cell.kind == "markdown":
            cells.append(_markdown(cell.source, cell_id))
        elif cell.task:
            task = day.task(cell.task)
            cells.append(_code(cell.source, task.name, nbgrader_metadata(task.name, solution=True)))
            cells.append(
                _code(
                    test_cell_source(day, task.name),
                    f"test_{task.name}",
                    nbgrader_metadata(f"test_{task.name}", grade=True, locked=True, points=task.points),
                )
            )
        else:
            cells.append(_code(cell.source, cell_id, nbgrader_metadata(cell_id, locked=True)))
            if not setup_done:  # after the introduction and its imports, before the first task's lesson
                cells += setup_cells(day, mistakes)
                setup_done = True
    if not setup_done:  # a day with no plain code cell: the setup goes first
        cells[:0] = setup_cells(day, mistakes)
    return cells


def setup_cells(day: Day, mistakes: str | None = None) -> list:
    """The note that introduces the checks' setup, and the setup cell itself, its code folded away."""
    metadata = {**SOURCE_HIDDEN, **nbgrader_metadata(SETUP_ID, locked=True)}
    return [_markdown(setup_note(day), SETUP_NOTE_ID), _code(setup_cell_source(day, mistakes), SETUP_ID, metadata)]


def render_notebook(day: Day, mistakes: str | None = None) -> str:
    """The nbgrader source notebook: lesson, one solution and one locked test cell per task; ``mistakes``
    is the day's table of known mistakes (JSON text, made by the checking stage), None for a day without."""
    import nbformat  # imported here: it costs seconds, and most commands never render a notebook

    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    notebook.cells = notebook_cells(day, mistakes)
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"
