"""The student's side: checking one's own work, hints, and the edition a student receives.

In: the student's ``exercises/`` (or a notebook) and the visible checks.
Out: ``daykit check`` (``check``, ``practice``, ``screen``), ``daykit watch``, ``daykit hint``, the state kept
in ``.daykit/`` (``state``), and the student edition with its README (``edition``, ``readme``).
Uses every earlier stage; the edition ships only the modules a student runs.
"""
