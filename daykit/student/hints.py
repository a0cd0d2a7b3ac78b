"""``daykit hint DAY [TASK]``: a task's hints, one level at a time, from a nudge to nearly the answer.

Hints are authored per task in ``hints/day_NN.toml`` and shipped with the student edition. Each call
reveals one more hint and shows the ones already seen; the level reached is remembered per task in
``.daykit/hints.json``. ``--all`` shows every hint, ``--reset`` forgets what was shown. Without a
TASK, it lists the day's tasks and how many of their hints were seen.
"""

from __future__ import annotations

import tomllib

from daykit.course import Course, CourseError
from daykit.student.practice import practice_day
from daykit.student.state import read_state, write_state

STATE = "hints.json"


def read_hints(course: Course, day: str) -> dict[str, list[str]]:
    path = course.hints(day)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise CourseError(f"{course.relative(path)} is not valid TOML: {exc}") from None
    return {name: [str(h) for h in entry.get("hints", [])] for name, entry in data.items() if isinstance(entry, dict)}


def _levels(course: Course) -> dict:
    return read_state(course, STATE)


def _save_levels(course: Course, levels: dict) -> None:
    write_state(course, STATE, levels)


def shown_level(course: Course, day: str, task: str) -> int:
    value = _levels(course).get(day, {}).get(task, 0)
    return value if isinstance(value, int) and value >= 0 else 0


def set_level(course: Course, day: str, task: str, level: int | None) -> None:
    """Remember how many hints of a task were shown; None forgets it."""
    levels = _levels(course)
    mine = levels.setdefault(day, {})
    if not isinstance(mine, dict):
        mine = levels[day] = {}
    if level is None:
        mine.pop(task, None)
    else:
        mine[task] = level
    _save_levels(course, levels)


def reveal(course: Course, day: str, task: str, show_all: bool = False) -> str:
    """Show one more hint of the task (or all of them) and remember the level reached."""
    hints = read_hints(course, day).get(task, [])
    number = day.split("_")[1]
    if not hints:
        return f"{task} has no hints in {course.relative(course.hints(day))}. Reread its docstring in " \
               f"{course.relative(course.stub(day))}: it says what to return, and gives an example."
    level = len(hints) if show_all else min(shown_level(course, day, task) + 1, len(hints))
    set_level(course, day, task, level)
    lines = [f"Hints for {task} ({day}), {level} of {len(hints)}:"]
    lines += [f"  {i}. {hint}" for i, hint in enumerate(hints[:level], start=1)]
    if level < len(hints):
        lines.append(f"Still stuck? `daykit hint {number} {task}` again shows the next one.")
    else:
        lines.append(f"That was the last hint. Then run `daykit check {number}` and read the message of the "
                     "failing check: it says what was called and what was expected.")
    return "\n".join(lines)


def overview(course: Course, day: str) -> str:
    info = practice_day(course, day)
    hints = read_hints(course, day)
    number = day.split("_")[1]
    width = max(len(n) for n in info.names)
    lines = [f"Hints for {day}, per task (seen / available):"]
    for name in info.names:
        lines.append(f"  {name:<{width}}  {shown_level(course, day, name)}/{len(hints.get(name, []))}")
    lines.append(f"Show the next hint of a task with `daykit hint {number} TASK`.")
    return "\n".join(lines)


def run(args) -> int:
    course = Course.here()
    day = course.select([args.day])[0]
    info = practice_day(course, day)
    if args.task is None:
        if args.reset:
            levels = _levels(course)
            levels.pop(day, None)
            _save_levels(course, levels)
            print(f"Forgot the hints shown for every task of {day}.")
            return 0
        print(overview(course, day))
        return 0
    task = info.task(args.task).name
    if args.reset:
        set_level(course, day, task, None)
        print(f"Forgot the hints shown for {task}; `daykit hint {day.split('_')[1]} {task}` starts again.")
        return 0
    print(reveal(course, day, task, show_all=args.all))
    return 0


def add_command(commands) -> None:
    command = commands.add_parser("hint", help="show a task's hints, one more each time")
    command.add_argument("day", metavar="DAY", help="the day, like 39 or day_39")
    command.add_argument("task", nargs="?", metavar="TASK", help="the task (function name); omit to list the tasks")
    command.add_argument("--all", action="store_true", help="show every hint of the task at once")
    command.add_argument("--reset", action="store_true", help="forget the hints shown (for the task, or the day)")
    command.set_defaults(run=run)
