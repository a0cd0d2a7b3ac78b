"""The notebook conventions that rendering and grading share: nbgrader's cell metadata, grade ids,
which cells are test cells, and which locked cells a grader runs in place of a student's copy.

Plain dictionaries in, plain values out; nothing here imports nbformat or any other daykit module.
"""

from __future__ import annotations

DISPLAY_PREFIX = "display"  # lesson cells that only show something (a plot): they define nothing
SETUP_ID = "checks-setup"
SETUP_NOTE_ID = "checks-setup-note"  # the markdown cell above the setup cell: what it is, how to check
NBGRADER_SCHEMA = 3
# Jupyter's own cell metadata for a cell whose code is folded away (still there for nbgrader and the kernel).
SOURCE_HIDDEN = {"jupyter": {"source_hidden": True}}


def nbgrader_metadata(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    """A cell's metadata as nbgrader's schema writes it."""
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
