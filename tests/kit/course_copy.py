"""A stand-alone copy of the course with one day, to run the instructor's commands in as they are typed.

`daykit grade`, `daykit demo`, `daykit export` and nbgrader's commands find their course from the current
folder; a copy in a temporary folder keeps their results, gradebook and sample class away from the
repository's, and from other tests run side by side.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from daykit.course import Course

COURSE = Course.here()
BIN = Path(sys.executable).parent


def course_copy(parent: Path, day: str = "day_39", config: str = "") -> Path:
    """The course's files for ``day`` (authored and generated) and its nbgrader_config.py, with ``config``
    appended to the latter, in ``parent/course``."""
    root = Path(parent) / "course"
    files = [COURSE.solution(day), COURSE.checks(day), COURSE.hidden_checks(day), COURSE.variants(day),
             COURSE.hints(day), COURSE.stub(day)]
    for path in files:
        target = root / path.relative_to(COURSE.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    shutil.copytree(COURSE.source_notebook(day).parent, root / "source" / day)
    text = (COURSE.root / "nbgrader_config.py").read_text(encoding="utf-8")
    (root / "nbgrader_config.py").write_text(text + config, encoding="utf-8")
    return root


def environment(**extra: str) -> dict[str, str]:
    """The instructor's shell: the venv's commands on PATH, no DAYKIT_DB_URL unless given."""
    env = {k: v for k, v in os.environ.items() if k != "DAYKIT_DB_URL"}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", MPLBACKEND="Agg", **extra)
    return env


def command(root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 600
            ) -> subprocess.CompletedProcess:
    """Run ``args`` (``daykit ...`` or ``nbgrader ...``) in ``root``; fail with its output when it fails."""
    done = subprocess.run([str(BIN / args[0]), *args[1:]], cwd=root, env=env or environment(), text=True,
                          capture_output=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


def solution_notebook(root: Path, day: str = "day_39", stubbed: tuple[str, ...] = ()) -> dict:
    """The source notebook as a student hands it in: the reference in every task cell, or a stub that
    raises NotImplementedError in the tasks named in ``stubbed``."""
    notebook = json.loads((root / "source" / day / f"{day}.ipynb").read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in stubbed:
            cell["source"] = f"def {meta['grade_id']}(*args, **kwargs):\n    raise NotImplementedError()\n"
    return notebook


def hand_in(root: Path, student: str, notebook: dict, day: str = "day_39",
            stamp: str = "2026-12-01 10:00:00.000000 UTC") -> Path:
    """``submitted/<student>/<day>/<day>.ipynb`` and its timestamp.txt, as ``nbgrader collect`` lays them out."""
    folder = root / "submitted" / student / day
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{day}.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    (folder / "timestamp.txt").write_text(stamp + "\n", encoding="utf-8")
    return path
