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
from daykit.student.practice import OUTPUT_LINES, DayResult, PracticeDay

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
    """A task's line: its mark, name, worth in points and status word, then its message if it did not pass.

    The points are what the task is worth, not a score: a practice run runs only the visible checks."""
    symbol, color, word = LABELS[result.status]
    head = f"  {style.paint(style.symbols[symbol], color)} {result.task:<{width}}  "
    head += f"{result.max_points:>2} pt  {style.paint(word, color)}"
    if result.status in (Status.PASS, Status.NOT_STARTED) or not result.message:
        return head
    return head + "\n" + _indent(result.message, "      ")


def day_head(day: PracticeDay, label: str, style: Style) -> str:
    return style.paint(f"{day.title}", "bold") + f"   ({label})"


def load_line(result: DayResult) -> str:
    return _indent(f"does not load: {result.load_error}", "  ! ")


def task_width(day: PracticeDay) -> int:
    return max(len(t.name) for t in day.tasks)


def day_foot(result: DayResult, style: Style) -> str:
    """The day's counts, and what they measured: the visible checks only."""
    total = sum(r.max_points for r in result.results)
    counts = ", ".join(f"{result.count(s)} {LABELS[s][2]}" for s in Status if result.count(s))
    summary = f"  visible checks: {counts} ({result.passed}/{len(result.results)} tasks)"
    if result.done:
        summary += f"; at grading, hidden checks try other inputs for the {total} points"
    lines = [style.paint(summary, "dim")]
    if result.output.strip():
        shown = result.output.strip().splitlines()
        clipped = shown[-OUTPUT_LINES:]
        lines.append(f"  your code printed{f' (last {OUTPUT_LINES} lines)' if len(shown) > OUTPUT_LINES else ''}:")
        lines += [f"  | {line}" for line in clipped]
    return "\n".join(lines)


def day_table(result: DayResult, style: Style) -> str:
    lines = [day_head(result.day, result.label, style)]
    if result.load_error:
        lines.append(load_line(result))
    width = task_width(result.day)
    lines += [task_line(r, width, style) for r in result.results]
    lines.append(day_foot(result, style))
    return "\n".join(lines)


def progress_bar(everything: list[DayResult], style: Style) -> str:
    done = sum(r.passed for r in everything)
    total = sum(len(r.results) for r in everything)
    filled = round(BAR_WIDTH * done / total) if total else 0
    bar = style.paint(style.symbols["full"] * filled, "green") + style.symbols["empty"] * (BAR_WIDTH - filled)
    days = sum(r.done for r in everything)
    percent = 100 * done // total if total else 0
    return (f"Course progress  {bar}  {done}/{total} tasks ({percent}%), {days}/{len(everything)} days complete"
            " (visible checks)")


def next_step(shown: list[DayResult], command: str = "check") -> str:
    """The one thing to do next: make the file load, fix the first failure, else start the first task
    not started; when everything shown passes, say what the grade will still depend on."""
    for result in shown:
        if result.load_error:
            number = result.day.slug.split("_")[1]
            where = result.load_where or result.label
            return (f"Next: fix {where} — {result.label} must load before its tasks can be checked; "
                    f"then `daykit {command} {number}` again.")
    for result in shown:
        for task in result.results:
            if task.status in (Status.FAIL, Status.ERROR, Status.TIMEOUT):
                number = result.day.slug.split("_")[1]
                return (f"Next: fix {task.task} in {result.label} (the message above says what went wrong); "
                        f"stuck? `daykit hint {number} {task.task}`.")
    for result in shown:
        for task in result.results:
            if task.status is Status.NOT_STARTED:
                number = result.day.slug.split("_")[1]
                return (f"Next: write {task.task} in {result.label}, where it says YOUR CODE HERE; "
                        f"then `daykit check {number}` (or `daykit watch {number}`).")
    return ("Visible checks passed; at grading, hidden checks try other inputs. Before you submit, try each "
            "function on inputs of your own and compare with what its docstring says it must return.")


def render_check(shown: list[DayResult], everything: list[DayResult], color: bool | None = None) -> str:
    style = Style(color)
    parts = [day_table(r, style) for r in shown]
    parts.append(progress_bar(everything, style))
    parts.append(next_step(shown))
    return "\n\n".join(parts)
