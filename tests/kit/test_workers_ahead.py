"""Workers started ahead: each grading process has the fork server start the next submission's worker
while the present one is checked, and reap the last one while the next runs. Through the real
``daykit grade``: a class graded by one process gets the same verdicts as each student graded alone,
a worker that dies or hangs costs only its own task (the next task and the next student take the
worker started ahead), and when the command ends no worker and no scratch folder is left.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
from pathlib import Path

import pytest

from tests.kit.course_copy import command, course_copy, environment, hand_in, solution_notebook

EXIT_IN_FIRST_TASK = "import os\nos._exit(3)\n"
HANG_IN_FIRST_TASK = "while True:\n    pass\n"


def with_body(notebook: dict, task: str, body: str) -> dict:
    """``notebook`` whose ``task`` cell runs ``body`` when the task is called."""
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == task:
            indented = "\n".join("    " + line for line in body.splitlines())
            cell["source"] = f"def {task}(*args, **kwargs):\n{indented}\n"
    return notebook


def processes_in(folder: Path) -> list[int]:
    """The processes whose working directory is inside ``folder`` (a worker works in its scratch folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            where = os.readlink(entry / "cwd")
        except OSError:
            continue
        if where.startswith(str(folder)):
            found.append(int(entry.name))
    return found


def test_one_grading_process_grades_a_class_with_workers_started_ahead(tmp_path):
    root = course_copy(tmp_path)
    honest = solution_notebook(root)
    students = {
        "ann": honest,
        "bob": with_body(solution_notebook(root), "symbolic_derivative", EXIT_IN_FIRST_TASK),
        "cat": honest,
        "dan": with_body(solution_notebook(root), "symbolic_derivative", HANG_IN_FIRST_TASK),
        "eve": solution_notebook(root, stubbed=("numerical_gradient",)),
        "fay": honest,
    }
    for student, notebook in students.items():
        hand_in(root, student, notebook)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = environment(TMPDIR=str(scratch))
    command(root, "daykit", "grade", "39", "--no-gradebook", "--jobs", "1", "--timeout", "3", env=env)

    results = {p.stem: json.loads(p.read_text()) for p in (root / "results" / "day_39" / "submissions").glob("*.json")}
    status = {s: {t["task"]: t["status"] for t in doc["tasks"]} for s, doc in results.items()}
    for student in ("ann", "cat", "fay"):
        assert results[student]["score"] == results[student]["max_score"], status[student]
    # the exit and the endless loop cost their own task; the next task had a live worker
    assert status["bob"] == {"symbolic_derivative": "error", "numerical_gradient": "pass",
                             "chain_rule_derivative": "pass"}
    assert status["dan"] == {"symbolic_derivative": "timeout", "numerical_gradient": "pass",
                             "chain_rule_derivative": "pass"}
    assert status["eve"] == {"symbolic_derivative": "pass", "numerical_gradient": "not_started",
                             "chain_rule_derivative": "pass"}
    # every worker a student ran in was confined as the README says, the ones started ahead included
    assert len({tuple(doc["isolation"]) for doc in results.values()}) == 1

    # nothing outlives the command: no worker, no worker started ahead, no scratch folder
    assert processes_in(scratch) == []
    assert sorted(p.name for p in scratch.glob("daykit-worker-*")) == []

    # the same verdicts as each student graded alone, in a fresh command
    for student in ("bob", "fay"):
        alone = command(root, "daykit", "grade", "39", str(root / "submitted" / student / "day_39" / "day_39.ipynb"),
                        "--no-gradebook", "--json", "--timeout", "3", "--results", str(tmp_path / student), env=env)
        tasks = json.loads(alone.stdout)["submissions"][0]["tasks"]
        assert {t["task"]: t["status"] for t in tasks} == status[student]


@pytest.mark.skipif(len(getattr(os, "sched_getaffinity", lambda _: ())(0)) < 2, reason="one CPU: nothing to choose")
def test_each_grading_process_and_its_workers_keep_to_one_cpu(tmp_path):
    """A grading process and its worker take turns on every call: each pair runs on a CPU of its own. The
    student's code sees it (its task is right only when it may run on exactly one CPU)."""
    root = course_copy(tmp_path)
    one_cpu = "import os\nassert len(os.sched_getaffinity(0)) == 1, os.sched_getaffinity(0)\n"
    for student in ("ann", "bob", "cat", "dan"):
        hand_in(root, student, first_in(solution_notebook(root), "numerical_gradient", one_cpu))
    command(root, "daykit", "grade", "39", "--no-gradebook", "--jobs", "2")
    results = [json.loads(p.read_text()) for p in (root / "results" / "day_39" / "submissions").glob("*.json")]
    assert len(results) == 4
    for doc in results:
        assert doc["score"] == doc["max_score"], doc["tasks"]


def first_in(notebook: dict, task: str, code: str) -> dict:
    """``notebook`` whose ``task`` runs ``code`` first, then its own body."""
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == task:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            head, _, body = source.partition(":\n")
            cell["source"] = head + ":\n" + "\n".join("    " + line for line in code.splitlines()) + "\n" + body
    return notebook


KEY = 0xDA1C0DE


def shared_memory_with_key(key: int) -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.shmget(key, 0, 0) >= 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="namespaces are Linux's")
def test_system_v_shared_memory_reaches_no_other_worker_and_ends_with_its_worker(tmp_path):
    """Student A leaves a System V shared memory segment (and a queue, and a semaphore); the next student's
    worker, started ahead while A ran, must not find it, and nothing is left once the command ends."""
    if shared_memory_with_key(KEY):
        pytest.skip("a segment with the test's key exists on this machine")
    root = course_copy(tmp_path)
    leave = (f"import ctypes\nlibc = ctypes.CDLL(None)\nsid = libc.shmget({KEY}, 65536, 0o1000 | 0o666)\n"
             "libc.shmat.restype = ctypes.c_void_p\naddr = libc.shmat(sid, None, 0)\nctypes.memset(addr, 65, 16)\n"
             f"libc.msgget({KEY}, 0o1000 | 0o666)\nlibc.semget({KEY}, 1, 0o1000 | 0o666)\n")
    find = (f"import ctypes\nlibc = ctypes.CDLL(None)\n"
            f"assert libc.shmget({KEY}, 0, 0) < 0 and libc.msgget({KEY}, 0) < 0 and libc.semget({KEY}, 0, 0) < 0\n")
    hand_in(root, "a_leaves", first_in(solution_notebook(root), "numerical_gradient", leave))
    for student in ("b_finds", "c_finds"):
        hand_in(root, student, first_in(solution_notebook(root), "numerical_gradient", find))
    command(root, "daykit", "grade", "39", "--no-gradebook", "--jobs", "1")
    results = {p.stem: json.loads(p.read_text()) for p in (root / "results" / "day_39" / "submissions").glob("*.json")}
    for student, doc in results.items():
        assert doc["score"] == doc["max_score"], (student, doc["tasks"])
    if "ipc-namespace" in results["a_leaves"]["isolation"]:
        assert not shared_memory_with_key(KEY)


def test_a_forged_load_reply_costs_its_student_a_result_and_nothing_more(tmp_path):
    """A submission that writes its own reply to the grader's socket at load time (a list where there
    should be names) and exits: it gets a result with every task in error, the next student full marks,
    and no scratch folder is left behind."""
    root = course_copy(tmp_path)
    forge = ("import json, os, struct\nfor fd in range(3, 64):\n    try:\n        os.fstat(fd)\n    except OSError:\n"
             "        continue\n    payload = json.dumps({'defined': 5, 'errors': 7}).encode()\n"
             "    os.write(fd, struct.pack('!Q', len(payload)) + payload)\n    break\nos._exit(0)\n")
    notebook = solution_notebook(root)
    notebook["cells"].insert(0, {"cell_type": "code", "metadata": {}, "source": forge, "outputs": [],
                                 "execution_count": None, "id": "forge"})
    hand_in(root, "a_forges", notebook)
    hand_in(root, "b_honest", solution_notebook(root))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    command(root, "daykit", "grade", "39", "--no-gradebook", "--jobs", "1", env=environment(TMPDIR=str(scratch)))
    results = {p.stem: json.loads(p.read_text()) for p in (root / "results" / "day_39" / "submissions").glob("*.json")}
    assert {t["status"] for t in results["a_forges"]["tasks"]} == {"error"}
    assert results["b_honest"]["score"] == results["b_honest"]["max_score"]
    assert sorted(p.name for p in scratch.glob("daykit-worker-*")) == []
