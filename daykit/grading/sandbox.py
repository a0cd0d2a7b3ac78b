"""Kernel-level confinement for a worker: Landlock rules and a parent-death signal (Linux).

Landlock lets an unprivileged process give up rights for good. A confined worker may read (and run)
files only under the Python installation and the system's library folders, may write only in its
scratch folder, may not open TCP connections, and may not signal processes outside its own domain
(so it cannot kill the grader or the fork server). Kernels without Landlock keep the other limits;
``confine`` says which protections were applied.
"""

from __future__ import annotations

import ctypes
import os
import site
import sys

SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446
PR_SET_NO_NEW_PRIVS, PR_SET_PDEATHSIG = 38, 1
RULE_PATH_BENEATH = 1
CREATE_RULESET_VERSION = 1

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_ABI1 = (1 << 13) - 1  # execute ... make_sym
FS_BY_ABI = {1: FS_ABI1, 2: FS_ABI1 | 1 << 13, 3: FS_ABI1 | 3 << 13, 5: FS_ABI1 | 7 << 13}
READ_ONLY = EXECUTE | READ_FILE | READ_DIR
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX, SCOPE_SIGNAL = 1 << 0, 1 << 1


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def abi_version() -> int:
    """The kernel's Landlock ABI version, or 0 where there is none."""
    if not sys.platform.startswith("linux"):
        return 0
    result = _libc().syscall(SYS_CREATE_RULESET, None, 0, CREATE_RULESET_VERSION)
    return max(int(result), 0)


def readable_roots() -> list[str]:
    """Where the worker may read: the Python installation and the system's shared folders."""
    roots = {sys.base_prefix, sys.prefix, sys.exec_prefix, *site.getsitepackages(), "/usr", "/lib", "/lib64", "/etc"}
    return sorted(r for r in roots if os.path.isdir(r))


def set_parent_death_signal() -> None:
    """Die with the parent (the fork server), so a lost grader leaves no worker behind."""
    if sys.platform.startswith("linux"):
        _libc().prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)


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
        rules += [("/dev/null", READ_FILE | WRITE_FILE), (scratch, fs)]
        for path, access in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                allowed = access & fs
                if not os.path.isdir(path):
                    allowed &= EXECUTE | WRITE_FILE | READ_FILE | (1 << 14)
                beneath = _PathBeneath(allowed, fd)
                libc.syscall(SYS_ADD_RULE, ruleset, RULE_PATH_BENEATH, ctypes.byref(beneath), 0)
            finally:
                os.close(fd)
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return []
        if libc.syscall(SYS_RESTRICT_SELF, ruleset, 0) != 0:
            return []
    finally:
        os.close(ruleset)
    applied = ["landlock-fs"]
    applied += ["landlock-net"] if abi >= 4 else []
    applied += ["landlock-signals"] if abi >= 6 else []
    return applied
