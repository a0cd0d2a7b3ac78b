"""The notebook's test cells name a known mistake as pytest does, from the table its setup cell embeds.

Real notebooks, as nbgrader releases them and a student submits them: each task's cell holds a known
mistake written in other code than the variant's (tests/kit/mistakes.py), an alternative-correct variant,
or a mistake the library does not hold (the reference's answer scaled by 1.1). A kernel runs them
(nbclient); each test cell's output must show the diagnosis line pytest shows for the same notebook
(``pytest --target``), and nothing for a right or unknown answer. The hidden test cells of the source
notebook never name a mistake. The figures per day are printed: diagnosed right in the notebook /
diagnosable from the visible checks, and false diagnoses (must be 0).
"""

import functools
import inspect
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from daykit.checking.diagnosis import AS_REFERENCE, embedded_table, load_table, same
from daykit.checking.library import load_library, table_json, visible_table
from daykit.checking.loading import load_target
from daykit.checking.runner import Check, callables
from daykit.checking.variants import load_variants
from daykit.checks import MISTAKES, MistakeTable, diagnose_visible, fingerprint, mistakes_json, run_checks
from daykit.course import Course
from daykit.demo.sample_class import submission_notebook
from daykit.nbgrader.release import release
from daykit.nbgrader.run import temporary_course
from tests.kit.mistakes import HAND_WRITTEN
from tests.kit.test_diagnosis import novel_mistakes, packed, with_imports

COURSE = Course.here()
DAYS = COURSE.days()
NAMED = re.compile(r"It behaves like a known mistake: (.*?)\. Change that part of the code, then check again\.")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Item:
    kind: str  # "hand" (a known mistake in other code), "right" (an alternative-correct variant), "novel"
    task: str
    source: str
    why: str | None  # the reason the notebook must name; None: it must name nothing


def items_of(day: str, quick: bool = False) -> list[Item]:
    """The hand-written known mistakes of the day, and per task with known mistakes its first
    alternative-correct variant and one mistake the library does not hold (``quick``: one of each)."""
    items = [Item("hand", task, source.lstrip("\n"), why) for (task, why), source in HAND_WRITTEN.get(day, {}).items()]
    variants = load_variants(COURSE.variants(day))
    tasks = list(dict.fromkeys(v.task for v in variants if not v.correct))
    right = {}
    for variant in variants:
        if variant.correct and variant.task in tasks:
            right.setdefault(variant.task, Item("right", variant.task, with_imports(variant, variant.source()), None))
    novel = [Item("novel", task, novel_mistakes(day, task)[0], None) for task in tasks]
    if quick:
        return items + list(right.values())[:1] + novel[:1]
    return items + list(right.values()) + novel


def released(tmp_path_factory, days: list[str]) -> Path:
    """The days released by nbgrader (``daykit release``) in a throw-away copy of the course."""
    folder = temporary_course(COURSE, parent=tmp_path_factory.mktemp("released"))
    release(Course(folder), days)
    return folder


def shown(outputs) -> str:
    """What a test cell shows a student: its printed text and its error, traceback and notes included,
    as one line of words."""
    parts = []
    for output in outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "error":
            parts += [ANSI.sub("", line) for line in output.traceback]  # the message, and any note
    return " ".join(" ".join(parts).split())


def run_notebook(folder: Path, day: str, number: int, members: list[Item]) -> tuple[Path, dict[str, str]]:
    """The released notebook with ``members`` in their tasks' cells, written and run by a kernel; its path
    and what each task's test cell showed."""
    release_nb = nbformat.read(folder / "release" / day / f"{day}.ipynb", as_version=4)
    source_nb = nbformat.read(folder / "source" / day / f"{day}.ipynb", as_version=4)
    notebook = submission_notebook(release_nb, source_nb, {m.task: m.source for m in members})
    path = folder / "submitted" / day / f"notebook_{number:02d}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    NotebookClient(notebook, kernel_name="python3", timeout=300, allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return path, {cell.id.removeprefix("test_"): shown(cell.outputs) for cell in notebook.cells
                  if cell.cell_type == "code" and cell.get("id", "").startswith("test_")}


def pytest_names(day: str, path: Path) -> list[str]:
    """The reasons of the known mistakes ``pytest --target`` names for the notebook."""
    env = {**os.environ, "COLUMNS": "300"}
    done = subprocess.run([sys.executable, "-m", "pytest", f"tests/test_{day}.py", "-p", "no:cacheprovider",
                           "--target", str(path)], cwd=COURSE.root, capture_output=True, text=True, env=env,
                          timeout=600)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return sorted(set(NAMED.findall(" ".join(done.stdout.split()))))


def diagnosable(day: str) -> dict[tuple[str, str], bool]:
    """(task, reason) -> whether the visible checks' calls tell the variant apart from the reference and
    from every other variant (the table holds a fingerprint of it that no other variant shares)."""
    found = {}
    for name, task in load_table(COURSE, day).items():
        rows = {slug: tuple(v["outcomes"][k] for k in task.telling) for slug, v in task.variants.items()}
        for slug, variant in task.variants.items():
            alone = sum(r == rows[slug] for r in rows.values()) == 1
            found[(name, variant["reason"])] = alone and any(o != AS_REFERENCE for o in rows[slug])
    return found


def judged(day: str, folder: Path, quick: bool, with_pytest: bool) -> tuple[str, list, list]:
    """Run the day's notebooks; (its line of figures, false diagnoses, differences from pytest)."""
    tell = diagnosable(day)
    right = expected = 0
    false, apart = [], []
    for number, members in enumerate(packed(day, items_of(day, quick)), 1):
        path, cells = run_notebook(folder, day, number, members)
        in_notebook = {m.task: NAMED.findall(cells[m.task]) for m in members}
        if with_pytest:
            named = sorted({why for whys in in_notebook.values() for why in whys})
            if named != pytest_names(day, path):
                apart.append((path.name, named, pytest_names(day, path)))
        for member in members:
            whys = in_notebook[member.task]
            assert len(whys) <= 1, (member, cells[member.task])
            if member.kind == "right":
                assert "visible check(s) passed" in cells[member.task], (member, cells[member.task])
            elif "visible check(s) passed" in cells[member.task]:
                raise AssertionError(f"a mistake passed the visible checks: {member}")
            if whys and whys[0] != (member.why or "").rstrip("."):
                false.append((member.kind, member.task, member.why, whys[0]))
            if member.why is not None and tell.get((member.task, member.why)):
                expected += 1
                right += bool(whys) and whys[0] == member.why.rstrip(".")
    line = f"diagnosed right in the notebook {right}/{expected} diagnosable, false diagnoses {len(false)}"
    return line, false, apart


def test_a_released_notebook_names_the_mistake_as_pytest_does(tmp_path_factory, capsys):
    """Day 40: every hand-written mistake, one right variant, one new mistake; pytest run on the very same
    notebooks names the same mistakes."""
    lines = []
    for day in ["day_40"]:
        line, false, apart = judged(day, released(tmp_path_factory, [day]), quick=True, with_pytest=True)
        assert not false and not apart, (false, apart)
        assert re.search(r"right in the notebook (\d+)/\1 ", line) and "0/0" not in line, line
        lines.append(f"{day}: {line}")
    with capsys.disabled():
        print("\nReleased notebooks, run by a kernel:\n" + "\n".join(lines))


@pytest.mark.slow
def test_every_days_notebook_names_the_known_mistakes_and_nothing_else(tmp_path_factory, capsys):
    """The other days as Day 40 above: every hand-written mistake, one right variant, one new mistake, in as
    few notebooks as hold them (each takes a kernel and a pytest run: every right variant and new mistake
    of every task would take minutes; the grader's test_diagnosis grades them all)."""
    lines, false, apart, missed = [], [], [], []
    days = [day for day in DAYS if day != "day_40"]
    folder = released(tmp_path_factory, days)
    for day in days:
        line, day_false, day_apart = judged(day, folder, quick=True, with_pytest=True)
        lines.append(f"{day}: {line}")
        false += [(day, *f) for f in day_false]
        apart += [(day, *a) for a in day_apart]
        numbers = re.search(r"(\d+)/(\d+)", line).groups()
        if numbers[0] != numbers[1]:
            missed.append(line)
    with capsys.disabled():
        print("\nEvery day's released notebook, run by a kernel:\n" + "\n".join(lines))
    assert not false, false
    assert not apart, apart
    assert not missed, missed


@functools.cache
def library_of(day: str):
    return load_library(COURSE, day)


@pytest.mark.parametrize("day", DAYS)
def test_the_notebook_embeds_the_editions_table(day):
    """The source notebook's setup cell holds the day's table: the same content as the student edition's
    tests/<day>_mistakes.json, made from the same library."""
    text = embedded_table(COURSE.source_notebook(day).read_text(encoding="utf-8"))
    assert text is not None and "\n" not in text  # one compact line in the folded setup cell
    assert text == mistakes_json(visible_table(library_of(day)), day)
    if day == DAYS[0]:  # the edition's file, made on its own
        assert json.loads(text) == json.loads(table_json(COURSE, day))


def test_a_hidden_check_never_names_a_mistake():
    """run_checks(hidden=True) fails with the kind of failure only, and never runs the diagnosis, even for
    code the table would name from the visible checks."""
    day, task, why = "day_40", "central_difference", "divides by h instead of 2h"
    table = MistakeTable(mistakes_json(load_table(COURSE, day), day))
    namespace = {"np": np}
    exec(HAND_WRITTEN[day][(task, why)], namespace)  # noqa: S102 - our own code
    checks = {}
    exec(COURSE.checks(day).read_text(encoding="utf-8"), checks)  # noqa: S102 - the course's own checks
    visible = [f for name, f in checks.items() if name.startswith("test_") and callable(f)
               and next(iter(inspect.signature(f).parameters)) == task]
    namespace.update(checks)
    namespace["_daykit_check_names"] = {**checks, MISTAKES: table}
    calls = []
    table.diagnose = lambda *args: calls.append(args)  # any diagnosis a hidden check asked for is seen here
    with pytest.raises(AssertionError) as failure:
        run_checks(namespace, *visible, hidden=True)
    assert str(failure.value).startswith(f"a hidden check of {task} failed") and calls == []
    assert "known mistake" not in str(failure.value)
    del table.diagnose
    with pytest.raises(AssertionError) as failure:
        run_checks(namespace, *visible)
    assert f"It behaves like a known mistake: {why}." in str(failure.value)


def hidden_only(day: str):
    """A variant of the day that behaves like the reference on every visible call and not on a hidden one:
    it passes the visible checks and fails a hidden one. None where the day has none."""
    library = library_of(day)
    for name, task in library.tasks.items():
        for variant, outcomes in task.diagnosable().values():
            visible = [i for i, c in enumerate(task.calls) if not c.hidden]
            if all(same(outcomes[i], task.reference[i]) for i in visible):
                return name, variant
    return None


@pytest.mark.slow
def test_the_source_notebooks_hidden_tests_name_no_mistake(tmp_path):
    """The source notebook (hidden tests included, as nbgrader autograde runs them) with a known mistake
    that only a hidden check's calls show: the hidden test fails with its kind of failure, and names nothing."""
    found = next((day, *hidden) for day in DAYS if (hidden := hidden_only(day)) is not None)
    day, task, variant = found
    source_nb = nbformat.read(COURSE.source_notebook(day), as_version=4)
    notebook = submission_notebook(source_nb, source_nb, {task: with_imports(variant, variant.source())})
    NotebookClient(notebook, kernel_name="python3", timeout=300, allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    cell = next(c for c in notebook.cells if c.get("id") == f"test_{task}")
    text = shown(cell.outputs)
    assert f"a hidden check of {task} failed" in text and "known mistake" not in text, (variant.slug, text)


def test_a_task_failing_through_another_task_it_calls_is_not_named_in_the_notebook():
    """As pytest: day_40's gradient calls partial_derivative; with a forward difference in partial_derivative,
    its test cell names that mistake, and gradient's (which fails through it) names none, though its
    behaviour is the one of gradient's own forward-difference variant."""
    day = "day_40"
    namespace, error = load_target(COURSE.solution(day), "daykit_notebook_diagnosis_uses")
    assert error is None
    exec(HAND_WRITTEN[day][("partial_derivative", "a forward difference")], namespace)  # noqa: S102 - our own code
    checks = {}
    exec(COURSE.checks(day).read_text(encoding="utf-8"), checks)  # noqa: S102 - the course's own checks
    table = MistakeTable(mistakes_json(load_table(COURSE, day), day))
    namespace["_daykit_check_names"] = {**checks, MISTAKES: table}

    def of(task):
        return [f for name, f in checks.items() if name.startswith("test_") and callable(f)
                and next(iter(inspect.signature(f).parameters)) == task]

    with pytest.raises(AssertionError) as failure:
        run_checks(namespace, *of("partial_derivative"))
    assert "It behaves like a known mistake: a forward difference." in str(failure.value)
    with pytest.raises(AssertionError) as failure:
        run_checks(namespace, *of("gradient"))
    assert "known mistake" not in str(failure.value)
    # the gradient's own forward difference, with a right partial_derivative: named
    exec(HAND_WRITTEN[day][("gradient", "forward differences")], namespace)  # noqa: S102 - our own code
    reference, _ = load_target(COURSE.solution(day), "daykit_notebook_diagnosis_uses_reference")
    namespace["partial_derivative"] = reference["partial_derivative"]
    run_checks(namespace, *of("partial_derivative"), quiet=True)
    with pytest.raises(AssertionError) as failure:
        run_checks(namespace, *of("gradient"))
    assert "It behaves like a known mistake: forward differences." in str(failure.value)


def notebook_path(day: str):
    """``names(task, source)``: (whether the task's visible checks failed, the reasons named) when a notebook's
    ``run_checks`` runs them, with the table the source notebook embeds, on the reference with ``source``
    in place of the task's function (no kernel: the same code a test cell runs)."""
    table = MistakeTable(embedded_table(COURSE.source_notebook(day).read_text(encoding="utf-8")))
    reference, error = load_target(COURSE.solution(day), f"daykit_notebook_path_{day}")
    assert error is None
    checks = {}
    exec(COURSE.checks(day).read_text(encoding="utf-8"), checks)  # noqa: S102 - the course's own checks

    def names(task: str, source: str, as_pytest: bool = False) -> tuple[bool, list[str]]:
        namespace = dict(reference)
        exec(compile(source, f"<{task}>", "exec"), namespace)  # noqa: S102 - our own code
        namespace["_daykit_check_names"] = {**checks, MISTAKES: table}
        table.failed.clear()
        visible = [f for name, f in checks.items() if name.startswith("test_") and callable(f)
                   and next(iter(inspect.signature(f).parameters)) == task]
        try:
            run_checks(namespace, *visible, quiet=True)
        except Exception as exc:  # noqa: BLE001 - the failure and its notes, as a test cell shows them
            if as_pytest:  # what pytest's plugin asks of the edition's table, on the same functions
                found = diagnose_visible(load_table(COURSE, day), task, [
                    Check(f.__name__, tuple(inspect.signature(f).parameters), f, False) for f in visible],
                    callables(namespace))
                return True, [found.reason.rstrip(".")] if found else []
            return True, NAMED.findall(" ".join(" ".join([str(exc), *getattr(exc, "__notes__", [])]).split()))
        return False, []

    return names


@pytest.mark.slow
def test_the_notebooks_code_names_every_variants_mistake_it_can_from_the_visible_checks(capsys):
    """The notebook's own path without a kernel, for every item test_diagnosis grades (each variant's mistake
    in rewritten code, the hand-written ones, the right variants, new mistakes): a mistake is named where the
    variant's own code is named from the visible checks (it fails one, and the calls the checks make before
    they stop tell it apart: a mistake only a hidden check catches is the grader's to name), and nothing
    is ever named wrongly."""
    from tests.kit.test_diagnosis import items_of as every_item

    lines, false, missed = [], [], []
    for day in DAYS:
        names = notebook_path(day)
        variants = {v.slug: v for v in load_variants(COURSE.variants(day))}
        own = {}
        for slug, variant in variants.items():
            if not variant.correct:
                source = with_imports(variant, variant.source())
                pytest_named = names(variant.task, source, as_pytest=True)[1]
                assert names(variant.task, source)[1] == pytest_named, (day, slug)  # the notebook says what pytest says
                own[slug] = pytest_named == [variant.why.rstrip(".")]
        assert any(own.values()), day
        right = expected = wrong = 0
        for item in every_item(day):
            _, named = names(item.task, item.source)
            why = variants[item.expected].why if item.expected else None
            if named and named != [(why or "").rstrip(".")]:
                false.append((day, item.kind, item.task, why, named))
                wrong += 1
            if why is not None and own[item.expected]:
                expected += 1
                if named == [why.rstrip(".")]:
                    right += 1
                else:
                    missed.append((day, item.kind, item.task, why))
        lines.append(f"{day}: named right {right}/{expected} diagnosable from the visible checks "
                     f"({sum(own.values())}/{len(own)} variants), false diagnoses {wrong}")
    with capsys.disabled():
        print("\nThe notebook's run_checks and table, every item of test_diagnosis:\n" + "\n".join(lines))
    assert not false, false
    assert not missed, missed


@pytest.mark.slow
def test_a_known_mistake_that_raises_is_named_under_its_traceback(tmp_path):
    """Code that raises (day_42's sigmoid with math.exp, given an array) keeps its own traceback in the test
    cell, with the diagnosis as the exception's note beneath it, as pytest puts it under the failure."""
    day = "day_42"
    variant = next(v for v in load_variants(COURSE.variants(day)) if v.task == "sigmoid" and "math.exp" in v.why)
    source_nb = nbformat.read(COURSE.source_notebook(day), as_version=4)
    notebook = submission_notebook(source_nb, source_nb, {"sigmoid": with_imports(variant, variant.source())})
    NotebookClient(notebook, kernel_name="python3", timeout=300, allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    (error,) = [o for c in notebook.cells if c.get("id") == "test_sigmoid" for o in c.outputs
                if o.output_type == "error"]
    lines = [ANSI.sub("", line) for line in "\n".join(error.traceback).splitlines()]
    assert error.ename == "TypeError" and any("math.exp(-z)" in line for line in lines), lines
    assert lines[-1] == f"It behaves like a known mistake: {variant.why.rstrip('.')}. Change that part of the code, " \
                        "then check again.", lines[-3:]


def test_the_site_audit_reads_a_notebooks_table(tmp_path):
    """A site's notebook (a download, or JupyterLite's copy) is audited for its table of known mistakes as
    the edition is: the reference's result on a visible call, or a value, planted in it, is named."""
    from daykit.authoring.render import mistakes_line
    from daykit.site.audit import site_leaks

    day = "day_39"
    text = COURSE.source_notebook(day).read_text(encoding="utf-8")
    embedded = embedded_table(text)
    site = tmp_path / "site"
    (site / "downloads").mkdir(parents=True)
    clean = site / "downloads" / f"{day}.ipynb"
    clean.write_text(text)
    assert not [p for p in site_leaks(COURSE, [day], site) if "known mistakes" in p or "the variant" in p]
    table = json.loads(embedded)
    task = next(t for t in table["tasks"] if t["task"] == "numerical_gradient")
    slug, key = next(iter(task["variants"])), task["telling"][0]
    library = library_of(day).tasks["numerical_gradient"]
    index = next(i for i, c in enumerate(library.calls) if c.key == key)
    task["variants"][slug]["outcomes"][key] = fingerprint(library.reference[index], f"numerical_gradient|{key}")
    other = next(t for t in table["tasks"] if t["task"] == "symbolic_derivative")
    other_slug = next(iter(other["variants"]))
    other["variants"][other_slug]["outcomes"][other["telling"][0]] = "3*x**2 - 4*x"
    notebook = nbformat.reads(text, as_version=4)
    setup = next(c for c in notebook.cells if c.get("id") == "checks-setup")
    assert mistakes_line(embedded) in setup.source
    setup.source = setup.source.replace(mistakes_line(embedded), mistakes_line(json.dumps(table)))
    (site / "lite" / "files").mkdir(parents=True)
    nbformat.write(notebook, site / "lite" / "files" / f"{day}.ipynb")
    problems = "\n".join(site_leaks(COURSE, [day], site))
    where = f"lite/files/{day}.ipynb"
    assert f"{where}: numerical_gradient: the variant {slug} keeps the reference's result on {key}" in problems
    assert f"{where}: symbolic_derivative: the variant {other_slug} keeps a value on" in problems
    assert f"downloads/{day}.ipynb: numerical_gradient" not in problems
