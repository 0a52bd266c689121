"""Where indexes live and how a store file is recognised as unchanged: the cache folder, its
safety, each file's stat and content hash."""

from __future__ import annotations

import os
import zlib
from collections.abc import Mapping
from pathlib import Path

#: A file modified less than this before the index was written is also compared by content
#: hash: an edit within the file system's timestamp granularity keeps size and mtime.
RACY_NS = 2_000_000_000


def cache_dir(environ: Mapping[str, str]) -> Path:
    """$GEOTIE_CACHE, else $XDG_CACHE_HOME/geotie, else ~/.cache/geotie."""
    if environ.get("GEOTIE_CACHE"):
        return Path(environ["GEOTIE_CACHE"]).expanduser()
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "geotie"


def safe_dir(folder: Path, create: bool) -> bool:
    """The folder is ours and nobody else can write to it (created 0700 if asked)."""
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


HASH_BLOCK = 1 << 20


def file_hash(path: Path) -> str:
    """A checksum of the file's bytes (CRC-32 and Adler-32): it is there to notice an
    accidental same-size edit within the timestamp granularity, not to resist forgery, and
    zlib is already loaded where hashlib would cost start-up time."""
    crc, adler = 0, 1
    with path.open("rb") as f:  # a block at a time: a store of 500 MB is not held whole
        while block := f.read(HASH_BLOCK):
            crc, adler = zlib.crc32(block, crc), zlib.adler32(block, adler)
    return f"{crc:08x}{adler:08x}"


def file_stat(path: Path) -> list[int]:
    """Inode, size and mtime_ns: what must not have changed."""
    st = path.stat()
    return [st.st_ino, st.st_size, st.st_mtime_ns]
