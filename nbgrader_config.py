"""The nbgrader course: this folder is its root.

The gradebook is SQLite (gradebook.db here) unless DAYKIT_DB_URL names another database, for
example postgresql://user@host/course. Run nbgrader from this folder: it reads this file from the
current directory only.
"""

import os

c = get_config()  # noqa: F821 (nbgrader provides get_config)

root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = root
c.CourseDirectory.course_id = "ml-calculus"
# SQLite lets one process write at a time; others wait up to 60 s (not 5) when graders run side by side.
sqlite = "sqlite:///" + os.path.join(root, "gradebook.db") + "?timeout=60"
c.CourseDirectory.db_url = os.environ.get("DAYKIT_DB_URL", sqlite)

# The same stub as exercises/: nbgrader's default, spelled out so the two never drift apart.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Restore test cells a student deleted, so that they are graded (as zero) rather than skipped.
c.OverwriteCells.add_missing_cells = True
# Kernels that miss their shutdown window cost 3 s each; one second is plenty.
c.KernelManager.shutdown_wait_time = 1.0
c.Execute.timeout = 60

# nbgrader's own steps with the course's in their places, named here rather than imported: nbgrader imports
# them when it runs them and stops if it cannot (it would only log a failed import in this file, then run
# its own steps, which show the hidden tests). daykit/nbgrader/pipelines.py holds the same names.
# A test cell exactly as released gets its hidden tests back without a checksum warning (nbgrader warns
# for every such cell, honest or not); a cell a student changed still gets the warning.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "daykit.nbgrader.preprocessors.RestoreHiddenTests",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Feedback never shows hidden tests: not their code, nor any line of it a student's code or a traceback prints.
c.GenerateFeedback.preprocessors = [
    "daykit.nbgrader.preprocessors.ClearHiddenTestsAndTraces",
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
