"""The instructor's side of diagnoses: a day's library of known mistakes, built from its reference,
checks and variants (trusted code), and the diagnosis of a graded submission's failing tasks.

See diagnosis.py for what a diagnosis is; this module is never shipped to students (it reads the
variants). ``table_json`` writes what a student edition carries: the variants' outcomes on the visible
checks' calls only, no reference value.
"""

from __future__ import annotations

import dis
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from daykit.checking.diagnosis import (
    AS_REFERENCE,
    Call,
    Diagnosis,
    Outcome,
    VisibleTask,
    _quiet,
    _snapshot,
    blinded,
    differing,
    digest,
    fingerprint,
    observe,
    same,
)
from daykit.checking.runner import Check, OverBudget, TaskTimeout, budget
from daykit.checking.variants import Variant

REFERENCE_RUNS = 3  # the reference runs this often on each call, to find what changes from run to run
VARIANT_SECONDS = 10.0  # a variant's call that runs longer than this counts as a timeout



@dataclass
class TaskLibrary:
    """One task's calls, and the reference's and each wrong variant's outcome on each."""

    task: str
    calls: list[Call]
    reference: list[Outcome]
    variants: dict[str, tuple[Variant, list[Outcome]]] = field(default_factory=dict)
    ignored: list[frozenset] = field(default_factory=list)  # per call: the parts that change between runs
    uses: frozenset = frozenset()  # the other tasks it calls, or its checks call with it

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


def _names(code) -> set[str]:
    """The global names a function's code (nested functions included) loads (not its attributes' names)."""
    found = {i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    for constant in code.co_consts:
        if hasattr(constant, "co_names"):
            found |= _names(constant)
    return found


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
            uses = _names(reference[task].__code__) | {n for c in checks if c.task == task for n in c.tasks}
            library = TaskLibrary(task, calls, [], ignored=ignored, uses=frozenset(uses & set(names)) - {task})
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


class LazyLibrary:
    """A day's library, built on first use: a run whose submissions all pass never builds it (building
    runs the reference and every variant on every recorded call, half a second for a day). Where it is
    built, in the process that first asks which task it knows, it is built once; it pickles as the
    library it builds. A library that cannot be built names no mistake: a diagnosis is a bonus, never
    one that costs a grade (``daykit verify`` says what is wrong with the day's variants)."""

    def __init__(self, build: Callable[[], Library | None]) -> None:
        self._build, self._library = build, None

    @property
    def library(self) -> Library:
        if self._library is None:
            try:
                self._library = self._build() or Library({})
            except Exception:  # noqa: BLE001 - see above
                self._library = Library({})
        return self._library

    @property
    def tasks(self) -> dict[str, TaskLibrary]:
        return self.library.tasks

    def examine(self, task: str, function: Callable) -> tuple[Diagnosis | None, str]:
        return self.library.examine(task, function)

    def __reduce__(self):
        return Library, (self.tasks,)


def diagnose_results(library: Library | LazyLibrary, results: list, functions: dict[str, Callable],
                     before_task: Callable[[], None] | None = None, seconds: float | None = None) -> None:
    """Add to each failed task of ``results`` (TaskResults) its diagnosis and behaviour's digest.

    ``functions`` are the submission's (proxies to its worker, in the grader); ``before_task`` gives a
    task a fresh time budget, and ``seconds`` bounds the grader's own comparing, as for a check. What
    cannot be diagnosed (the code crashed its worker, the comparing ran over) gets no diagnosis.
    """
    from daykit.checking.runner import Status, _off_the_clock

    failed = {r.task for r in results if r.status is not Status.PASS}
    for result in results:
        if result.status not in (Status.FAIL, Status.ERROR) or result.task not in library.tasks:
            continue
        if library.tasks[result.task].uses & failed:
            continue  # it may fail for another task it calls: its own code is not known to be wrong
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
        # with the words a student reads, so that the reports need not import the checks (and SymPy) to say them
        result.diagnosis = {**found.as_dict(), "message": found.message} if found else None
        result.behaviour = behaviour


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
            kept = {task.calls[i].key: AS_REFERENCE if same(outcomes[i], task.reference[i])
                    else fingerprint(outcomes[i], f"{name}|{task.calls[i].key}") for i in telling}
            if any(o != AS_REFERENCE for o in kept.values()):
                variants[slug] = {"reason": variant.why, "outcomes": kept}
        if variants:
            found[name] = VisibleTask(name, [task.calls[i].key for i in telling],
                                      {task.calls[i].key: sorted(task.ignored[i]) for i in telling if task.ignored[i]},
                                      variants, sorted(task.uses))
    return found



def table_json(course, slug: str) -> str | None:
    """The text of the day's table file for a student edition; None when the day has no variants."""
    library = load_library(course, slug)
    if library is None:
        return None
    tasks = [t.as_json() for t in visible_table(library).values()]
    return json.dumps({"day": slug, "tasks": tasks}, indent=1, sort_keys=True) + "\n"
