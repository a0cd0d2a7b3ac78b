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
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import importlib
import io
import math
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from daykit.checking.runner import OverBudget, TaskTimeout
from daykit.checks import TooLarge, equivalent

RTOL, ATOL = 1e-6, 1e-7  # how close two numbers must be to count as the same behaviour
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


@dataclass(frozen=True)
class Outcome:
    """What a call did: ``kind`` is "value", "raises" (``value`` the built-in exception's name),
    "timeout", or "unstable" (a variant that did something else when called again: it matches nothing);
    ``changed`` the array arguments it modified, as (position or name, value after)."""

    kind: str
    value: object = None
    changed: tuple = ()


def _builtin_kind(exc: BaseException) -> str:
    return next((c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"), "Exception")


def _snapshot(value):
    try:
        return copy.deepcopy(value)
    except Exception:  # noqa: BLE001 - what cannot be copied is kept as it is
        return value


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
        said = getattr(exc, "student_message", None)
        silent = not str(exc if said is None else said).strip()
        return Outcome("raises", _builtin_kind(exc) + (" with no message" if silent else ""))
    changed = []
    named = [*enumerate(call.args), *call.kwargs.items()]
    after = [*args, *(kwargs[k] for k in call.kwargs)]
    for (where, before), now in zip(named, after, strict=True):
        if isinstance(before, (np.ndarray, list, dict)) and not same_value(before, now):
            changed.append((where, _snapshot(now)))
    return Outcome("value", _snapshot(value), tuple(changed))


# ------------------------------------------------------------------------------------ comparison


class _Any:
    """A part of a result that changes from run to run even in the reference (a time measured): ignored."""

    def __repr__(self) -> str:
        return "<any>"


ANY = _Any()


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


def blinded(value, paths: frozenset):
    """``value`` with the parts at ``paths`` replaced by ANY."""
    if not paths:
        return value
    if () in paths:
        return ANY
    if isinstance(value, dict):
        return {k: blinded(v, frozenset(p[1:] for p in paths if p[0] == k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        items = [blinded(v, frozenset(p[1:] for p in paths if p[0] == i)) for i, v in enumerate(value)]
        return items if isinstance(value, list) else tuple(items)
    return value


def _is_number(value) -> bool:
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _close(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= ATOL + RTOL * max(abs(a), abs(b))


def same_value(a, b) -> bool:
    """Whether two results are the same answer, as the checks would judge them."""
    try:
        return _same(a, b)
    except (OverBudget, KeyboardInterrupt):
        raise
    except Exception:  # noqa: BLE001 - what cannot be compared is not the same
        return False


def _same(a, b) -> bool:
    if a is ANY or b is ANY:
        return True
    if isinstance(a, sp.Basic) or isinstance(b, sp.Basic):
        if _is_number(a):
            a = sp.sympify(float(a))
        if _is_number(b):
            b = sp.sympify(float(b))
        if isinstance(a, sp.Expr) and isinstance(b, sp.Expr):
            try:
                return bool(equivalent(a, b))
            except TooLarge:
                return False
        return isinstance(a, sp.Basic) and isinstance(b, sp.Basic) and bool(a == b)
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        return (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase) and a.shape == b.shape
                and all(_same(x, y) for x, y in zip(a, b, strict=True)))
    if _is_number(a) and _is_number(b):
        return _close(float(a), float(b))
    if isinstance(a, (bool, np.bool_)) or isinstance(b, (bool, np.bool_)):
        return isinstance(a, (bool, np.bool_)) and isinstance(b, (bool, np.bool_)) and bool(a) == bool(b)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape:
            return False
        if a.dtype.kind in "iuf" and b.dtype.kind in "iuf":
            return bool(np.allclose(a.astype(float), b.astype(float), rtol=RTOL, atol=ATOL, equal_nan=True))
        return all(_same(x, y) for x, y in zip(a.ravel().tolist(), b.ravel().tolist(), strict=True))
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b, strict=True)))
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
                and all(_same(a[k], b[k]) for k in a))
    if callable(a) or callable(b):
        return callable(a) and callable(b)
    return type(a) is type(b) and bool(a == b)


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


_POINTS = (0.7, -1.3, 2.1)


def _digits(number: float) -> str:
    """A number to 6 significant digits, and 0 for any below 1e-9 (rounding's noise about zero)."""
    if not math.isfinite(number):
        return repr(number)
    return "0" if abs(number) < 1e-9 else f"{number:.6g}"


def _canonical(value) -> str:
    """A text for a value that is the same for the same answer (numbers to 6 significant digits,
    expressions by their values at fixed points)."""
    if value is ANY:
        return "any"
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if _is_number(value):
        return f"n{_digits(float(value))}"
    if isinstance(value, (bool, np.bool_)):
        return f"b{bool(value)}"
    if isinstance(value, sp.Expr):
        symbols = sorted(value.free_symbols, key=lambda s: s.name)
        values = []
        for shift, point in enumerate(_POINTS):
            at = {s: point + 0.37 * i + 0.11 * shift for i, s in enumerate(symbols)}
            try:
                number = complex(value.xreplace(at).evalf(20))
                values.append(f"{_digits(number.real)},{_digits(number.imag)}")
            except Exception:  # noqa: BLE001 - undefined there
                values.append("?")
        return f"e{[s.name for s in symbols]}[{';'.join(values)}]"
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iuf":
            return f"a{value.shape}[{','.join(_digits(float(x)) for x in value.ravel())}]"
        return f"a{value.shape}[{','.join(_canonical(x) for x in value.ravel().tolist())}]"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}[{','.join(_canonical(x) for x in value)}]"
    if isinstance(value, dict):
        return "d{" + ",".join(f"{k!r}:{_canonical(value[k])}" for k in sorted(value, key=repr)) + "}"
    if callable(value):
        return "callable"
    try:
        return f"{type(value).__name__}:{value!r}"[:200]
    except Exception:  # noqa: BLE001
        return type(value).__name__


def _text(outcome: Outcome) -> str:
    return (f"{outcome.kind}:{_canonical(outcome.value) if outcome.kind == 'value' else outcome.value}"
            + "".join(f"/{w}={_canonical(v)}" for w, v in outcome.changed))


def digest(outcomes: Iterable[Outcome]) -> str:
    """A short digest of a task's behaviour on the library's calls: two submissions that did the same
    on every call share it. It shows nothing of the calls or the results."""
    return hashlib.sha256("|".join(_text(o) for o in outcomes).encode()).hexdigest()[:12]


def fingerprint(outcome: Outcome, salt: str) -> str:
    """An outcome as a salted hash of its canonical text: what a student edition keeps of a variant's
    outcome on a visible call, so that no value can be read back from it."""
    return hashlib.sha256(f"{salt}|{_text(outcome)}".encode()).hexdigest()[:20]


# ------------------------------------------------------------------------------------ the library


@dataclass(frozen=True)
class Diagnosis:
    variant: str  # the variant's id (its slug)
    reason: str  # the variant's reason, in the author's words

    def as_dict(self) -> dict:
        return {"variant": self.variant, "reason": self.reason}

    @property
    def message(self) -> str:
        return message(self.reason)


def message(reason: str) -> str:
    """The words a student reads: what the code seems to do, and what to change."""
    return (f"It behaves like a known mistake: {reason.rstrip('.')}. "
            "Change that part of the code, then check again.")


@contextlib.contextmanager
def _quiet():
    """Nothing the code prints or warns while it is diagnosed is shown (its calls may be hidden ones)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"), \
            contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield



# --------------------------------------------------------------- the student's side: visible calls only


AS_REFERENCE = "as the reference"  # a variant that does what the reference does on a call (its value not kept)


@dataclass
class VisibleTask:
    """What the student's tools need to diagnose one task from its visible checks: the telling visible
    calls (by key), the parts of their results ignored, and each diagnosable variant's reason and, on each
    of those calls, its outcome's salted hash (``fingerprint``), or AS_REFERENCE where it does what the
    reference does. No value is kept: neither the reference's nor a variant's can be read back."""

    task: str
    telling: list[str]
    ignored: dict[str, list]
    variants: dict[str, dict]  # slug -> {"reason": why, "outcomes": {key: fingerprint | AS_REFERENCE}}
    uses: list[str] = dataclasses.field(default_factory=list)  # the other tasks it calls (see library.py)

    def salt(self, key: str) -> str:
        return f"{self.task}|{key}"

    def as_json(self) -> dict:
        return {"task": self.task, "telling": self.telling, "ignored": self.ignored, "variants": self.variants,
                "uses": self.uses}

    @classmethod
    def from_json(cls, data: dict) -> VisibleTask:
        ignored = {str(k): [tuple(p) for p in v] for k, v in data["ignored"].items()}
        variants = {str(slug): {"reason": str(v["reason"]),
                                "outcomes": {str(k): str(o) for k, o in v["outcomes"].items()}}
                    for slug, v in data["variants"].items()}
        return cls(str(data["task"]), [str(k) for k in data["telling"]], ignored, variants,
                   [str(u) for u in data.get("uses", [])])

    def diagnose(self, observed: dict[str, tuple[Outcome, bool]]) -> Diagnosis | None:
        """The variant the observed calls (key -> (outcome, whether its check went past it)) fit alone.

        Where a variant does what the reference does, the student's call fits when the check went on
        past it (the student did what the reference does there too); elsewhere the outcomes must match."""
        keys = [k for k in self.telling if k in observed]
        if all(observed[k][1] for k in keys):
            return None  # no telling call failed: nothing to diagnose (the checks passed there)
        fits = []
        for slug, variant in self.variants.items():
            outcomes = variant["outcomes"]
            if all(outcomes[k] == AS_REFERENCE for k in keys):
                continue  # nothing observed tells this one from the reference
            if all(observed[k][1] if outcomes[k] == AS_REFERENCE
                   else fingerprint(observed[k][0], self.salt(k)) == outcomes[k] for k in keys):
                fits.append((slug, variant["reason"]))
        return Diagnosis(*fits[0]) if len(fits) == 1 else None


def _observing(function: Callable, check: str, keys: list[str], observed: dict, ignored: dict) -> Callable:
    """``function``, recording each call's outcome in ``observed`` under ``check#n``."""

    def recorded(*args, **kwargs):
        key = f"{check}#{len(keys)}"
        keys.append(key)
        before = _snapshot((args, kwargs))
        try:
            value = function(*args, **kwargs)
        except Exception as exc:
            said = getattr(exc, "student_message", None)
            silent = not str(exc if said is None else said).strip()
            observed[key] = (Outcome("raises", _builtin_kind(exc) + (" with no message" if silent else "")), True)
            raise
        changed = []
        for (where, old), new in zip([*enumerate(before[0]), *before[1].items()],
                                     [*args, *(kwargs[k] for k in before[1])], strict=True):
            if isinstance(old, (np.ndarray, list, dict)) and not same_value(old, new):
                changed.append((where, _snapshot(new)))
        paths = frozenset(tuple(p) for p in ignored.get(key, []))
        observed[key] = (Outcome("value", blinded(_snapshot(value), paths), tuple(changed)), True)
        return value

    recorded.__name__ = getattr(function, "__name__", "task")
    return recorded


def observe_checks(task: str, checks: list, functions: dict[str, Callable],
                   ignored: dict[str, list] | None = None) -> dict[str, tuple[Outcome, bool]]:
    """Run ``checks`` (visible checks of ``task``: objects with ``name``, ``function`` and ``tasks``) on the
    student's ``functions``, recording the outcome of each call to ``task`` by key, and whether the check
    went on past it. A check stops at its first failure: calls after it are not observed."""
    observed: dict[str, tuple[Outcome, bool]] = {}
    ignored = ignored or {}
    for check in checks:
        if check.tasks[0] != task or any(not callable(functions.get(n)) for n in check.tasks):
            continue
        keys: list[str] = []
        recorded = _observing(functions[task], check.name, keys, observed, ignored)
        arguments = [recorded if name == task else functions[name] for name in check.tasks]
        try:
            with _quiet():
                check.function(*arguments)
        except Exception:  # noqa: BLE001 - the check failed: its last call is where it stopped
            if keys and keys[-1] in observed:
                observed[keys[-1]] = (observed[keys[-1]][0], False)
    return observed


def diagnose_visible(table: dict[str, VisibleTask], task: str, checks: list,
                     functions: dict[str, Callable], failed: set[str] | frozenset = frozenset()) -> Diagnosis | None:
    """The diagnosis of a failing task from its visible checks alone (a practice run, pytest); none while a
    task it calls (``failed``: those that did not pass) may be why it fails."""
    if task not in table or set(table[task].uses) & set(failed):
        return None
    try:
        observed = observe_checks(task, checks, functions, table[task].ignored)
        return table[task].diagnose(observed)
    except Exception:  # noqa: BLE001 - a diagnosis is a bonus
        return None


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


