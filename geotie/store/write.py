"""Appending to a store file safely: nothing already there is changed, and a write is
all-or-nothing and safe against concurrent geotie processes.

The new text is the old text byte for byte, plus the new table (`append` checks this). Under a lock on a sidecar
file (`FILE.lock`, via filelock) the file is re-read, the result checked, written to a
temporary file in the same folder, fsynced and moved over the old one with os.replace,
keeping the file's mode. If the file changed behind the lock's back (another program
saved it meanwhile) nothing is written.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..errors import StoreError
from .files import read_text

LOCK_TIMEOUT_SECONDS = 30.0

NEW_STORE_HEADER = """\
# My geotie store: facts added with `geotie add` (README: "The store format").
# Edit it freely. geotie only ever appends to it and keeps everything else as you wrote it.

[meta]
schema = 1
title = "My geotie store"
"""


def joined(old: str, addition: str) -> str:
    """`old` unchanged, then a blank line and `addition`, in the file's own line endings."""
    newline = "\r\n" if "\r\n" in old else "\n"
    if newline != "\n":
        addition = addition.replace("\n", newline)
    if old and not old.endswith(("\n", "\r")):
        old += newline
    return old + newline + addition


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_atomically(target: Path, text: str, mode: int, expected: tuple[int, int, int] | None) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        if _signature(target) != expected:
            raise StoreError(
                f"{target}: the file changed while geotie was adding to it (saved by another program?); "
                "nothing was changed, run the command again"
            )
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    try:
        dir_fd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def append(target: Path, make: Callable[[str], str]) -> None:
    """Replace `target`'s text by `make(old_text)`, under the lock; a missing file starts as
    NEW_STORE_HEADER. `make` sees the file as it is once locked, and raises to refuse."""
    import filelock  # only `geotie add` needs it

    if target.is_symlink():
        raise StoreError(
            f"{target}: is a symbolic link; geotie writes only to regular files "
            f"(use the file it points to: --to {target.resolve()})"
        )
    if target.exists() and not target.is_file():
        raise StoreError(f"{target}: is not a regular file; nothing was changed")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with filelock.FileLock(f"{target}.lock", timeout=LOCK_TIMEOUT_SECONDS):
            expected = _signature(target)
            if expected is None:
                old, mode = NEW_STORE_HEADER, _default_mode()
            else:
                old, mode = read_text(target), target.stat().st_mode & 0o7777
            new = make(old)
            if not new.startswith(old):
                raise StoreError(f"{target}: refusing a write that would change existing text")
            _write_atomically(target, new, mode, expected)
    except filelock.Timeout:
        raise StoreError(
            f"{target}: another geotie is still writing it (lock {target}.lock held for "
            f"{LOCK_TIMEOUT_SECONDS:.0f}s); nothing was changed, try again"
        ) from None
    except PermissionError as err:
        where = err.filename or target.parent
        raise StoreError(
            f"{where}: permission denied; nothing was changed (choose a writable file with --to)"
        ) from None
    except OSError as err:
        raise StoreError(f"{target}: cannot write: {err.strerror or err}; nothing was changed") from None
