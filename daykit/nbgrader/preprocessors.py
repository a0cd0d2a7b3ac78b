"""The course's own steps in nbgrader's pipelines, configured in ``nbgrader_config.py``.

- ``RestoreHiddenTests`` (autograde) takes nbgrader's ``OverwriteCells``'s place. nbgrader stores a
  test cell's checksum before its hidden tests are cut out for the release, so every honest test cell
  with hidden tests "has changed" under autograde and logs a checksum warning (nbgrader issue #1961).
  A test cell exactly as released is the instructor's cell less its hidden tests: it gets them back
  quietly. A cell a student did change still gets nbgrader's warning, which means something again.
- ``ClearHiddenTestsAndTraces`` (generate_feedback) runs nbgrader's ``ClearHiddenTests`` on the
  autograded notebook, which nbgrader itself does not (issue #917), and takes out of the cell's outputs
  every line of the hidden tests that a traceback would show (IPython prints the lines around the
  failing one).

Both steps are nbgrader preprocessors, so this module imports nbgrader. nbgrader_config.py names them
(as ``daykit.nbgrader.pipelines`` does) and nbgrader imports them when it runs its pipelines. Each step
checks the names against this nbgrader's own steps (``check_pipelines``) when nbgrader makes it, not when
this module loads: an nbgrader_config.py written before the names were spelled out in it imports this
module, and nbgrader only logs a config file's error and goes on with its own steps, which show the
hidden tests.
"""

from __future__ import annotations

import copy
import re

from nbformat import NotebookNode
from nbgrader.api import MissingEntry
from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# A line of code in an IPython traceback: "      5 code", "----> 9 code", "--> 302 code".
TRACEBACK_CODE = re.compile(r"^\s*(?:-*>\s*)?\d+\s?(?P<code>.*)$")


def released_form(source: str, clearer: ClearHiddenTests) -> str:
    """A test cell's source as nbgrader releases it: without its hidden tests."""
    cell = NotebookNode(source=source)
    clearer._remove_hidden_test_region(cell)
    return cell.source


class RestoreHiddenTests(OverwriteCells):
    """nbgrader's OverwriteCells, without its checksum warning for a test cell exactly as released."""

    def __init__(self, **kwargs):
        check_pipelines()
        super().__init__(**kwargs)

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None and cell.cell_type == "code":
            try:
                source_cell = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except MissingEntry:
                source_cell = None  # nbgrader's own step says so below
            if (
                source_cell is not None
                and source_cell.locked
                and cell.source != source_cell.source
                and cell.source == released_form(source_cell.source, ClearHiddenTests(parent=self))
            ):
                self.log.debug("Restoring the hidden tests of cell %s", grade_id)
                cell.source = source_cell.source
        return super().preprocess_cell(cell, resources, cell_index)


def hidden_lines(source: str, clearer: ClearHiddenTests) -> set[str]:
    """The lines of a cell's hidden tests (and their delimiters), stripped, that say anything."""
    kept = set(released_form(source, clearer).split("\n"))
    return {
        line.strip() for line in source.split("\n")
        if line not in kept and re.search(r"[A-Za-z0-9]", line)
    }


# A hidden line this long is taken out of any output line that holds it, however prefixed (a student's
# code can read the hidden tests from the call stack or IPython's history and write them out); a shorter
# one ("0,", "name") only where it is the whole line, so as not to take out the checks' own messages.
HELD = 16
# What a rich output may show in feedback: text that can be read line by line, and pictures.
SHOWN = ("text/plain", "image/png", "image/jpeg")


def _shows_hidden(line: str, hidden: set[str]) -> bool:
    plain = ANSI.sub("", line)
    match = TRACEBACK_CODE.match(plain)
    if plain.strip() in hidden or bool(match and match.group("code").strip() in hidden):
        return True
    return any(len(text) >= HELD and text in plain for text in hidden)


def _scrubbed(text, hidden: set[str]) -> str:
    text = "".join(text) if isinstance(text, list) else text
    return "".join(line for line in text.splitlines(keepends=True) if not _shows_hidden(line, hidden))


def scrub(output, hidden: set[str]):
    """An output of a code cell without any line of the notebook's hidden tests. A rich output keeps only
    its plain text (scrubbed) and pictures: markup can spell a hidden line in pieces."""
    output = copy.deepcopy(output)
    kind = output.get("output_type")
    if kind == "error":
        output["traceback"] = [line for line in output.get("traceback", []) if not _shows_hidden(line, hidden)]
        output["evalue"] = _scrubbed(output.get("evalue", ""), hidden)
    elif kind == "stream":
        output["text"] = _scrubbed(output.get("text", ""), hidden)
    elif kind in ("display_data", "execute_result"):
        data = output.get("data", {})
        output["data"] = type(data)({mime: _scrubbed(value, hidden) if mime == "text/plain" else value
                                     for mime, value in data.items() if mime in SHOWN})
    return output


class ClearHiddenTestsAndTraces(ClearHiddenTests):
    """nbgrader's ClearHiddenTests, which also takes the lines of the notebook's hidden tests out of every
    code cell's outputs: the test cell's own, and any later cell's, whose code can read them too."""

    hidden: frozenset[str] = frozenset()  # the notebook's, from preprocess

    def __init__(self, **kwargs):
        check_pipelines()
        super().__init__(**kwargs)

    def preprocess(self, nb, resources):
        code = [cell.source for cell in nb.cells if cell.cell_type == "code"]
        self.hidden = frozenset().union(*(hidden_lines(source, self) for source in code))
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.cell_type == "code" and self.hidden:
            cell.outputs = [scrub(output, self.hidden) for output in cell.get("outputs", [])]
        return cell, resources


def check_pipelines() -> None:
    """Raise unless the steps pipelines.py names are this nbgrader's defaults with the course's steps in
    their places (a new nbgrader may change its steps: then pipelines.py must follow)."""
    from traitlets.utils.importstring import import_item

    from daykit.nbgrader.pipelines import AUTOGRADE_SANITIZE, FEEDBACK

    autograde = Autograde.class_traits()["sanitize_preprocessors"].default()
    expected = {
        "autograde": [RestoreHiddenTests if step is OverwriteCells else step for step in autograde],
        "generate_feedback": [ClearHiddenTestsAndTraces, *GenerateFeedback.class_traits()["preprocessors"].default()],
    }
    for (step, wanted), names in zip(expected.items(), (AUTOGRADE_SANITIZE, FEEDBACK), strict=True):
        if [import_item(name) for name in names] != wanted:
            raise RuntimeError(f"this nbgrader's {step} steps are not the ones daykit/nbgrader/pipelines.py names "
                               f"({', '.join(step.__name__ for step in wanted)}): update pipelines.py for it.")


# an nbgrader_config.py written before pipelines.py imports these two from here
from daykit.nbgrader.pipelines import autograde_steps, feedback_steps  # noqa: E402,F401
