"""The steps of nbgrader's autograde and generate_feedback, by name: nbgrader's own, with the course's in
their places.

``nbgrader_config.py`` spells these names out rather than importing them: nbgrader imports a step given by
its dotted name only when it runs the pipeline (nbconvert's ``Exporter.register_preprocessor``) and stops
if it cannot, whereas an import that fails in the config file itself is only logged, and nbgrader then runs
its own steps, which show the hidden tests. Reading the configuration (``daykit grade`` reads it for the
gradebook's address) therefore imports neither nbconvert nor nbgrader's converters. A test keeps the
config's lists and these in step; the course's steps check these against the nbgrader that runs them
(``preprocessors.check_pipelines``); ``autograde_steps``/``feedback_steps`` serve an nbgrader_config.py
written before the names were spelled out in it.
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
