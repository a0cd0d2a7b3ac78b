"""``daykit watch [DAY]``: re-run a day's visible checks every time its exercise file is saved.

The watcher polls file modification times (no extra dependency), waits until a saved file has stopped
changing (debounce), re-runs only the day that changed and redraws a compact screen: the day's table,
the course progress, the file being watched and a one-line key menu. Typing ``h`` then Enter shows the
next hint of the first unfinished task, ``q`` then Enter (or Ctrl-C) quits.

The checks run as in ``daykit check``: in a child process, each task within its time limit, and the
screen is redrawn as each task ends, with the task running named, so a task that hangs shows as
running, then as timed out. ``--target`` watches another file (a ``.py`` or ``.ipynb``) than the
day's exercise file.

``Watcher.step()`` is one iteration and ``watch(..., iterations=N)`` runs N of them, so the loop is
tested without a terminal.
"""

from __future__ import annotations

import select
import sys
import time
from collections.abc import Callable
from pathlib import Path

from daykit.checking.limit import TASK_SECONDS
from daykit.checking.runner import Status, TaskResult
from daykit.course import Course, CourseError
from daykit.student.check import add_target_options, chosen_days, targets
from daykit.student.hints import reveal
from daykit.student.practice import DayResult, Interrupted, course_results, practice_day, run_day
from daykit.student.screen import Style, day_head, day_table, load_line, progress_bar, task_line, task_width

CLEAR = "\033[2J\033[H"
INTERVAL = 0.5
DEBOUNCE = 0.2


def terminal_keys() -> list[str]:
    """Lines typed since the last call, on the terminal or a pipe (none when stdin cannot be polled)."""
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
                 debounce: float = DEBOUNCE, files: dict[str, tuple[Path | None, str | None]] | None = None,
                 limit: float = TASK_SECONDS):
        self.course, self.days = course, days
        self.files = files or {day: (None, None) for day in days}  # day -> (--target file, its label)
        self.limit = limit
        self.partial: dict | None = None  # the run in progress: its day, load error, results, running task
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
                stat = (self.files[day][0] or self.course.stub(day)).stat()
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
            self.current = day
            target, label = self.files[day]
            try:
                tasks = practice_day(self.course, day)
            except CourseError as exc:
                if day not in self.results:  # broken before watching began: say so and stop, as check does
                    raise
                # saved mid-way or emptied: keep the last results on screen and wait for the next save
                self.note = f"{exc} The last results stay until it is saved again."
                continue
            self.partial = {"day": tasks, "label": label, "load": None, "done": [],
                            "running": None, "since": time.monotonic()}
            self.draw()
            try:
                self.results[day] = run_day(self.course, day, target=target, label=label, limit=self.limit,
                                            report=self.progress)
            finally:
                self.partial = None

    def progress(self, kind: str, value) -> None:
        """Redraw as a run goes: when a task starts (named as running) and when it ends."""
        if self.partial is None:
            return
        if kind == "loaded":
            self.partial["load"] = value
        elif kind == "start":
            self.partial["running"], self.partial["since"] = value, time.monotonic()
            self.draw()
        elif kind == "done":
            self.partial["done"].append(value)
            self.partial["running"] = None
            self.draw()

    def running_screen(self) -> str:
        run = self.partial
        day = run["day"]
        label = run["label"] or day.label
        width = task_width(day)
        lines = [day_head(day, label, self.style)]
        if run["load"]:
            lines.append(load_line(DayResult(day, [], run["load"])))
        done: list[TaskResult] = run["done"]
        lines += [task_line(r, width, self.style) for r in done]
        finished = {r.task for r in done}
        for task in day.tasks:
            if task.name == run["running"]:
                lines.append(self.style.paint(f"  … {task.name:<{width}}  {task.points:>2} pt  running "
                                              f"(stopped after {self.limit:g} s)", "yellow"))
            elif task.name not in finished:
                lines.append(self.style.paint(f"    {task.name:<{width}}  {task.points:>2} pt  waiting", "dim"))
        return "\n".join(lines) + f"\n\nChecking {label}…"

    def screen(self) -> str:
        if self.partial is not None:
            return self.running_screen()
        result = self.results[self.current]
        number = self.current.split("_")[1]
        menu = f"h⏎ next hint · q⏎ quit · Ctrl-C quit · in another terminal: daykit hint {number} TASK"
        parts = [day_table(result, self.style)]
        if self.files[self.current][0] is None:
            parts.append(progress_bar(course_results(self.course, self.results), self.style))
        parts += [f"Watching {result.label}: save it to re-run its checks.", self.style.paint(menu, "dim")]
        if self.note:
            parts.insert(len(parts) - 2, self.note)
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
    days = chosen_days(course, args.days, args.target)
    if args.target is None:
        days = [d for d in days if course.stub(d).exists()] or days
    files = targets(course, days, args.target)
    days = [d for d in days if d in files]
    try:
        watch(course, days, files=files, limit=args.time_limit)
    except Interrupted as exc:
        print(f"\n{exc}")
    except KeyboardInterrupt:
        pass
    print("\nStopped watching. Run `daykit check` to see where you stand.")
    return 0


def add_command(commands) -> None:
    command = commands.add_parser("watch", help="re-run the checks each time you save an exercise file")
    command.add_argument("days", nargs="*", metavar="DAY", help="days to watch, like 39 (default: all)")
    add_target_options(command)
    command.set_defaults(run=run)
