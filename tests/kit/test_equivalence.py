"""Symbolic equivalence that cannot be steered, and comparisons that cannot run away.

The first half tests ``daykit.checks.equivalent`` in this process: equal forms pass, different ones
fail (also ones built to agree at the points a student can compute from the shipped checks, and ones
undefined where the expected expression is defined), and answers too large to compare fail at once.
The second half grades Day 39 submissions written that way through the real grader: each attack
costs its own task, the honest tasks of the same file pass, the class run finishes, and a failure of
the grading machinery itself is never stored as a result.
"""

import os
import textwrap
import time

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from daykit import checks
from daykit.authoring.model import load_day
from daykit.checking.runner import Check, Status, run_check
from daykit.checks import CheckFailure, TooLarge, equivalent, expect_equivalent
from daykit.course import Course
from daykit.grading.grade import ClassRun, Submission
from daykit.grading.worker import Limits
from tests.kit.course_copy import course_copy

x, y = sp.symbols("x y")


# -------------------------------------------------------------------------------- equal forms pass


EQUAL = [
    (sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1)),
    (sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x)),
    (sp.tan(x), sp.sin(x) / sp.cos(x)),
    (sp.cos(x + y), sp.cos(x) * sp.cos(y) - sp.sin(x) * sp.sin(y)),
    (sp.cosh(x) ** 2 - sp.sinh(x) ** 2, sp.Integer(1)),
    ((x**2 - 1) / (x - 1), x + 1),
    (1 / x + 1 / y, (x + y) / (x * y)),
    (sp.expand((2 * x + 1) ** 2), (2 * x + 1) ** 2),
    (sp.exp(x) * sp.exp(y), sp.exp(x + y)),
    (sp.exp(-x) / (1 + sp.exp(-x)) ** 2, sp.exp(x) / (1 + sp.exp(x)) ** 2),  # sigmoid' two ways
    (1 / (1 + sp.exp(-x)), sp.exp(x) / (sp.exp(x) + 1)),
    (sp.log(sp.exp(x) + 1) - x, sp.log(1 + sp.exp(-x))),
    (sp.log(x**2), 2 * sp.log(sp.Abs(x))),
    (sp.sqrt(x**2), sp.Abs(x)),
    (x ** sp.pi * x, x ** (sp.pi + 1)),
    (sp.Float(3.0) * x**2 - 4 * x, 3 * x**2 - 4 * x),
    (sp.Symbol("x", positive=True) ** 2 + 1, x**2 + 1),  # variables matched by name
    (1 / (1 + sp.sqrt(2)), sp.sqrt(2) - 1),
]


@pytest.mark.parametrize(("got", "expected"), EQUAL, ids=[str(e) for _, e in EQUAL])
def test_equal_forms_are_accepted(got, expected):
    assert equivalent(got, expected)
    assert equivalent(got, expected, seed=12345)
    assert equivalent(expected, got)


polynomials = st.lists(st.integers(-9, 9), min_size=1, max_size=7)


def polynomial(coefficients, variable=x):
    return sum(c * variable**k for k, c in enumerate(coefficients))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(polynomials, polynomials, st.integers(0, 3))
def test_different_polynomials_are_told_apart(a, b, shift):
    p, q = polynomial(a), polynomial(b)
    rewritten = sp.factor(q * (x - shift)) / (x - shift)  # the same q in another form
    assert equivalent(rewritten, q)
    assert equivalent(p, rewritten) == (sp.expand(p - q) == 0)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(polynomials, st.integers(1, 6), st.floats(0.001, 50), st.integers(0, 2**32))
def test_a_float_polynomial_that_differs_anywhere_is_caught_whatever_the_seed(coefficients, degree, scale, seed):
    """Float coefficients go to sampling; a difference of any degree and size shows at random points."""
    p = polynomial(coefficients)
    assert not equivalent(p + sp.Float(scale) * x**degree, p, seed=seed)
    assert equivalent(p + sp.Float(0.0) * x**degree, p, seed=seed)


small = st.lists(st.integers(-3, 3), min_size=1, max_size=3)


@settings(max_examples=10, deadline=None, derandomize=True)
@given(small, small)
def test_rewritten_forms_of_random_expressions_pass_and_changed_ones_fail(a, b):
    """Rational rewrites, exp/log and trigonometric identities of random polynomials p, q."""
    p, q = polynomial(a), polynomial(b)
    d = q**2 + 1  # positive, so every form below is defined on the whole line
    pairs = [
        (sp.expand(p * d) / d, p),
        (sp.together(p / d + q), (p + q * d) / d),
        (sp.exp(p) * sp.exp(q), sp.exp(p + q)),
        (sp.log(d) + sp.log(d), sp.log(sp.expand(d**2))),
        (sp.sin(p) ** 2 + sp.cos(p) ** 2 + q, 1 + q),
        (sp.cos(2 * p), 1 - 2 * sp.sin(p) ** 2),
    ]
    for got, expected in pairs:
        assert equivalent(got, expected), (got, expected)
        assert not equivalent(got + x / 7, expected), (got, expected)


# ------------------------------------------------------------------------ answers built to deceive


def student_points(count):
    """The points a student computes from the shipped daykit.checks, with its fixed seed."""
    return [float(p[x]) for p in checks._sample_points([x], checks.DEFAULT_SEED, count)]


def forged(expected, points):
    """Wrong everywhere except at ``points``, where it equals ``expected`` exactly."""
    return expected + sp.Mul(*[x - sp.Float(p) for p in points])


def test_an_answer_forged_at_the_known_points_fools_only_the_fixed_seed():
    expected = 3 * x**2 - 4 * x
    answer = forged(expected, student_points(4 * 24))
    assert equivalent(answer, expected, seed=checks.DEFAULT_SEED)  # the attack is real: pytest is deterministic
    assert not any(equivalent(answer, expected, seed=seed) for seed in (1, 2, 3, 2**40 + 7))
    previous = checks.sampling_seed(None)  # what the grader does once per run
    try:
        assert checks._SAMPLING["seed"] != previous
        assert not equivalent(answer, expected)
    finally:
        checks.sampling_seed(previous)


def test_an_exact_forgery_is_compared_exactly_whatever_the_seed():
    expected = 3 * x**2 - 4 * x
    exact = expected + sp.Mul(*[x - sp.Rational(p) for p in student_points(4 * 24)])
    assert not equivalent(exact, expected, seed=checks.DEFAULT_SEED)


HALF_LINE = [
    # equal where x > 0; undefined (log 0) where x < 0: a point of the expected's domain proves them different
    (3 * x**2 - 4 * x + sp.log((x + sp.Abs(x)) / (2 * x)), 3 * x**2 - 4 * x),
    # equal where x > 0; complex where x < 0, while the expected value is real
    (x + sp.sqrt(x) - sp.sqrt(sp.Abs(x)), x),
    # real on both halves, and equal on one only
    (sp.sqrt(x**3) / sp.sqrt(x), x),
    (2 * sp.log(x), sp.log(x**2)),
    # equal except on a small window of the line
    (x**2 + sp.Max(0, 1 - 4 * (x - 0.5) ** 2), x**2),
]


@pytest.mark.parametrize(("got", "expected"), HALF_LINE, ids=[str(g) for g, _ in HALF_LINE])
def test_an_answer_right_on_part_of_the_line_only_is_wrong(got, expected):
    for seed in (checks.DEFAULT_SEED, 7, 2**33 + 1):
        assert not equivalent(got, expected, seed=seed)


def test_a_division_by_zero_written_unevaluated_is_wrong_not_an_error():
    zero = sp.Add(x, -x, evaluate=False)
    assert not equivalent(sp.Pow(zero, -1, evaluate=False), x)
    assert not equivalent(x**2 + sp.Mul(0, sp.Pow(zero, -1, evaluate=False), evaluate=False), x)


def test_expect_equivalent_fails_a_forgery_with_the_usual_message():
    with pytest.raises(CheckFailure, match="not equal to the expected"):
        expect_equivalent(HALF_LINE[0][0], HALF_LINE[0][1], call="symbolic_derivative()")


# ------------------------------------------------------------------------- answers too large to compare


def tower(height):
    t = x**x
    for _ in range(height):
        t = t**t
    return t


TOO_LARGE = {
    "x**(10**8)": x ** (10**8),
    "x**(10**4 * 10**4) unevaluated": sp.Pow(x, sp.Mul(10**4, 10**4, evaluate=False), evaluate=False),
    "(x**(10**3))**(10**3) unevaluated": sp.Pow(sp.Pow(x, 10**3, evaluate=False), 10**3, evaluate=False),
    "power tower": tower(6),
    "x**(x**(x**x))": x ** (x ** (x**x)),
    "a sum of 10**5 unevaluated terms": sp.Add(*[sp.Add(*[x] * 10**4, evaluate=False)] * 10, evaluate=False),
    "10**(10**1000) unevaluated": sp.Pow(10, sp.Pow(10, 1000, evaluate=False), evaluate=False) * x,
    "(10**400)**1000 unevaluated": sp.Pow(sp.Integer(10**400), 1000, evaluate=False) * x,
    "exp of a huge power": sp.exp(sp.Pow(x, 5000, evaluate=False)),
}


@pytest.mark.parametrize("name", sorted(TOO_LARGE))
def test_an_answer_too_large_to_compare_fails_at_once(name):
    started = time.monotonic()
    with pytest.raises(TooLarge):
        equivalent(TOO_LARGE[name], 3 * x**2 - 4 * x)
    with pytest.raises(CheckFailure, match="too large to compare") as raised:
        expect_equivalent(TOO_LARGE[name], 3 * x**2 - 4 * x, call="symbolic_derivative()", what="f'(x)")
    assert raised.value.kind == "f'(x): the answer is too large to compare"  # what a hidden check shows
    assert time.monotonic() - started < 1.0


def test_large_but_reasonable_answers_are_still_compared():
    assert equivalent(sp.expand((x + 1) ** 60), (x + 1) ** 60)
    assert not equivalent(sp.expand((x + 1) ** 60) + 1, (x + 1) ** 60)
    assert equivalent(x ** (x**x), sp.exp(x**x * sp.log(x)))
    assert equivalent(sp.Add(*[x] * 1000, evaluate=False), 1000 * x)


# ------------------------------------------------------------------------------- the check's budget


def check_of(function, hidden=False):
    return Check("test_symbolic_derivative", ("symbolic_derivative",), function, hidden)


def test_a_check_that_runs_away_fails_its_task_within_the_budget():
    def swallowing(symbolic_derivative):  # SymPy and checks may catch Exception: the budget still ends it
        symbolic_derivative()
        while True:
            try:
                sp.expand((x + y + 1) ** 40)
            except Exception:
                pass

    started = time.monotonic()
    status, message = run_check(check_of(swallowing), {"symbolic_derivative": lambda: None}, "s.py", seconds=0.5)
    assert (status, "too large to compare" in message) == (Status.FAIL, True), message
    assert time.monotonic() - started < 3


def test_time_in_the_students_function_does_not_count_against_the_checks_budget():
    def slow_student():
        time.sleep(0.8)
        return x

    def check(symbolic_derivative):
        expect_equivalent(symbolic_derivative(), x, call="symbolic_derivative()")

    assert run_check(check_of(check), {"symbolic_derivative": slow_student}, "s.py", seconds=0.4) == (Status.PASS, "")


def test_a_budget_that_runs_out_during_the_students_call_never_interrupts_it():
    """The call to the worker is never cut in two (its reply would be left unread): the check ends after."""
    import signal

    finished = []

    def student():
        os.kill(os.getpid(), signal.SIGALRM)  # the timer's signal, arriving as the call begins
        time.sleep(0.05)
        finished.append(True)
        return x

    def check(symbolic_derivative):
        expect_equivalent(symbolic_derivative(), x, call="symbolic_derivative()")

    status, message = run_check(check_of(check), {"symbolic_derivative": student}, "s.py", seconds=5)
    assert finished == [True]
    assert status is Status.FAIL and "too large to compare" in message


def test_running_out_of_memory_in_a_check_fails_its_task_only_in_the_grader():
    def check(symbolic_derivative):
        raise MemoryError

    status, message = run_check(check_of(check), {"symbolic_derivative": lambda: x}, "s.py", seconds=5)
    assert status is Status.FAIL and "too large to compare" in message


# ------------------------------------------------------------------------------ through the grader


COURSE = Course.here()
DAY = load_day(COURSE, "day_39")
REFERENCE = COURSE.solution("day_39").read_text()
LIMITS = Limits(task_seconds=3, load_seconds=5, memory_bytes=512 * 2**20)


def with_derivative(body: str) -> str:
    """The reference solution, with ``symbolic_derivative`` returning what ``body`` builds."""
    new = "def symbolic_derivative():\n    x = sp.Symbol('x')\n    f = x**3 - 2*x**2 + 5\n"
    new += "".join(f"    {line}\n" for line in body.strip().splitlines())
    head, tail = REFERENCE.split("def symbolic_derivative():", 1)
    rest = tail[tail.index("\n# %%"):]
    return head + new + "\n" + rest


FORGED_POINTS = ", ".join(repr(float(p)) for p in student_points(4 * 24))
ATTACKS = {
    # the points of the shipped checks' fixed seed, read by the student: right there, wrong everywhere else
    "forged_float": f"pts = [{FORGED_POINTS}]\n"
                    "return f, 3*x**2 - 4*x + sp.Mul(*[x - sp.Float(p) for p in pts])",
    "forged_exact": f"pts = [{FORGED_POINTS}]\n"
                    "return f, 3*x**2 - 4*x + sp.Mul(*[x - sp.Rational(p) for p in pts])",
    "half_line": "return f, 3*x**2 - 4*x + sp.log((x + sp.Abs(x)) / (2*x))",
    "complex_half": "return f, 3*x**2 - 4*x + sp.sqrt(x) - sp.sqrt(sp.Abs(x))",
    "huge_power": "return f, x**(10**8)",
    "power_of_power": "return f, sp.Pow(sp.Pow(x, 10**4, evaluate=False), 10**4, evaluate=False)",
    "power_tower": "t = x**x\nfor _ in range(12):\n    t = t**t\nreturn t, t",
    "wide_sum": "part = sp.Add(*[x] * 10**4, evaluate=False)\n"
                "return f, sp.Add(*[part] * 10, evaluate=False)",
}


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("equivalence")
    submissions = [Submission("reference", tmp / "reference.py")]
    submissions[0].path.write_text(REFERENCE)
    for student, body in ATTACKS.items():
        path = tmp / f"{student}.py"
        path.write_text(with_derivative(body))
        submissions.append(Submission(student, path))
    started = time.monotonic()
    docs = ClassRun(COURSE, DAY, LIMITS, jobs=2, results=tmp / "results").grade(submissions)
    seconds = time.monotonic() - started
    assert checks._SAMPLING["seed"] == checks.DEFAULT_SEED  # the run's own seed ends with the run
    return {d["student"]: d for d in docs}, seconds


def tasks_of(doc):
    return {t["task"]: t for t in doc["tasks"]}


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(ATTACKS))
def test_an_attack_costs_its_own_task_and_nothing_else(attacked, student):
    docs, _ = attacked
    tasks = tasks_of(docs[student])
    attacked_task = tasks["symbolic_derivative"]
    assert attacked_task["points"] == 0 and attacked_task["status"] in ("fail", "error"), attacked_task
    assert tasks["numerical_gradient"]["status"] == tasks["chain_rule_derivative"]["status"] == "pass", tasks
    assert docs[student]["score"] == 7
    assert docs[student]["seconds"] < 15
    assert "machinery" not in docs[student]


@pytest.mark.slow
def test_large_answers_fail_as_too_large_to_compare(attacked):
    docs, seconds = attacked
    for student in ("power_of_power", "power_tower", "wide_sum"):
        task = tasks_of(docs[student])["symbolic_derivative"]
        assert task["status"] == "fail" and "too large to compare" in task["message"], (student, task)
    assert docs["reference"]["score"] == 10
    assert seconds < 60


def with_machinery_check(root, body: str) -> Course:
    """The course copy at ``root`` with one more hidden check for symbolic_derivative, which runs ``body``
    (the grading process is the only process that runs a hidden check); "" for the day's own checks."""
    course = Course(root)
    hidden = course.hidden_checks(DAY.slug)
    original = COURSE.hidden_checks(DAY.slug).read_text(encoding="utf-8")
    extra = "\n\ndef test_machinery(symbolic_derivative):\n" + textwrap.indent(body, "    ") + "\n" if body else ""
    hidden.write_text(original + extra, encoding="utf-8")
    return course


DIE_ONCE = """import os
from pathlib import Path
marker = Path({marker!r})
if not marker.exists():
    marker.write_text("x")
    os._exit(9)
"""


@pytest.mark.slow
def test_a_grading_process_that_dies_is_retried_and_its_failure_never_stored(tmp_path):
    root = course_copy(tmp_path)
    path = tmp_path / "alice.py"
    path.write_text(REFERENCE)
    folder = tmp_path / "results"
    marker = tmp_path / "died-once"

    course = with_machinery_check(root, DIE_ONCE.format(marker=str(marker)))
    [doc] = ClassRun(course, DAY, LIMITS, jobs=1, results=folder).grade([Submission("alice", path)])
    assert marker.exists() and doc["score"] == 10 and "machinery" not in doc  # the retry graded it

    course = with_machinery_check(root, "import os\nos._exit(9)\n")
    path.write_text(REFERENCE + "\n# changed\n")
    [doc] = ClassRun(course, DAY, LIMITS, jobs=1, results=folder).grade([Submission("alice", path)])
    assert doc["machinery"] and {t["status"] for t in doc["tasks"]} == {"error"}
    assert "no result was stored" in doc["tasks"][0]["message"]
    stored = (folder / "submissions" / "alice.json").read_text()
    assert '"score": 10' in stored and "machinery" not in stored  # the earlier result, not the failure

    course = with_machinery_check(root, "")
    [doc] = ClassRun(course, DAY, LIMITS, jobs=1, results=folder).grade([Submission("alice", path)])
    assert doc["score"] == 10 and "machinery" not in doc  # graded again, not served from a cache


@pytest.mark.slow
def test_a_comparison_that_outgrows_the_grading_process_fails_its_task_only(tmp_path):
    """3 GiB fits in this machine, but not in a grading process's allowance: MemoryError, a failed task."""
    path = tmp_path / "bob.py"
    path.write_text(REFERENCE)
    course = with_machinery_check(course_copy(tmp_path), "bytearray(3 * 2**30)\n")
    [doc] = ClassRun(course, DAY, LIMITS, jobs=1, results=tmp_path / "results").grade([Submission("bob", path)])
    tasks = tasks_of(doc)
    assert tasks["symbolic_derivative"]["status"] == "fail", tasks
    assert "too large to compare" in tasks["symbolic_derivative"]["message"]
    assert doc["score"] == 7 and "machinery" not in doc


