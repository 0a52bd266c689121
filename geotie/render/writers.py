r"""Machine formats: tsv, csv, json, jsonl, md. Plain text, never through Rich.

tsv: no header, one record per line; backslash, tab, newline, carriage return and other
control characters are escaped (`\\`, `\t`, `\n`, `\r`, `\xNN`), so every record is one line
and the escaping can be undone. json/jsonl: UTF-8, with every control character (including
DEL, C1 and bidi overrides) written as a \\u escape. csv: RFC 4180 with a header. md: a
GitHub table with a header; line breaks become spaces, `|` is escaped, controls made visible.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO, Any

from ..text import CONTROL_PATTERN, escape_control, visible
from .rows import View

_TSV_SPECIAL = r"\\|" + CONTROL_PATTERN


def tsv_cell(value: str) -> str:
    if value.isprintable() and "\\" not in value:  # no pattern to compile in the common case
        return value
    return re.sub(_TSV_SPECIAL, lambda m: "\\\\" if m.group() == "\\" else escape_control(m.group()), value)


_JSON_UNSAFE = "[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]"


def json_text(obj: Any, indent: int | None = None) -> str:
    import json

    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    if text.isascii() and "\x7f" not in text:
        return text
    return re.sub(_JSON_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", text)


def write_tsv(view: View, out: IO[str]) -> None:
    for row in view.rows:
        out.write("\t".join(tsv_cell(v) for v in row) + "\n")


def write_csv(view: View, out: IO[str], safe: bool) -> None:
    import csv

    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(view.columns)
    for row in view.rows:
        writer.writerow([visible(v) for v in row] if safe else row)


def write_json(view: View, out: IO[str]) -> None:
    """An object, or an array written an element at a time (what json.dumps(..., indent=2)
    writes for the whole list, byte for byte, without holding it)."""
    data = view.data
    if isinstance(data, dict):
        out.write(json_text(data, indent=2) + "\n")
        return
    opening = "[\n  "
    for item in data:
        out.write(opening + json_text(item, indent=2).replace("\n", "\n  "))
        opening = ",\n  "
    out.write("[]\n" if opening == "[\n  " else "\n]\n")


def write_jsonl(view: View, out: IO[str]) -> None:
    for record in view.records:
        out.write(json_text(record) + "\n")


def md_cell(value: str) -> str:
    return visible(" ".join(value.splitlines())).replace("|", "\\|")


def _md_lines(view: View) -> Iterable[str]:
    yield "| " + " | ".join(view.columns) + " |"
    yield "|" + "|".join("---" for _ in view.columns) + "|"
    for row in view.rows:
        yield "| " + " | ".join(md_cell(v) for v in row) + " |"


def write_md(view: View, out: IO[str]) -> None:
    for line in _md_lines(view):
        out.write(line + "\n")


def write(view: View, fmt: str, out: IO[str], safe: bool) -> None:
    """Write `view` as `fmt`; `safe` (stdout is a terminal) makes csv cells visible too."""
    if fmt == "tsv":
        write_tsv(view, out)
    elif fmt == "csv":
        write_csv(view, out, safe)
    elif fmt == "json":
        write_json(view, out)
    elif fmt == "jsonl":
        write_jsonl(view, out)
    elif fmt == "md":
        write_md(view, out)
    else:  # pragma: no cover - the CLI only passes known formats
        raise ValueError(fmt)
