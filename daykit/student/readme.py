"""The README of the student edition: set up in one command, then the practice loop."""

from __future__ import annotations

import re

from daykit.student.practice import PracticeDay

TEMPLATE = """\
# The calculus behind machine learning — exercises

One Python file per day in `exercises/`, with the lesson in its comments and one function to write
per task. Checks tell you, task by task, whether you are done.

| Day | Subject | Tasks |
| --- | --- | --- |
{table}

## Set up (once)

With Python 3.11 or later, from this folder:

```sh
python3 -m venv .venv && .venv/bin/pip install -e .
```

That makes a virtual environment in `.venv/` (a stock Debian or Ubuntu Python refuses `pip install`
outside one; on Debian, `apt install python3-venv` first if `venv` is missing) and installs NumPy,
SymPy, Matplotlib, pytest and the small `daykit` tool into it. Then, in each new terminal, activate it
with `source .venv/bin/activate` (Windows: `.venv\\Scripts\\activate`), so that the `pytest` and
`daykit` below are the ones of this folder; or type them as `.venv/bin/pytest` and `.venv/bin/daykit`.

## Work through a day

Open `exercises/{first}.py`. Each task is a function whose body says `YOUR CODE HERE`: replace
`raise NotImplementedError()` with your code, then run the day's checks:

```sh
pytest tests/test_{first}.py
```

You get one line per task: **passed**, **failed** with a message that says what was called, what came
back and what was expected, or **not started** for a task you have not touched yet (that is not a
failure). The same checks, and more:

```sh
daykit check {number}                # a table of the day's tasks and your progress through the course
daykit check                         # every day
daykit watch {number}                # re-runs the checks each time you save exercises/{first}.py
daykit hint {number} {task}   # one more hint each time; --all shows all, --reset starts again
```

## Or work in the notebook

`release/{first}/{first}.ipynb` holds the same lesson and tasks. Run the cells from the top (the folded
cell after the introduction sets up the checks); the cell under each task checks it and says "... is
not started", what went wrong, or that its checks passed. You need Jupyter for that:
`.venv/bin/pip install -e ".[notebook]"`, then `jupyter lab release/{first}/{first}.ipynb`.

`pytest tests/test_{first}.py` and `daykit check {number}` check `exercises/{first}.py`, not the notebook.
To check the notebook you worked in (save it first):

```sh
daykit check {number} --target release/{first}/{first}.ipynb
pytest tests/test_{first}.py --target release/{first}/{first}.ipynb
```

## What is here

```
exercises/   one file per day: the lesson and the functions you write
tests/       the checks that `pytest`, `daykit check` and the notebooks run
hints/       the hints `daykit hint` shows, one at a time
release/     the same days as notebooks
daykit/      the small tool behind `daykit check` and the pytest plugin
```

Your work is graded with these checks and with others that try different inputs, so write the method
the task describes rather than the answer the visible checks expect.
"""


TITLE_PREFIX = re.compile(r"^Day \d+\s*[—:-]\s*")


def _row(day: PracticeDay) -> str:
    tasks = ", ".join(f"`{t.name}`" for t in day.tasks)
    return f"| {day.slug.split('_')[1]} | {TITLE_PREFIX.sub('', day.title)} | {tasks} |"


def student_readme(days: list[PracticeDay]) -> str:
    first = days[0]
    return TEMPLATE.format(
        table="\n".join(_row(d) for d in days), first=first.slug, number=first.slug.split("_")[1],
        task=first.tasks[-1].name,
    )
