"""Forked helper processes: how many may run, and that they end with the process that made them."""

from __future__ import annotations

import os


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
