"""Finding store files and reading them as TOML: every failure becomes one StoreError line."""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path

from ..errors import StoreError
from ..model import Origin, Problem

_TOML_POSITION = r"\(at line (\d+), column (\d+)\)"  # in tomllib's messages; compiled on an error only


def bundled_store() -> Path:
    """The store shipped with geotie: package data in an installed wheel, data/ in a checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_bundled" / "facts.toml", here.parent / "data" / "facts.toml"):
        if candidate.is_file():
            return candidate
    raise StoreError(
        f"the bundled store is missing (looked in {here / '_bundled'}); reinstall geotie or pass --data PATH"
    )


def user_store(environ: Mapping[str, str]) -> Path:
    """The user's own store, where `geotie add` writes by default:
    $GEOTIE_STORE, else $XDG_DATA_HOME/geotie/facts.toml, else ~/.local/share/geotie/facts.toml."""
    if environ.get("GEOTIE_STORE"):
        return Path(environ["GEOTIE_STORE"]).expanduser()
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "geotie" / "facts.toml"


def expand(paths: list[str]) -> list[Path]:
    """Files named by --data / GEOTIE_DATA: a file, or a folder (every *.toml below it that is
    not a folder; hidden files and folders, and links to folders, are left out)."""
    out: list[Path] = []
    for text in paths:
        path = Path(text).expanduser()
        kind = _kind(path)
        if kind == "folder":
            found = sorted(_toml_files(path))
            if not found:
                raise StoreError(f"{path}: the folder holds no .toml files; point --data at a store file or folder")
            out.extend(found)
        elif kind == "missing" and not path.is_symlink():
            raise StoreError(f"{path}: no such file or folder; check --data or GEOTIE_DATA")
        else:  # a file, or something read_text will refuse with its own message
            out.append(path)
    return out


def _kind(path: Path) -> str:
    """ "folder", "missing" or "other" (a file, a looping link, a FIFO...), following links."""
    try:
        return "folder" if stat.S_ISDIR(os.stat(path).st_mode) else "other"
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "other"


def _toml_files(folder: Path) -> list[Path]:
    """Every entry named *.toml below `folder` that is not a folder (links to folders are not
    followed, so no link can make this loop); an unreadable folder is an error, not "empty"."""
    found: list[Path] = []
    try:
        with os.scandir(folder) as entries:
            items = list(entries)
    except PermissionError:
        raise StoreError(
            f"{folder}: cannot read the folder: permission denied; make it readable (chmod u+rx) "
            "or leave it out of --data"
        ) from None
    except OSError as err:
        raise StoreError(f"{folder}: cannot read the folder: {err.strerror or err}") from None
    for entry in items:
        if entry.name.startswith("."):
            continue
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_folder = False
        if is_folder:
            found += _toml_files(Path(entry.path))
        elif entry.name.endswith(".toml") and not _links_to_folder(entry):
            found.append(Path(entry.path))
    return found


def _links_to_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:
        return False


def split_env(value: str | None) -> list[str]:
    """GEOTIE_DATA is a list of paths separated like PATH (':' here, ';' on Windows)."""
    return [p for p in (value or "").split(os.pathsep) if p.strip()]


def _unreadable(path: Path, line: int, code: str, message: str, column: int = 0) -> StoreError:
    where = f"{path}:{line}" + (f":{column}" if column else "") if line else str(path)
    return StoreError(f"{where}: {message}", problem=Problem("error", code, message, Origin(str(path), line)))


def real_path(path: Path) -> Path:
    """`path` with its links resolved; as given (made absolute) when a link loops."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return path.absolute()


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file; anything else (a FIFO, a device, a socket) is refused
    before a read could block on it."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(mode):
            raise _unreadable(
                path, 0, "unreadable", "is not a regular file (a FIFO, device or socket?); a store must be a file"
            )
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path) -> str:
    try:
        data = read_regular(path)
    except FileNotFoundError:
        raise _unreadable(path, 0, "unreadable", "no such file (a broken link?); check --data or GEOTIE_DATA") from None
    except IsADirectoryError:
        raise _unreadable(path, 0, "unreadable", "is a folder, not a store file") from None
    except PermissionError:
        raise _unreadable(path, 0, "unreadable", "permission denied; make the file readable") from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise _unreadable(
                path, 0, "unreadable", "is a symbolic link that loops (it leads back to itself); fix or remove the link"
            ) from None
        raise _unreadable(path, 0, "unreadable", f"cannot read: {err.strerror or err}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        raise _unreadable(path, 1, "bom", "the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise _unreadable(
            path,
            line,
            "bad-utf8",
            f"invalid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); save the file as UTF-8",
        ) from None


def parse_toml(path: Path, text: str) -> dict:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        line = column = 0
        m = re.search(_TOML_POSITION, message)
        if m:
            line, column = int(m.group(1)), int(m.group(2))
            message = message[: m.start()].strip()
        raise _unreadable(path, line, "bad-toml", f"invalid TOML: {message}; fix the syntax there", column) from None
    except RecursionError:
        raise _unreadable(path, 0, "bad-toml", "invalid TOML: nested too deeply") from None
