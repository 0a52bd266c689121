"""Finding store files and reading them as TOML: every failure becomes one StoreError line."""

from __future__ import annotations

import os
import re
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
    """Files named by --data / GEOTIE_DATA: a .toml file, or a folder (all *.toml below it)."""
    out: list[Path] = []
    for text in paths:
        path = Path(text).expanduser()
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*.toml") if not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise StoreError(f"{path}: the folder holds no .toml files; point --data at a store file or folder")
            out.extend(found)
        elif path.exists() or path.is_symlink():
            out.append(path)
        else:
            raise StoreError(f"{path}: no such file or folder; check --data or GEOTIE_DATA")
    return out


def split_env(value: str | None) -> list[str]:
    """GEOTIE_DATA is a list of paths separated like PATH (':' here, ';' on Windows)."""
    return [p for p in (value or "").split(os.pathsep) if p.strip()]


def _unreadable(path: Path, line: int, code: str, message: str, column: int = 0) -> StoreError:
    where = f"{path}:{line}" + (f":{column}" if column else "") if line else str(path)
    return StoreError(f"{where}: {message}", problem=Problem("error", code, message, Origin(str(path), line)))


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _unreadable(path, 0, "unreadable", "no such file (a broken link?); check --data or GEOTIE_DATA") from None
    except IsADirectoryError:
        raise _unreadable(path, 0, "unreadable", "is a folder, not a store file") from None
    except PermissionError:
        raise _unreadable(path, 0, "unreadable", "permission denied; make the file readable") from None
    except OSError as err:
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
