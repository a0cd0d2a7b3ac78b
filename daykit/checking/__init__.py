"""Checking: a day's checks run against a target and give a verdict per task.

In: a target (the stubs, the reference, a student's ``.py`` or ``.ipynb``) and the day's check files.
Out: a ``TaskResult`` per task — under pytest (``pytest_plugin``), in-process for the student's tools, or
as the engine the grader drives (``runner``); ``loading`` turns a target into a module, ``variants`` reads
the known-wrong and alternative-correct code, and ``verify`` proves each day's checks against them.
Uses the foundation and ``daykit.authoring``.
"""
