"""What `daykit grade` spends around the grading itself, and that spending less changes no grade.

The day's library of known mistakes is built only once a task fails, in the process that grades it; a
library that cannot be built names no mistake and costs no grade. The process that writes nbgrader's
gradebook imports nbgrader without its Jupyter server extensions.
"""

import json
import os
import pickle
import subprocess
import sys
from importlib.metadata import version

import pytest

from daykit.authoring.model import load_day
from daykit.checking.library import LazyLibrary, Library
from daykit.checking.variants import load_variants
from daykit.course import Course
from daykit.grading.grade import ClassRun, Submission
from daykit.grading.worker import Limits
from tests.kit.course_copy import course_copy

COURSE = Course.here()
DAY = "day_39"


def test_a_lazy_library_is_built_on_first_use_and_once():
    built, library = [], Library({})
    lazy = LazyLibrary(lambda: built.append(1) or library)
    assert built == []
    assert lazy.tasks == {} and lazy.library is library
    assert lazy.examine("symbolic_derivative", lambda: None) == (None, "")
    assert built == [1]


def test_a_library_that_cannot_be_built_names_no_mistake():
    lazy = LazyLibrary(lambda: 1 / 0)
    assert lazy.tasks == {}
    assert lazy.examine("symbolic_derivative", lambda: None) == (None, "")


def test_a_day_without_variants_has_an_empty_library():
    assert LazyLibrary(lambda: None).tasks == {}


def test_a_lazy_library_pickles_as_the_library_it_builds():
    copy = pickle.loads(pickle.dumps(LazyLibrary(lambda: Library({}))))
    assert type(copy) is Library and copy.tasks == {}


def _variant(task: str, why: str):
    return next(v for v in load_variants(COURSE.variants(DAY)) if v.task == task and v.why == why)


def _with_function(source: str, name: str, new: str) -> str:
    head, tail = source.split(f"\ndef {name}(", 1)
    rest = tail.split("\n# %%", 1)[1]
    return f"{head}\n{new}\n\n# %%{rest}"


@pytest.mark.slow
def test_the_library_is_built_only_when_a_task_fails_and_diagnoses_as_before(tmp_path):
    root = course_copy(tmp_path)
    course, marker = Course(root), tmp_path / "built"
    with course.variants(DAY).open("a", encoding="utf-8") as variants:  # read when the library is built
        variants.write(f"\nwith open({str(marker)!r}, 'a') as _marker:\n    _marker.write({DAY!r} + '\\n')\n")
    day = load_day(COURSE, DAY)
    reference = COURSE.solution(DAY).read_text()
    (tmp_path / "right.py").write_text(reference)
    run = ClassRun(course, day, Limits(task_seconds=5), jobs=1, force=True, results=tmp_path / "results")
    [doc] = run.grade([Submission("right", tmp_path / "right.py")])
    assert doc["score"] == doc["max_score"]
    assert not marker.exists(), "a class that passes never builds the library"

    variant = _variant("symbolic_derivative", "returns the second derivative")
    (tmp_path / "wrong.py").write_text(_with_function(reference, "symbolic_derivative", variant.source()))
    [doc] = run.grade([Submission("wrong", tmp_path / "wrong.py")])
    task = next(t for t in doc["tasks"] if t["task"] == "symbolic_derivative")
    assert task["status"] == "fail"
    assert task["diagnosis"]["variant"] == variant.slug
    assert marker.read_text() == f"{DAY}\n"
    stored = json.loads((tmp_path / "results" / "submissions" / "wrong.json").read_text())
    assert stored["tasks"] == doc["tasks"]


def test_nbgrader_loads_without_its_server_extensions_in_the_publishing_process():
    script = f"""
import sys
from daykit.nbgrader.gradebook import without_server_extensions
without_server_extensions()
import nbgrader
package = nbgrader
without_server_extensions()  # nbgrader is loaded now: left as it is
assert sys.modules["nbgrader"] is package
import nbgrader.api, nbgrader.coursedir, nbgrader.utils
schema = "jsonschema" in sys.modules  # nbformat's validator: nbgrader.utils needs nbformat.notebooknode only
web = "urllib3" in sys.modules  # requests: only nbgrader's JupyterHub authenticator calls it
from daykit.nbgrader.run import load_config
config = load_config({str(COURSE.root)!r})  # names nbgrader's pipelines' steps: imports none of them
pipelines = any(name in sys.modules for name in ("nbconvert", "nbgrader.converters", "nbgrader.preprocessors"))
import nbgrader.preprocessors
import nbformat  # asked for in full (nbconvert does, for the late-penalty step): the whole package
assert nbformat.v4.new_notebook().nbformat == 4 and nbformat.validate is not None
import nbgrader.auth.jupyterhub, requests  # asked for: the whole package, the one nbgrader calls
assert nbgrader.auth.jupyterhub.requests is requests and requests.codes.ok == 200
assert requests.request.__module__ == "requests.api" and "urllib3" in sys.modules
print(nbgrader.__version__, "nbgrader.server_extensions" in sys.modules, "jupyter_server" in sys.modules,
      "pkg_resources" in sys.modules, pipelines, schema, web, nbgrader.preprocessors.AssignLatePenalties.__module__,
      nbgrader.utils.unpack_archive.__module__)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == [version("nbgrader"), "False", "False", "False", "False", "False", "False",
                                   "nbgrader.preprocessors.latesubmissions", "setuptools.archive_util"]


def test_the_config_names_nbgraders_own_steps_with_the_courses_in_their_places(monkeypatch):
    from nbgrader.converters import Autograde, GenerateFeedback
    from traitlets.utils.importstring import import_item

    from daykit.nbgrader import pipelines, preprocessors
    from daykit.nbgrader.run import load_config

    config = load_config(COURSE.root)
    # spelled out in the config (which imports nothing of daykit), and the same as pipelines.py's
    assert config.Autograde.sanitize_preprocessors == list(pipelines.AUTOGRADE_SANITIZE)
    assert config.GenerateFeedback.preprocessors == list(pipelines.FEEDBACK)
    assert "import daykit" not in (COURSE.root / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "from daykit" not in (COURSE.root / "nbgrader_config.py").read_text(encoding="utf-8")
    autograde = [import_item(name) for name in config.Autograde.sanitize_preprocessors]
    feedback = [import_item(name) for name in config.GenerateFeedback.preprocessors]
    defaults = Autograde.class_traits()["sanitize_preprocessors"].default()
    assert preprocessors.RestoreHiddenTests in autograde and len(autograde) == len(defaults)
    assert [step for step in autograde if step is not preprocessors.RestoreHiddenTests] == [
        step for step in defaults if step.__name__ != "OverwriteCells"]
    feedback_defaults = GenerateFeedback.class_traits()["preprocessors"].default()
    assert feedback == [preprocessors.ClearHiddenTestsAndTraces, *feedback_defaults]
    preprocessors.check_pipelines()
    # an nbgrader whose autograde has other steps than those named: the course's steps refuse to run
    monkeypatch.setattr(pipelines, "AUTOGRADE_SANITIZE", pipelines.AUTOGRADE_SANITIZE[:-1])
    with pytest.raises(RuntimeError, match="autograde steps are not the ones"):
        preprocessors.check_pipelines()


def test_exit_now_flushes_both_streams_and_runs_what_was_registered_at_exit(tmp_path):
    script = f"""
import atexit, sys
from daykit.cli import exit_now
atexit.register(lambda: open({str(tmp_path / "ran")!r}, "w").write("yes"))
print("the table" * 2000)
print("a note", file=sys.stderr)
exit_now(3)
print("never")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert done.stdout == "the table" * 2000 + "\n" and done.stderr == "a note\n"
    assert (tmp_path / "ran").read_text() == "yes"


def test_the_command_line_defaults_are_the_workers_limits():
    from daykit.grading import command

    assert command.TASK_SECONDS == Limits().task_seconds
    assert command.MEMORY_MIB * 2**20 == Limits().memory_bytes


@pytest.mark.slow
def test_the_command_never_imports_numpy_or_sympy_and_starts_its_helpers_first(tmp_path):
    """`daykit grade` starts the workers' fork server and forks the process that imports nbgrader first,
    so that their imports overlap; the fork server forks the grading processes, so that the command itself
    never imports NumPy or SymPy; the publishing process never does either (it draws the reports and
    writes the gradebook), and holds no end of the fork server's socket."""
    (tmp_path / "right.py").write_text(COURSE.solution(DAY).read_text())
    script = f"""
import atexit, os, sys
from daykit.grading import publish, publisher, zygote
from daykit import cli

def loaded():
    return sorted(m for m in ("numpy", "sympy") if m in sys.modules)

def noted(kind, started):
    def start(self, *args, **kwargs):
        print(kind, "started with", loaded(), file=sys.stderr)
        started(self, *args, **kwargs)
    return start

publisher.Publisher.__init__ = noted("publisher", publisher.Publisher.__init__)
zygote.Zygote.__init__ = noted("fork server", zygote.Zygote.__init__)
served = publish._serve
def serve(connection, parent, course, write=True):
    print("publisher holds", len(os.listdir("/proc/self/fd")), "descriptors; writes the gradebook:", write,
          file=sys.stderr)
    served(connection, parent, course, write)
publish._serve = serve
atexit.register(lambda: print("the command loaded", loaded(), file=sys.stderr))
sys.exit(cli.main(["grade", "39", {str(tmp_path / "right.py")!r}, "--no-gradebook", "--json",
                   "--results", {str(tmp_path / "results")!r}]))
"""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          cwd=COURSE.root, env={**os.environ, "TMPDIR": str(temporary)})
    assert done.returncode == 0, done.stderr
    assert "fork server started with []" in done.stderr and "publisher started with []" in done.stderr
    assert "the command loaded []" in done.stderr
    assert "writes the gradebook: False" in done.stderr
    assert not list(temporary.glob("daykit-kernels-*")), "the publishing process leaves no folder behind"
    doc = json.loads(done.stdout)
    assert doc["submissions"][0]["score"] == doc["submissions"][0]["max_score"]
    assert (tmp_path / "results" / "grades.csv").is_file()


@pytest.mark.slow
def test_the_command_leaves_the_reports_and_the_gradebook_to_the_publishing_process(tmp_path):
    """The command forks the publishing process before it loads anything of publishing, and reads its replies
    without loading it either: publish.py, nbgrader and SQLAlchemy load in that process alone."""
    (tmp_path / "right.py").write_text(COURSE.solution(DAY).read_text())
    script = f"""
import sys
from daykit import cli
code = cli.main(["grade", "39", {str(tmp_path / "right.py")!r}, "--results", {str(tmp_path / "results")!r}])
print(sorted(m for m in ("daykit.grading.publish", "daykit.nbgrader.gradebook", "nbgrader", "sqlalchemy")
             if m in sys.modules), code)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          cwd=COURSE.root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[] 0"
    assert (tmp_path / "results" / "grades.csv").is_file()


def test_the_publishing_process_closes_the_fork_servers_socket():
    """Else a fork server would not see its coordinator close the socket, and the run would wait for it."""
    import socket

    from daykit.grading.publisher import Publisher

    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    publisher = Publisher(COURSE, warm=False, foreign=[mine.fileno()])
    try:
        mine.close()
        theirs.settimeout(30)
        assert theirs.recv(16) == b"", "the publishing process still holds the other end"
    finally:
        publisher.close()
        theirs.close()


def test_a_fork_server_never_asked_anything_is_ended_at_once():
    import time

    from daykit.grading.zygote import Zygote

    server = Zygote()
    started = time.monotonic()
    server.close()  # still importing NumPy and SymPy: killed, not waited for
    assert time.monotonic() - started < 0.5 and server.process.returncode is not None


def test_the_fork_server_module_imports_neither_numpy_nor_sympy():
    script = "import sys, daykit.grading.zygote; print(sorted(m for m in ('numpy', 'sympy') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


def test_the_reports_say_a_diagnosis_without_importing_the_checks(tmp_path):
    """The process that writes the reports never imports SymPy: a result carries the diagnosis's words."""
    from daykit.checking.diagnosis import message

    reason = "it differentiates with respect to the wrong variable"
    script = f"""
import sys
from daykit.authoring.model import load_day
from daykit.course import Course
from daykit.grading.reports import feedback
from pathlib import Path
day = load_day(Course(Path({str(COURSE.root)!r})), {DAY!r})
task = {{"task": "symbolic_derivative", "status": "fail", "points": 0, "max_points": 3, "message": "no",
         "diagnosis": {{"variant": "v", "reason": {reason!r}, "message": {message(reason)!r}}}}}
text = feedback(day, {{"student": "s", "score": 0, "max_score": 3, "path": "s.ipynb", "tasks": [task]}})
print({message(reason)!r} in text, "sympy" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["True", "False"]


PROBE = """

def test_probe(symbolic_derivative):
    import os, sys
    from pathlib import Path
    parent = Path("/proc/" + str(os.getppid()) + "/cmdline").read_bytes().replace(b"\\0", b" ").decode()
    Path({path!r}).write_text(repr((parent, os.environ.get("DAYKIT_INSTRUCTORS_TOKEN"),
                                    "sympy" in sys.modules, os.getcwd())))
"""


@pytest.mark.slow
def test_a_grading_process_is_forked_by_the_fork_server_with_its_environment(tmp_path):
    """The process that runs the checks (a hidden check here) is a child of the workers' fork server: it
    starts with SymPy loaded and the server's allow-listed environment, nothing of the instructor's, in
    the folder the command was run from."""
    root = course_copy(tmp_path)
    facts = tmp_path / "facts"
    with Course(root).hidden_checks(DAY).open("a", encoding="utf-8") as hidden:
        hidden.write(PROBE.format(path=str(facts)))
    (root / "right.py").write_text(COURSE.solution(DAY).read_text())
    env = {k: v for k, v in os.environ.items() if k != "DAYKIT_DB_URL"}
    env.update(DAYKIT_INSTRUCTORS_TOKEN="s3cret", MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, "-m", "daykit", "grade", "39", "right.py", "--json", "--no-gradebook",
                           "--results", str(tmp_path / "results")], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    parent, token, sympy_loaded, cwd = eval(facts.read_text())  # noqa: S307 - written by the probe above
    assert "daykit.grading.zygote" in parent
    assert token is None and sympy_loaded and cwd == str(root)
    doc = json.loads(done.stdout)["submissions"][0]
    assert doc["score"] == doc["max_score"]


@pytest.mark.parametrize("told_not_to", [False, True])
def test_a_run_leaves_the_bytecode_of_the_modules_only_its_helpers_import(tmp_path, told_not_to):
    """The fork server, the grading processes and the workers write no bytecode, so in an editable install
    they would compile the worker's and the grader's modules on every run: the run writes it (the
    publishing process, while the class is graded), unless PYTHONDONTWRITEBYTECODE says not to."""
    import importlib.util

    import daykit.grading.worker

    cached = importlib.util.cache_from_source(daykit.grading.worker.__file__)
    (tmp_path / "right.py").write_text(COURSE.solution(DAY).read_text())
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    if told_not_to:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    if os.path.exists(cached):
        os.unlink(cached)
    try:
        done = subprocess.run([sys.executable, "-m", "daykit", "grade", "39", str(tmp_path / "right.py"),
                               "--no-gradebook", "--results", str(tmp_path / "results")],
                              capture_output=True, text=True, timeout=300, cwd=COURSE.root, env=env)
        assert done.returncode == 0, done.stderr
        assert os.path.exists(cached) is not told_not_to
    finally:
        import compileall

        compileall.compile_file(daykit.grading.worker.__file__, quiet=2)


def test_a_class_warms_lambdify_only_for_days_whose_exercises_use_it():
    """`sp.lambdify(..., "numpy")` loads the whole NumPy namespace: the workers' fork server does it ahead
    only for a class of a day whose exercise file names it (Day 45), and a Dask machine always."""
    from daykit.grading.zygote import warm_ups_for

    stubs = {day: COURSE.stub(day).read_text(encoding="utf-8") for day in COURSE.days()}
    assert warm_ups_for([stubs["day_39"]]) == ()
    assert warm_ups_for([stubs["day_39"], stubs["day_45"]]) == ("lambdify",)
    script = """
import sys
from daykit.grading import zygote
zygote._warm(())
plain = "numpy.f2py" in sys.modules
zygote._warm(("lambdify", "not-a-warm-up"))
print(plain, "numpy.f2py" in sys.modules, sorted(zygote._FOR_WORKERS["warmed"]))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["False", "True", "['lambdify']"]
