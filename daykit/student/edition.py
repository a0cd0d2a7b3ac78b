"""``daykit student-repo DIR``: write the student edition, a repository a student clones and uses as is.

It holds its own README and pyproject.toml, the stubs (``exercises/``), the visible checks
(``tests/``), the hints, the nbgrader release notebooks (``release/``) and the part of the daykit
package a student runs (the pytest plugin, the check helpers, ``daykit check/watch/hint``). It holds
no reference solution, no hidden check, no variant, no source notebook and no instructor tooling.

The steps: collect the files (a mapping of relative path to bytes), write them into a fresh folder,
then audit what was written (``leaks``): the command fails if any line of a reference solution or of a
hidden check, or any instructor-only path, made it into the edition, or if its daykit imports anything
that its own pyproject.toml does not install. A clean edition is committed to git (a first commit, or
the update on top of an earlier edition's history), ready for students to clone.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from daykit.authoring.secrets import lines as _lines
from daykit.authoring.secrets import secrets
from daykit.checking.diagnosis import embedded_table, table_path, table_problems
from daykit.course import Course, CourseError
from daykit.nbgrader.release import released  # loads nbgrader only when a day needs releasing
from daykit.student.practice import practice_day
from daykit.student.readme import student_readme

# What a student runs: the command, its student commands, the pytest plugin and the check helpers. The
# edition ships these and every daykit module they import (``shipped_modules``), nothing else.
ENTRY_MODULES = (
    "__init__", "__main__", "cli", "checks", "checking/pytest_plugin",
    "student/check", "student/watch", "student/hints",
)
# Instructor tooling: a module a student runs must never need one of these.
INSTRUCTOR_MODULES = (
    "grading/", "nbgrader/", "demo/", "site/", "authoring/build", "authoring/render", "checking/verify",
    "checking/generate", "checking/variants", "checking/library", "student/edition", "student/readme",
)
STUDENT_DEPENDENCIES = ("numpy", "sympy", "matplotlib", "pytest", "nbformat", "jupytext", "ipython")
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "daykit", "GIT_AUTHOR_EMAIL": "daykit@localhost",
    "GIT_COMMITTER_NAME": "daykit", "GIT_COMMITTER_EMAIL": "daykit@localhost",
}
TOP_LEVEL = {"README.md", "pyproject.toml", ".gitignore", "daykit", "exercises", "tests", "hints", "release"}
SITE = "docs"  # --site: the course's website (daykit site), where GitHub Pages serves a branch's /docs from
INSTRUCTOR_PATHS = ("solutions", "hidden", "variants", "source", "tests/kit", "benchmarks", "nbgrader_config.py")
MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")
GITIGNORE = """\
.venv/
__pycache__/
*.egg-info/
.pytest_cache/
.ipynb_checkpoints/
.daykit/
"""
PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "ml-calculus-exercises"
version = "{version}"
description = "Exercises on the calculus behind machine learning, checked as you go"
readme = "README.md"
requires-python = ">=3.11"
dependencies = [
{dependencies}
]

[project.optional-dependencies]
notebook = ["jupyterlab>=4"]

[project.scripts]
daykit = "daykit.cli:main"

[project.entry-points.pytest11]
daykit = "daykit.checking.pytest_plugin"

[tool.setuptools]
packages = [{packages}]

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
"""


# ------------------------------------------------------------------------------------------ collect


def _distribution(requirement: str) -> str:
    """A requirement's distribution name, normalised: ``"IPython>=8"`` -> ``"ipython"``."""
    return re.sub(r"[-_.]+", "-", re.split(r"[<>=!~\[ ;]", requirement.strip())[0]).lower()


def student_pyproject(course: Course, modules: list[str]) -> str:
    """The edition's pyproject: the instructor's versions of only what a student needs, and the
    packages of the shipped ``modules``."""
    project = tomllib.loads((course.root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [d for d in project["dependencies"] if _distribution(d) in STUDENT_DEPENDENCIES]
    missing = sorted(set(STUDENT_DEPENDENCIES) - {_distribution(d) for d in wanted})
    if missing:
        raise CourseError(f"{course.root / 'pyproject.toml'}: the student edition needs {', '.join(missing)}, "
                          "which its [project] dependencies do not list: add them (with a lower bound).")
    packages = sorted({"daykit." + m.rpartition("/")[0].replace("/", ".") if "/" in m else "daykit" for m in modules})
    return PYPROJECT.format(version=project["version"], dependencies="\n".join(f'    "{d}",' for d in wanted),
                            packages=", ".join(f'"{p}"' for p in packages))


def student_cli(text: str, modules: list[str]) -> str:
    """daykit/cli.py with COMMANDS cut down to the commands whose modules are shipped."""
    tree = ast.parse(text)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "COMMANDS" for t in node.targets):
            names = [e.value for e in node.value.elts if isinstance(e, ast.Constant)]
            kept = [n for n in names if n.removeprefix("daykit.").replace(".", "/") in modules]
            lines = text.splitlines(keepends=True)
            replacement = "COMMANDS = [\n" + "".join(f'    "{n}",\n' for n in kept) + "]\n"
            return "".join(lines[: node.lineno - 1]) + replacement + "".join(lines[node.end_lineno :])
    raise CourseError("daykit/cli.py has no COMMANDS list to cut down for the student edition.")


def _guarded(handlers: list[ast.excepthandler]) -> bool:
    """Whether a try statement's handlers catch a failed import."""
    names = set()
    for handler in handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        names |= {getattr(k, "id", None) for k in kinds}
    return bool(names & {"ImportError", "ModuleNotFoundError", "Exception", None})


def imports(text: str, path: Path) -> list[tuple[str, int, bool, bool]]:
    """Every module a source imports, at top level or inside a function: ``(dotted name, line, guarded,
    member)``, guarded when a ``try`` around it catches ImportError. ``from a import b`` gives ``a`` and
    the member ``a.b`` (a module, or a name defined in ``a``)."""
    found = []

    def visit(node: ast.AST, guarded: bool) -> None:
        if isinstance(node, ast.Try):
            inner = guarded or _guarded(node.handlers)
            for child in node.body:
                visit(child, inner)
            for child in [*node.handlers, *node.orelse, *node.finalbody]:
                visit(child, guarded)
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno, guarded, False) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno, guarded, False))
            found.extend((f"{node.module}.{alias.name}", node.lineno, guarded, True) for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child, guarded)

    try:
        visit(ast.parse(text, str(path)), False)
    except SyntaxError as exc:
        raise CourseError(f"{path}, line {exc.lineno}: {exc.msg}; the student edition cannot ship it.") from None
    return found


def _module_file(package: Path, dotted: str) -> str | None:
    """``daykit.checking.where`` -> ``checking/where`` when that module exists in ``package``."""
    relative = dotted.removeprefix("daykit").strip(".").replace(".", "/")
    if not relative:
        return "__init__"
    if (package / f"{relative}.py").is_file():
        return relative
    if (package / relative / "__init__.py").is_file():
        return f"{relative}/__init__"
    return None


def shipped_modules(package: Path | None = None) -> list[str]:
    """The daykit modules a student runs: the entry modules and every daykit module they import, with
    their packages' ``__init__``, as paths like ``checking/where`` (no ``.py``)."""
    package = package or Path(__file__).parents[1]
    todo, seen = list(ENTRY_MODULES), set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        parts = module.split("/")
        todo += ["/".join(parts[:i] + ["__init__"]) for i in range(1, len(parts)) if parts[i - 1] != "__init__"]
        path = package / f"{module}.py"
        for name, _, _, _ in imports(path.read_text(encoding="utf-8"), path):
            if name == "daykit" or name.startswith("daykit."):
                found = _module_file(package, name)
                if found:
                    todo.append(found)
    return sorted(seen)


def package_files(modules: list[str]) -> dict[str, bytes]:
    package = Path(__file__).parents[1]
    files = {}
    for name in modules:
        text = (package / f"{name}.py").read_text(encoding="utf-8")
        files[f"daykit/{name}.py"] = (student_cli(text, modules) if name == "cli" else text).encode()
    return files


def edition_files(course: Course, days: list[str], notebooks: dict[str, Path]) -> dict[str, bytes]:
    """Every file of the edition, by its path inside it."""
    modules = shipped_modules()
    files = {
        "README.md": student_readme([practice_day(course, d) for d in days]).encode(),
        "pyproject.toml": student_pyproject(course, modules).encode(),
        ".gitignore": GITIGNORE.encode(),
        **package_files(modules),
    }
    for day in days:
        files[f"exercises/{day}.py"] = course.stub(day).read_bytes()
        files[f"tests/test_{day}.py"] = course.checks(day).read_bytes()
        mistakes = _library().table_json(course, day)  # the known mistakes, on the visible checks' calls only
        if mistakes is not None:
            files[f"tests/{table_path(course, day).name}"] = mistakes.encode()
        if course.hints(day).exists():
            files[f"hints/{day}.toml"] = course.hints(day).read_bytes()
        files[f"release/{day}/{day}.ipynb"] = notebooks[day].read_bytes()
    return files


# -------------------------------------------------------------------------------------------- write


def _replaceable(dest: Path) -> bool:
    """Only an empty folder or an earlier edition may be replaced, never a course or anything else."""
    if not dest.exists():
        return True
    if not dest.is_dir():
        return False
    entries = {p.name for p in dest.iterdir()}
    return not entries or (entries <= TOP_LEVEL | {SITE, ".git", ".daykit", ".venv"} and "exercises" in entries)


def write_edition(files: dict[str, bytes], dest: Path, force: bool = False) -> None:
    """Write the edition into ``dest`` from scratch (a git history already there is kept)."""
    if dest.exists() and any(dest.iterdir()):
        if not force:
            raise CourseError(f"{dest} is not empty: choose another folder, or add --force to replace an earlier "
                              "student edition there.")
        if not _replaceable(dest):
            raise CourseError(f"{dest} does not look like a student edition; not replacing it. Choose another folder.")
    dest.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".edition-", dir=dest.parent))
    try:
        for relative, content in sorted(files.items()):
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        for old in dest.iterdir():
            if old.name in (".git", ".venv", ".daykit"):
                continue
            shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
        for new in staging.iterdir():
            os.replace(new, dest / new.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# -------------------------------------------------------------------------------------------- audit


def _texts(path: Path) -> list[str]:
    """The text of a file, and for a notebook also the source and outputs of each cell."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".ipynb":
        return [text]
    cells = json.loads(text).get("cells", [])
    out = [text]
    for cell in cells:
        source = cell.get("source", "")
        out.append("".join(source) if isinstance(source, list) else source)
        out.append(json.dumps(cell.get("outputs", [])))
    return out


def _import_names() -> dict[str, set[str]]:
    """Import name -> the distributions that provide it, in this environment (``IPython`` -> ``ipython``)."""
    known = importlib.metadata.packages_distributions()
    return {name: {_distribution(d) for d in dists} for name, dists in known.items()}


def dependency_problems(edition: Path) -> list[str]:
    """What the edition's daykit imports but does not ship or install: a daykit module missing from it or
    that is instructor tooling, or a package that its pyproject.toml does not list (imports guarded by
    ``except ImportError`` excepted). Each problem names the file and line."""
    pyproject = edition / "pyproject.toml"
    if not pyproject.is_file():
        return ["pyproject.toml: missing; a student installs the edition with it"]
    installed = {_distribution(d) for d in tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
                 .get("dependencies", [])}
    providers = _import_names()
    package = edition / "daykit"
    problems = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(edition)
        module = str(path.relative_to(package).with_suffix(""))
        if module.startswith(INSTRUCTOR_MODULES):
            problems.append(f"{relative}: instructor tooling, must not be shipped")
        for name, line, guarded, member in imports(path.read_text(encoding="utf-8"), path):
            top = name.split(".")[0]
            if member:
                continue  # its module is checked on its own
            if top == "daykit":
                if not _module_file(package, name):
                    problems.append(f"{relative}, line {line}: imports {name}, which the edition does not ship")
            elif guarded or top in sys.stdlib_module_names:
                continue
            elif not providers.get(top, {top.lower()}) & installed:
                problems.append(f"{relative}, line {line}: imports {top}, which the edition's pyproject.toml does not "
                                "install")
    return list(dict.fromkeys(problems))


def _library():
    from daykit.checking import library  # instructor tooling: it reads the variants

    return library


def mistake_table_problems(course: Course, days: list[str], edition: Path) -> list[str]:
    """What a day's table of known mistakes holds that it must not, in tests/day_NN_mistakes.json and in the
    release notebook's setup cell, which embeds the same table: a call of a hidden check, a call no
    visible check makes, a task of another day, or a value the reference returns on that call, or any
    value at all. It must hold only salted hashes of the variants' outcomes on visible calls, where each
    differs from the reference's; the notebook's must be the file's."""
    library_module = _library()
    problems = []
    for day in days:
        path = edition / "tests" / table_path(course, day).name
        notebook = edition / "release" / day / f"{day}.ipynb"
        kept = {}
        if path.exists():
            kept[path.relative_to(edition)] = path.read_text(encoding="utf-8")
        embedded = embedded_table(notebook.read_text(encoding="utf-8")) if notebook.exists() else None
        if embedded is not None:
            kept[notebook.relative_to(edition)] = embedded
        if not kept:
            continue
        library = library_module.load_library(course, day)
        for relative, text in kept.items():
            problems += table_problems(relative, day, text, library)
        if path.exists() and notebook.exists():
            try:
                same = embedded is not None and json.loads(embedded) == json.loads(kept[path.relative_to(edition)])
            except ValueError:
                same = False
            if not same:
                problems.append(f"{notebook.relative_to(edition)}: its table of known mistakes is not the one of "
                                f"{path.relative_to(edition)}")
    return problems


def leaks(course: Course, days: list[str], edition: Path) -> list[str]:
    """Every problem with an edition, as lines naming the file: an empty list means it is clean."""
    problems = dependency_problems(edition) + mistake_table_problems(course, days, edition)
    for entry in sorted(p.name for p in edition.iterdir()):
        if entry not in TOP_LEVEL and entry not in (".git", ".venv", ".daykit", SITE):
            problems.append(f"{entry}: not part of a student edition")
    for relative in INSTRUCTOR_PATHS:
        if (edition / relative).exists():
            problems.append(f"{relative}: instructor-only, must not be shipped")
    lines, names = secrets(course, days)
    for path in sorted(edition.rglob("*")):
        if not path.is_file() or {".git", ".venv", ".daykit", "__pycache__"} & set(path.parts):
            continue
        if path.relative_to(edition).parts[0] == SITE:
            continue  # the site is read as a reader sees it, below
        relative = path.relative_to(edition)
        texts = _texts(path)
        seen = set().union(*(_lines(t) for t in texts))
        for line in sorted(seen & set(lines)):
            problems.append(f"{relative}: holds a line of {lines[line]}: {line}")
        for name, where in sorted(names.items()):
            if any(re.search(rf"\b{re.escape(name)}\b", t) for t in texts):
                problems.append(f"{relative}: names {where}")
        if relative.parts[0] != "daykit":
            for marker in MARKERS:
                if any(marker in t for t in texts):
                    problems.append(f"{relative}: holds the marker {marker!r}")
    if (edition / SITE).is_dir():
        from daykit.site.audit import site_leaks

        problems += [f"{SITE}/{line}" for line in site_leaks(course, days, edition / SITE)]
    return problems


# ------------------------------------------------------------------------------------------ command


def student_repo(course: Course, dest: Path, days: list[str] | None = None, force: bool = False,
                 site: bool = False, lite: bool = False) -> list[str]:
    """Write the student edition of the chosen days (default: all) into ``dest``; returns its audit.

    With ``site``, the course's website (``daykit site``, with JupyterLite when ``lite``) goes into
    ``docs/``, and the audit reads it as a reader would (``daykit.site.audit``)."""
    if not course.is_instructor:
        raise CourseError("this is a student edition: a student edition is written from the instructor repository.")
    dest = dest.resolve()
    if dest == course.root or course.root.is_relative_to(dest) or dest.is_relative_to(course.root):
        raise CourseError(f"{dest} is inside the course (or holds it): write the edition to a folder outside "
                          f"{course.root}.")
    days = course.select(days)
    if shutil.which("git") is None:
        raise CourseError("git is not installed: the student edition is written as a git repository (install git, "
                          "for example `apt-get install git`).")
    files = edition_files(course, days, released(course, days))
    write_edition(files, dest, force)
    if site:
        from daykit.site.build import SiteLeak, build_site  # MkDocs and JupyterLite load only for --site

        try:
            build_site(course, dest / SITE, days, lite=lite)
        except SiteLeak as leak:  # the site was not written; nothing is committed
            return [f"{SITE}/{line}" for line in leak.problems]
    problems = leaks(course, days, dest)
    if not problems:  # never commit what must not be published: git would keep it in the history
        commit_edition(dest)
    return problems


def _git(dest: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=dest, env={**os.environ, **GIT_IDENTITY}, capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise CourseError(f"git {' '.join(args)} failed in {dest}:\n{(done.stderr or done.stdout).strip()}")
    return done.stdout


def commit_edition(dest: Path) -> bool:
    """Commit the edition as written: the first commit of a new repository, or the update on top of an
    earlier edition's history. Returns False when nothing changed since the last commit."""
    first = not (dest / ".git").exists()
    if first:
        _git(dest, "init", "--quiet", "--initial-branch=main")
    _git(dest, "add", "--all")
    if not first and not _git(dest, "status", "--porcelain"):
        return False
    message = "The course's exercises, checks, hints and notebooks" if first else "Update the course's exercises"
    _git(dest, "commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", message)
    return True


def run(args) -> int:
    course = Course.here()
    dest = Path(args.dir)
    if args.lite and not args.site:
        raise CourseError("--lite adds JupyterLite to the website: add --site.")
    problems = student_repo(course, dest, args.days, args.force, site=args.site, lite=args.lite)
    for line in problems:
        print(f"leak: {line}")
    if problems:
        print(f"The edition in {dest} is NOT safe to publish: remove what is listed above from its sources.")
        return 1
    print(f"wrote the student edition to {dest} (a git repository, committed): no solution, hidden check or "
          "instructor file in it.")
    print(f"Try it: cd {dest} && python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/pytest tests/")
    return 0


def add_command(commands) -> None:
    command = commands.add_parser("student-repo", help="write the student edition: stubs, visible checks, hints, "
                                  "release notebooks; no solutions")
    command.add_argument("dir", metavar="DIR", help="the folder to write it to (outside the course)")
    command.add_argument("--days", nargs="*", metavar="DAY", help="days to include (default: all)")
    command.add_argument("--force", action="store_true", help="replace an earlier student edition in DIR and "
                         "commit the update on top of its history")
    command.add_argument("--site", action="store_true", help=f"include the course's website in {SITE}/ (daykit "
                         "site), audited with the rest")
    command.add_argument("--lite", action="store_true", help="with --site: add JupyterLite to the website")
    command.set_defaults(run=run)
