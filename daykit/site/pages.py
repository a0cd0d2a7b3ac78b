"""The site's Markdown pages, rendered from the days' models (pure: the same model, the same text).

A day page follows the day's cells in order: lesson prose as it is (formulas stay ``$...$`` for
pymdownx.arithmatex and MathJax), a plain code cell in a closed fold, a display cell as the images it
drew, a task cell as the student's stub of that cell (signature, docstring, ``YOUR CODE HERE``) with
its points and its hints behind folds. Script-only cells (the demo) are left out. The reference's
solution regions never reach a page: a task cell goes through the same ``clear_solutions`` as the
exercise file.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from daykit.authoring.model import Day
from daykit.authoring.render import clear_solutions
from daykit.site.plots import Output

INDENT = "    "


@dataclass(frozen=True)
class Links:
    """Where a day page points: its downloads (relative to the docs folder) and the in-browser notebook."""

    notebook: str
    exercise: str
    lite: str | None = None  # a URL relative to the page, or None without --lite


def plot_name(day: str, cell: int, number: int) -> str:
    return f"images/{day}-cell{cell:02d}-{number}.png"


def _fence(code: str, language: str = "python") -> str:
    ticks = "```"
    while ticks in code:
        ticks += "`"
    return f"{ticks}{language}\n{code.rstrip()}\n{ticks}"


def _indent(text: str) -> str:
    return "\n".join(INDENT + line if line.strip() else "" for line in text.splitlines())


def _fold(kind: str, title: str, body: str, open_: bool = False) -> str:
    marker = "???+" if open_ else "???"
    return f'{marker} {kind} "{title.replace(chr(34), chr(39))}"\n\n{_indent(body)}'


def plain_text(text: str) -> str:
    """Plain text (a hint is written for a terminal) as Markdown that shows it as it is: ``x**3 - 2*x``
    stays code-like instead of turning into emphasis; a text of several lines keeps its lines."""
    if "\n" in text.strip():
        return _fence(text, "text")
    escaped = re.sub(r"([\\`*_{}\[\]#$])", r"\\\1", text.strip())
    return escaped.replace("<", "&lt;")


def _plain_alt(text: str) -> str:
    """A caption fit for an image's alt text: no Markdown or TeX punctuation."""
    return re.sub(r"\s+", " ", re.sub(r"[$\\\[\]`*_{}]", "", text)).strip()


def _defines(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]


def _task_section(day: Day, source: str, name: str) -> str:
    task = day.task(name)
    points = f"{task.points} point{'s' if task.points != 1 else ''}"
    parts = [
        f"### Task: `{name}` ({points})",
        f"Write the body of `{name}` where it says `YOUR CODE HERE`: in `exercises/{day.slug}.py`, or in the "
        "notebook's cell for this task, whose test cell runs the checks.",
        _fence(clear_solutions(source, day.solution_path)),
    ]
    for number, hint in enumerate(task.hints, 1):
        parts.append(_fold("hint", f"Hint {number} of {len(task.hints)}", plain_text(hint)))
    return "\n\n".join(parts)


def _downloads(day: Day, links: Links) -> str:
    buttons = [
        f"[Student notebook ({day.slug}.ipynb)]({links.notebook}){{ .md-button download }}",
        f"[Exercise file ({day.slug}.py)]({links.exercise}){{ .md-button download }}",
    ]
    if links.lite:
        buttons.append(f'<a class="md-button md-button--primary" href="{links.lite}">Try it in your browser</a>')
    checks = f"`pytest tests/test_{day.slug}.py` or `daykit check {day.slug.split('_')[1]}`"
    return (
        "!!! tip \"Work this day\"\n\n"
        + _indent(" ".join(buttons))
        + "\n\n"
        + _indent(f"In the student edition, {checks} runs the day's checks on your exercise file.")
    )


def day_page(day: Day, plots: dict[int, Output], links: Links) -> str:
    """The page of one day, in Markdown."""
    parts, downloads_done = [], False
    for index, cell in enumerate(day.cells):
        if not cell.in_notebook:
            continue  # the script's demo
        if cell.kind == "markdown":
            parts.append(cell.source.strip())
        elif cell.task:
            parts.append(_task_section(day, cell.source, cell.task))
        elif not cell.in_script:
            shown = plots.get(index)
            for number, (_, caption) in enumerate(shown.images if shown else (), 1):
                parts.append(f"![{_plain_alt(caption)}]({plot_name(day.slug, index, number)})")
            if shown and shown.text.strip():
                parts.append(_fence(shown.text, "text"))
        else:
            names = _defines(cell.source)
            title = "Lesson code: " + ", ".join(names) if names else "Lesson code"
            parts.append(_fold("example", title, _fence(cell.source)))
        if not downloads_done:
            parts.append(_downloads(day, links))
            downloads_done = True
    return "\n\n".join(parts) + "\n"


def home_page(title: str, days: list[Day], lite: bool) -> str:
    """The home page: the course, its days, and how to start."""
    rows = "\n".join(
        f"| [{d.slug.split('_')[1]}]({d.slug}.md) | [{d.title}]({d.slug}.md) | {len(d.tasks)} | {d.max_score} |"
        for d in days
    )
    browser = (
        "\n- **In your browser**, with nothing to install: each day's page has a *Try it in your browser* button "
        "that opens its notebook in JupyterLite (or open <a href=\"lite/lab/index.html\">all the notebooks in "
        "JupyterLab</a>). Python runs in the page (Pyodide); download the notebook before you close it, since "
        "the browser keeps your work only in its own storage."
        if lite else ""
    )
    return f"""# {title}

A course of daily exercises on the calculus behind machine learning. Each day has a lesson with its
formulas and plots, and a few tasks: a function for you to write, with its specification, its points,
and hints when you are stuck. Checks tell you at once whether your function is right.

| Day | Subject | Tasks | Points |
| --- | --- | --- | --- |
{rows}

## How to start

- **In a notebook**: download the day's *student notebook* from its page, open it in Jupyter, run the
  cells from the top, and write each task where it says `YOUR CODE HERE`. The cell under each task
  runs its checks.
- **In your editor**: get the student edition of the course from your instructor, then
  `pip install -e .` in its folder, write your code in `exercises/day_NN.py` and run
  `pytest tests/test_day_NN.py` (or `daykit check NN`, `daykit watch NN`, `daykit hint NN TASK`).{browser}
"""
