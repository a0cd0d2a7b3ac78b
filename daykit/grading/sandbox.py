"""Kernel-level confinement for a worker (Linux): identity, capabilities, namespaces, seccomp, Landlock.

Each mechanism is a small function that applies one thing and says whether it held; ``worker.py``
calls them in order and reports the names of those that held as the worker's ``isolation`` list.
``weaker`` turns that list into the promises that do not hold on this machine, which ``daykit grade``
prints once.

- Identity: as root, the worker's user becomes one of its own that no account uses (2**30 plus its
  supervisor's pid; 65534, ``nobody``, where that id is not mapped), so that RLIMIT_NPROC binds (the
  kernel never applies it to a real uid of 0) and counts that worker's processes only. Where the
  Python installation is readable by other users the worker is wholly that user; where it is not
  (Python under a 0700 home), the worker keeps root's *file-system* uid only (``setfsuid(0)``), so
  it can still import, while its real, effective and saved uids are its own.
- Capabilities: every set is emptied (effective, permitted, inheritable, ambient, and the bounding
  set), and ``no_new_privs`` is set, so no ``execve`` can give any back.
- Namespaces (made by the worker's supervisor, see worker.py): a PID namespace, so that the student's
  process is the init of its own namespace and every process it starts dies with it, whatever session
  it moved to; and a network namespace with nothing but a loopback that is down.
- seccomp: ``socket()`` and ``connect()`` are refused for every family (TCP, UDP, raw, netlink, unix),
  as are io_uring (which could open sockets behind seccomp's back), new namespaces, ``set*id``,
  ``ptrace``, reading other processes' memory, and changing a file's mode, owner or extended
  attributes. The worker's own channel is open before.
- Landlock: read (and run) only the Python installation and the system's library folders, write only
  the scratch folder, no TCP, and no signal or abstract unix socket outside the worker's domain.
"""

from __future__ import annotations

import ctypes
import os
import platform
import site
import struct
import sys

SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_KEEPCAPS, PR_SET_SECCOMP = 1, 4, 8, 22
PR_CAPBSET_READ, PR_CAPBSET_DROP, PR_SET_CHILD_SUBREAPER = 23, 24, 36
PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 39, 47, 4
SECCOMP_MODE_FILTER = 2
CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWUSER, CLONE_NEWIPC = 0x40000000, 0x20000000, 0x10000000, 0x08000000
CLONE_NEW_ANY = 0x7E020080  # NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME
CAP_SETGID, CAP_SETUID = 6, 7
NOBODY = 65534
WORKER_UIDS = 1 << 30

RULE_PATH_BENEATH = 1
CREATE_RULESET_VERSION = 1
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
TRUNCATE = 1 << 14
FS_ABI1 = (1 << 13) - 1  # execute ... make_sym
FS_BY_ABI = {1: FS_ABI1, 2: FS_ABI1 | 1 << 13, 3: FS_ABI1 | 3 << 13, 5: FS_ABI1 | 7 << 13}
READ_ONLY = EXECUTE | READ_FILE | READ_DIR
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX, SCOPE_SIGNAL = 1 << 0, 1 << 1

# The few files of /etc that a Python program may need (not the folder: it holds secrets).
ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
             "/etc/mime.types", "/etc/timezone")
DEVICES = ("/dev/urandom", "/dev/random")

# The environment a worker may see: nothing of the instructor's (no database URL, token or key).
ENVIRONMENT_KEYS = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_MESSAGES", "TZ",
                    "PYTHONPATH", "PYTHONHOME", "PYTHONHASHSEED", "PYTHONUTF8", "PYTHONIOENCODING", "PYTHONSAFEPATH",
                    "LD_LIBRARY_PATH")  # a Python built into a folder of its own may need it to start


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def linux() -> bool:
    return sys.platform.startswith("linux")


# ------------------------------------------------------------------------------------ environment


def environment(environ: dict[str, str], home: str) -> dict[str, str]:
    """The worker's environment, from an allow-list: the locale, what Python needs to start, a minimal
    PATH and HOME (and TMPDIR) in the worker's own folder."""
    kept = {k: v for k, v in environ.items() if k in ENVIRONMENT_KEYS}
    bin_dir = os.path.dirname(sys.executable)
    return {**kept, "PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": home, "TMPDIR": home}


# ------------------------------------------------------------------------------- parent and children


def die_with_parent(expected_parent: int | None = None, signal_number: int = 9) -> None:
    """SIGKILL (or ``signal_number``) this process when the thread that started it ends, so a lost grader
    leaves nothing behind; exits now if that parent is already gone."""
    if linux():
        _libc().prctl(PR_SET_PDEATHSIG, int(signal_number), 0, 0, 0)
        if expected_parent is not None and os.getppid() != expected_parent:
            os._exit(70)


def become_subreaper() -> bool:
    """Orphaned descendants come to this process (instead of init), so it can end them all."""
    return linux() and _libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def children(pid: int) -> list[int]:
    """The children of ``pid``, read from /proc (none where there is no /proc)."""
    if not os.path.isdir("/proc/self"):
        return []
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def unshare(flags: int) -> bool:
    return linux() and _libc().unshare(flags) == 0


def new_namespaces() -> list[str]:
    """A PID, a network and an IPC namespace for this process's next child (as root; elsewhere through a
    user namespace of its own, where the kernel allows it). Returns what was made."""
    if not linux():
        return []
    if os.geteuid() != 0:
        uid, gid = os.geteuid(), os.getegid()
        _libc().prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)  # so that it may write its own uid_map
        if not unshare(CLONE_NEWUSER):
            return []
        try:
            with open("/proc/self/setgroups", "w") as f:
                f.write("deny")
            with open("/proc/self/uid_map", "w") as f:
                f.write(f"{uid} {uid} 1")
            with open("/proc/self/gid_map", "w") as f:
                f.write(f"{gid} {gid} 1")
        except OSError:
            return ["user-namespace"]
        made = ["user-namespace"]
    else:
        made = []
    if unshare(CLONE_NEWPID):
        made.append("pid-namespace")
    if unshare(CLONE_NEWNET):
        made.append("net-namespace")
    if unshare(CLONE_NEWIPC):  # System V shared memory, queues and semaphores end with the worker
        made.append("ipc-namespace")
    return made


# ----------------------------------------------------------------------------- identity, capabilities


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


CAP_VERSION_3 = 0x20080522


def capabilities() -> tuple[int, int, int]:
    """This process's (effective, permitted, inheritable) capability sets, as bit masks."""
    header, data = _CapHeader(CAP_VERSION_3, 0), (_CapData * 2)()
    if _libc().capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget failed")
    return tuple(getattr(data[0], k) | getattr(data[1], k) << 32 for k in ("effective", "permitted", "inheritable"))


def set_capabilities(mask: int) -> bool:
    """Make ``mask`` the effective and permitted sets (inheritable empty)."""
    header, data = _CapHeader(CAP_VERSION_3, 0), (_CapData * 2)()
    for index in (0, 1):
        data[index].effective = data[index].permitted = (mask >> (32 * index)) & 0xFFFFFFFF
    return _libc().capset(ctypes.byref(header), data) == 0


def bounding_set() -> int:
    libc, mask = _libc(), 0
    for cap in range(64):
        held = libc.prctl(PR_CAPBSET_READ, cap, 0, 0, 0)
        if held < 0:
            break
        mask |= held << cap
    return mask


def clear_bounding_set() -> None:
    """Empty the bounding set (needs CAP_SETPCAP, so before the capabilities go) and the ambient set."""
    libc = _libc()
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0:
            break
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)


def no_capabilities() -> bool:
    """Whether this process holds no capability at all, and can never gain one by execve."""
    try:
        held = any(capabilities())
    except OSError:
        return False
    return not held and _libc().prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1


def readable_by_others(path: str) -> bool:
    """Whether every folder down to ``path`` lets other users through."""
    current = os.path.abspath(path)
    while True:
        try:
            if not os.stat(current).st_mode & 0o001:
                return False
        except OSError:
            return False
        parent = os.path.dirname(current)
        if parent == current:
            return True
        current = parent


def worker_uid(supervisor: int) -> int:
    """A user id of the worker's own, which no account uses: 2**30 plus its supervisor's pid (unique
    among the workers alive), so that RLIMIT_NPROC counts this worker's processes only."""
    return WORKER_UIDS + supervisor


def drop_root(scratch: str, uid: int = NOBODY) -> str:
    """As root: become user ``uid`` (else 65534, where the user namespace maps no such id) with no
    capabilities. Returns which identity the process ended with.

    ``unprivileged-user`` where the Python installation is readable by others; otherwise
    ``unprivileged-user-root-files``: real, effective and saved uid ``uid`` (so RLIMIT_NPROC binds and
    no root process can be signalled), file-system uid 0 so Python can still import its modules
    (Landlock then decides which files that reaches; seccomp forbids changing any file's mode or
    owner). ``root`` (with no capabilities) if neither could be done.
    """
    libc = _libc()
    clear_bounding_set()
    roots = (sys.prefix, sys.base_prefix, sys.exec_prefix, scratch)
    everyone = all(readable_by_others(r) for r in roots)
    if not everyone:
        libc.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)
    for user in dict.fromkeys((uid, NOBODY)):
        try:
            os.setgroups([])
            os.setresgid(user, user, user)
            if everyone:
                os.chown(scratch, user, user)
            os.setresuid(user, user, user)
            break
        except OSError:
            continue
    else:
        set_capabilities(0)
        return "root"
    identity = "unprivileged-user"
    if not everyone:
        # permitted was kept: raise just what setfsuid/setfsgid need, use it, and let everything go
        set_capabilities(1 << CAP_SETUID | 1 << CAP_SETGID)
        libc.setfsgid(0)
        libc.setfsuid(0)
        libc.prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0)
        identity = "unprivileged-user-root-files"
    set_capabilities(0)
    return identity


def no_new_privileges() -> bool:
    return linux() and _libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0


# ------------------------------------------------------------------------------------------ seccomp

# (audit arch, syscall numbers) per machine; names not listed for a machine do not exist there.
ARCHES = {
    "x86_64": (0xC000003E, {
        "socket": 41, "connect": 42, "clone": 56, "unshare": 272, "setns": 308, "clone3": 435,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "ptrace": 101,
        "process_vm_readv": 310, "process_vm_writev": 311, "setuid": 105, "setgid": 106, "setreuid": 113,
        "setregid": 114, "setgroups": 116, "setresuid": 117, "setresgid": 119, "setfsuid": 122,
        "setfsgid": 123, "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161, "bpf": 321,
        "userfaultfd": 323, "perf_event_open": 298, "keyctl": 250, "add_key": 248, "request_key": 249,
        "chmod": 90, "fchmod": 91, "fchmodat": 268, "fchmodat2": 452, "chown": 92, "fchown": 93, "lchown": 94,
        "fchownat": 260, "setxattr": 188, "lsetxattr": 189, "fsetxattr": 190, "removexattr": 197,
        "lremovexattr": 198, "fremovexattr": 199,
    }),
    "aarch64": (0xC00000B7, {
        "socket": 198, "connect": 203, "clone": 220, "unshare": 97, "setns": 268, "clone3": 435,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "ptrace": 117,
        "process_vm_readv": 270, "process_vm_writev": 271, "setuid": 146, "setgid": 144, "setreuid": 145,
        "setregid": 143, "setgroups": 159, "setresuid": 147, "setresgid": 149, "setfsuid": 151,
        "setfsgid": 152, "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51, "bpf": 280,
        "userfaultfd": 282, "perf_event_open": 241, "keyctl": 219, "add_key": 217, "request_key": 218,
        "fchmod": 52, "fchmodat": 53, "fchmodat2": 452, "fchownat": 54, "fchown": 55, "setxattr": 5,
        "lsetxattr": 6, "fsetxattr": 7, "removexattr": 14, "lremovexattr": 15, "fremovexattr": 16,
    }),
}
EPERM, EACCES, ENOSYS = 1, 13, 38
RET_ALLOW, RET_KILL_PROCESS, RET_ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
REFUSED = {
    **{name: EACCES for name in ("socket", "connect")},  # no network of any kind, not even a unix socket
    # io_uring opens sockets without the socket() call; clone3's flags cannot be read, so glibc falls
    # back to clone, whose flags can
    **{name: ENOSYS for name in ("io_uring_setup", "io_uring_enter", "io_uring_register", "clone3")},
    **{name: EPERM for name in ("unshare", "setns", "ptrace", "process_vm_readv", "process_vm_writev",
                                "setuid", "setgid", "setreuid", "setregid", "setgroups", "setresuid",
                                "setresgid", "setfsuid", "setfsgid", "mount", "umount2", "pivot_root",
                                "chroot", "bpf", "userfaultfd", "perf_event_open", "keyctl", "add_key",
                                "request_key")},
    # a file's mode, owner and attributes: Landlock does not guard them, and with root's file-system
    # uid a worker could otherwise make a root-owned program set-uid
    **{name: EPERM for name in ("chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown",
                                "fchownat", "setxattr", "lsetxattr", "fsetxattr", "removexattr",
                                "lremovexattr", "fremovexattr")},
}


def seccomp_program(machine: str) -> bytes:
    """The BPF program: the refused calls above fail with their errno, clone with a namespace flag
    fails with EPERM, another architecture's calls kill the process, everything else is allowed."""
    arch, numbers = ARCHES[machine]

    def op(code, k, jt=0, jf=0):
        return struct.pack("HBBI", code, jt, jf, k)

    LD, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
    program = [op(LD, 4), op(JEQ, arch, 1, 0), op(RET, RET_KILL_PROCESS), op(LD, 0)]
    if machine == "x86_64":  # the x32 calls, numbered from 2**30, reach the same kernel code
        program += [op(JGE, 0x40000000, 0, 1), op(RET, RET_ERRNO | EPERM)]
    for name, errno in REFUSED.items():
        if numbers.get(name) is not None:
            program += [op(JEQ, numbers[name], 0, 1), op(RET, RET_ERRNO | errno)]
    program += [
        op(JEQ, numbers["clone"], 0, 3),
        op(LD, 16),  # the low half of the first argument: clone's flags
        op(JSET, CLONE_NEW_ANY, 0, 1),
        op(RET, RET_ERRNO | EPERM),
        op(RET, RET_ALLOW),
    ]
    return b"".join(program)


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def seccomp() -> bool:
    """Install the filter on this (single-threaded) process; needs no_new_privs. False where the
    kernel or the machine is not supported."""
    machine = platform.machine()
    if not linux() or machine not in ARCHES:
        return False
    code = seccomp_program(machine)
    buffer = ctypes.create_string_buffer(code, len(code))
    program = _Program(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    return _libc().prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) == 0


# ----------------------------------------------------------------------------------------- Landlock


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def abi_version() -> int:
    """The kernel's Landlock ABI version, or 0 where there is none."""
    if not linux():
        return 0
    result = _libc().syscall(SYS_CREATE_RULESET, None, 0, CREATE_RULESET_VERSION)
    return max(int(result), 0)


def readable_roots() -> list[str]:
    """Where the worker may read: the Python installation and the system's library folders."""
    roots = {sys.base_prefix, sys.prefix, sys.exec_prefix, *site.getsitepackages(), "/usr", "/lib", "/lib64"}
    return sorted(r for r in roots if os.path.isdir(r))


def restrict(scratch: str) -> list[str]:
    """Apply Landlock rules for a worker whose scratch folder is ``scratch``; returns what was applied."""
    abi = abi_version()
    if abi < 1:
        return []
    libc = _libc()
    fs = FS_BY_ABI[max(v for v in FS_BY_ABI if v <= abi)]
    attr = _RulesetAttr(fs, NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0,
                        SCOPE_ABSTRACT_UNIX | SCOPE_SIGNAL if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = libc.syscall(SYS_CREATE_RULESET, ctypes.byref(attr), size, 0)
    if ruleset < 0:
        return []
    try:
        rules = [(root, READ_ONLY) for root in readable_roots()]
        rules += [(path, READ_FILE) for path in ETC_FILES + DEVICES]
        rules += [("/dev/null", READ_FILE | WRITE_FILE), (scratch, fs)]
        for path, access in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                allowed = access & fs
                if not os.path.isdir(path):
                    allowed &= EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE
                beneath = _PathBeneath(allowed, fd)
                libc.syscall(SYS_ADD_RULE, ruleset, RULE_PATH_BENEATH, ctypes.byref(beneath), 0)
            finally:
                os.close(fd)
        if not no_new_privileges():
            return []
        if libc.syscall(SYS_RESTRICT_SELF, ruleset, 0) != 0:
            return []
    finally:
        os.close(ruleset)
    applied = ["landlock-fs"]
    applied += ["landlock-net"] if abi >= 4 else []
    applied += ["landlock-signals"] if abi >= 6 else []
    return applied


# ----------------------------------------------------------------------------------- what holds here

def _network(have: set[str]) -> str:
    if "net-namespace" in have:
        return "the worker can connect to unix sockets of this machine (no seccomp here)"
    if "landlock-net" in have:
        return "the worker can open network connections other than TCP (no seccomp here)"
    return "the worker can open network connections (no seccomp here)"


def _files(have: set[str]) -> str:
    if "unprivileged-user-root-files" in have:
        return ("the worker can read and write every file root owns (no Landlock here, and Python is "
                "readable by root only)")
    return "the worker can read and write whatever its user can (no Landlock here)"


# Each promise of the README: the mechanisms of which one must hold for it to hold, and what is left
# of it when none does.
PROMISES = {
    "capabilities": (("no-capabilities",), "the worker may hold capabilities"),
    "user": (("unprivileged-user", "unprivileged-user-root-files", "own-user"),
             "the worker runs as root (it could not change its user)"),
    "environment": (("environment-allow-list",), "the worker sees the grader's environment"),
    "network": (("seccomp",), _network),
    "files": (("landlock-fs",), _files),
    "processes": (("pid-namespace",), "a process the worker starts in a session of its own is ended when its "
                  "task ends, but not if the grader itself is killed (no PID namespace here)"),
    "process-count": (("process-limit",), "the number of processes a worker may start is not limited"),
    "signals": (("pid-namespace", "landlock-signals"), "the worker can signal other processes of its user"),
    "ipc": (("ipc-namespace",), "System V shared memory, queues and semaphores a worker makes can reach other "
            "workers and outlive it (no IPC namespace here)"),
}


def weaker(isolation: list[str]) -> list[str]:
    """The README's confinement promises that do not hold for a worker that reported ``isolation``."""
    have = set(isolation)
    return [f"{name}: {why(have) if callable(why) else why}" for name, (needs, why) in PROMISES.items()
            if not have.intersection(needs)]
