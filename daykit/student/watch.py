"""``daykit watch [DAY]``: re-run a day's visible checks every time its exercise file is saved.

The watcher polls file modification times (no extra dependency), waits until a saved file has stopped
changing (debounce), re-runs only the day that changed and redraws a compact screen: the day's table,
the course progress, the file being watched and a one-line key menu. Typing ``h`` then Enter shows the
next hint of the first unfinished task, ``q`` then Enter (or Ctrl-C) quits.

``Watcher.step()`` is one iteration and ``watch(..., iterations=N)`` runs N of them, so the loop is
tested without a terminal.
"""

from __future__ import annotations

import select
import sys
import time
from collections.abc import Callable

from daykit.checking.runner import Status
from daykit.course import Course
from daykit.student.hints import reveal
from daykit.student.practice import DayResult, course_results, run_day
from daykit.student.screen import Style, day_table, progress_bar

CLEAR = "\033[2J\033[H"
INTERVAL = 0.5
DEBOUNCE = 0.2


def terminal_keys() -> list[str]:
    """Lines typed on the terminal since the last call (none when stdin is not a terminal)."""
    if not sys.stdin.isatty():
        return []
    lines = []
    try:
        while select.select([sys.stdin], [], [], 0)[0]:
            line = sys.stdin.readline()
            if not line:
                break
            lines.append(line.strip().lower())
    except (OSError, ValueError):  # no select on this platform's stdin
        return []
    return lines


class Watcher:
    """The state of a watch session: what was last seen on disk, and the results per day."""

    def __init__(self, course: Course, days: list[str], *, out=None, color: bool | None = None,
                 sleep: Callable[[float], None] = time.sleep, keys: Callable[[], list[str]] = terminal_keys,
                 debounce: float = DEBOUNCE):
        self.course, self.days = course, days
        self.out = out or sys.stdout
        self.style = Style(color)
        self.clear = self.style.color
        self.sleep, self.keys, self.debounce = sleep, keys, debounce
        self.seen = self.signatures()
        self.results: dict[str, DayResult] = {}
        self.current = days[0]
        self.note = ""
        self.quit = False

    def signatures(self) -> dict[str, tuple[int, int]]:
        out = {}
        for day in self.days:
            try:
                stat = self.course.stub(day).stat()
                out[day] = (stat.st_mtime_ns, stat.st_size)
            except FileNotFoundError:
                out[day] = (0, 0)
        return out

    def poll(self) -> list[str]:
        """The days whose exercise file changed and has stopped changing since the last poll."""
        now = self.signatures()
        if now == self.seen:
            return []
        for _ in range(20):  # an editor may write a file in several steps: wait until it settles
            self.sleep(self.debounce)
            settled = self.signatures()
            if settled == now:
                break
            now = settled
        changed = [d for d in self.days if now[d] != self.seen.get(d)]
        self.seen = now
        return changed

    def rerun(self, days: list[str]) -> None:
        for day in days:
            self.results[day] = run_day(self.course, day)
        if days:
            self.current = days[-1]

    def screen(self) -> str:
        result = self.results[self.current]
        number = self.current.split("_")[1]
        everything = course_results(self.course, self.results)
        menu = f"h⏎ next hint · q⏎ quit · Ctrl-C quit · in another terminal: daykit hint {number} TASK"
        parts = [
            day_table(result, self.style),
            progress_bar(everything, self.style),
            f"Watching {result.day.label}: save it to re-run its checks.",
            self.style.paint(menu, "dim"),
        ]
        if self.note:
            parts.insert(2, self.note)
        return "\n\n".join(parts)

    def draw(self) -> None:
        self.out.write((CLEAR if self.clear else "\n") + self.screen() + "\n")
        self.out.flush()

    def first_unfinished(self) -> str | None:
        for task in self.results[self.current].results:
            if task.status is not Status.PASS:
                return task.task
        return None

    def handle(self, key: str) -> bool:
        """Act on a typed line; whether the screen must be redrawn."""
        if key in ("q", "quit", "exit"):
            self.quit = True
            return False
        if key in ("h", "hint"):
            task = self.first_unfinished()
            self.note = reveal(self.course, self.current, task) if task else "Every task passes: no hint needed."
            return True
        return False

    def start(self) -> None:
        self.rerun(self.days)
        self.current = next((d for d in self.days if not self.results[d].done), self.days[0])
        self.draw()

    def step(self) -> bool:
        """One iteration: act on keys, re-run what changed, redraw if anything did. Whether it redrew."""
        redraw = any([self.handle(key) for key in self.keys()])
        changed = self.poll()
        if changed:
            self.note = ""
            self.rerun(changed)
        if (changed or redraw) and not self.quit:
            self.draw()
            return True
        return False


def watch(course: Course, days: list[str], *, iterations: int | None = None, interval: float = INTERVAL,
          **options) -> Watcher:
    """Draw, then poll every ``interval`` seconds (forever, or ``iterations`` times) until quit."""
    watcher = Watcher(course, days, **options)
    watcher.start()
    count = 0
    while not watcher.quit and (iterations is None or count < iterations):
        watcher.sleep(interval)
        watcher.step()
        count += 1
    return watcher


def run(args) -> int:
    course = Course.here()
    days = course.select(args.days)
    days = [d for d in days if course.stub(d).exists()] or days
    try:
        watch(course, days)
    except KeyboardInterrupt:
        pass
    print("\nStopped watching. Run `daykit check` to see where you stand.")
    return 0


def add_command(commands) -> None:
    command = commands.add_parser("watch", help="re-run the checks each time you save an exercise file")
    command.add_argument("days", nargs="*", metavar="DAY", help="days to watch, like 39 (default: all)")
    command.set_defaults(run=run)
