"""A worker's confinement, attacked from outside through the real ``daykit grade`` command.

A temporary course holds a Day 39 class in nbgrader's layout; each student is the reference solution
with an attack run at the start of ``numerical_gradient``. The attack returns a wrong gradient unless
it saw itself refused, so full marks prove three things at once: the attack ran, it failed, and the
honest tasks beside it lost nothing. Run as root (as CI runs it), where the confinement has the most
to take away; where the kernel lacks a mechanism the test that needs it is skipped, and the results'
``isolation`` list and the warning ``daykit grade`` prints say so.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from daykit.course import Course
from daykit.grading import sandbox

pytestmark = pytest.mark.slow

COURSE = Course.here()
REFERENCE = COURSE.solution("day_39").read_text()
DAYKIT = Path(sys.executable).with_name("daykit")
TAG = "dk" + uuid.uuid4().hex[:8]  # the name every process an attack starts gives itself
ROOT = os.geteuid() == 0
LINUX = sys.platform.startswith("linux")


def course_copy(root: Path) -> Path:
    """A course folder with Day 39 only, as an instructor's repository has it."""
    files = [COURSE.stub("day_39"), COURSE.checks("day_39"), COURSE.solution("day_39"), COURSE.hidden_checks("day_39"),
             COURSE.hints("day_39"), COURSE.source_notebook("day_39"), COURSE.root / "nbgrader_config.py"]
    for path in files:
        target = root / path.relative_to(COURSE.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return root


def with_attack(body: str) -> str:
    """The reference with ``body`` run first in ``numerical_gradient``; ``body`` sets ``escaped`` to
    a description of what got through, or leaves it empty."""
    marker = "def numerical_gradient("
    head, tail = REFERENCE.split(marker, 1)
    signature, rest = tail.split("### BEGIN SOLUTION", 1)
    code = "escaped = []\n" + body.strip() + "\nif escaped:\n    return np.array([0.0, 0.0])"
    indented = "\n".join("    " + line for line in code.splitlines())
    return head + marker + signature + "### BEGIN SOLUTION\n" + indented + "\n" + rest


def refused(label: str, action: str) -> str:
    """Attack code: run ``action`` (one statement); anything but an OSError means it got through."""
    return (f"try:\n    {action}\n    escaped.append({label!r})\nexcept OSError:\n    pass\n")


CAPABILITIES = """
import ctypes
held = None
try:
    for line in open('/proc/self/status'):
        if line.startswith(('CapEff:', 'CapPrm:', 'CapBnd:', 'CapAmb:')):
            held = (held or 0) | int(line.split()[1], 16)
except OSError:
    pass
if held is None:
    class Header(ctypes.Structure):
        _fields_ = [('version', ctypes.c_uint32), ('pid', ctypes.c_int)]
    class Data(ctypes.Structure):
        _fields_ = [('effective', ctypes.c_uint32), ('permitted', ctypes.c_uint32), ('inheritable', ctypes.c_uint32)]
    header, data = Header(0x20080522, 0), (Data * 2)()
    libc = ctypes.CDLL(None)
    if libc.capget(ctypes.byref(header), data) == 0:
        held = sum(d.effective | d.permitted | d.inheritable for d in data)
        held += sum(libc.prctl(23, cap, 0, 0, 0) > 0 for cap in range(41))  # PR_CAPBSET_READ
if held != 0:
    escaped.append(f'capabilities {held}')
"""

PRIVILEGES = (
    refused("setuid", "os.setuid(0)")
    + refused("setresuid", "os.setresuid(0, 0, 0)")
    + refused("chown", "open('mine', 'w').close() or os.chown('mine', 12345, 12345)")
    + refused("chmod-outside", "os.chmod({victim!r}, 0o6777)")
    + "import ctypes\nlibc = ctypes.CDLL(None)\n"
    + "if libc.mount(b'none', os.getcwd().encode(), b'tmpfs', 0, None) == 0:\n    escaped.append('mount')\n"
    + "if libc.unshare(0x10000000) == 0:\n    escaped.append('user namespace')\n"
    + "if os.getuid() == 0 or os.geteuid() == 0:\n    escaped.append('root uid')\n"
)
PRIVILEGES = "import os\n" + PRIVILEGES

ENVIRONMENT = """
import os
for name, value in os.environ.items():
    if 'DAYKIT' in name or 'hunter2' in value or name in ('AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN'):
        escaped.append(name)
for path in ('/proc/self/environ', '/proc/1/environ', '/proc/%d/environ' % os.getppid()):
    try:
        if b'hunter2' in open(path, 'rb').read():
            escaped.append(path)
    except OSError:
        pass
if os.environ.get('HOME') != os.getcwd():
    escaped.append('HOME is ' + str(os.environ.get('HOME')))
"""


def network(udp: int, tcp: int, unix: str) -> str:
    return "import socket\n" + "".join([
        refused("udp", f"socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'{TAG}', ('127.0.0.1', {udp}))"),
        refused("tcp", f"socket.create_connection(('127.0.0.1', {tcp}), timeout=2).sendall(b'{TAG}')"),
        refused("raw icmp", "socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)"),
        refused("icmp datagram", "socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)"),
        refused("packet", "socket.socket(socket.AF_PACKET, socket.SOCK_RAW)"),
        refused("netlink", "socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0).bind((0, 0))"),
        refused("unix", f"socket.socket(socket.AF_UNIX).connect({unix!r})"),
        refused("abstract unix", f"socket.socket(socket.AF_UNIX).connect('\\0{TAG}')"),
        refused("ipv6", f"socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).sendto(b'{TAG}', ('::1', {udp}))"),
    ])


# A child and a grandchild, each in a session of its own, named so the test can find them; the task
# passes only if both were seen running (so the test below proves they were ended, not never started).
ORPHANS = f"""
import ctypes, os, time
def name_me():
    ctypes.CDLL(None).prctl(15, b'{TAG}', 0, 0, 0)  # PR_SET_NAME
reader, writer = os.pipe()
if os.fork() == 0:
    os.setsid(); name_me(); os.write(writer, b'c')
    if os.fork() == 0:
        os.setsid(); name_me(); os.write(writer, b'g'); time.sleep(600)
    time.sleep(600)
os.close(writer)
seen = os.read(reader, 1) + os.read(reader, 1)
if sorted(seen) != sorted(b'cg'):
    escaped.append('the processes did not start')
"""

FORK_BOMB = f"""
import ctypes, os, time
started = 0
for _ in range(400):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        ctypes.CDLL(None).prctl(15, b'{TAG}', 0, 0, 0)
        time.sleep(600)
        os._exit(0)
    started += 1
if started >= 400:
    escaped.append(f'started {{started}} processes')
"""


# Every file descriptor the worker holds: only its channel to the grader (a socket) besides the standard
# streams, which lead nowhere (/dev/null).
DESCRIPTORS = """
import os, stat
held = []
for fd in range(3, 4096):
    try:
        held.append((fd, stat.S_IFMT(os.fstat(fd).st_mode)))
    except OSError:
        pass
if [kind for _, kind in held] != [stat.S_IFSOCK]:
    escaped.append(f'descriptors {held}')
for fd in (0, 1, 2):
    if os.fstat(fd).st_rdev != os.stat('/dev/null').st_rdev:
        escaped.append(f'standard stream {fd}')
"""


def tagged_processes() -> list[int]:
    """Live processes named with this run's tag (zombies count as gone)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            comm = Path(f"/proc/{entry}/comm").read_text().strip()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if comm == TAG and state != "Z":
            found.append(int(entry))
    return found


def grade(course: Path, *arguments: str, env: dict | None = None, timeout: float = 240):
    command = [str(DAYKIT), "grade", "39", "--no-gradebook", "--jobs", "2", "--timeout", "8", *arguments]
    return subprocess.run(command, cwd=course, capture_output=True, text=True, timeout=timeout,
                          env=env or os.environ)


def results(course: Path) -> dict[str, dict]:
    folder = course / "results" / "day_39" / "submissions"
    return {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")}


def submit(course: Path, student: str, text: str, name: str = "day_39.py") -> Path:
    path = course / "submitted" / student / "day_39" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def listeners(tmp_path_factory):
    """A UDP, a TCP and a unix socket on this machine, listening for anything an attack sends."""
    folder = tmp_path_factory.mktemp("listen")
    folder.chmod(0o777)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(8)
    unix_path = str(folder / "listening.sock")
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix.bind(unix_path)
    os.chmod(unix_path, 0o777)
    unix.listen(8)
    abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    abstract.bind("\0" + TAG)
    abstract.listen(8)
    for sock in (udp, tcp, unix, abstract):
        sock.setblocking(False)
    yield {"udp": udp, "tcp": tcp, "unix": unix, "abstract": abstract, "unix_path": unix_path}
    for sock in (udp, tcp, unix, abstract):
        sock.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, listeners):
    """One `daykit grade 39` of a class of attacks, each beside honest tasks, with a secret in the
    grader's environment."""
    course = course_copy(tmp_path_factory.mktemp("course"))
    victim = course / "victim.txt"
    victim.write_text("the instructor's file\n")
    victim.chmod(0o644)
    students = {
        "honest": REFERENCE,
        "capabilities": with_attack(CAPABILITIES),
        "privileges": with_attack(PRIVILEGES.format(victim=str(victim))),
        "environment": with_attack(ENVIRONMENT),
        "network": with_attack(network(listeners["udp"].getsockname()[1], listeners["tcp"].getsockname()[1],
                                       listeners["unix_path"])),
        "orphans": with_attack(ORPHANS),
        "fork_bomb": with_attack(FORK_BOMB),
        "descriptors": with_attack(DESCRIPTORS),
        # every process it may signal: were the grader or another student's worker among them, their
        # grades (and this run) would show it
        "kill_everyone": with_attack("import os, signal\ntry:\n    os.kill(-1, signal.SIGKILL)\nexcept OSError:\n"
                                     "    pass"),
    }
    for student, text in students.items():
        submit(course, student, text)
    # the gradebook's URL is the instructor's secret (a real one would hold a password)
    secret = f"sqlite:///{course}/gradebook-hunter2-{uuid.uuid4().hex[:8]}.db"
    env = dict(os.environ, DAYKIT_DB_URL=secret, GITHUB_TOKEN="ghp_hunter2" + "x" * 29)
    started = time.monotonic()
    done = grade(course, env=env)
    assert done.returncode == 0, done.stderr
    return {"course": course, "docs": results(course), "run": done, "victim": victim,
            "seconds": time.monotonic() - started}


def statuses(doc: dict) -> dict:
    return {t["task"]: (t["status"], t["points"], t["message"][:200]) for t in doc["tasks"]}


def full_marks(graded, student: str) -> None:
    doc = graded["docs"][student]
    assert doc["score"] == doc["max_score"] == 10, statuses(doc)


def test_an_honest_student_beside_the_attacks_gets_full_marks(graded):
    full_marks(graded, "honest")


@pytest.mark.skipif(not LINUX, reason="capabilities are Linux's")
def test_the_worker_holds_no_capability_whoever_runs_the_grader(graded):
    full_marks(graded, "capabilities")
    isolation = graded["docs"]["capabilities"]["isolation"]
    assert {"no-capabilities", "no-new-privs"} <= set(isolation), isolation
    if ROOT:
        assert "empty-bounding-set" in isolation
        assert {"unprivileged-user", "unprivileged-user-root-files"} & set(isolation), isolation


@pytest.mark.skipif(not (LINUX and ROOT), reason="there is no privilege to drop unless the grader runs as root")
def test_the_worker_cannot_become_root_change_owners_modes_or_mount(graded):
    full_marks(graded, "privileges")
    victim = graded["victim"]
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644


@pytest.mark.skipif(not (LINUX and ROOT), reason="RLIMIT_NPROC binds a worker only once it is not root")
def test_the_number_of_processes_a_worker_may_start_is_limited(graded):
    full_marks(graded, "fork_bomb")
    assert "process-limit" in graded["docs"]["fork_bomb"]["isolation"]


def test_the_worker_sees_nothing_of_the_instructors_environment(graded):
    full_marks(graded, "environment")
    assert "environment-allow-list" in graded["docs"]["environment"]["isolation"]
    for path in (graded["course"] / "results").rglob("*"):
        if path.is_file():
            assert "hunter2" not in path.read_text(errors="replace"), path


@pytest.mark.skipif(not LINUX, reason="seccomp is Linux's")
def test_no_network_of_any_kind_leaves_the_worker(graded, listeners):
    full_marks(graded, "network")
    assert "seccomp" in graded["docs"]["network"]["isolation"]
    with pytest.raises(BlockingIOError):
        listeners["udp"].recvfrom(100)
    for name in ("tcp", "unix", "abstract"):
        with pytest.raises(BlockingIOError):
            listeners[name].accept()


@pytest.mark.skipif(not LINUX, reason="PID namespaces and subreapers are Linux's")
def test_no_process_a_worker_starts_outlives_grading(graded):
    full_marks(graded, "orphans")
    full_marks(graded, "fork_bomb")
    assert tagged_processes() == []
    isolation = graded["docs"]["orphans"]["isolation"]
    assert "subreaper" in isolation
    if ROOT:
        assert "pid-namespace" in isolation


@pytest.mark.skipif(not LINUX, reason="PID namespaces and Landlock are Linux's")
def test_a_worker_can_signal_no_process_but_its_own(graded):
    full_marks(graded, "kill_everyone")
    for student, doc in graded["docs"].items():
        assert doc["score"] == 10, (student, statuses(doc))


def test_the_worker_holds_no_descriptor_but_its_channel(graded):
    full_marks(graded, "descriptors")


def test_daykit_grade_says_once_which_promise_is_weaker_here(graded):
    weaker = sandbox.weaker(graded["docs"]["honest"]["isolation"])
    said = graded["run"].stderr
    if weaker:
        assert said.count("weaker than the README says") == 1
        for line in weaker:
            assert line in said
    else:
        assert "weaker" not in said


def test_the_weaker_promises_are_named_from_the_isolation_list():
    everything = ["no-capabilities", "unprivileged-user", "environment-allow-list", "seccomp", "landlock-fs",
                  "pid-namespace", "process-limit", "ipc-namespace"]
    assert sandbox.weaker(everything) == []
    without = sandbox.weaker([i for i in everything if i not in ("seccomp", "pid-namespace", "ipc-namespace")])
    assert [line.split(":")[0] for line in without] == ["network", "processes", "signals", "ipc"]


def test_the_seccomp_program_is_well_formed_for_every_machine():
    for machine in sandbox.ARCHES:
        program = sandbox.seccomp_program(machine)
        assert len(program) % 8 == 0 and len(program) // 8 < 4096
    x86 = sandbox.seccomp_program("x86_64")
    assert (41).to_bytes(4, "little") in x86  # socket()


# --------------------------------------------------------------------------- a killed coordinator


def descendants(root: int) -> dict[int, str]:
    """Every live process below ``root``, with its start time (to tell a reused pid)."""
    parents, starts = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)], starts[int(entry)] = int(fields[1]), fields[19]
    found, frontier = {}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in found:
                found[child] = starts[child]
                frontier.append(child)
    return found


def alive(pid: int, start: str) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[19] == start and fields[0] != "Z"


@pytest.mark.skipif(not LINUX, reason="parent-death signals are Linux's")
def test_a_sigkilled_coordinator_leaves_nothing_running(tmp_path):
    """`daykit grade` killed with SIGKILL mid-run: its grading processes, their fork servers, the
    workers, and a process a worker started in its own session all end."""
    course = course_copy(tmp_path)
    slow = with_attack("import time\ntime.sleep(600)")
    for index in range(3):
        submit(course, f"slow_{index}", slow)
    submit(course, "orphans", with_attack(ORPHANS + "\nimport time\ntime.sleep(600)"))
    command = [str(DAYKIT), "grade", "39", "--no-gradebook", "--jobs", "2", "--timeout", "120"]
    coordinator = subprocess.Popen(command, cwd=course, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            below = descendants(coordinator.pid)
            zygotes = [p for p in below if "daykit.grading.zygote" in _cmdline(p)]
            if len(zygotes) >= 2 and len(below) >= 8:  # 2 graders, 2 fork servers, 2 workers of 2 processes
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"grading never got under way: {descendants(coordinator.pid)}")
        while time.monotonic() < deadline and len(tagged_processes()) < 2:
            time.sleep(0.2)  # the orphans' attack has started its processes
        assert len(tagged_processes()) == 2
        below = descendants(coordinator.pid)
        coordinator.send_signal(signal.SIGKILL)
        coordinator.wait(10)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and [p for p, s in below.items() if alive(p, s)]:
            time.sleep(0.2)
        left = {p: _cmdline(p) for p, s in below.items() if alive(p, s)}
        assert left == {}, left
        assert tagged_processes() == []
    finally:
        if coordinator.poll() is None:
            coordinator.kill()
            coordinator.wait()


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_the_warning_names_each_weaker_promise_once():
    from daykit.grading.grade import confinement_warning

    held = ["no-capabilities", "unprivileged-user", "environment-allow-list", "seccomp", "landlock-fs",
            "pid-namespace", "process-limit", "ipc-namespace"]
    weak = [i for i in held if i != "seccomp"]
    docs = [{"isolation": held}, {"isolation": weak}, {"isolation": weak}, {"isolation": []}]
    said = confinement_warning(docs)
    assert said.count("weaker than the README says") == 1 and said.count("network:") == 1
    assert confinement_warning(docs[:1]) == ""


@pytest.mark.skipif(not LINUX, reason="subreapers are Linux's")
def test_without_a_pid_namespace_the_supervisor_still_ends_every_descendant():
    """The subreaper alone (where no PID namespace can be made): a child and a grandchild that moved to
    sessions of their own are killed when the supervisor ends its worker."""
    from daykit.grading import worker

    reader, writer = os.pipe()
    supervisor = os.fork()
    if supervisor == 0:  # the supervisor: a subreaper whose child starts two processes and exits
        try:
            os.close(reader)
            sandbox.become_subreaper()
            child = os.fork()
            if child == 0:
                for _ in range(2):
                    if os.fork() == 0:
                        os.setsid()
                        os.write(writer, f"{os.getpid()}\n".encode())
                        time.sleep(600)
                        os._exit(0)
                os._exit(0)
            os.waitpid(child, 0)
            time.sleep(0.5)
            worker._end_descendants()
        finally:
            os._exit(0)
    os.close(writer)
    seen, deadline = b"", time.monotonic() + 30
    while seen.count(b"\n") < 2 and time.monotonic() < deadline:
        if select.select([reader], [], [], 1)[0]:
            seen += os.read(reader, 100)
    os.close(reader)
    os.waitpid(supervisor, 0)
    orphans = [int(line) for line in seen.split()]
    assert len(orphans) == 2
    for pid in orphans:
        assert not alive(pid, Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
                         if Path(f"/proc/{pid}").exists() else "gone"), pid


def user_namespaces_allowed() -> bool:
    try:
        return int(Path("/proc/sys/user/max_user_namespaces").read_text()) > 0
    except (OSError, ValueError):
        return False


@pytest.mark.skipif(not (LINUX and ROOT and user_namespaces_allowed()),
                    reason="needs root to play another user, and a kernel that allows user namespaces")
def test_a_grader_run_by_another_user_confines_its_worker_through_a_user_namespace():
    """The worker's own code, started as `daykit grade` run by an ordinary user would start it: the
    namespaces come from a user namespace, the process limit counts the worker's processes only, and
    it still answers a call."""
    import pickle
    import tempfile

    from daykit.grading import wire, worker

    scratch = tempfile.mkdtemp()
    os.chown(scratch, 65534, 65534)
    mine, theirs = socket.socketpair()
    report, report_end = os.pipe()
    me = os.getpid()
    pid = os.fork()
    if pid == 0:
        try:
            mine.close()
            os.close(report)
            os.setgroups([])
            os.setresgid(65534, 65534, 65534)
            os.setresuid(65534, 65534, 65534)
            worker.child_main(theirs, worker.Limits(), scratch, report_end, me)
        finally:
            os._exit(70)
    theirs.close()
    os.close(report_end)
    said = b""
    while chunk := os.read(report, 4096):
        said += chunk
    os.close(report)
    try:
        isolation = said.decode().split("isolation ", 1)[1].split()
        expected = {"user-namespace", "pid-namespace", "net-namespace", "own-user", "process-limit", "seccomp",
                    "no-capabilities", "empty-bounding-set", "environment-allow-list"}
        assert expected <= set(isolation), isolation
        assert "unprivileged-user" not in isolation and sandbox.weaker(isolation) == []
        worker.send_frame(mine, pickle.dumps(("load", [("day_39.py", REFERENCE)], False)))
        loaded = wire.loads(worker.recv_frame(mine, time.monotonic() + 30))
        assert loaded["errors"] == [] and "numerical_gradient" in loaded["defined"]
        worker.send_frame(mine, pickle.dumps(("call", "numerical_gradient", (), {})))
        answer = wire.decode(wire.loads(worker.recv_frame(mine, time.monotonic() + 30))["value"])
        assert list(answer.round(3)) == [12.0, 31.0]
    finally:
        mine.close()
        os.waitpid(pid, 0)
        shutil.rmtree(scratch, ignore_errors=True)
