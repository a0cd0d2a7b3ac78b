"""The demo: a sample class built from the variants, graded by nbgrader and daykit side by side.

In: the whole course. Out: ``make demo``'s run (``run``), the sample class (``sample_class``), and the
comparison of both graders' scores (``agreement``). The last stage: it may use every other one.
"""
