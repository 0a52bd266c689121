"""Appending to a store file safely: nothing already there is changed, and a write is
all-or-nothing and safe against concurrent geotie processes.

The new text is the old text byte for byte, plus the new table (`append` checks this). Under a lock on a sidecar
file (`FILE.lock`, via filelock) the file is re-read, the result checked, written to a
temporary file in the same folder, fsynced and moved over the old one with os.replace,
keeping the file's mode. If the file changed behind the lock's back (another program
saved it meanwhile) nothing is written. A write-protected file is never replaced.

The temporary file is named `.FILE.geotie-PID-XXXXXXXX.tmp`; one left behind by a geotie
that was killed mid-write is removed by the next add to FILE, under the lock (see
`remove_leftovers`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
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


def _temp_prefix(target: Path, pid: int) -> str:
    return f".{target.name}.geotie-{pid}-"


def _leftover_pid(target: Path, name: str) -> int | None:
    """The pid in the name of a temporary file made for `target` (see _temp_prefix), or None."""
    m = re.fullmatch(rf"\.{re.escape(target.name)}\.geotie-(\d+)-[a-z0-9_]{{8}}\.tmp", name)
    return int(m.group(1)) if m else None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process (or no such pid at all)
        return False
    except OSError:  # EPERM: another user's process, alive
        return True
    return True


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the temporary files of adds to `target` that were killed before they could
    clean up, and return them. Called only while holding the lock, so no other geotie is
    writing one. Only files named exactly as geotie names them, regular files owned by this
    user, whose process is gone, are removed: nothing anyone else made is touched."""
    removed = []
    try:
        with os.scandir(target.parent) as entries:
            names = [e.name for e in entries if e.name.startswith(f".{target.name}.geotie-")]
    except OSError:
        return removed
    for name in names:
        pid = _leftover_pid(target, name)
        if pid is None or _alive(pid):
            continue
        path = target.parent / name
        try:
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid():
                os.unlink(path)
                removed.append(path)
        except OSError:
            continue
    return removed


def _write_protected(target: Path, st: os.stat_result) -> bool:
    """The file's mode says this user may not write it. Checked from the mode bits: the
    file is replaced by a rename, which its own permissions do not stop, and root passes
    every permission check (for root, a file nobody may write is protected)."""
    euid = os.geteuid()
    if euid == 0:
        return not st.st_mode & 0o222
    if st.st_uid == euid:
        return not st.st_mode & stat.S_IWUSR
    if st.st_gid == os.getegid() or st.st_gid in os.getgroups():
        return not st.st_mode & stat.S_IWGRP
    return not st.st_mode & stat.S_IWOTH


def _create_lock_file(lock: str) -> None:
    """Make sure the lock file can be created (or opened): if not, say why at once, instead
    of waiting for a lock that can never be taken."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(lock, flags, 0o644)
    except OSError as err:
        reason = "permission denied" if err.errno in (errno.EACCES, errno.EPERM) else (err.strerror or str(err))
        if err.errno == errno.EROFS:
            reason = "the file system is read-only"
        elif err.errno == errno.ENOENT:
            reason = "the folder does not accept new files"
        raise StoreError(
            f"{lock}: cannot create the lock file ({reason}); geotie adds to a file only where it can "
            "create its lock and temporary files next to it; nothing was changed (choose a file in a "
            "writable folder with --to)"
        ) from None
    os.close(fd)


def _write_atomically(target: Path, text: str, mode: int, expected: tuple[int, int, int] | None) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=_temp_prefix(target, os.getpid()), suffix=".tmp")
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


def check_target(target: Path) -> None:
    """Refuse a target geotie must not write to: a symbolic link, anything but a regular
    file, a write-protected file. A missing file is fine (it is created)."""
    if target.is_symlink():
        from .files import real_path

        real = real_path(target)
        where = "it loops back to itself" if real == target.absolute() else f"use the file it points to: --to {real}"
        raise StoreError(f"{target}: is a symbolic link; geotie writes only to regular files ({where})")
    try:
        st = target.stat()
    except FileNotFoundError:
        return
    except OSError as err:
        raise StoreError(f"{target}: cannot write: {err.strerror or err}; nothing was changed") from None
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(f"{target}: is not a regular file; nothing was changed")
    _refuse_protected(target, st)


def _refuse_protected(target: Path, st: os.stat_result) -> None:
    if _write_protected(target, st):
        raise StoreError(
            f"{target}: the file is write-protected (mode {st.st_mode & 0o7777:04o}); nothing was "
            f"changed. To let geotie add to it, make it writable: chmod u+w {target}"
        )


def append(target: Path, make: Callable[[str], str]) -> None:
    """Replace `target`'s text by `make(old_text)`, under the lock; a missing file starts as
    NEW_STORE_HEADER. `make` sees the file as it is once locked, and raises to refuse."""
    import filelock  # only `geotie add` needs it

    check_target(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _create_lock_file(f"{target}.lock")
        with filelock.FileLock(f"{target}.lock", timeout=LOCK_TIMEOUT_SECONDS):
            remove_leftovers(target)
            expected = _signature(target)
            if expected is None:
                old, mode = NEW_STORE_HEADER, _default_mode()
            else:
                st = target.stat()
                _refuse_protected(target, st)  # again, under the lock
                old, mode = read_text(target), st.st_mode & 0o7777
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
