"""One verdict: every check of every day judges a submission the same in-process (as pytest runs it) and
through the grader (a worker process, the wire, proxies, callbacks, copy-back); on the sample class, the
known mistake each failed task is diagnosed with is part of that verdict.

The in-process side loads the submission with the runner's own loader and runs the day's checks with
``daykit.checking.runner``, in this process, on the real functions; the grader side is ``daykit grade``'s
class run. Both must give each task the same status and points: on the reference, the stub and every
variant (the class ``test_grade_variants`` grades), and on adversarial submissions (tests/kit/adversaries:
arguments changed in place, exceptions that echo the arguments, wrong types, ndarray and float subclasses,
answers that claim to equal anything). Below, copy-back is tested on its own, call by call.
"""

import functools
from pathlib import Path

import numpy as np
import pytest

from daykit.authoring.model import load_day
from daykit.checking.library import diagnose_results, load_library
from daykit.checking.loading import load_target
from daykit.checking.runner import callables, grade_functions, load_checks
from daykit.course import Course
from daykit.demo.sample_class import sample_class
from daykit.grading.grade import ClassRun, Submission, grade_together
from daykit.grading.session import Session
from daykit.grading.worker import Limits
from tests.kit.adversaries import ATTACKS, write_attacks
from tests.kit.variant_class import graded_class

pytestmark = pytest.mark.slow

COURSE = Course.here()
DAYS = COURSE.days()


@functools.cache
def checks_of(day: str):
    return load_checks(COURSE, day)


@functools.cache
def library_of(day: str):
    return load_library(COURSE, day)


def in_process(day: str, path, name: str, diagnose: bool = False) -> list[tuple]:
    """(task, status, points) for every task, the checks run here on the submission loaded here; with
    ``diagnose``, also the known mistake named for it (the variant's id, or None), as the grader names it."""
    namespace, _ = load_target(path, f"daykit_parity_{day}_{name}")
    functions = callables(namespace)
    results = grade_functions(load_day(COURSE, day), checks_of(day), functions, str(path))
    if not diagnose:
        return [(r.task, r.status.value, r.points) for r in results]
    if library_of(day) is not None:
        diagnose_results(library_of(day), results, functions)
    return [(r.task, r.status.value, r.points, (r.diagnosis or {}).get("variant")) for r in results]


def graded(doc: dict, diagnose: bool = False) -> list[tuple]:
    if diagnose:
        return [(t["task"], t["status"], t["points"], (t.get("diagnosis") or {}).get("variant")) for t in doc["tasks"]]
    return [(t["task"], t["status"], t["points"]) for t in doc["tasks"]]


def differences(mine, theirs) -> list[str]:
    return [f"{a[0]}: in-process {a[1:]}, grader {b[1:]}" for a, b in zip(mine, theirs, strict=True) if a != b]


# ----------------------------------------------------------------------- the reference and every variant


def sample_cases():
    for day in DAYS:
        for student in sample_class(COURSE, day):
            yield pytest.param(day, student.student_id, id=f"{day}-{student.student_id}")


@pytest.mark.parametrize(("day", "student"), list(sample_cases()))
def test_the_class_is_judged_alike(day, student):
    docs, _ = graded_class()
    doc = docs[day][student]
    mine, theirs = in_process(day, Path(doc["path"]), student, diagnose=True), graded(doc, diagnose=True)
    assert not differences(mine, theirs), (student, differences(mine, theirs), doc["tasks"])


# ---------------------------------------------------------------------------------- adversaries


@pytest.fixture(scope="module")
def adversaries(tmp_path_factory):
    folder = tmp_path_factory.mktemp("adversaries")
    batches, paths = [], {}
    for day in DAYS:
        paths[day] = write_attacks(folder, day)
        run = ClassRun(COURSE, load_day(COURSE, day), force=True, results=folder / "results" / day)
        batches.append((run, [Submission(attack, path) for attack, path in paths[day].items()]))
    results = grade_together(batches)
    return {day: {doc["student"]: doc for doc in docs} for day, docs in zip(DAYS, results, strict=True)}, paths


@pytest.mark.parametrize("attack", list(ATTACKS))
@pytest.mark.parametrize("day", DAYS)
def test_adversaries_are_judged_alike(adversaries, day, attack):
    docs, paths = adversaries
    doc = docs[day][attack]
    mine, theirs = in_process(day, paths[day][attack], f"adversary_{attack}"), graded(doc)
    assert not differences(mine, theirs), (differences(mine, theirs), doc["tasks"])
    if attack in ("echo", "anything", "liars"):  # every answer is wrong: nothing may pass either way
        assert doc["score"] == 0, doc["tasks"]


def test_the_adversaries_lose_what_they_should(adversaries):
    """The attacks are real: each costs the points it should, through the grader as in-process."""
    docs, _ = adversaries
    by_task = {day: {t["task"]: t for t in docs[day]["mutate"]["tasks"]} for day in DAYS}
    # every task that promises not to modify its arguments loses its points to the mutating wrapper
    for day, task in [("day_40", "partial_derivative"), ("day_40", "gradient"), ("day_41", "gradient_descent"),
                      ("day_41", "minimize"), ("day_42", "two_layer_forward"), ("day_42", "two_layer_gradients"),
                      ("day_42", "gradient_check")]:
        assert by_task[day][task]["status"] == "fail", (day, task, by_task[day][task])
    # benign subclasses of ndarray and float are the right answer, as pytest would judge them
    for day in DAYS:
        assert docs[day]["subclass"]["score"] == docs[day]["subclass"]["max_score"], docs[day]["subclass"]["tasks"]


# ------------------------------------------------------------------------------------ copy-back


MUTATOR = '''
import numpy as np

def spoil(a, b, c, d, e=None):
    a[0] = -1.0            # an array
    b.append(4)            # a list
    b[0] = 9
    c["w"][1, 1] = 5.0     # an array inside a dict
    c["new"] = [1, 2]      # a key added
    del c["gone"]
    d[1][:] = 7            # an array inside a tuple
    if e is not None:
        e.clear()
    return "done"

def spoil_then_raise(a):
    a *= 3
    raise ValueError("after the change")
'''


def arguments():
    return (np.array([1.0, 2.0]), [1, 2, 3], {"w": np.zeros((2, 2)), "gone": 1},
            (np.ones(2), np.arange(3.0)), {"k": 1})


def test_changes_in_place_come_back_as_in_process(tmp_path):
    namespace = {}
    exec(MUTATOR, namespace)
    here = arguments()
    w_here = here[2]["w"]
    namespace["spoil"](*here[:4], e=here[4])
    session = Session([("mutator.py", MUTATOR)], "mutator.py", Limits(task_seconds=5))
    try:
        session.begin_task()
        there = arguments()
        w_there = there[2]["w"]
        assert session.call("spoil", there[:4], {"e": there[4]}) == "done"
        a = np.array([1.0, 2.0])
        with pytest.raises(ValueError):
            session.call("spoil_then_raise", (a,), {})
    finally:
        session.close()
    assert np.array_equal(there[0], here[0]) and there[1] == here[1]
    assert there[2].keys() == here[2].keys() and np.array_equal(there[2]["w"], here[2]["w"])
    assert there[2]["w"] is w_there and w_here is here[2]["w"]  # written into the caller's own array
    assert np.array_equal(there[3][1], here[3][1]) and there[4] == here[4] == {}
    assert np.array_equal(a, [3.0, 6.0])  # a change made before an exception comes back too
