"""The content self-check: a day's checks are themselves tested.

For each day: the reference passes every check, the stub is "not started" on every task, every
known-wrong variant is caught by some check of its task, every alternative-correct variant passes all
of them, and every task has at least three wrong variants, one right one, and a hint.
"""

from __future__ import annotations

from dataclasses import dataclass

from daykit.authoring.model import Day, load_day
from daykit.checking.library import load_library
from daykit.checking.loading import load_target
from daykit.checking.runner import Check, Status, callables, grade_functions, grade_task, load_checks
from daykit.checking.variants import Variant, load_variants
from daykit.course import Course

MIN_WRONG, MIN_RIGHT = 3, 1


@dataclass(frozen=True)
class DayContent:
    """Everything the self-check needs about one day, loaded once."""

    day: Day
    checks: list[Check]
    namespace: dict
    variants: list[Variant]

    @property
    def reference(self) -> dict:
        return callables(self.namespace)

    @classmethod
    def load(cls, course: Course, slug: str) -> DayContent:
        day = load_day(course, slug)
        namespace, error = load_target(course.solution(slug), f"daykit_solution_{slug}")
        if error:
            raise AssertionError(f"the reference solution does not load: {error}")
        path = course.variants(slug)
        return cls(day, load_checks(course, slug), namespace, load_variants(path) if path.exists() else [])

    def checks_of(self, task: str) -> list[Check]:
        return [c for c in self.checks if c.task == task]

    def run_variant(self, variant: Variant):
        functions = dict(self.reference)
        functions[variant.task] = variant.bound(self.namespace)
        points = self.day.task(variant.task).points
        return grade_task(variant.task, points, self.checks_of(variant.task), functions, f"variant '{variant.why}'")


def reference_problems(content: DayContent) -> list[str]:
    results = grade_functions(content.day, content.checks, content.reference, "the reference solution")
    return [f"{r.task}: {r.status.value}: {r.message}" for r in results if r.status is not Status.PASS]


def stub_problems(course: Course, content: DayContent) -> list[str]:
    slug = content.day.slug
    namespace, error = load_target(course.stub(slug), f"daykit_stub_{slug}")
    if error:
        return [f"the stub does not load: {error}"]
    results = grade_functions(content.day, content.checks, callables(namespace), course.relative(course.stub(slug)))
    return [f"{r.task}: {r.status.value}, not 'not started'" for r in results if r.status is not Status.NOT_STARTED]


def variant_problem(content: DayContent, variant: Variant) -> str | None:
    result = content.run_variant(variant)
    if variant.correct and result.status is not Status.PASS:
        return f"right variant rejected ({variant.label}): {result.status.value}: {result.message}"
    if not variant.correct and result.status is Status.PASS:
        return f"wrong variant not caught ({variant.label})"
    if not variant.correct and result.status is Status.NOT_STARTED:
        return f"wrong variant reported as not started ({variant.label})"
    return None


def coverage_problems(content: DayContent) -> list[str]:
    problems = []
    for task in content.day.tasks:
        mine = [v for v in content.variants if v.task == task.name]
        wrong = sum(not v.correct for v in mine)
        right = sum(v.correct for v in mine)
        if wrong < MIN_WRONG:
            problems.append(f"{task.name}: {wrong} known-wrong variant(s), at least {MIN_WRONG} needed")
        if right < MIN_RIGHT:
            problems.append(f"{task.name}: {right} alternative-correct variant(s), at least {MIN_RIGHT} needed")
        if not task.hints:
            problems.append(f"{task.name}: no hints")
        if not content.checks_of(task.name):
            problems.append(f"{task.name}: no checks")
    known = {t.name for t in content.day.tasks}
    problems += [f"variant of unknown task {v.task}" for v in content.variants if v.task not in known]
    return problems


def verify_day(course: Course, slug: str) -> list[str]:
    """Every problem with a day's content, as lines; an empty list means the day is sound."""
    content = DayContent.load(course, slug)
    problems = [f"reference: {p}" for p in reference_problems(content)]
    problems += [f"stub: {p}" for p in stub_problems(course, content)]
    problems += [p for v in content.variants if (p := variant_problem(content, v))]
    problems += coverage_problems(content)
    return problems


def diagnosis_notes(course: Course, slug: str) -> list[str]:
    """Where a diagnosis cannot name a known-wrong variant: two variants no check's call tells apart
    (their diagnoses would collide: a probe is missing), or one no call tells from the reference."""
    library = load_library(course, slug)
    if library is None:
        return []
    notes = []
    for task in library.tasks.values():
        notes += [f"{task.task}: no check tells apart '{a.why}' and '{b.why}': a student showing either gets no "
                  "diagnosis; add a check whose call they answer differently" for a, b in task.collisions()]
        notes += [f"{task.task}: '{v.why}' is never diagnosed: {why}" for v, why in task.undiagnosable()]
    return notes


def run(args) -> int:
    course = Course.here()
    failed = 0
    for slug in course.select(args.days):
        problems = verify_day(course, slug)
        failed += bool(problems)
        print(f"{slug}: {'sound' if not problems else f'{len(problems)} problem(s)'}")
        for line in problems:
            print(f"  - {line}")
        for line in diagnosis_notes(course, slug):
            print(f"  note: {line}")
    return 1 if failed else 0


def add_command(commands) -> None:
    command = commands.add_parser(
        "verify", help="test a day's checks: reference passes, stub not started, variants caught or accepted"
    )
    command.add_argument("days", nargs="*", metavar="DAY", help="days to verify (default: all)")
    command.set_defaults(run=run)
