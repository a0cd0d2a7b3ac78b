"""A grading process on a Dask machine that receives SIGTERM while its Dask worker lives on."""

import os
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

import pytest

from daykit.grading import remote

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="parent-death signals are Linux's")


def test_one_grading_process_ended_by_sigterm_leaves_the_other_processes_submissions(tmp_path):
    # A Run's grading processes (one per Dask thread) share its folder, each submission in a subfolder.
    scratch = tempfile.mkdtemp(prefix="daykit-run-", dir=tmp_path)
    other = Path(scratch) / "another-students-job"
    other.mkdir()
    (other / "day_39.ipynb").write_text("{}")
    mine, theirs = socket.socketpair()
    environment = {**os.environ, remote.FD_ENV: str(theirs.fileno()), remote.PARENT_ENV: str(os.getpid())}
    process = remote._spawn(args=[sys.executable, "-P", "-c", remote.HOST_MAIN], pass_fds=[theirs.fileno()],
                            env=environment, cwd=scratch, stdin=None)
    theirs.close()
    try:
        time.sleep(3)  # started, waiting for its shipment
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)  # this grading process alone; the Dask worker (us) lives on
        process.wait(timeout=10)
        # the other grading process's submission, mid-run, must still be there
        assert (other / "day_39.ipynb").exists()
    finally:
        if process.poll() is None:
            process.kill()
        mine.close()
