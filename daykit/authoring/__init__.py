"""Authoring: a day's sources become its artefacts.

In: ``solutions/day_NN.py``, ``tests/test_day_NN.py``, ``hidden/``, ``variants/``, ``hints/``.
Out: the day's model (``model``), the student stub and the nbgrader source notebook (``render``), written
and checked for staleness by ``daykit build`` (``build``).
Uses only the foundation: ``daykit.course``, ``daykit.checks`` and ``daykit.notebook``.
"""
