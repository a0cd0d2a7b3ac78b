"""nbgrader: the course's bridge to nbgrader 0.9.

In: the source notebooks and ``nbgrader_config.py``.
Out: released notebooks (``release``) and nbgrader's own commands run in a course folder (``run``).
Uses the foundation and ``daykit.authoring``; never the grader.
"""
