"""A long machine-format answer written in parts made at the same time, in order.

The first part is made by this process and written straight to the output; each other part
by a forked child into an anonymous file (already unlinked: nothing is left behind if the
command is killed) in `folder`, copied to the output once this process reaches it. Memory
stays what one part needs; the disk holds the parts not yet copied. A part whose child
failed (it found damage, or could not open what it reads) is made again here, so whatever
went wrong is met -- and reported -- by this process; so is a part for which no file or no
child could be made. If this process stops early (the
reader went away: `| head -1`), the children are killed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import IO

from ..procs import finished, fork, stop

#: A part: writes its text to the stream; `here` is False in a child (it must then open its
#: own connections: an SQLite connection must not be used across a fork).
Part = Callable[[IO[str], bool], None]

#: Characters copied at a time: under malloc's mmap threshold even at 4 bytes a character
#: (blocks of 1M characters, made and freed again and again, left the heap ~40 MB larger).
COPY_BLOCK = 1 << 15


def write_parts(parts: Sequence[Part], out: IO[str], folder: str | None) -> None:
    children: list[tuple[int, IO[bytes]] | None] = []
    try:
        children += [_start(part, folder) for part in parts[1:]]
        parts[0](out, True)
        for part in parts[1:]:
            child = children.pop(0)
            if child is None:  # no child could be started: made here
                part(out, True)
                continue
            pid, spool = child
            if not finished(pid):
                spool.close()
                part(out, True)
                continue
            spool.seek(0)
            with open(os.dup(spool.fileno()), encoding="utf-8") as text:
                spool.close()
                while block := text.read(COPY_BLOCK):
                    out.write(block)
    finally:
        for child in children:  # stopped early: the parts not reached are not needed
            if child is not None:
                _stop(*child)


def _start(part: Part, folder: str | None) -> tuple[int, IO[bytes]] | None:
    """A child making `part` into an anonymous file; None if the file or the process could
    not be made (the folder is not writable any more, no more processes...)."""
    import tempfile

    try:
        spool = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - closed once copied, or by _stop
    except OSError:
        return None

    def make() -> None:
        with open(os.dup(spool.fileno()), "w", encoding="utf-8") as text:
            part(text, False)

    try:
        return fork(make), spool
    except OSError:
        spool.close()
        return None


def _stop(pid: int, spool: IO[bytes]) -> None:
    stop(pid)
    spool.close()
