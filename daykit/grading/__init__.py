"""Grading: a class's submissions become verdicts, results and reports.

In: ``submitted/<student>/<day>/`` and the day's checks. Out: ``results/<day>/`` (a JSON result per
submission, ``grades.csv``, ``summary.json``, the histogram, feedback per student).
``grade`` runs a class through a pool of grading processes (``session``); student code runs only in
workers forked from a clean fork server (``zygote``) and confined (``sandbox``, ``worker``), answering
over a plain-data wire (``wire``); ``reports`` writes what a class run found.
Uses the foundation, ``daykit.authoring``, ``daykit.checking`` and ``daykit.nbgrader``.
"""
