"""`daykit grade` on a Dask cluster gives the local pool's results, whatever the submission or the cluster does.

One LocalCluster of two single-threaded worker processes (`processes=True`, each with its nanny) serves
the module, reached by its scheduler's address as a remote cluster is. A class of Day 39 submissions
(an honest one, a stub, a hang, a crash, a memory hog, a slow one, notebooks, a refused file) is
graded once by the local pool and once on the cluster; every results document must be the same but
for the time it took. A Dask worker process is then killed with SIGKILL while it grades: its nanny
starts a new one, the scheduler gives the task to a worker again, and the results are still the same.
"""

import json
import os
import pickle
import signal
import subprocess
import sys
import threading
import time

import pytest

from daykit.course import CourseError
from daykit.grading import remote
from daykit.grading.cluster import pool
from daykit.grading.grade import ClassRun, Plan, Submission, graded_day
from daykit.grading.worker import Limits
from tests.kit.test_grade import COURSE, DAY, REFERENCE, STUB, notebook, with_body

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow
# Two runs of one class are compared: limits with room, so that no honest task times out on a busy machine.
LIMITS = Limits(task_seconds=5, load_seconds=10, memory_bytes=512 * 2**20)

CLASS = {
    "reference.py": REFERENCE,
    "stub.py": STUB,
    "hang.py": with_body("numerical_gradient", "while True:\n    pass"),
    "crash.py": with_body("symbolic_derivative", "import os\nos._exit(3)"),
    "memory_hog.py": with_body("symbolic_derivative", "hog = bytearray(8 * 2**30)"),
    "slow.py": with_body("numerical_gradient", "import time\ntime.sleep(1)"),  # well within its 5 s
    "nb_reference.ipynb": notebook(),
    "nb_unreadable.ipynb": '{"cells": [ this is not json',
}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local, distributed.Client(local) as client:
        yield local.scheduler_address, client


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    found = []
    for name, text in CLASS.items():
        (folder / name).write_text(text)
        found.append(Submission(name.split(".")[0], folder / name))
    (folder / "elsewhere.py").write_text(REFERENCE)
    (folder / "link.py").symlink_to(folder / "elsewhere.py")
    found.append(Submission("link", folder / "link.py", problem="link.py is a symbolic link"))
    return found


def comparable(docs: list[dict]) -> dict[str, dict]:
    return {doc["student"]: {k: v for k, v in doc.items() if k != "seconds"} for doc in docs}


@pytest.fixture(scope="module")
def local(submissions, tmp_path_factory):
    folder = tmp_path_factory.mktemp("local")
    return comparable(ClassRun(COURSE, DAY, LIMITS, jobs=2, results=folder).grade(submissions))


@pytest.fixture(scope="module")
def on_cluster(cluster, submissions, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster")
    run = ClassRun(COURSE, DAY, LIMITS, results=folder, cluster=cluster[0])
    return comparable(run.grade(submissions)), folder


def test_a_class_on_the_cluster_gets_the_local_pools_results(local, on_cluster):
    docs, _ = on_cluster
    assert local["reference"]["score"] == 10 and local["stub"]["score"] == 0  # the class is what it claims
    assert {t["status"] for t in local["hang"]["tasks"]} >= {"timeout"}
    assert "exited with code 3" in json.dumps(local["crash"]["tasks"])
    assert "MemoryError" in json.dumps(local["memory_hog"]["tasks"])
    assert local["link"]["refused"]
    for student in local:
        assert docs[student] == local[student], student


def test_results_are_stored_as_they_come_and_a_second_run_grades_nothing(cluster, submissions, on_cluster):
    docs, folder = on_cluster
    stored = {p.stem: json.loads(p.read_text()) for p in (folder / "submissions").glob("*.json")}
    assert set(stored) == set(docs)
    assert all(stored[s]["score"] == docs[s]["score"] for s in docs)
    calls = []
    again = ClassRun(COURSE, DAY, LIMITS, results=folder, cluster=cluster[0])
    redone = again.grade(submissions, progress=lambda done, total: calls.append(done))
    assert calls == [len(submissions) - 1, len(submissions)]  # all current but the refused file, judged again
    assert [d["score"] for d in redone] == [docs[s.student]["score"] for s in submissions]


def test_an_interrupted_run_keeps_what_finished_and_leaves_nothing_on_the_workers(cluster, submissions, local,
                                                                                   tmp_path):
    address, client = cluster

    some = [s for s in submissions if s.student in ("reference", "stub", "nb_reference")]

    def interrupt(done, total):
        if done >= 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ClassRun(COURSE, DAY, LIMITS, results=tmp_path, cluster=address).grade(some, progress=interrupt)
    kept = sorted(p.stem for p in (tmp_path / "submissions").glob("*.json"))
    assert 2 <= len(kept) < len(some)
    assert not [p for p in (tmp_path / "submissions").iterdir() if p.name.startswith(".")]  # no partial file
    deadline = time.monotonic() + 30
    while any(client.run(lambda: sorted(remote._RUNS)).values()) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = client.run(lambda: sorted(remote._RUNS))
    assert not any(left.values()), left  # the run and its processes are gone
    resumed = comparable(ClassRun(COURSE, DAY, LIMITS, results=tmp_path, cluster=address).grade(some))
    assert resumed == {s.student: local[s.student] for s in some}


def test_a_worker_killed_mid_run_costs_a_retry_not_a_result(cluster, submissions, local, tmp_path):
    address, client = cluster
    before = client.run(os.getpid)
    killed = {}

    def busy() -> dict:
        return {w: keys for w, keys in client.processing().items()
                if w in before and any(str(k).startswith("daykit-grade-") for k in keys)}

    def kill_a_busy_worker():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            first = busy()
            time.sleep(0.3)  # well into its task: its grading process is running the submission
            still = {w: keys for w, keys in busy().items() if set(keys) & set(first.get(w, ()))}
            if still:
                worker, keys = next(iter(still.items()))
                # the run's folder on that machine, with the submission it is grading in it
                folders = client.run(lambda: [run.scratch for run in __import__(
                    "daykit.grading.remote", fromlist=["_RUNS"])._RUNS.values()], workers=[worker])[worker]
                killed.update(worker=worker, keys=keys, pid=before[worker], folders=folders)
                os.kill(before[worker], signal.SIGKILL)
                return

    some = [s for s in submissions if s.student in ("reference", "slow")]
    killer = threading.Thread(target=kill_a_busy_worker)
    killer.start()
    docs = comparable(ClassRun(COURSE, DAY, LIMITS, results=tmp_path, cluster=address).grade(some))
    killer.join()
    assert killed, "no task of the run was seen running"
    assert set(docs) == {s.student for s in some}
    for student in docs:
        assert docs[student] == local[student], (student, killed)
    client.wait_for_workers(2, timeout=60)
    after = client.run(os.getpid)
    assert killed["pid"] not in after.values()  # its nanny started a new worker process in its place
    with pytest.raises(ProcessLookupError):
        os.kill(killed["pid"], 0)
    # its grading processes removed the run's folder as they ended with it
    assert killed["folders"] and not [f for f in killed["folders"] if os.path.exists(f)]


def test_a_submission_travels_as_bytes_to_a_machine_without_the_course(tmp_path):
    """What a worker gets is the shipment and the file's bytes: the coordinator's path need not exist there."""
    day, locked = graded_day(COURSE, "day_39")
    from daykit.checking.runner import load_checks

    plans = {"day_39": Plan(day, load_checks(COURSE, "day_39"), locked)}
    shipment = remote.Shipment.of({"day_39": COURSE}, plans, LIMITS, seed=1)
    assert REFERENCE not in repr(shipment)  # no reference solution travels
    assert COURSE.hidden_checks("day_39").read_text() == shipment.days["day_39"].hidden  # once per run, as text
    job = remote.Job("day_39", "alice", "/nowhere/alice/day_39/day_39.py", REFERENCE.encode())
    assert len(pickle.dumps(job)) < len(job.data) + 500  # a task carries the file's bytes and little else
    key = remote.new_key()
    remote.install(key, pickle.dumps(shipment))
    try:
        nowhere = job.path
        doc = remote.grade(key, job)
        broken = remote.grade(key, remote.Job("day_39", "bob", "/nowhere/bob/day_39.ipynb", b"{ not json"))
    finally:
        remote.forget(key)
    assert (doc["score"], doc["path"], doc["student"]) == (10, nowhere, "alice")
    assert broken["score"] == 0 and "/nowhere/bob/day_39.ipynb is not a readable notebook" in json.dumps(broken)
    assert not (tmp_path / "nowhere").exists()


def test_the_command_grades_on_a_local_cluster_of_its_own(tmp_path):
    """`daykit grade 39 ... --cluster local:1` as typed: a LocalCluster started and closed by the command."""
    (tmp_path / "alice.py").write_text(REFERENCE)
    (tmp_path / "bob.py").write_text(STUB)
    command = [sys.executable, "-m", "daykit", "grade", "39", str(tmp_path / "alice.py"), str(tmp_path / "bob.py"),
               "--cluster", "local:1", "--json", "--no-gradebook", "--results", str(tmp_path / "results")]
    done = subprocess.run(command, cwd=COURSE.root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    scores = {s["student"]: s["score"] for s in json.loads(done.stdout)["submissions"]}
    assert scores == {"alice": 10, "bob": 0}
    assert sorted(p.name for p in (tmp_path / "results" / "submissions").iterdir()) == ["alice.json", "bob.json"]


def test_a_cluster_that_cannot_be_used_is_named_with_the_fix(monkeypatch):
    with pytest.raises(CourseError, match="local:N"):
        pool("local:0", {}, LIMITS, 2, {})
    with pytest.raises(CourseError, match="local:N"):
        pool("locally", {}, LIMITS, 2, {})
    monkeypatch.setattr("daykit.grading.cluster.CONNECT_SECONDS", 1)
    grader = pool("tcp://127.0.0.1:9", {}, LIMITS, 2, {})
    with pytest.raises(CourseError, match="did not answer.*dask scheduler"):
        list(grader.run([("day_39", Submission("alice", COURSE.solution("day_39")))]))
