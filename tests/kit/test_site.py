"""The course's website, built with `daykit site --lite` from a copy of the course and opened in the
system's Chromium (Playwright drives /usr/bin/chromium; no browser is downloaded): every day page
loads without a console error or a request to another host, its formulas are typeset, its plots are
images that loaded, navigation reaches every day, the downloads are the student's files, and the
JupyterLite build lists each day's notebook. One screenshot per day is saved under the test's output
and copied to /tmp/daykit-site-shots/."""

import functools
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin

import nbformat
import pytest

from daykit.authoring.model import load_day
from daykit.course import Course, CourseError
from daykit.site.audit import site_leaks
from daykit.site.build import MANIFEST, SiteLeak, build_site
from daykit.site.lite import build_lite

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path("/tmp/daykit-site-shots")
AUTHORED = ("solutions", "exercises", "hidden", "hints", "source")

pytestmark = pytest.mark.slow


def copy_course(dest: Path) -> Course:
    """The instructor course's sources and generated files (no release/, no kit tests) in ``dest``."""
    for folder in AUTHORED:
        shutil.copytree(REPO / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (dest / "tests").mkdir()
    for check in (REPO / "tests").glob("test_day_*.py"):
        shutil.copy2(check, dest / "tests" / check.name)
    for name in ("nbgrader_config.py", "pyproject.toml"):
        shutil.copy2(REPO / name, dest / name)
    return Course(dest)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(course, models, site folder, seconds): `daykit site --lite` as an instructor runs it."""
    course = copy_course(tmp_path_factory.mktemp("course"))
    site = tmp_path_factory.mktemp("out") / "site"
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", MPLBACKEND="Agg")
    started = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).parent / "daykit"), "site", "--lite", "--out", str(site)],
                          cwd=course.root, env=env, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no solution or hidden check in it" in done.stdout
    models = [load_day(course, day) for day in course.days()]
    return course, models, site, seconds


@pytest.fixture(scope="module")
def served(built):
    """The built site on an HTTP server at 127.0.0.1, as any static host would serve it."""
    site = built[2]

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium; .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page whose console errors, uncaught exceptions and requests to other hosts are recorded;
    a request to another host is refused, as it would fail in a classroom without internet."""

    def __init__(self, browser, base):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors, self.outside = [], []
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"exception: {e}"))
        self.context.route("**/*", self._route)
        self.base = base

    def _route(self, route):
        if route.request.url.startswith(self.base):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser, served):
    page = Watched(browser, served)
    yield page
    page.close()


def test_the_build_writes_a_page_per_day_and_each_days_downloads(built):
    course, models, site, seconds = built
    print(f"daykit site --lite for {len(models)} days: {seconds:.1f} s")
    manifest = json.loads((site / MANIFEST).read_text())
    assert manifest == {"days": [d.slug for d in models], "lite": True, "pyodide": "cdn"}
    for day in models:
        assert (site / f"{day.slug}.html").is_file()
        assert (site / "downloads" / f"{day.slug}.py").read_bytes() == course.stub(day.slug).read_bytes()
        assert (site / "downloads" / f"{day.slug}.ipynb").read_bytes() == \
            course.release_notebook(day.slug).read_bytes()
        assert (site / "lite" / "files" / f"{day.slug}.ipynb").is_file()
    assert not list(site.rglob("*.md")), "Markdown sources must not be published"
    fonts = [p for p in site.rglob("*.html") if "fonts.googleapis" in p.read_text(errors="replace")]
    assert fonts == []


def check_downloads(page, course, day):
    """The page's download buttons give the day's release notebook and its exercise file."""
    links = page.locator("article a[download]")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert sorted(Path(h).name for h in hrefs) == [f"{day.slug}.ipynb", f"{day.slug}.py"]
    for href in hrefs:
        response = page.request.get(urljoin(page.url, href))
        assert response.status == 200, href
        if href.endswith(".ipynb"):
            notebook = nbformat.reads(response.text(), as_version=4)
            graded = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
            assert len(graded) == len(day.tasks) and "### BEGIN SOLUTION" not in response.text()
            assert response.body() == course.release_notebook(day.slug).read_bytes()
        else:
            assert response.body() == course.stub(day.slug).read_bytes()


def test_every_day_page_loads_typesets_its_formulas_shows_its_plots_and_offers_downloads(built, served, watched,
                                                                                       tmp_path):
    course, models, site, _ = built
    page = watched.page
    shots = tmp_path / "shots"
    shots.mkdir()
    SHOTS.mkdir(exist_ok=True)
    for day in models:
        page.goto(urljoin(served, f"{day.slug}.html"))
        page.wait_for_load_state("load")
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        assert page.locator("h1").first.inner_text().strip().rstrip("¶").strip() == day.title
        formulas = page.locator("article .arithmatex").count()
        typeset = page.locator("article .arithmatex mjx-container").count()
        assert formulas > 0 and typeset == formulas, f"{day.slug}: {typeset} of {formulas} formulas typeset"
        assert page.locator("mjx-merror").count() == 0, f"{day.slug}: a formula has a TeX error"
        widths = page.evaluate("() => Array.from(document.querySelectorAll('article img')).map(i => i.complete "
                               "&& i.naturalWidth)")
        drawn = sorted((site / "images").glob(f"{day.slug}-*.png"))
        assert len(widths) == len(drawn) >= 1 and all(w and w > 0 for w in widths), (day.slug, widths)
        for task in day.tasks:
            assert page.locator("article pre", has_text=f"def {task.name}(").count() >= 1, task.name
        hints = page.locator("article details.hint")
        assert hints.count() == sum(len(t.hints) for t in day.tasks)
        assert all(hints.nth(i).get_attribute("open") is None for i in range(hints.count())), "hints start closed"
        shown = page.evaluate("() => Array.from(document.querySelectorAll('article details.hint'), d => d.textContent)")
        written = [hint for task in day.tasks for hint in task.hints]
        for text, hint in zip(shown, written, strict=True):  # as written: x**3 - 2*x**2 is no emphasis
            assert " ".join(hint.split()) in " ".join(text.split()), (day.slug, hint, text)
        check_downloads(page, course, day)
        shot = shots / f"{day.slug}.png"
        page.screenshot(path=str(shot), full_page=True)
        shutil.copy2(shot, SHOTS / shot.name)
    assert watched.errors == [] and watched.outside == []


def test_navigation_reaches_every_day_from_the_home_page(built, served, watched):
    _, models, _, _ = built
    page = watched.page
    page.goto(served)
    for day in models:  # the home page's table, then the footer's "next" link from day to day
        assert page.locator("article table a", has_text=day.title).count() == 1
    reached = []
    page.locator("article table a", has_text=models[0].title).click()
    while True:
        page.wait_for_load_state("load")
        reached.append(page.locator("h1").first.inner_text().strip().rstrip("¶").strip())
        following = page.locator("a.md-footer__link--next")
        if not following.count():
            break
        following.click()
    assert reached == [d.title for d in models]
    page.goto(served)  # and the sidebar of the home page links each day
    sidebar = page.locator("nav.md-nav--primary a.md-nav__link")
    hrefs = {sidebar.nth(i).inner_text().strip(): sidebar.nth(i).get_attribute("href") for i in range(sidebar.count())}
    for day in models:
        assert page.request.get(urljoin(served, hrefs[day.title])).ok and hrefs[day.title].endswith(f"{day.slug}.html")
    assert watched.errors == [] and watched.outside == []


def test_jupyterlite_lists_each_days_notebook_and_each_page_opens_it(built, served, watched):
    _, models, _, _ = built
    page = watched.page
    page.goto(urljoin(served, "lite/tree/index.html"))
    for day in models:
        page.get_by_text(f"{day.slug}.ipynb", exact=True).first.wait_for(timeout=60_000)
    page.goto(served)  # the home page's link to JupyterLab, whose file browser lists them too
    page.get_by_text("all the notebooks in JupyterLab").click()
    page.wait_for_url("**/lite/lab/index.html")
    for day in models:
        page.locator(".jp-DirListing-itemText", has_text=f"{day.slug}.ipynb").first.wait_for(timeout=60_000)
    assert watched.errors == [] and watched.outside == []
    # A day page's button opens the day's notebook in JupyterLite, whose kernel then asks Pyodide's CDN
    # for Pyodide (refused here: the notebook's cells are shown all the same).
    day = models[0]
    page.goto(urljoin(served, f"{day.slug}.html"))
    page.get_by_text("Try it in your browser").click()
    page.wait_for_url(f"**/lite/notebooks/index.html?path={day.slug}.ipynb")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    page.locator(".jp-Notebook h1", has_text=day.title).first.wait_for(timeout=60_000)
    deadline = time.monotonic() + 60
    while not any("pyodide" in url for url in watched.outside) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert any(url.startswith("https://cdn.jsdelivr.net/pyodide/") for url in watched.outside), watched.outside


def test_a_local_pyodide_is_shipped_in_the_build_instead_of_the_cdn(built, tmp_path):
    course, models, _, _ = built
    pyodide = tmp_path / "pyodide"  # the shape of an unpacked Pyodide release: the kernel loads pyodide.mjs
    pyodide.mkdir()
    (pyodide / "pyodide.mjs").write_text("export async function loadPyodide() {}\n")
    (pyodide / "pyodide-lock.json").write_text('{"info": {}, "packages": {}}\n')
    out = tmp_path / "lite"
    build_lite({f"{models[0].slug}.ipynb": course.release_notebook(models[0].slug)}, out, pyodide)
    settings = json.loads((out / "jupyter-lite.json").read_text())["jupyter-config-data"]["litePluginSettings"]
    url = settings["@jupyterlite/pyodide-kernel-extension:kernel"]["pyodideUrl"]
    assert url == "./static/pyodide/pyodide.mjs" and (out / url).read_text().startswith("export")
    with pytest.raises(CourseError, match="no pyodide.mjs"):
        build_lite({}, tmp_path / "other", tmp_path)
    with pytest.raises(CourseError, match="add --lite"):
        build_site(course, tmp_path / "site", pyodide=pyodide)


def test_a_hint_that_gives_the_solution_away_stops_the_build(built, tmp_path):
    source = built[0]
    course = copy_course(tmp_path / "course")
    shutil.copytree(source.root / "release", course.root / "release")  # released already, newer than source
    day = "day_39"
    hints = course.hints(day)
    hints.write_text(hints.read_text().replace(
        "hints = [", 'hints = [\n    """Like this:\n\n        df_dx = (f(x_val + step, y_val) - base) / step\n""",', 1))
    out = tmp_path / "site"
    with pytest.raises(SiteLeak) as caught:
        build_site(course, out, [day])
    expected = f"{day}.html: holds a line of the reference solution of {day}"
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems
    assert not out.exists(), "a site that leaks is never written"


def test_the_audit_reads_highlighted_code_the_search_index_and_notebooks(built, tmp_path):
    course, models, site, _ = built
    days = [d.slug for d in models]
    copy = tmp_path / "site"
    copy.mkdir()
    (copy / "day_39.html").write_text(  # as Pygments highlights a line
        '<pre><code><span class="n">df_dx</span> <span class="o">=</span> <span class="p">(</span><span class="n">f'
        '</span><span class="p">(</span><span class="n">x_val</span> <span class="o">+</span> <span class="n">step'
        '</span><span class="p">,</span> <span class="n">y_val</span><span class="p">)</span> <span class="o">-'
        '</span> <span class="n">base</span><span class="p">)</span> <span class="o">/</span> '
        '<span class="n">step</span></code></pre>')
    (copy / "search").mkdir()
    (copy / "search" / "search_index.json").write_text(json.dumps({"docs": [{"text": "<p>see test_numerical_"
                                                                               "gradient_at_other_points</p>"}]}))
    (copy / "assets").mkdir()
    (copy / "assets" / "theme.js").write_text("function go(path) {\n  return path\n}\n")  # JavaScript's own line
    (copy / "downloads").mkdir()
    (copy / "downloads" / "day_39.py").write_text("### BEGIN SOLUTION\n")
    problems = "\n".join(site_leaks(course, days, copy))
    assert "day_39.html: holds a line of the reference solution of day_39: df_dx = " in problems
    assert "search/search_index.json: names the hidden check test_numerical_gradient_at_other_points" in problems
    assert "downloads/day_39.py: holds the marker '### BEGIN SOLUTION'" in problems
    assert "assets/theme.js" not in problems


def test_it_refuses_to_replace_a_folder_that_is_not_a_site(built, tmp_path):
    course = built[0]
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "thesis.tex").write_text("mine")
    with pytest.raises(CourseError, match="holds no earlier site"):
        build_site(course, tmp_path / "work")
    with pytest.raises(CourseError, match="holds the course"):
        build_site(course, course.root)
    assert (tmp_path / "work" / "thesis.tex").read_text() == "mine"


def test_the_student_edition_can_carry_the_site_and_its_audit_covers_it(built, tmp_path):
    from daykit.student.edition import SITE, leaks, student_repo

    course = copy_course(tmp_path / "course")
    shutil.copytree(built[0].root / "release", course.root / "release")
    day = "day_39"
    edition = tmp_path / "edition"
    assert student_repo(course, edition, [day], site=True) == []
    site = edition / SITE
    assert (site / f"{day}.html").is_file() and (site / "downloads" / f"{day}.ipynb").is_file()
    tracked = subprocess.run(["git", "ls-files", f"{SITE}/{day}.html"], cwd=edition, capture_output=True, text=True)
    assert tracked.stdout.strip() == f"{SITE}/{day}.html", "the site is committed with the edition"
    page = site / f"{day}.html"
    page.write_text(page.read_text().replace("</article>", "<pre><code>    base = f(x_val, y_val)\n</code></pre>"
                                             "</article>", 1))
    problems = leaks(course, [day], edition)
    assert f"{SITE}/{day}.html: holds a line of the reference solution of {day}: base = f(x_val, y_val)" in problems
