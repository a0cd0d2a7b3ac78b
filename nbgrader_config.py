"""The nbgrader course: this folder is its root.

The gradebook is SQLite (gradebook.db here) unless DAYKIT_DB_URL names another database, for
example postgresql://user@host/course. Run nbgrader from this folder: it reads this file from the
current directory only.
"""

import os

from daykit.nbgrader.pipelines import autograde_steps, feedback_steps

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

# A test cell exactly as released gets its hidden tests back without a checksum warning (nbgrader warns
# for every such cell, honest or not); a cell a student changed still gets the warning.
c.Autograde.sanitize_preprocessors = autograde_steps()
# Feedback never shows hidden tests: not their code, nor the lines of it a traceback would print.
c.GenerateFeedback.preprocessors = feedback_steps()
