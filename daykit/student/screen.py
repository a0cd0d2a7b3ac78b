"""Render practice results as text: a table of tasks per day, a progress bar, the next step.

Pure functions from results to a string; ``daykit check`` prints them and ``daykit watch`` redraws
them. Colour is used on a terminal unless NO_COLOR is set; symbols fall back to ASCII when the
output cannot encode them.
"""

from __future__ import annotations

import os
import sys
import textwrap

from daykit.checking.runner import Status, TaskResult
from daykit.student.practice import DayResult

BAR_WIDTH = 30
WIDTH = 100
COLORS = {"green": "32", "red": "31", "yellow": "33", "bold": "1", "dim": "2"}
SYMBOLS = {"unicode": {"pass": "✓", "fail": "✗", "todo": "·", "full": "█", "empty": "░"},
           "ascii": {"pass": "+", "fail": "x", "todo": "-", "full": "#", "empty": "."}}
LABELS = {
    Status.PASS: ("pass", "green", "passed"),
    Status.FAIL: ("fail", "red", "failed"),
    Status.ERROR: ("fail", "red", "error"),
    Status.TIMEOUT: ("fail", "red", "timed out"),
    Status.NOT_STARTED: ("todo", "yellow", "not started"),
}


class Style:
    def __init__(self, color: bool | None = None, unicode: bool | None = None):
        stream = sys.stdout
        if color is None:
            color = stream.isatty() and "NO_COLOR" not in os.environ
        if unicode is None:
            try:
                "✓█░✗·".encode(stream.encoding or "ascii")
                unicode = True
            except (UnicodeEncodeError, LookupError):
                unicode = False
        self.color = color
        self.symbols = SYMBOLS["unicode" if unicode else "ascii"]

    def paint(self, text: str, name: str) -> str:
        return f"\033[{COLORS[name]}m{text}\033[0m" if self.color else text


def _indent(text: str, prefix: str) -> str:
    lines = []
    for paragraph in text.splitlines() or [""]:
        lines += textwrap.wrap(paragraph, WIDTH - len(prefix), break_on_hyphens=False) or [""]
    return "\n".join(prefix + line for line in lines)


def task_line(result: TaskResult, width: int, style: Style) -> str:
    symbol, color, word = LABELS[result.status]
    head = f"  {style.paint(style.symbols[symbol], color)} {result.task:<{width}}  "
    head += f"{result.points:>2}/{result.max_points:<2} pt  {style.paint(word, color)}"
    if result.status in (Status.PASS, Status.NOT_STARTED) or not result.message:
        return head
    return head + "\n" + _indent(result.message, "      ")


def day_table(result: DayResult, style: Style) -> str:
    day = result.day
    lines = [style.paint(f"{day.title}", "bold") + f"   ({day.label})"]
    if result.load_error:
        lines.append(_indent(f"{day.label} does not load: {result.load_error}", "  ! "))
    width = max(len(t.name) for t in day.tasks)
    lines += [task_line(r, width, style) for r in result.results]
    points = sum(r.points for r in result.results)
    total = sum(r.max_points for r in result.results)
    counts = ", ".join(f"{result.count(s)} {LABELS[s][2]}" for s in Status if result.count(s))
    summary = f"  {result.passed}/{len(result.results)} tasks, {points}/{total} points: {counts}"
    lines.append(style.paint(summary, "dim"))
    if result.output.strip():
        shown = result.output.strip().splitlines()
        clipped = shown[-20:]
        lines.append(f"  your code printed{' (last 20 lines)' if len(shown) > 20 else ''}:")
        lines += [f"  | {line}" for line in clipped]
    return "\n".join(lines)


def progress_bar(everything: list[DayResult], style: Style) -> str:
    done = sum(r.passed for r in everything)
    total = sum(len(r.results) for r in everything)
    filled = round(BAR_WIDTH * done / total) if total else 0
    bar = style.paint(style.symbols["full"] * filled, "green") + style.symbols["empty"] * (BAR_WIDTH - filled)
    days = sum(r.done for r in everything)
    percent = 100 * done // total if total else 0
    return f"Course progress  {bar}  {done}/{total} tasks ({percent}%), {days}/{len(everything)} days complete"


def next_step(shown: list[DayResult]) -> str:
    """The one thing to do next: fix the first failure, else start the first task not started."""
    for result in shown:
        for task in result.results:
            if task.status in (Status.FAIL, Status.ERROR, Status.TIMEOUT):
                number = result.day.slug.split("_")[1]
                return (f"Next: fix {task.task} in {result.day.label} (the message above says what went wrong); "
                        f"stuck? `daykit hint {number} {task.task}`.")
    for result in shown:
        for task in result.results:
            if task.status is Status.NOT_STARTED:
                number = result.day.slug.split("_")[1]
                return (f"Next: write {task.task} in {result.day.label}, where it says YOUR CODE HERE; "
                        f"then `daykit check {number}` (or `daykit watch {number}`).")
    return "Every task shown passes its visible checks. Well done!"


def render_check(shown: list[DayResult], everything: list[DayResult], color: bool | None = None) -> str:
    style = Style(color)
    parts = [day_table(r, style) for r in shown]
    parts.append(progress_bar(everything, style))
    parts.append(next_step(shown))
    return "\n\n".join(parts)
