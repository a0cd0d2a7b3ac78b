"""Name the mistake: the grader recognises each known misconception in code that is not the variant's own.

For every day, the real grader (workers, wire, proxies) grades submissions that make each known-wrong
variant's mistake in other code (the variant's function rewritten on its syntax tree, see rewrite.py,
and re-implementations written by hand in mistakes.py), the alternative-correct variants, and mistakes the
library does not hold (the reference's answer scaled by 1.1; a function that always raises). A diagnosable
mistake (one some call tells apart from the reference and from every other variant) must be named; the
right variants and the new mistakes must get no diagnosis; a wrong name is a false diagnosis, and there
must be none. The figures per day are printed. The same run writes the class view and the feedback.
"""

import ast
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

from daykit.authoring.model import load_day
from daykit.checking.diagnosis import message
from daykit.checking.library import diagnose_results, load_library
from daykit.checking.loading import load_target
from daykit.checking.runner import callables, grade_task, load_checks
from daykit.checking.variants import load_variants
from daykit.checking.verify import diagnosis_notes
from daykit.course import Course
from daykit.demo.run import dependents
from daykit.demo.sample_class import function_source, submission_module, submission_source
from daykit.grading.grade import ClassRun, Submission, grade_together
from daykit.grading.reports import class_reports
from tests.kit.mistakes import HAND_WRITTEN
from tests.kit.rewrite import rewritten

pytestmark = pytest.mark.slow

COURSE = Course.here()


@dataclass(frozen=True)
class Item:
    kind: str  # "rewrite" or "hand" (a known mistake), "right", "novel"
    task: str
    source: str
    expected: str | None  # the variant a known mistake must be named as; None: no diagnosis allowed
    diagnosable: bool = False


def novel_mistakes(day: str, task: str) -> list[str]:
    """Two mistakes no variant makes: the reference's answer scaled by 1.1, and always raising."""
    reference = function_source(COURSE.solution(day).read_text(encoding="utf-8"), task)
    original = re.sub(rf"^def {task}\(", f"def _original_{task}(", reference, count=1, flags=re.M)
    scaled = (f"{original}\n\ndef {task}(*args, **kwargs):\n"
              f"    value = _original_{task}(*args, **kwargs)\n"
              "    if isinstance(value, tuple):\n"
              "        return (value[0] * 1.1, *value[1:])\n"
              "    return value * 1.1\n")
    raising = f"def {task}(*args, **kwargs):\n    raise RuntimeError('not this way')\n"
    return [scaled, raising]


def with_imports(variant, source: str) -> str:
    """``source`` with the imports its variant takes from the variants file (``math``, ``deque``) written
    at the top of its body, as a student's own file would have them."""
    solution = COURSE.solution(variant.function.__module__.removeprefix("daykit_variants_")).read_text()
    names = {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)}
    lines = []
    for name in sorted(names):
        value = variant.function.__globals__.get(name)
        if isinstance(value, types.ModuleType) and not re.search(rf"^import {value.__name__}\b", solution, re.M):
            lines.append(f"import {value.__name__}" + (f" as {name}" if name != value.__name__ else ""))
        elif isinstance(value, type) and value.__module__ not in ("builtins", variant.function.__module__) \
                and not re.search(rf"\b{name}\b", solution):
            lines.append(f"from {value.__module__} import {name}")
    if not lines:
        return source
    head, body = source.split(":\n", 1)
    indent = re.match(r"\s*", body).group(0)
    return head + ":\n" + "".join(f"{indent}{line}\n" for line in lines) + body


@functools.cache
def library_of(day: str):
    return load_library(COURSE, day)


def items_of(day: str) -> list[Item]:
    library = library_of(day)
    variants = load_variants(COURSE.variants(day))
    items = []
    for variant in variants:
        if variant.correct:
            items.append(Item("right", variant.task, with_imports(variant, variant.source()), None))
            continue
        task = library.tasks[variant.task]
        colliding = {v.slug for pair in task.collisions() for v in pair}
        diagnosable = variant.slug in task.diagnosable() and variant.slug not in colliding
        source = with_imports(variant, rewritten(variant.source()))
        items.append(Item("rewrite", variant.task, source, variant.slug, diagnosable))
    by_why = {(v.task, v.why): v for v in variants}
    for (task, why), source in HAND_WRITTEN.get(day, {}).items():
        source = source.lstrip("\n")
        variant = by_why[(task, why)]
        diagnosable = variant.slug in library.tasks[task].diagnosable() and not any(
            variant.slug in {a.slug, b.slug} for a, b in library.tasks[task].collisions())
        items.append(Item("hand", task, source, variant.slug, diagnosable))
    for task in library.tasks:
        items += [Item("novel", task, source, None) for source in novel_mistakes(day, task)]
    return items


def packed(day: str, items: list) -> list[list]:
    """Items (anything with a ``task``) in as few submissions or notebooks as can hold them: one per task,
    no two tasks where one calls the other."""
    related = dependents(load_day(COURSE, day))
    submissions: list[list[Item]] = []
    for item in items:
        for members in submissions:
            if all(m.task != item.task and m.task not in related[item.task] and item.task not in related[m.task]
                   for m in members):
                members.append(item)
                break
        else:
            submissions.append([item])
    return submissions


def in_process(day: str, items: list[Item]) -> list[tuple[Item, dict]]:
    """Each item graded in this process, as a practice run grades: the reference with the item's function in
    place of its task's, that task's checks, then the diagnosis of a failed task."""
    namespace, error = load_target(COURSE.solution(day), f"daykit_diagnosis_test_{day}")
    assert error is None, error
    checks = load_checks(COURSE, day)
    library = library_of(day)
    points = {t.name: t.points for t in load_day(COURSE, day).tasks}
    graded = []
    for item in items:
        scope = dict(namespace)
        exec(compile(item.source, f"<{item.kind} {item.task}>", "exec"), scope)  # noqa: S102 - our own code
        functions = {**callables(namespace), item.task: scope[item.task]}
        result = grade_task(item.task, points[item.task], [c for c in checks if c.task == item.task],
                            functions, f"{item.kind} {item.task}")
        diagnose_results(library, [result], functions)
        graded.append((item, result.as_dict()))
    return graded


@pytest.fixture(scope="module")
def everything():
    """Every item of every day, graded in this process."""
    return {day: in_process(day, items_of(day)) for day in COURSE.days()}


def sample(day: str, items: list[Item]) -> list[Item]:
    """What the real grader grades (in the test's time budget): the hand-written mistakes, per task one
    rewritten mistake (a diagnosable one where there is), and on the first two days one new mistake per
    task (every day's new mistakes are graded in-process). The right variants pass through the grader in
    test_grade_variants, and a task that passes gets no diagnosis field at all."""
    chosen = [i for i in items if i.kind == "hand"]
    for kind in ("rewrite", "novel") if day in COURSE.days()[:2] else ("rewrite",):
        first: dict[str, Item] = {}
        for item in items:
            better = item.task not in first or (item.diagnosable and not first[item.task].diagnosable)
            if item.kind == kind and better:
                first[item.task] = item
        chosen += first.values()
    return chosen


@pytest.fixture(scope="module")
def graded():
    folder = Path(tempfile.mkdtemp(prefix="daykit-diagnosis-"))
    batches, plans = [], {}
    try:
        for day in COURSE.days():
            plans[day] = packed(day, sample(day, items_of(day)))
            submissions = []
            for number, members in enumerate(plans[day], 1):
                path = folder / day / f"student_{number:03d}.py"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(submission_module(COURSE, day, {m.task: m.source for m in members}))
                submissions.append(Submission(path.stem, path))
            batches.append((ClassRun(COURSE, load_day(COURSE, day), force=True, results=folder / "results" / day),
                            submissions))
        docs = dict(zip(COURSE.days(), grade_together(batches), strict=True))
        reports = {day: class_reports(load_day(COURSE, day), folder / "results" / day) for day in COURSE.days()}
        yield plans, docs, folder, reports
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def through_grader(plans, docs, day):
    """(item, its task's result) for every item the grader graded on ``day``."""
    for number, members in enumerate(plans[day], 1):
        doc = next(d for d in docs[day] if d["student"] == f"student_{number:03d}")
        tasks = {t["task"]: t for t in doc["tasks"]}
        for item in members:
            yield item, tasks[item.task]


def figures(graded_items) -> tuple[str, list, list]:
    """The day's line of figures, the false diagnoses and the diagnosable mistakes not named."""
    right = diagnosable = hand_right = hand_total = 0
    false, missed = [], []
    for item, result in graded_items:
        named = (result.get("diagnosis") or {}).get("variant")
        if item.kind in ("rewrite", "hand"):
            assert result["status"] in ("fail", "error"), (item, result)
            diagnosable += item.diagnosable
            hand_total += item.kind == "hand"
            hand_right += item.kind == "hand" and named == item.expected
            if named is not None and named != item.expected:
                false.append((item.kind, item.task, item.expected, named))
            elif item.diagnosable and named == item.expected:
                right += 1
            elif item.diagnosable:
                missed.append((item.kind, item.task, item.expected, result))
        else:
            if item.kind == "right":
                assert result["status"] == "pass", (item, result)
            if named is not None:
                false.append((item.kind, item.task, named))
    line = (f"diagnosed right {right}/{diagnosable} diagnosable (hand-written {hand_right}/{hand_total}), "
            f"false diagnoses {len(false)}")
    return line, false, missed


def test_every_known_mistake_named_and_nothing_else(everything, capsys):
    lines, false, missed = [], [], []
    for day, graded_items in everything.items():
        line, day_false, day_missed = figures(graded_items)
        lines.append(f"{day}: {line}")
        false += [(day, *f) for f in day_false]
        missed += [(day, *m) for m in day_missed]
    with capsys.disabled():
        print("\nEvery variant's mistake in rewritten code, the right variants, new mistakes (in-process):\n"
              + "\n".join(lines))
    assert not false, false
    assert not missed, missed


def test_the_grader_names_them_too(graded, capsys):
    plans, docs, _, _ = graded
    lines, false, missed = [], [], []
    for day in COURSE.days():
        line, day_false, day_missed = figures(through_grader(plans, docs, day))
        lines.append(f"{day}: {line}")
        false += [(day, *f) for f in day_false]
        missed += [(day, *m) for m in day_missed]
    with capsys.disabled():
        print("\nThrough the real grader (workers, wire, proxies):\n" + "\n".join(lines))
    assert not false, false
    assert not missed, missed


def test_class_view_and_feedback(graded):
    plans, docs, folder, _ = graded
    day = "day_40"
    table = json.loads((folder / "results" / day / "misconceptions.json").read_text())
    counted = {(t["task"], e["variant"]): e["count"] for t in table["tasks"] for e in t["known"]}
    shown = {}
    for doc in docs[day]:
        for task in doc["tasks"]:
            if task.get("diagnosis"):
                key = (task["task"], task["diagnosis"]["variant"])
                shown[key] = shown.get(key, 0) + 1
    assert counted == shown and shown
    # unexplained failures: grouped by identical behaviour, the largest first, an example student each
    for task in table["tasks"]:
        counts = [g["count"] for g in task["unexplained"]]
        assert counts == sorted(counts, reverse=True)
        for group in task["unexplained"]:
            assert group["example"] in group["students"] and len(group["students"]) == group["count"]
    text = (folder / "results" / day / "misconceptions.md").read_text()
    assert "unexplained behaviour" in text and "known misconception" in text
    # the feedback of a diagnosed student says, in the variant's words, what the code seems to do
    doc = next(d for d in docs[day] if any(t.get("diagnosis") for t in d["tasks"]))
    task = next(t for t in doc["tasks"] if t.get("diagnosis"))
    feedback = (folder / "results" / day / "feedback" / f"{doc['student']}.md").read_text()
    assert f"It behaves like a known mistake: {task['diagnosis']['reason'].rstrip('.')}" in feedback


def test_verify_names_the_variants_no_check_tells_apart():
    """day_41's local_minima has two variants whose outcomes agree on every call: verify says so, and
    neither is ever named, not even for the variant's own code."""
    notes = diagnosis_notes(COURSE, "day_41")
    pair = [n for n in notes if n.startswith("local_minima: no check tells apart")]
    assert len(pair) == 1 and "'does not merge: returns every end point, sorted'" in pair[0], notes
    task = library_of("day_41").tasks["local_minima"]
    for first, second in task.collisions():
        for variant in (first, second):
            assert task.diagnose(task.variants[variant.slug][1]) is None
    # a variant that no call tells from the reference is noted too, with the reason
    assert any("is never diagnosed: no check's call tells it apart" in n for n in diagnosis_notes(COURSE, "day_45"))


def test_pytest_and_daykit_check_name_it_from_the_visible_checks(tmp_path):
    """A student's file with a known mistake in hand-written code: pytest's failure and `daykit check` (what
    `watch` runs) say which mistake it is; a mistake the library does not hold gets no such line."""
    day, why = "day_40", "divides by h instead of 2h"
    solution = COURSE.solution(day).read_text(encoding="utf-8")
    mistaken = tmp_path / "mistaken" / f"{day}.py"
    novel = tmp_path / "novel" / f"{day}.py"
    for path, source in ((mistaken, HAND_WRITTEN[day][("central_difference", why)].lstrip("\n")),
                         (novel, novel_mistakes(day, "central_difference")[0])):
        path.parent.mkdir()
        path.write_text(submission_source(solution, {"central_difference": source}))
    line = f"It behaves like a known mistake: {why}."
    env = {**os.environ, "COLUMNS": "200"}
    tested = subprocess.run([sys.executable, "-m", "pytest", f"tests/test_{day}.py", "-p", "no:cacheprovider",
                             "--target", str(mistaken)], cwd=COURSE.root, capture_output=True, text=True, env=env,
                            timeout=300)
    assert tested.returncode == 1 and line in tested.stdout, tested.stdout + tested.stderr
    for path, named in ((mistaken, True), (novel, False)):
        checked = subprocess.run([sys.executable, "-m", "daykit", "check", "40", "--target", str(path)],
                                 cwd=COURSE.root, capture_output=True, text=True, env=env, timeout=300)
        flat = " ".join(checked.stdout.split())
        assert "central_difference" in flat and checked.returncode == 1, checked.stdout + checked.stderr
        assert (line in flat) is named and ("known mistake" in flat) is named, checked.stdout + checked.stderr


def test_a_task_failing_through_another_task_it_calls_is_not_named():
    """day_40's gradient calls partial_derivative: with a wrong partial_derivative, gradient fails too, yet its
    own code is the reference's. The mistake is named on partial_derivative, and nothing on gradient."""
    day = "day_40"
    library = library_of(day)
    assert "partial_derivative" in library.tasks["gradient"].uses
    assert "gradient" not in library.tasks["partial_derivative"].uses
    variant = next(v for v in load_variants(COURSE.variants(day))
                   if v.task == "partial_derivative" and v.why == "a forward difference")
    namespace, error = load_target(COURSE.solution(day), "daykit_diagnosis_test_uses")
    assert error is None
    exec(compile(rewritten(variant.source()), "<rewritten>", "exec"), namespace)  # noqa: S102 - our own code
    checks = load_checks(COURSE, day)
    functions = callables(namespace)
    results = [grade_task(name, 3, [c for c in checks if c.task == name], functions, "a submission")
               for name in ("partial_derivative", "gradient")]
    assert [r.status.value for r in results] == ["fail", "fail"]
    diagnose_results(library, results, functions)
    assert results[0].diagnosis == {"variant": variant.slug, "reason": variant.why, "message": message(variant.why)}
    assert results[1].diagnosis is None
