"""The pytest plugin, as a student meets it: one line per task, not started apart from failed, and
messages that teach instead of tracebacks through the kit. Run on a small made-up day, day_98."""

import pytest

from tests.kit.made_up_day import STUB, TODO

pytest_plugins = ["pytester"]

CHECKS = '''
from daykit.checks import expect_close


def test_double(double):
    expect_close(double(3.0), 6.0, tol=1e-12, call="double(3.0)", what="the result")


def test_double_negative(double):
    expect_close(double(-1.5), -3.0, tol=1e-12, call="double(-1.5)", what="the result")


def test_square(square):
    expect_close(square(4.0), 16.0, tol=1e-12, call="square(4.0)", what="the result")


def test_square_of_double(square, double):
    expect_close(square(double(1.0)), 4.0, tol=1e-12, call="square(double(1.0))")
'''

REFERENCE = STUB.replace(TODO, "    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION", 1).replace(
    TODO, "    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION"
)


@pytest.fixture
def course(pytester):
    pytester.makefile(".toml", pyproject='[tool.pytest.ini_options]\npythonpath = ["."]\n')
    pytester.mkdir("tests")
    pytester.path.joinpath("tests", "test_day_98.py").write_text(CHECKS)
    for folder, text in (("exercises", STUB), ("solutions", REFERENCE)):
        pytester.mkdir(folder)
        pytester.path.joinpath(folder, "day_98.py").write_text(text)
    return pytester


def write_exercise(course, text):
    course.path.joinpath("exercises", "day_98.py").write_text(text)


def test_stub_reports_every_task_not_started(course):
    result = course.runpytest("tests/test_day_98.py")
    assert result.ret != 0
    result.stdout.fnmatch_lines([
        "*day_98: 2 task(s) in exercises/day_98.py*",
        "* double  *not started",
        "* square  *not started",
        "tasks: 0 passed, 0 failed, 2 not started",
        "Next: write double in exercises/day_98.py*",
        "*4 not started*",
    ])
    assert "failed" not in result.stdout.lines[-1]


def test_reference_passes(course):
    result = course.runpytest("tests/test_day_98.py", "--target", "solutions")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["* double  *passed", "* square  *passed", "tasks: 2 passed, 0 failed, 0 not started",
                                 "*4 passed*"])


def test_a_task_checked_with_an_unstarted_one_names_it(course):
    write_exercise(course, STUB.replace("    # YOUR CODE HERE\n    raise NotImplementedError()", "    return x * x", 2)
                   .replace("    return x * x", "    # YOUR CODE HERE\n    raise NotImplementedError()", 1))
    result = course.runpytest("tests/test_day_98.py")
    result.stdout.fnmatch_lines(["* square  *not started  square is checked with double, which is not started*",
                                 "tasks: 0 passed, 0 failed, 2 not started"])


def test_wrong_answer_shows_the_teaching_message_not_the_kit(course):
    write_exercise(course, REFERENCE.replace("return x * x", "return x + x"))
    result = course.runpytest("tests/test_day_98.py")
    assert result.ret == 1
    result.stdout.fnmatch_lines([
        "square(4.0): the result is 8.0 (float); expected about 16.0 (float), within 1e-12.*",
        "* double  *passed",
        "* square  *failed  square(4.0): the result is 8.0*",
        "tasks: 1 passed, 1 failed, 0 not started",
        "Next: fix square in exercises/day_98.py*daykit hint 98 square*",
    ])
    output = result.stdout.str()
    assert "daykit/checks.py" not in output and "Traceback" not in output and "def expect_close" not in output


def test_an_exception_in_the_student_code_shows_only_their_lines(course):
    write_exercise(course, REFERENCE.replace("return 2 * x", "return 2 * x / 0"))
    result = course.runpytest("tests/test_day_98.py")
    result.stdout.fnmatch_lines([
        "double raised ZeroDivisionError at exercises/day_98.py, line 13, in double: float division by zero",
        "  exercises/day_98.py, line *, in double",
    ])
    assert "daykit/" not in result.stdout.str()


def test_syntax_error_names_the_file_line_and_task(course):
    write_exercise(course, REFERENCE.replace("return x * x", "return x * (x"))
    line = REFERENCE.splitlines().index("    return x * x") + 1
    result = course.runpytest("tests/test_day_98.py")
    assert result.ret == 1
    result.stdout.fnmatch_lines([
        f"does not load: exercises/day_98.py, line {line}, in square: SyntaxError: *",
        "! double  not checked  (exercises/day_98.py does not load)",
        "! square  not checked  (exercises/day_98.py does not load)",
        "tasks: 0 passed, 0 failed, 0 not started, 2 not checked",
        f"Next: fix exercises/day_98.py, line {line}, in square *",
    ])
    assert "Traceback" not in result.stdout.str() and "Next: fix double" not in result.stdout.str()


def test_a_task_that_runs_past_its_limit_is_named_with_its_line(course):
    write_exercise(course, REFERENCE.replace("return 2 * x", "while True:\n        x += 0"))
    line = REFERENCE.splitlines().index("    return 2 * x") + 1
    result = course.runpytest("tests/test_day_98.py", "--time-limit", "0.5")
    assert result.ret == 1
    result.stdout.fnmatch_lines([
        f"double ran past the 0.5 s limit — is there a loop that never ends? It was running exercises/day_98.py, "
        f"line {line}*, in double.",
        "not run: double already ran past its 0.5 s limit in an earlier check.",
        "x double  failed  double ran past the 0.5 s limit*",
        f"x square  failed  square ran past the 0.5 s limit*exercises/day_98.py, line {line}*, in double.",
    ])
    assert result.duration < 30


def test_sys_exit_in_a_task_is_a_failure_of_that_task(course):
    write_exercise(course, REFERENCE.replace("return x * x", "raise SystemExit('bye')"))
    result = course.runpytest("tests/test_day_98.py")
    result.stdout.fnmatch_lines(["* square  failed  square called sys.exit('bye') at exercises/day_98.py, line *",
                                 "tasks: 1 passed, 1 failed, 0 not started"])


def test_a_pass_says_only_the_visible_checks_ran(course):
    result = course.runpytest("tests/test_day_98.py", "--target", "solutions")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["Visible checks passed; at grading, hidden checks try other inputs.*"])
    assert "Well done" not in result.stdout.str()


def test_missing_function_is_named(course):
    write_exercise(course, REFERENCE.replace("def square(x)", "def sqaure(x)"))
    result = course.runpytest("tests/test_day_98.py")
    result.stdout.fnmatch_lines(["exercises/day_98.py defines no function square: the checks call square(...)*"])
    assert "daykit/" not in result.stdout.str()
