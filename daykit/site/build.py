"""``daykit site [--out DIR] [--lite [--pyodide PATH]]``: the course as a static website.

The steps, each from the day's one source: release the student notebooks with nbgrader when they are
missing or older than their source; draw each day's plots; write a Markdown page per day and a home
page, the downloads (student notebook, exercise file) and the assets (MathJax from a package) into a
scratch docs folder; ``mkdocs build --strict`` with the Material theme; with ``--lite`` add a
JupyterLite build under ``lite/``; audit the result (``daykit.site.audit``) and only then put it in
place of ``DIR``. The built folder works from any static host, and from a local folder for the pages.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from daykit.authoring.model import Day, load_day
from daykit.course import Course, CourseError
from daykit.nbgrader.release import released  # loads nbgrader only when a day needs releasing
from daykit.site.audit import site_leaks
from daykit.site.config import mkdocs_config, write_assets, write_config
from daykit.site.lite import build_lite, check_pyodide, notebook_url
from daykit.site.pages import Links, day_page, home_page, plot_name
from daykit.site.plots import draw

TITLE = "The calculus behind machine learning"
MANIFEST = "daykit-site.json"
LITE = "lite"


class SiteLeak(CourseError):
    """The built site holds something a student must not see; ``problems`` names each file."""

    def __init__(self, problems: list[str]):
        super().__init__("the built site holds what a student must not see:\n" + "\n".join(problems))
        self.problems = problems


def write_docs(course: Course, models: list[Day], notebooks: dict[str, Path], docs: Path, title: str,
               lite: bool) -> list[tuple[str, str]]:
    """The pages, plots, downloads and assets into ``docs``; returns the navigation."""
    (docs / "images").mkdir(parents=True)
    (docs / "downloads").mkdir()
    nav = [("Home", "index.md")]
    for day in models:
        plots = draw(day)
        for cell, output in plots.items():
            for number, (png, _) in enumerate(output.images, 1):
                (docs / plot_name(day.slug, cell, number)).write_bytes(png)
        (docs / "downloads" / f"{day.slug}.ipynb").write_bytes(notebooks[day.slug].read_bytes())
        (docs / "downloads" / f"{day.slug}.py").write_bytes(course.stub(day.slug).read_bytes())
        links = Links(
            notebook=f"downloads/{day.slug}.ipynb",
            exercise=f"downloads/{day.slug}.py",
            lite=f"{LITE}/{notebook_url(day.slug + '.ipynb')}" if lite else None,
        )
        (docs / f"{day.slug}.md").write_text(day_page(day, plots, links), encoding="utf-8")
        nav.append((day.title, f"{day.slug}.md"))
    (docs / "index.md").write_text(home_page(title, models, lite), encoding="utf-8")
    write_assets(docs)
    return nav


def mkdocs_build(config_file: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--config-file", str(config_file)],
        capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise CourseError(f"mkdocs build --strict failed (exit {done.returncode}):\n{done.stdout[-4000:]}"
                          f"{done.stderr[-4000:]}")


def _replaceable(dest: Path) -> bool:
    """Only a missing or empty folder, or an earlier site, may be replaced."""
    return not dest.exists() or (dest.is_dir() and (not any(dest.iterdir()) or (dest / MANIFEST).exists()))


def build_site(course: Course, out: Path, days: list[str] | None = None, *, lite: bool = False,
               pyodide: Path | None = None, title: str = TITLE, site_url: str | None = None) -> Path:
    """Build the site of the chosen days (default: all) into ``out``; returns ``out``.

    Raises CourseError when a source is wrong or a tool fails, SiteLeak (before ``out`` is touched)
    when the audit finds a solution line, a hidden check or a marker in the built site.
    """
    if not course.is_instructor:
        raise CourseError("the site is built from the instructor repository (it draws the lesson's plots from "
                          "solutions/), not from a student edition.")
    if pyodide is not None and not lite:
        raise CourseError("--pyodide chooses the Pyodide of the JupyterLite build: add --lite.")
    check_pyodide(pyodide)
    out = out.resolve()
    if out == course.root or course.root.is_relative_to(out):
        raise CourseError(f"{out} holds the course: choose a folder of its own for the site.")
    if not _replaceable(out):
        raise CourseError(f"{out} is not empty and holds no earlier site ({MANIFEST}): choose another folder.")
    days = course.select(days)
    models = [load_day(course, d) for d in days]
    notebooks = released(course, days)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=out.parent))
    try:
        site = staging / "site"
        with tempfile.TemporaryDirectory(prefix="daykit-docs-") as scratch:
            docs = Path(scratch) / "docs"
            nav = write_docs(course, models, notebooks, docs, title, lite)
            config_file = Path(scratch) / "mkdocs.yml"
            write_config(config_file, mkdocs_config(title, docs, site, nav, site_url))
            mkdocs_build(config_file)
        if lite:
            build_lite({f"{d}.ipynb": notebooks[d] for d in days}, site / LITE, pyodide)
        (site / ".nojekyll").write_text("", encoding="utf-8")  # GitHub Pages: serve every file as it is
        shutil.copy2(site / "assets" / "images" / "favicon.png", site / "favicon.ico")  # what browsers ask for
        manifest = {"days": days, "lite": lite, "pyodide": ("local" if pyodide else "cdn") if lite else None}
        (site / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        problems = site_leaks(course, days, site)
        if problems:
            raise SiteLeak(problems)
        if out.exists():
            shutil.rmtree(out)
        os.replace(site, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def run(args) -> int:
    course = Course.here()
    started = time.perf_counter()
    out = Path(args.out) if args.out else course.root / "site"
    try:
        build_site(course, out, args.days, lite=args.lite, pyodide=Path(args.pyodide) if args.pyodide else None,
                   title=args.title, site_url=args.site_url)
    except SiteLeak as leak:
        for line in leak.problems:
            print(f"leak: {line}")
        print("The site was NOT written: remove what is listed above from its sources.")
        return 1
    print(f"wrote the site to {out} in {time.perf_counter() - started:.1f} s"
          + (" (with JupyterLite in lite/)" if args.lite else "") + ": no solution or hidden check in it.")
    print(f"Look at it: python -m http.server --directory {out} 8000, then open http://127.0.0.1:8000/")
    return 0


def add_command(commands) -> None:
    command = commands.add_parser("site", help="build the course as a static website (MkDocs), optionally with "
                                  "JupyterLite")
    command.add_argument("--out", metavar="DIR", help="the folder to write the site to (default: site/)")
    command.add_argument("--days", nargs="*", metavar="DAY", help="days to include (default: all)")
    command.add_argument("--lite", action="store_true", help="add a JupyterLite build with each day's notebook")
    command.add_argument("--pyodide", metavar="PATH", help="with --lite: a local Pyodide distribution (release "
                         "tarball or folder) to ship instead of loading Pyodide from its CDN")
    command.add_argument("--title", default=TITLE, help=f"the site's name (default: {TITLE!r})")
    command.add_argument("--site-url", metavar="URL", help="the address the site is published at (optional)")
    command.set_defaults(run=run)
