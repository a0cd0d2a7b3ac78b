"""The steps ``nbgrader_config.py`` gives nbgrader's autograde and generate_feedback, by name.

nbgrader imports a step given by its dotted name only when it runs the pipeline (nbconvert's
``Exporter.register_preprocessor``), so reading the course's configuration imports neither nbgrader's
converters nor the course's own steps (``daykit.nbgrader.preprocessors``): nbconvert and its templates
are a third of a second, and ``daykit grade`` reads the configuration for the gradebook's address alone.
The names are nbgrader's default steps with the course's own in their places; the course's steps check
them against the nbgrader that runs them (``preprocessors.check_pipelines``).
"""

from __future__ import annotations

OWN = "daykit.nbgrader.preprocessors"

# nbgrader's Autograde.sanitize_preprocessors, with RestoreHiddenTests in OverwriteCells's place
AUTOGRADE_SANITIZE = (
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    f"{OWN}.RestoreHiddenTests",
    "nbgrader.preprocessors.CheckCellMetadata",
)
# ClearHiddenTestsAndTraces, then nbgrader's GenerateFeedback.preprocessors
FEEDBACK = (
    f"{OWN}.ClearHiddenTestsAndTraces",
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
)


def autograde_steps() -> list[str]:
    """nbgrader's sanitizing steps for autograde, with RestoreHiddenTests in OverwriteCells's place."""
    return list(AUTOGRADE_SANITIZE)


def feedback_steps() -> list[str]:
    """nbgrader's steps for generate_feedback, starting with ClearHiddenTestsAndTraces."""
    return list(FEEDBACK)
