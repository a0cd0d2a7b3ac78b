"""Name the mistake: recognise a known-wrong variant in a failing task's behaviour.

Every task has a library of known-wrong variants (``variants/day_NN.py``), each with the reason it is
wrong. A ``Library`` records, once per day and in trusted code, the calls each check makes to its task
(running the checks on the reference solution) and the outcome of the reference and of every wrong
variant on each of those calls (a value, the kind of exception raised, or running out of time, and any
array argument the call changed). A failing submission's task is called on the same calls; where its
outcomes match one variant's on every call that tells the variants and the reference apart, the
diagnosis names that variant. Outcomes are compared as the checks compare answers: numbers and arrays
within a tolerance (type and shape must agree), SymPy expressions by ``equivalent``.

Never diagnosed: a task that passed, a submission that behaves like the reference on those calls, a
variant no call tells apart from the reference, and a fit two variants share (name neither).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import math
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from daykit.checking.runner import Check, OverBudget, TaskTimeout, budget
from daykit.checking.variants import Variant
from daykit.checks import TooLarge, equivalent

RTOL, ATOL = 1e-6, 1e-7  # how close two numbers must be to count as the same behaviour
REFERENCE_RUNS = 3  # the reference runs this often on each call, to find what changes from run to run
VARIANT_SECONDS = 10.0  # a variant's call that runs longer than this counts as a timeout


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


def _canonical(value) -> str:
    """A text for a value that is the same for the same answer (numbers to 6 significant digits,
    expressions by their values at fixed points)."""
    if value is ANY:
        return "any"
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if _is_number(value):
        return f"n{float(value):.6g}"
    if isinstance(value, (bool, np.bool_)):
        return f"b{bool(value)}"
    if isinstance(value, sp.Expr):
        symbols = sorted(value.free_symbols, key=lambda s: s.name)
        values = []
        for shift, point in enumerate(_POINTS):
            at = {s: point + 0.37 * i + 0.11 * shift for i, s in enumerate(symbols)}
            try:
                number = complex(value.xreplace(at).evalf(20))
                values.append(f"{number.real:.6g},{number.imag:.6g}")
            except Exception:  # noqa: BLE001 - undefined there
                values.append("?")
        return f"e[{';'.join(values)}]"
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iuf":
            return f"a{value.shape}[{','.join(f'{float(x):.6g}' for x in value.ravel())}]"
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


def digest(outcomes: Iterable[Outcome]) -> str:
    """A short digest of a task's behaviour on the library's calls: two submissions that did the same
    on every call share it. It shows nothing of the calls or the results."""
    text = "|".join(
        f"{o.kind}:{_canonical(o.value) if o.kind == 'value' else o.value}"
        + "".join(f"/{w}={_canonical(v)}" for w, v in o.changed)
        for o in outcomes
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]


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


@dataclass
class TaskLibrary:
    """One task's calls, and the reference's and each wrong variant's outcome on each."""

    task: str
    calls: list[Call]
    reference: list[Outcome]
    variants: dict[str, tuple[Variant, list[Outcome]]] = field(default_factory=dict)
    ignored: list[frozenset] = field(default_factory=list)  # per call: the parts that change between runs

    def blind(self, outcomes: list[Outcome]) -> list[Outcome]:
        """Outcomes with the parts of their values that change from run to run even in the reference ignored."""
        return [Outcome(o.kind, blinded(o.value, paths), o.changed) if o.kind == "value" and paths else o
                for o, paths in zip(outcomes, self.ignored or [frozenset()] * len(outcomes), strict=True)]

    def stable(self) -> dict[str, tuple[Variant, list[Outcome]]]:
        """The variants that do the same on each call every time (not one that draws unseeded numbers)."""
        return {slug: (v, outcomes) for slug, (v, outcomes) in self.variants.items()
                if not any(o.kind == "unstable" for o in outcomes)}

    def telling(self) -> list[int]:
        """The calls on which the reference and the (stable) variants do not all behave the same."""
        found = []
        stable = [outcomes for _, outcomes in self.stable().values()]
        for i, want in enumerate(self.reference):
            if any(not same(outcomes[i], want) for outcomes in stable):
                found.append(i)
            elif any(not same(stable[0][i], o[i]) for o in stable[1:]):
                found.append(i)
        return found

    def diagnosable(self) -> dict[str, tuple[Variant, list[Outcome]]]:
        """The stable variants some call tells apart from the reference."""
        return {slug: (v, outcomes) for slug, (v, outcomes) in self.stable().items()
                if any(not same(o, r) for o, r in zip(outcomes, self.reference, strict=True))}

    def undiagnosable(self) -> list[tuple[Variant, str]]:
        """The variants no diagnosis can name, and why."""
        stable, diagnosable = self.stable(), self.diagnosable()
        return [(v, "it does something else on each run" if slug not in stable else
                 "no check's call tells it apart from the reference")
                for slug, (v, _) in self.variants.items() if slug not in diagnosable]

    def collisions(self) -> list[tuple[Variant, Variant]]:
        """Pairs of diagnosable variants that behave the same on every call: no diagnosis can name either."""
        found = []
        items = list(self.diagnosable().values())
        for i, (first, mine) in enumerate(items):
            for second, theirs in items[i + 1:]:
                if all(same(a, b) for a, b in zip(mine, theirs, strict=True)):
                    found.append((first, second))
        return found

    def diagnose(self, outcomes: list[Outcome]) -> Diagnosis | None:
        """The variant ``outcomes`` (the submission's, on every call) match on every telling call, if
        exactly one does and the submission does not behave like the reference there."""
        telling = self.telling()
        if not telling or all(same(outcomes[i], self.reference[i]) for i in telling):
            return None
        fits = [v for v, mine in self.diagnosable().values() if all(same(outcomes[i], mine[i]) for i in telling)]
        if len(fits) != 1:
            return None
        return Diagnosis(fits[0].slug, fits[0].why)


@contextlib.contextmanager
def _quiet():
    """Nothing the code prints or warns while it is diagnosed is shown (its calls may be hidden ones)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"), \
            contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def _recorder(function: Callable, check: Check, sink: list[Call]) -> Callable:
    def recorded(*args, **kwargs):
        sink.append(Call(check.name, len([c for c in sink if c.check == check.name]), check.hidden,
                         _snapshot(args), _snapshot(kwargs)))
        return function(*args, **kwargs)

    recorded.__name__ = getattr(function, "__name__", check.task)
    return recorded


def record_calls(task: str, checks: list[Check], reference: dict[str, Callable]) -> list[Call]:
    """The calls the checks of ``task`` make to it, running them on the reference."""
    calls: list[Call] = []
    for check in checks:
        if check.task != task:
            continue
        functions = dict(reference)
        functions[task] = _recorder(reference[task], check, calls)
        try:
            check.function(*[functions[name] for name in check.tasks])
        except Exception:  # noqa: BLE001 - the reference passes its checks; verify says so if not
            pass
    return calls


def _timed(function: Callable, seconds: float) -> Callable:
    def call(*args, **kwargs):
        try:
            with budget(seconds):
                return function(*args, **kwargs)
        except OverBudget:
            raise TaskTimeout(f"ran over {seconds:g} s") from None

    return call


@dataclass
class Library:
    """A day's diagnoses: a TaskLibrary per task that has wrong variants."""

    tasks: dict[str, TaskLibrary]

    @classmethod
    def build(cls, checks: list[Check], namespace: dict, variants: list[Variant],
              tasks: Iterable[str] | None = None) -> Library:
        """Record the reference's calls and every wrong variant's outcomes on them (trusted code only)."""
        with _quiet():
            return cls._build(checks, namespace, variants, tasks)

    @classmethod
    def _build(cls, checks, namespace, variants, tasks) -> Library:
        reference = {n: v for n, v in namespace.items() if callable(v) and not n.startswith("__")}
        names = list(tasks) if tasks is not None else sorted({v.task for v in variants})
        found = {}
        for task in names:
            wrong = [v for v in variants if v.task == task and not v.correct]
            if not wrong or task not in reference:
                continue
            calls = record_calls(task, checks, reference)
            first = [observe(reference[task], c) for c in calls]
            ignored = [frozenset() for _ in calls]
            for _ in range(REFERENCE_RUNS - 1):  # what changes from run to run even in the reference: ignored
                again = [observe(reference[task], c) for c in calls]
                ignored = [paths | frozenset(differing(a.value, b.value)) if a.kind == b.kind == "value" else paths
                           for paths, a, b in zip(ignored, first, again, strict=True)]
            library = TaskLibrary(task, calls, [], ignored=ignored)
            library.reference = library.blind(first)
            for variant in wrong:
                function = _timed(variant.bound(namespace), VARIANT_SECONDS)
                first = library.blind([observe(function, c) for c in calls])
                again = library.blind([observe(function, c) for c in calls])
                outcomes = [a if same(a, b) else Outcome("unstable") for a, b in zip(first, again, strict=True)]
                library.variants[variant.slug] = (variant, outcomes)
            found[task] = library
        return cls(found)

    def outcomes(self, task: str, function: Callable) -> list[Outcome]:
        """The submission's task function on each of the task's calls."""
        return self.tasks[task].blind([observe(function, c) for c in self.tasks[task].calls])

    def examine(self, task: str, function: Callable) -> tuple[Diagnosis | None, str]:
        """The diagnosis of a failing task (or None) and the digest of its behaviour."""
        if task not in self.tasks:
            return None, ""
        with _quiet():
            outcomes = self.outcomes(task, function)
        return self.tasks[task].diagnose(outcomes), digest(outcomes)


def load_library(course, slug: str) -> Library | None:
    """The day's library from its reference solution, checks and variants; None without variants."""
    from daykit.checking.loading import load_target
    from daykit.checking.runner import load_checks
    from daykit.checking.variants import load_variants

    path = course.variants(slug)
    if not path.exists():
        return None
    namespace, error = load_target(course.solution(slug), f"daykit_diagnosis_reference_{slug}")
    if error:
        return None
    return Library.build(load_checks(course, slug), namespace, load_variants(path))


def diagnose_results(library: Library, results: list, functions: dict[str, Callable],
                     before_task: Callable[[], None] | None = None, seconds: float | None = None) -> None:
    """Add to each failed task of ``results`` (TaskResults) its diagnosis and behaviour's digest.

    ``functions`` are the submission's (proxies to its worker, in the grader); ``before_task`` gives a
    task a fresh time budget, and ``seconds`` bounds the grader's own comparing, as for a check. What
    cannot be diagnosed (the code crashed its worker, the comparing ran over) gets no diagnosis.
    """
    from daykit.checking.runner import Status, _off_the_clock

    for result in results:
        if result.status not in (Status.FAIL, Status.ERROR) or result.task not in library.tasks:
            continue
        function = functions.get(result.task)
        if not callable(function):
            continue
        if before_task is not None:
            before_task()
        try:
            with budget(seconds):
                found, behaviour = library.examine(result.task, _off_the_clock(function) if seconds else function)
        except (OverBudget, Exception):  # noqa: BLE001 - a diagnosis is a bonus: never one that costs the grade
            continue
        result.diagnosis = found.as_dict() if found else None
        result.behaviour = behaviour


# ------------------------------------------------------------------ the student's side: visible calls only


AS_REFERENCE = "as the reference"  # a variant that does what the reference does on a call (its value not kept)


def _encode(value):
    """A value as JSON-able data (numbers, arrays, tuples, dicts, SymPy expressions)."""
    if value is ANY:
        return {"$any": 1}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.ndarray):
        return {"$array": [value.dtype.str, list(value.shape), [_encode(v) for v in value.ravel().tolist()]]}
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if _is_number(value):
        number = float(value) if not isinstance(value, (int, np.integer)) else int(value)
        return number if isinstance(number, int) or math.isfinite(number) else {"$float": repr(number)}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"$dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        return {"$sympy": sp.srepr(value)}
    if callable(value):
        return {"$callable": 1}
    return {"$other": type(value).__name__}


def _decode(data):
    if isinstance(data, list):
        return [_decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    (tag, body), = data.items()
    if tag == "$any":
        return ANY
    if tag == "$array":
        dtype, shape, items = body
        return np.array([_decode(v) for v in items], dtype=np.dtype(dtype)).reshape(shape)
    if tag == "$float":
        return float(body)
    if tag == "$tuple":
        return tuple(_decode(v) for v in body)
    if tag == "$dict":
        return {_decode(k): _decode(v) for k, v in body}
    if tag == "$sympy":
        return sp.sympify(body)
    if tag == "$callable":
        return lambda *args, **kwargs: None
    return ANY  # an object the table could not keep: not compared


def _encode_outcome(outcome: Outcome) -> dict:
    return {"kind": outcome.kind, "value": _encode(outcome.value),
            "changed": [[_encode(w), _encode(v)] for w, v in outcome.changed]}


def _decode_outcome(data: dict) -> Outcome:
    return Outcome(data["kind"], _decode(data["value"]), tuple((_decode(w), _decode(v)) for w, v in data["changed"]))


@dataclass
class VisibleTask:
    """What the student's tools need to diagnose one task from its visible checks: the telling visible
    calls (by key), the parts of their results ignored, and each diagnosable variant's reason and outcome
    on each of them, or AS_REFERENCE where it does what the reference does (no reference value is kept)."""

    task: str
    telling: list[str]
    ignored: dict[str, list]
    variants: dict[str, dict]  # slug -> {"reason": why, "outcomes": {key: Outcome | AS_REFERENCE}}

    def as_json(self) -> dict:
        return {"task": self.task, "telling": self.telling, "ignored": self.ignored,
                "variants": {slug: {"reason": v["reason"],
                                    "outcomes": {k: o if o == AS_REFERENCE else _encode_outcome(o)
                                                 for k, o in v["outcomes"].items()}}
                             for slug, v in self.variants.items()}}

    @classmethod
    def from_json(cls, data: dict) -> VisibleTask:
        return cls(data["task"], list(data["telling"]), {k: [tuple(p) for p in v] for k, v in data["ignored"].items()},
                   {slug: {"reason": v["reason"],
                           "outcomes": {k: o if o == AS_REFERENCE else _decode_outcome(o)
                                        for k, o in v["outcomes"].items()}}
                    for slug, v in data["variants"].items()})

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
            if all(observed[k][1] if outcomes[k] == AS_REFERENCE else same(observed[k][0], outcomes[k])
                   for k in keys):
                fits.append((slug, variant["reason"]))
        return Diagnosis(*fits[0]) if len(fits) == 1 else None


def visible_table(library: Library) -> dict[str, VisibleTask]:
    """The library cut down to the visible checks' calls: what a student edition carries."""
    found = {}
    for name, task in library.tasks.items():
        visible = [i for i, c in enumerate(task.calls) if not c.hidden]
        diagnosable = task.diagnosable()
        telling = [i for i in visible
                   if any(not same(o[i], task.reference[i]) for _, o in diagnosable.values())
                   or any(not same(a[i], b[i]) for _, a in diagnosable.values() for _, b in diagnosable.values())]
        variants = {}
        for slug, (variant, outcomes) in diagnosable.items():
            kept = {task.calls[i].key: AS_REFERENCE if same(outcomes[i], task.reference[i]) else outcomes[i]
                    for i in telling}
            if any(o != AS_REFERENCE for o in kept.values()):
                variants[slug] = {"reason": variant.why, "outcomes": kept}
        if variants:
            found[name] = VisibleTask(name, [task.calls[i].key for i in telling],
                                      {task.calls[i].key: sorted(task.ignored[i]) for i in telling if task.ignored[i]},
                                      variants)
    return found


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
                     functions: dict[str, Callable]) -> Diagnosis | None:
    """The diagnosis of a failing task from its visible checks alone (a practice run, pytest)."""
    if task not in table:
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
        else:
            library = load_library(course, slug)
            _TABLES[key] = visible_table(library) if library is not None else {}
    return _TABLES[key]


def table_json(course, slug: str) -> str | None:
    """The text of the day's table file for a student edition; None when the day has no variants."""
    import json

    library = load_library(course, slug)
    if library is None:
        return None
    tasks = [t.as_json() for t in visible_table(library).values()]
    return json.dumps({"day": slug, "tasks": tasks}, indent=1, sort_keys=True) + "\n"
