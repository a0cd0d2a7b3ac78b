"""The student edition of Day 39, written from a copy of the instructor course: a git repository with
one commit, holding nothing to rebuild a solution or a hidden check from and nothing its own
pyproject.toml does not install; its checks say "not started" on the stubs and pass on the reference;
its release notebook alone is enough to work the day, and reads well: a failed check shows its message
and no frame of the kit, a test cell run too early says to run the setup cell first.

The slow tests walk the student's path for real: clone the edition, run the README's set-up command
(a fresh virtual environment, real pip), then pytest, ``daykit check``, ``hint`` and ``watch`` in it."""

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from daykit.authoring.render import mistakes_line
from daykit.checking.diagnosis import AS_REFERENCE, embedded_table, fingerprint
from daykit.checking.library import load_library
from daykit.course import Course, CourseError
from daykit.demo.sample_class import submission_notebook, submission_source
from daykit.student.edition import TOP_LEVEL, dependency_problems, leaks, student_repo
from tests.kit.mistakes import HAND_WRITTEN

REPO = Path(__file__).resolve().parents[2]
DAY = "day_39"
INSTRUCTOR_FILES = [
    "pyproject.toml", "nbgrader_config.py", f"solutions/{DAY}.py", f"exercises/{DAY}.py", f"tests/test_{DAY}.py",
    f"hidden/test_{DAY}_hidden.py", f"hints/{DAY}.toml", f"source/{DAY}/{DAY}.ipynb", f"variants/{DAY}.py",
]


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """(instructor course, edition folder): Day 39 only, released with nbgrader in a scratch copy."""
    root = tmp_path_factory.mktemp("instructor")
    for relative in INSTRUCTOR_FILES:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / relative, root / relative)
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    course = Course(root)
    edition = tmp_path_factory.mktemp("edition") / "student"
    assert student_repo(course, edition) == []
    return course, edition


def run_in(edition, *args):
    env = dict(os.environ, PYTHONPATH=str(edition))  # the edition's own daykit, not the instructor's
    return subprocess.run([sys.executable, *args], cwd=edition, env=env, capture_output=True, text=True, timeout=300)


def git(folder, *args):
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True).stdout


def test_the_edition_holds_only_what_a_student_needs(made):
    course, edition = made
    assert {p.name for p in edition.iterdir()} == TOP_LEVEL | {".git"}
    shipped = sorted(str(p.relative_to(edition)) for p in edition.rglob("*")
                     if p.is_file() and ".git" not in p.relative_to(edition).parts)
    assert [p for p in shipped if not p.startswith("daykit/")] == [
        ".gitignore", "README.md", f"exercises/{DAY}.py", f"hints/{DAY}.toml", "pyproject.toml",
        f"release/{DAY}/{DAY}.ipynb", f"tests/{DAY}_mistakes.json", f"tests/test_{DAY}.py",
    ]
    for instructor_only in ("release.py", "build.py", "content.py", "variants.py", "student_repo.py", "grade.py"):
        assert f"daykit/{instructor_only}" not in shipped
    pyproject = (edition / "pyproject.toml").read_text()
    assert "nbgrader" not in pyproject and '"sympy' in pyproject and "daykit.checking.pytest_plugin" in pyproject
    readme = (edition / "README.md").read_text()
    assert "python3 -m venv .venv && .venv/bin/pip install -e ." in readme and f"pytest tests/test_{DAY}.py" in readme
    assert f"--target release/{DAY}/{DAY}.ipynb" in readme


def test_the_edition_is_a_git_repository_with_a_first_commit_and_force_commits_on_top(made, tmp_path):
    course, edition = made
    assert git(edition, "log", "--format=%an <%ae>") == "daykit <daykit@localhost>\n"
    assert git(edition, "status", "--porcelain") == ""  # everything written is committed
    copy_root = tmp_path / "instructor"
    shutil.copytree(course.root, copy_root)
    again = tmp_path / "again"
    shutil.copytree(edition, again)
    hints = copy_root / "hints" / f"{DAY}.toml"
    hints.write_text(hints.read_text().replace("Create the symbol first", "First create the symbol"))
    assert student_repo(Course(copy_root), again, force=True) == []
    assert git(again, "log", "--format=%an %s").splitlines() == [
        "daykit Update the course's exercises", "daykit The course's exercises, checks, hints and notebooks"]
    assert "First create the symbol" in git(again, "show", f"HEAD:hints/{DAY}.toml")
    assert student_repo(Course(copy_root), again, force=True) == []  # nothing changed: no empty commit
    assert len(git(again, "log", "--format=%H").splitlines()) == 2


def test_the_audit_finds_an_import_the_edition_does_not_install_or_ship(made, tmp_path):
    course, edition = made
    planted = tmp_path / "planted"
    shutil.copytree(edition, planted, ignore=shutil.ignore_patterns(".git"))
    assert dependency_problems(planted) == []
    installed = tomllib.loads((planted / "pyproject.toml").read_text())["project"]["dependencies"]
    assert not any(d.startswith(("cloudpickle", "nbgrader")) for d in installed)
    check = planted / "daykit" / "student" / "check.py"
    lines = check.read_text().splitlines()
    lines[0:0] = ["import cloudpickle", "from daykit.grading.grade import run", "def later():",
                  "    import nbgrader", "try:", "    import pandas", "except ImportError:", "    pandas = None"]
    check.write_text("\n".join(lines) + "\n")
    assert dependency_problems(planted) == [
        "daykit/student/check.py, line 1: imports cloudpickle, which the edition's pyproject.toml does not install",
        "daykit/student/check.py, line 2: imports daykit.grading.grade, which the edition does not ship",
        "daykit/student/check.py, line 4: imports nbgrader, which the edition's pyproject.toml does not install",
    ]


def test_the_audit_finds_a_planted_solution_line_hidden_check_or_instructor_folder(made, tmp_path):
    course, edition = made
    planted = tmp_path / "planted"
    shutil.copytree(edition, planted, ignore=shutil.ignore_patterns(".git"))
    assert leaks(course, [DAY], planted) == []
    with (planted / f"exercises/{DAY}.py").open("a") as stream:
        stream.write("\n    df_dx = (f(x_val + step, y_val) - base) / step\n")
    (planted / "hints" / "notes.txt").write_text("see test_numerical_gradient_at_other_points\n")
    (planted / "hidden").mkdir()
    problems = "\n".join(leaks(course, [DAY], planted))
    assert f"exercises/{DAY}.py: holds a line of the reference solution of {DAY}" in problems
    assert "hints/notes.txt: names the hidden check test_numerical_gradient_at_other_points" in problems
    assert "hidden: instructor-only" in problems


def test_it_names_a_known_mistake_from_a_table_that_keeps_no_value(made, tmp_path):
    """The edition's own daykit, without the variants, names a known mistake written in other code; its
    table holds salted hashes only, and the audit finds a value or a reference's result planted in it."""
    course, edition = made
    table_file = edition / "tests" / f"{DAY}_mistakes.json"
    table = json.loads(table_file.read_text())
    kept = [o for t in table["tasks"] for v in t["variants"].values() for o in v["outcomes"].values()]
    assert kept and all(o == AS_REFERENCE or re.fullmatch(r"[0-9a-f]{20}", o) for o in kept)
    mistaken = tmp_path / "mistaken"
    shutil.copytree(edition, mistaken, ignore=shutil.ignore_patterns(".git"))
    why = "always uses a step of 1e-3, whatever step is given"
    solution = course.solution(DAY).read_text()
    (mistaken / "exercises" / f"{DAY}.py").write_text(
        submission_source(solution, {"numerical_gradient": HAND_WRITTEN[DAY][("numerical_gradient", why)]}))
    checked = run_in(mistaken, "-m", "pytest", f"tests/test_{DAY}.py", "-p", "no:cacheprovider")
    assert f"It behaves like a known mistake: {why}" in checked.stdout, checked.stdout + checked.stderr
    assert "tasks: 2 passed, 1 failed" in checked.stdout
    # a value, or the reference's own result on a visible call, planted in the table: the audit names it
    planted = tmp_path / "planted-table"
    shutil.copytree(edition, planted, ignore=shutil.ignore_patterns(".git"))
    library = load_library(course, DAY)
    task = next(t for t in table["tasks"] if t["task"] == "numerical_gradient")
    slug = next(iter(task["variants"]))
    key = task["telling"][0]
    index = next(i for i, c in enumerate(library.tasks["numerical_gradient"].calls) if c.key == key)
    reference = library.tasks["numerical_gradient"].reference[index]
    task["variants"][slug]["outcomes"][key] = fingerprint(reference, f"numerical_gradient|{key}")
    other = next(t for t in table["tasks"] if t["task"] == "symbolic_derivative")
    other_slug = next(iter(other["variants"]))
    other["variants"][other_slug]["outcomes"][other["telling"][0]] = "3*x**2 - 4*x"
    (planted / "tests" / table_file.name).write_text(json.dumps(table))
    problems = "\n".join(leaks(course, [DAY], planted))
    assert f"numerical_gradient: the variant {slug} keeps the reference's result on {key}" in problems
    assert f"symbolic_derivative: the variant {other_slug} keeps a value" in problems


def test_the_release_notebook_embeds_the_table_and_the_audit_reads_it(made, tmp_path):
    """The release notebook's setup cell carries the day's table, the same as tests/day_39_mistakes.json;
    the audit reads it there too: the reference's result planted in it, or a table other than the file's,
    is named."""
    course, edition = made
    notebook_path = edition / "release" / DAY / f"{DAY}.ipynb"
    file_table = json.loads((edition / "tests" / f"{DAY}_mistakes.json").read_text())
    embedded = embedded_table(notebook_path.read_text())
    assert embedded is not None and json.loads(embedded) == file_table
    planted = tmp_path / "planted-notebook"
    shutil.copytree(edition, planted, ignore=shutil.ignore_patterns(".git"))
    library = load_library(course, DAY)
    table = json.loads(embedded)
    task = next(t for t in table["tasks"] if t["task"] == "numerical_gradient")
    slug, key = next(iter(task["variants"])), task["telling"][0]
    index = next(i for i, c in enumerate(library.tasks["numerical_gradient"].calls) if c.key == key)
    reference = library.tasks["numerical_gradient"].reference[index]
    task["variants"][slug]["outcomes"][key] = fingerprint(reference, f"numerical_gradient|{key}")
    notebook = nbformat.read(planted / "release" / DAY / f"{DAY}.ipynb", as_version=4)
    setup = next(c for c in notebook.cells if c.get("id") == "checks-setup")
    assert mistakes_line(embedded) in setup.source
    setup.source = setup.source.replace(mistakes_line(embedded), mistakes_line(json.dumps(table)))
    nbformat.write(notebook, planted / "release" / DAY / f"{DAY}.ipynb")
    problems = "\n".join(leaks(course, [DAY], planted))
    relative = f"release/{DAY}/{DAY}.ipynb"
    assert f"{relative}: numerical_gradient: the variant {slug} keeps the reference's result on {key}" in problems
    assert f"{relative}: its table of known mistakes is not the one of tests/{DAY}_mistakes.json" in problems
    assert f"tests/{DAY}_mistakes.json:" not in problems  # the file itself is clean


def test_its_checks_are_not_started_on_the_stubs_and_pass_on_the_reference(made, tmp_path):
    course, edition = made
    stubs = run_in(edition, "-m", "pytest", f"tests/test_{DAY}.py", "-p", "no:cacheprovider")
    assert stubs.returncode == 1, stubs.stdout + stubs.stderr
    assert "tasks: 0 passed, 0 failed, 3 not started" in stubs.stdout
    solved = tmp_path / "solved"
    shutil.copytree(edition, solved, ignore=shutil.ignore_patterns(".git"))
    shutil.copy2(course.solution(DAY), solved / "exercises" / f"{DAY}.py")
    reference = run_in(solved, "-m", "pytest", "tests", "-p", "no:cacheprovider")
    assert reference.returncode == 0, reference.stdout + reference.stderr
    assert "tasks: 3 passed, 0 failed, 0 not started" in reference.stdout


def test_its_daykit_checks_and_hints_but_has_no_instructor_commands(made):
    course, edition = made
    check = run_in(edition, "-m", "daykit", "check", "39")
    assert check.returncode == 1 and "0/3 tasks (0%)" in check.stdout, check.stdout + check.stderr
    assert run_in(edition, "-m", "daykit", "hint", "39", "numerical_gradient").returncode == 0
    build = run_in(edition, "-m", "daykit", "build")
    assert build.returncode != 0 and "invalid choice: 'build'" in build.stderr


def test_it_refuses_to_overwrite_what_is_not_an_edition(made, tmp_path):
    course, _ = made
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "thesis.tex").write_text("mine")
    with pytest.raises(CourseError, match="not empty"):
        student_repo(course, tmp_path / "work")
    with pytest.raises(CourseError, match="does not look like a student edition"):
        student_repo(course, tmp_path / "work", force=True)
    with pytest.raises(CourseError, match="outside"):
        student_repo(course, course.root / "student")


def run_notebook(notebook):
    """Execute every cell, carrying on past errors; returns the outputs of each cell by id."""
    client = NotebookClient(notebook, kernel_name="python3", timeout=120, allow_errors=True,
                            resources={"metadata": {"path": "."}})
    client.execute()
    return {cell.get("id"): cell.get("outputs", []) for cell in notebook.cells if cell.cell_type == "code"}


def errors(outputs):
    return [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]


def test_the_release_notebook_alone_teaches_and_checks_the_day(made):
    course, edition = made
    path = edition / "release" / DAY / f"{DAY}.ipynb"
    tasks = ["symbolic_derivative", "numerical_gradient", "chain_rule_derivative"]
    stub = nbformat.read(path, as_version=4)
    assert "BEGIN HIDDEN TESTS" not in path.read_text()
    outputs = run_notebook(stub)
    for task in tasks:
        assert errors(outputs[f"test_{task}"]) == [
            f"NotStarted: {task} is not started: replace `raise NotImplementedError()` in its cell with your code, "
            "run that cell, then this one."
        ]
    solved = nbformat.read(path, as_version=4)
    reference = {c.get("id"): c.source for c in nbformat.read(course.source_notebook(DAY), as_version=4).cells}
    for cell in solved.cells:
        if cell.get("id") in tasks:
            cell.source = reference[cell.id]
    outputs = run_notebook(solved)
    for task in tasks:
        assert errors(outputs[f"test_{task}"]) == []
        assert "visible check(s) passed" in "".join(o.get("text", "") for o in outputs[f"test_{task}"])
    assert not [e for cell in outputs.values() for e in errors(cell)]


WRONG = """def symbolic_derivative():
    import sympy as sp

    x = sp.Symbol("x")
    return x**3 - 2 * x**2 + 5, 3 * x**2 + 4 * x
"""
RAISING = """def numerical_gradient(x_val=2.0, y_val=3.0, step=1e-6):
    scale = 1 / 0
    return scale
"""
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def traceback_of(outputs):
    (error,) = [o for o in outputs if o.output_type == "error"]
    return error, [ANSI.sub("", line) for line in "\n".join(error.traceback).splitlines()]


def test_the_notebook_reads_well_setup_folded_messages_first_no_kit_frames(made):
    """The release notebook as a student runs it: a test cell first (before the setup cell), then from the top,
    with a wrong answer in one task and an exception in another."""
    course, edition = made
    release_nb = nbformat.read(edition / "release" / DAY / f"{DAY}.ipynb", as_version=4)
    ids = [cell.get("id") for cell in release_nb.cells]
    setup = release_nb.cells[ids.index("checks-setup")]
    assert setup.metadata.jupyter.source_hidden is True
    assert 0 < ids.index("checks-setup-note") == ids.index("checks-setup") - 1 < ids.index("symbolic_derivative")
    note = release_nb.cells[ids.index("checks-setup-note")].source
    assert "Setting up the checks" in note and f"daykit check 39 --target release/{DAY}/{DAY}.ipynb" in note

    source_nb = nbformat.read(course.source_notebook(DAY), as_version=4)
    notebook = submission_notebook(release_nb, source_nb, {"symbolic_derivative": WRONG, "numerical_gradient": RAISING})
    early = copy.deepcopy(notebook.cells[ids.index("test_chain_rule_derivative")])
    early.id = "early"
    notebook.cells.insert(0, early)
    outputs = run_notebook(notebook)

    error, lines = traceback_of(outputs["early"])
    assert (error.ename, error.evalue) == ("NameError", "Run the setup cell first: the folded cell under 'Setting up "
                                                         "the checks'.")
    error, lines = traceback_of(outputs["test_symbolic_derivative"])
    assert error.ename == "CheckFailure" and "the expected 3*x**2 - 4*x" in error.evalue
    assert lines[0].startswith("CheckFailure: symbolic_derivative()")  # the message first, and nothing else
    assert " ".join(lines).split() == f"CheckFailure: {error.evalue}".split()
    assert max(map(len, lines)) <= 83  # nbgrader validate cuts longer lines (87 with its indent)
    error, lines = traceback_of(outputs["test_numerical_gradient"])
    shown = "\n".join(lines)
    assert error.ename == "ZeroDivisionError"
    assert "----> 2     scale = 1 / 0" in shown and "numerical_gradient(2.0, 3.0, step=1e-6)" in shown
    assert "in run_checks" not in shown and "_shielded" not in shown and "daykit" not in shown


# ------------------------------------------------------------------------- the student's path, for real


def readme_setup(edition: Path) -> str:
    """The edition README's one set-up command (the code block under "## Set up")."""
    section = (edition / "README.md").read_text().split("## Set up", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1).strip()
    assert "\n" not in block, f"the set-up is more than one command: {block}"
    return block


def terminal(clone: Path | None = None) -> dict:
    """A student's terminal: nothing of the course's environment; with ``clone``, its .venv activated."""
    course_bin = Path(sys.executable).parent.resolve()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    path = [p for p in env["PATH"].split(os.pathsep) if p and Path(p).resolve() != course_bin]
    if clone is not None:
        path.insert(0, str(clone / ".venv" / "bin"))
        env["VIRTUAL_ENV"] = str(clone / ".venv")
    return {**env, "PATH": os.pathsep.join(path), "PIP_DISABLE_PIP_VERSION_CHECK": "1", "MPLBACKEND": "Agg"}


@pytest.fixture(scope="module")
def clone(made, tmp_path_factory):
    """The edition as a student gets it: cloned, then set up with the README's command and nothing else,
    by the system's python3."""
    _, edition = made
    folder = tmp_path_factory.mktemp("student") / "ml-calculus"
    subprocess.run(["git", "clone", "--quiet", str(edition), str(folder)], check=True, env=terminal())
    env = terminal()
    if Path("/usr/bin/python3").exists():  # the system's own Python (Debian's refuses pip outside a venv)
        env["PATH"] = f"/usr/bin{os.pathsep}{env['PATH']}"
    setup = subprocess.run(readme_setup(folder), shell=True, cwd=folder, env=env, capture_output=True, text=True,
                           timeout=900)
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    return folder


def student(clone, command, stdin=None, timeout=300):
    return subprocess.run(command, shell=True, cwd=clone, env=terminal(clone), input=stdin, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.slow
def test_a_fresh_venv_has_the_daykit_command_and_every_shipped_module(clone):
    assert Path(student(clone, "command -v daykit").stdout.strip()) == clone / ".venv" / "bin" / "daykit"
    helped = student(clone, "daykit --help")
    assert helped.returncode == 0, helped.stdout + helped.stderr
    assert set(re.findall(r"^ {4}([a-z-]+) {2,}\S", helped.stdout, re.M)) == {"check", "hint", "watch"}, helped.stdout
    every = ("import importlib, pkgutil, daykit; [importlib.import_module(m.name) for m in "
             "pkgutil.walk_packages(daykit.__path__, 'daykit.') if m.name != 'daykit.__main__']; "
             "print(daykit.__file__)")
    imported = student(clone, f'python -c "{every}"')
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == str(clone / "daykit" / "__init__.py")  # its own, not the course's


@pytest.mark.slow
def test_a_fresh_venv_runs_pytest_not_started_then_passed(made, clone):
    course, _ = made
    stub = student(clone, f"pytest tests/test_{DAY}.py -p no:cacheprovider")
    assert stub.returncode == 1, stub.stdout + stub.stderr
    assert "3 not started" in stub.stdout and "Error" not in stub.stdout, stub.stdout
    notebook = student(clone, f"pytest tests/test_{DAY}.py -p no:cacheprovider --target release/{DAY}/{DAY}.ipynb")
    assert notebook.returncode == 1 and "3 not started" in notebook.stdout, notebook.stdout + notebook.stderr
    exercise = clone / "exercises" / f"{DAY}.py"
    written = exercise.read_text()
    try:
        exercise.write_text(course.solution(DAY).read_text())
        solved = student(clone, f"pytest tests/test_{DAY}.py -p no:cacheprovider")
        assert solved.returncode == 0, solved.stdout + solved.stderr
        assert "3 passed" in solved.stdout, solved.stdout
    finally:
        exercise.write_text(written)


@pytest.mark.slow
def test_a_fresh_venv_runs_daykit_check_and_hint(clone):
    tasks = ("symbolic_derivative", "numerical_gradient", "chain_rule_derivative")
    for command in ("daykit check 39", f"daykit check 39 --target release/{DAY}/{DAY}.ipynb"):
        checked = student(clone, command)
        assert checked.returncode == 1, checked.stdout + checked.stderr
        assert all(task in checked.stdout for task in tasks) and "not started" in checked.stdout, checked.stdout
        assert "Traceback" not in checked.stdout + checked.stderr
    hint = student(clone, "daykit hint 39 numerical_gradient")
    first = tomllib.loads((clone / "hints" / f"{DAY}.toml").read_text())["numerical_gradient"]["hints"][0]
    assert hint.returncode == 0 and first in " ".join(hint.stdout.split()), hint.stdout + hint.stderr


@pytest.mark.slow
def test_a_fresh_venv_runs_a_watch_session(clone):
    """``daykit watch 39``, the student typing q then Enter: the table is drawn, then the session ends."""
    watched = student(clone, "daykit watch 39", stdin="q\n", timeout=120)
    assert watched.returncode == 0, watched.stdout + watched.stderr
    shown = ANSI.sub("", watched.stdout)
    assert all(task in shown for task in ("symbolic_derivative", "numerical_gradient", "chain_rule_derivative"))
    assert "not started" in shown and f"exercises/{DAY}.py" in shown, shown
