"""Forked helper processes: how many may run, how one is started, waited for and stopped, and
that they end with the process that made them."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def usable_cpus(most: int) -> int:
    """The CPUs this process may run on (not all the machine's, under taskset or the like), at most `most`."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(most, usable or 1))


def die_with_parent() -> None:
    """Ask Linux to kill this (forked) process when its parent dies (prctl PR_SET_PDEATHSIG)."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError, ImportError):
        pass


def fork(work: Callable[[], object]) -> int:
    """A forked child that runs `work` and ends at once (os._exit: none of this process's exit
    code runs twice), with status 0 if `work` returned and 1 if it raised; it dies with this
    process (Linux). stdout and stderr are flushed first, so nothing buffered is written twice.
    The child's pid; OSError when no process can be made."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            die_with_parent()
            work()
            status = 0
        finally:
            os._exit(status)
    return pid


def finished(pid: int) -> bool:
    """Wait for the child; whether `work` returned (status 0)."""
    _, status = os.waitpid(pid, 0)
    return status == 0


def stop(pid: int) -> None:
    """The child killed, if still running, and waited for (no zombie is left)."""
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:  # ended and waited for already
        pass
