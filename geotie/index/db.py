"""Opening an index: where it lives, whether it is ours, whole and fresh.

Freshness (index/fresh.py): every store path
is the one recorded, and its inode, size and mtime_ns match; a file modified less than
RACY_NS before the index was written is also compared by content hash. A file the user can
no longer read is never answered from the index. Anything else -- a missing, foreign,
truncated or garbage file, another format or program version -- gives None: the caller
builds the index again. Damage found later, while a query runs, raises IndexDamaged.
"""

from __future__ import annotations

import os
import sqlite3
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..errors import GeotieError, IndexDamaged, NoRoom
from ..model import SCHEMA_VERSION
from ..store.files import real_path
from . import schema
from .fresh import RACY_NS, file_hash, file_stat, safe_dir


def index_path(folder: Path, paths: Sequence[Path]) -> Path:
    """One index per set of store paths, named by a checksum of them (the index records the
    paths and they are checked, so the name only has to spread the sets apart)."""
    key = "\0".join([__version__, str(schema.FORMAT), *(str(real_path(p)) for p in paths)]).encode()
    return folder / f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}.sqlite"


#: SQLite's errors that say there is no room for temporary tables: no space, no temporary file,
#: no memory, a write that failed. A failed read (SQLITE_IOERR_SHORT_READ: a truncated index) is damage.
NO_ROOM = frozenset(
    {"SQLITE_FULL", "SQLITE_CANTOPEN", "SQLITE_NOMEM", "SQLITE_IOERR_WRITE", "SQLITE_IOERR_TRUNCATE",
     "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_NOMEM"}
)  # fmt: skip

__all__ = ["Index", "IndexDamaged", "index_path", "open_index", "sweep"]


class Index:
    """An open index. `rows` runs a query and turns any database error into IndexDamaged."""

    def __init__(self, db: sqlite3.Connection, path: Path | None, meta: dict[str, str]) -> None:
        self.db, self.path, self.meta = db, path, meta
        self.files: list[str] = [row[0] for row in self.rows("SELECT path FROM files ORDER BY file")]
        self.fts = meta.get("search") == "fts5-trigram"

    def rows(self, sql: str, params: Sequence = ()) -> list:
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.ProgrammingError:  # geotie's own mistake: not hidden as damage
            raise
        except sqlite3.DatabaseError as err:
            raise self.damaged(err) from err

    def temp_table(self, name: str, definition: str) -> None:
        """The temporary table `name` (`definition`: its columns in parentheses, then any
        options), made if need be and emptied: a query's scratch space on this connection,
        apart from the index file (which may be open read-only)."""
        self.work(f"CREATE TEMP TABLE IF NOT EXISTS {name} {definition}")
        self.work(f"DELETE FROM temp.{name}")

    def work(self, sql: str, params: Sequence = ()) -> list:
        """`rows` for a statement that writes temporary tables: running out of room for them
        raises NoRoom (the index is not damaged and is kept), anything else IndexDamaged."""
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.ProgrammingError:
            raise
        except sqlite3.DatabaseError as err:
            if getattr(err, "sqlite_errorname", "") in NO_ROOM:
                raise NoRoom(
                    f"SQLite could not write its temporary tables ({err}): free some space in the temporary"
                    " folder, or set SQLITE_TMPDIR to a folder with room, and run the command again"
                ) from None
            raise self.damaged(err) from err

    def cursor(self, sql: str, params: Sequence = ()):
        """Rows one at a time (damage raises IndexDamaged as they are read: see `stream`)."""
        try:
            return self.db.execute(sql, params)
        except sqlite3.ProgrammingError:  # geotie's own mistake: not hidden as damage
            raise
        except sqlite3.DatabaseError as err:
            raise self.damaged(err) from err

    def fetch(self, cursor, n: int) -> list:
        try:
            return cursor.fetchmany(n)
        except sqlite3.ProgrammingError:  # geotie's own mistake: not hidden as damage
            raise
        except sqlite3.DatabaseError as err:
            raise self.damaged(err) from err

    def reopened(self) -> Index:
        """The same index file through a new connection, for a forked process (an SQLite
        connection must not be used across a fork). IndexDamaged if the file at the path is no
        longer the one this index read (built again meanwhile) or cannot be read."""
        if self.path is None:
            raise self.damaged("an index in memory has no file to open again")
        try:
            db = sqlite3.connect(f"file:{quote(str(self.path))}?mode=ro", uri=True)
        except sqlite3.Error as err:
            raise self.damaged(err) from err
        again = Index(db, self.path, self.meta)
        if dict(again.rows("SELECT key, value FROM meta")) != self.meta:
            db.close()
            raise self.damaged("the file was replaced since it was opened")
        return again

    def damaged(self, err: object) -> IndexDamaged:
        where = self.path or "in memory"
        return IndexDamaged(f"the index {where} is damaged ({err}); it is built again on the next run")

    def discard(self) -> None:
        """Close and remove the index file (after IndexDamaged)."""
        self.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def close(self) -> None:
        self.db.close()


def fresh(paths: Sequence[Path], recorded: list[tuple], written_ns: int) -> bool:
    """Whether the store files are the ones the index was built from (see the module's doc)."""
    if len(paths) != len(recorded):
        return False
    for p, (path, ino, size, mtime_ns, digest) in zip(paths, recorded, strict=True):
        try:
            if str(p) != path or not os.access(p, os.R_OK) or file_stat(p) != [ino, size, mtime_ns]:
                return False
            if written_ns - mtime_ns < RACY_NS and file_hash(p) != digest:
                return False
        except OSError:
            return False
    return True


def _whole(db: sqlite3.Connection, path: Path) -> bool:
    """The file is as long as its header says (a truncated copy is not)."""
    (pages,) = db.execute("PRAGMA page_count").fetchone()
    (size,) = db.execute("PRAGMA page_size").fetchone()
    return pages * size == path.stat().st_size


def open_index(path: Path, paths: Sequence[Path]) -> Index | None:
    """The index at `path` if it is a whole, fresh geotie index of `paths`; else None."""
    if not path.is_file() or not safe_dir(path.parent, create=False):
        return None
    try:
        db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        (app,) = db.execute("PRAGMA application_id").fetchone()
        (version,) = db.execute("PRAGMA user_version").fetchone()
        if (app, version) != (schema.APPLICATION_ID, schema.FORMAT) or not _whole(db, path):
            db.close()
            return None
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        expected = {"format": str(schema.FORMAT), "program": __version__, "schema": str(SCHEMA_VERSION)}
        if any(meta.get(k) != v for k, v in expected.items()):  # the paths: in `fresh`, from the files table
            db.close()
            return None
        recorded = db.execute("SELECT path, ino, size, mtime_ns, hash FROM files ORDER BY file").fetchall()
        if not fresh(paths, recorded, int(meta["written_ns"])):
            db.close()
            return None
        return Index(db, path, meta)
    except (sqlite3.Error, OSError, ValueError, KeyError, TypeError, GeotieError):
        db.close()
        return None


#: A file aside older than this is a leftover even if a process now has its pid.
LEFTOVER_S = 24 * 3600


def sweep(folder: Path) -> list[Path]:
    """Remove the files a killed build left aside (`*.tmp-<pid>` of a process that is gone,
    or older than LEFTOVER_S); the ones removed."""
    removed = []
    try:
        leftovers = list(folder.glob("*.sqlite.tmp-*"))
    except OSError:
        return removed
    for path in leftovers:
        pid = path.name.rpartition("-")[2]
        try:
            if pid.isdigit() and _running(int(pid)) and time.time() - path.stat().st_mtime < LEFTOVER_S:
                continue
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's
        return True
    return not _ended(pid)


def _ended(pid: int) -> bool:
    """Whether the process has ended but not been reaped yet (a zombie: Linux's state Z). A
    killed build's second process (index.aside) is one until the system reaps it."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:  # no /proc (not Linux), or gone meanwhile
        return False
    after = stat.rfind(b")")  # the command name, in parentheses, may hold anything
    return stat[after + 2 : after + 3] == b"Z"
