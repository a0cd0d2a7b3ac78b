"""Name the mistake: recognise a known-wrong variant in a failing task's behaviour.

Every task has a library of known-wrong variants (``variants/day_NN.py``), each with the reason it is
wrong. A ``Library`` (library.py, the instructor's side, never shipped) records, once per day and in
trusted code, the calls each check makes to its task (running the checks on the reference solution)
and the outcome of the reference and of every wrong variant on each of those calls (a value, the kind
of exception raised, or running out of time, and any argument the call changed).
A failing submission's task is called on the same calls; where its
outcomes match one variant's on every call that tells the variants and the reference apart, the
diagnosis names that variant. Outcomes are compared as the checks compare answers: numbers and arrays
within a tolerance (type and shape must agree), SymPy expressions by ``equivalent``.

Never diagnosed: a task that passed, a submission that behaves like the reference on those calls, a
variant no call tells apart from the reference, and a fit two variants share (name neither).

The student's side (comparing outcomes, their salted fingerprints, the day's table of the visible calls
and the diagnosis from it) is in daykit.checks, which a notebook's setup cell inlines: pytest, ``daykit
check`` and the notebook's test cells name a mistake with the same code. This module adds the
instructor's side (observing a call under a time budget, digests) and where the table is kept.
"""

from __future__ import annotations

import hashlib
import importlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from daykit.checking.runner import OverBudget, TaskTimeout

# What the student's side needs (comparing, fingerprints, the visible table and its diagnosis) lives in
# daykit.checks, which every notebook's setup cell inlines, so that a notebook's test cells name a mistake
# with this very code; the instructor's side below and library.py use it from there.
from daykit.checks import (  # noqa: F401 - re-exported for the instructor's side
    ANY,
    AS_REFERENCE,
    ATOL,
    RTOL,
    Diagnosis,
    Outcome,
    VisibleTask,
    _is_number,
    _quiet,
    _raised,
    _snapshot,
    blinded,
    diagnose_visible,
    fingerprint,
    observe_checks,
    outcome_text,
    same_value,
)
from daykit.checks import mistake_message as message  # noqa: F401 - the words a student reads


@dataclass(frozen=True)
class Call:
    """One call a check made to its task: the check, the n-th call in it, and its arguments."""

    check: str
    index: int
    hidden: bool
    args: tuple
    kwargs: dict

    @property
    def key(self) -> str:
        return f"{self.check}#{self.index}"


def observe(function: Callable, call: Call) -> Outcome:
    """Call ``function`` on a fresh copy of ``call``'s arguments; its outcome."""
    args, kwargs = _snapshot((call.args, call.kwargs))
    try:
        value = function(*args, **kwargs)
    except OverBudget:
        raise
    except TaskTimeout:
        return Outcome("timeout")
    except Exception as exc:  # noqa: BLE001 - the code's exception is part of its behaviour
        return _raised(exc)
    changed = []
    named = [*enumerate(call.args), *call.kwargs.items()]
    after = [*args, *(kwargs[k] for k in call.kwargs)]
    for (where, before), now in zip(named, after, strict=True):
        if isinstance(before, (np.ndarray, list, dict)) and not same_value(before, now):
            changed.append((where, _snapshot(now)))
    return Outcome("value", _snapshot(value), tuple(changed))


# ------------------------------------------------------------------------------------ comparison


def differing(a, b, path: tuple = ()) -> list[tuple]:
    """The paths (keys and indices) of the parts where two results of the same call are not identical."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return [p for k in a for p in differing(a[k], b[k], (*path, k))]
    if isinstance(a, (list, tuple)) and type(a) is type(b) and len(a) == len(b):
        return [p for i, (x, y) in enumerate(zip(a, b, strict=True)) for p in differing(x, y, (*path, i))]
    try:
        if _is_number(a) and _is_number(b):
            identical = float(a) == float(b) or (math.isnan(float(a)) and math.isnan(float(b)))
        elif isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype.kind in "iuf":
            identical = a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))
        else:
            identical = same_value(a, b)
    except Exception:  # noqa: BLE001
        identical = False
    return [] if identical else [path]


def same(a: Outcome, b: Outcome) -> bool:
    """Whether two outcomes are the same behaviour."""
    if a.kind != b.kind or a.kind == "unstable":
        return False
    if a.kind != "value":
        return a.value == b.value
    if [w for w, _ in a.changed] != [w for w, _ in b.changed]:
        return False
    return same_value(a.value, b.value) and all(
        same_value(x, y) for (_, x), (_, y) in zip(a.changed, b.changed, strict=True))


# ----------------------------------------------------------------------------- behaviour's digest


def digest(outcomes: Iterable[Outcome]) -> str:
    """A short digest of a task's behaviour on the library's calls: two submissions that did the same
    on every call share it. It shows nothing of the calls or the results."""
    return hashlib.sha256("|".join(outcome_text(o) for o in outcomes).encode()).hexdigest()[:12]


# --------------------------------------------------------------- the student's side: visible calls only


def table_path(course, slug: str):
    """Where a student edition keeps the day's table: beside its visible checks."""
    return course.checks(slug).parent / f"{slug}_mistakes.json"


_TABLES: dict = {}


def load_table(course, slug: str) -> dict[str, VisibleTask]:
    """The day's table: the edition's file, or (in the instructor's repository) made from the variants."""
    import json

    key = (str(course.root), slug)
    if key not in _TABLES:
        path = table_path(course, slug)
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            _TABLES[key] = {t["task"]: VisibleTask.from_json(t) for t in data["tasks"]}
        elif course.variants(slug).exists():  # the instructor's repository: made from the variants
            library = importlib.import_module("daykit.checking.library")  # never shipped to students
            _TABLES[key] = library.visible_table(library.load_library(course, slug))
        else:
            _TABLES[key] = {}
    return _TABLES[key]




def embedded_table(notebook: str) -> str | None:
    """The JSON text of the table of known mistakes a notebook's setup cell embeds (see
    daykit.authoring.render), from the notebook's text; None where it embeds none."""
    import ast
    import json

    from daykit.checks import MISTAKES
    from daykit.notebook import SETUP_ID

    for cell in json.loads(notebook).get("cells", []):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("id") != SETUP_ID and MISTAKES not in source:
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if (isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [MISTAKES]
                    and isinstance(node.value, ast.Call) and node.value.args
                    and isinstance(node.value.args[0], ast.Constant) and isinstance(node.value.args[0].value, str)):
                return node.value.args[0].value
    return None


def table_problems(where, day: str, text: str, library) -> list[str]:
    """What a table of known mistakes (its JSON ``text``, kept at ``where``: a file, or a notebook's setup
    cell) holds that it must not: anything but salted hashes of the variants' outcomes; and, given the
    day's ``library`` (daykit.checking.library, the instructor's), a task of another day, a call no visible
    check makes or a hidden check's call, or the reference's own result on a call. Each line names ``where``."""
    import json
    import re

    problems = []
    try:
        table = {t["task"]: VisibleTask.from_json(t) for t in json.loads(text)["tasks"]}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return [f"{where}: not a table of known mistakes ({exc})"]
    for name, task in table.items():
        for slug, variant in task.variants.items():
            for key, kept in variant["outcomes"].items():
                if kept != AS_REFERENCE and not re.fullmatch(r"[0-9a-f]{20}", kept):
                    problems.append(f"{where}: {name}: the variant {slug} keeps a value on {key}, not a hash")
        if library is None:
            continue  # no variants to compare with: only the form can be checked
        known = library.tasks.get(name)
        if known is None:
            problems.append(f"{where}: a task {name} that {day} has no known mistakes of")
            continue
        calls = {c.key: (i, c) for i, c in enumerate(known.calls)}
        keys = set(task.telling) | {k for v in task.variants.values() for k in v["outcomes"]}
        for key in sorted(keys):
            if key not in calls:
                problems.append(f"{where}: {name}: {key} is no call a visible check of {day} makes")
            elif calls[key][1].hidden:
                problems.append(f"{where}: {name}: {key} is a call of a hidden check")
        for slug, variant in task.variants.items():
            for key, kept in variant["outcomes"].items():
                if key in calls and kept == fingerprint(known.reference[calls[key][0]], task.salt(key)):
                    problems.append(f"{where}: {name}: the variant {slug} keeps the reference's result on {key}")
    return problems
