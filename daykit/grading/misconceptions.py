"""The class view of the mistakes: ``results/<day>/misconceptions.md`` and ``misconceptions.json``.

Per task, how many students showed each known misconception (the diagnoses in their results), and the
failures no known misconception explains, grouped by identical behaviour (the same outcomes on the
same calls: the ``behaviour`` digest the grader stores), largest group first, with one example student
each. A large unexplained group is a mistake many students share that deserves a variant and a hint:
see the README, "Turning a new group into a known mistake".
"""

from __future__ import annotations

import json
from pathlib import Path

from daykit.authoring.model import Day
from daykit.course import write_atomically

FAILED = ("fail", "error")


def misconception_table(day: Day, docs: list[dict]) -> dict:
    """The day's table as plain data: ``{"day", "tasks": [{"task", "failed", "known": [...],
    "unexplained": [...]}]}``, students in each list sorted, the largest count first."""
    tasks = []
    for task in day.tasks:
        failed = [(doc["student"], t) for doc in sorted(docs, key=lambda d: d["student"])
                  for t in doc.get("tasks", []) if t.get("task") == task.name and t.get("status") in FAILED]
        known: dict[str, dict] = {}
        groups: dict[str, list[str]] = {}
        for student, result in failed:
            found = result.get("diagnosis")
            if isinstance(found, dict) and found.get("variant"):
                entry = known.setdefault(found["variant"], {"variant": found["variant"],
                                                            "reason": found.get("reason", ""), "students": []})
                entry["students"].append(student)
            else:
                groups.setdefault(result.get("behaviour") or f"no-digest:{student}", []).append(student)
        tasks.append({
            "task": task.name,
            "failed": len(failed),
            "known": sorted(({**e, "count": len(e["students"])} for e in known.values()),
                            key=lambda e: (-e["count"], e["variant"])),
            "unexplained": sorted(({"behaviour": key, "count": len(students), "example": students[0],
                                    "students": students} for key, students in groups.items()),
                                  key=lambda g: (-g["count"], g["example"])),
        })
    return {"day": day.slug, "tasks": tasks}


def misconceptions_markdown(day: Day, table: dict) -> str:
    lines = [f"# {day.title}: the class's mistakes", "",
             "Per task: the known misconceptions the grader recognised (how many students showed each), then "
             "the failures none explains, grouped by identical behaviour on the checks' calls, largest first.",
             ""]
    for task in table["tasks"]:
        lines += [f"## {task['task']} — {task['failed']} failing", ""]
        if not task["failed"]:
            lines += ["No student failed this task.", ""]
            continue
        if task["known"]:
            lines += ["| students | known misconception | variant |", "|---:|---|---|"]
            lines += [f"| {e['count']} | {e['reason']} | `{e['variant']}` |" for e in task["known"]]
            lines.append("")
        if task["unexplained"]:
            lines += ["| students | unexplained behaviour | example student |", "|---:|---|---|"]
            lines += [f"| {g['count']} | group `{g['behaviour']}` | {g['example']} |" for g in task["unexplained"]]
            lines.append("")
    return "\n".join(lines)


def misconceptions_text(table: dict) -> str:
    """A short plain-text view for a terminal (the demo prints it)."""
    lines = []
    for task in table["tasks"]:
        if not task["failed"]:
            continue
        lines.append(f"  {task['task']}: {task['failed']} failing")
        lines += [f"    {e['count']:3d} × {e['reason']}" for e in task["known"]]
        lines += [f"    {g['count']:3d} × unexplained (group {g['behaviour']}, e.g. {g['example']})"
                  for g in task["unexplained"]]
    return "\n".join(lines) or "  no failing task"


def write_misconceptions(day: Day, docs: list[dict], folder: Path) -> dict[str, Path]:
    table = misconception_table(day, docs)
    paths = {"misconceptions": folder / "misconceptions.md", "misconceptions_json": folder / "misconceptions.json"}
    write_atomically(paths["misconceptions"], misconceptions_markdown(day, table) + "\n")
    write_atomically(paths["misconceptions_json"], json.dumps(table, indent=1) + "\n")
    return paths

