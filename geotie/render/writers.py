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

from ..text import tsv_cell, tsv_line, visible
from .rows import Lazy, View

__all__ = ["tsv_cell", "write"]


JSON_UNSAFE = "[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]"


def _element(item: Any, pad: str = "  ") -> str:
    """An element of an indented array whose elements begin with `pad` (the top level's:
    two spaces), as json.dumps(..., indent=2) writes it there."""
    text = indented(item, pad)
    if text is None:
        return json_text(item, indent=2).replace("\n", "\n" + pad)
    return _safe(text)


def _safe(text: str) -> str:
    if text.isascii() and "\x7f" not in text:
        return text
    return re.sub(JSON_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", text)


def json_text(obj: Any, indent: int | None = None) -> str:
    text = indented(obj) if indent == 2 else compact(obj) if indent is None else None
    if text is None:
        import json

        text = json.dumps(obj, ensure_ascii=False, indent=indent)
    return _safe(text)


_COMPACT: Any = None


def compact(obj: Any) -> str | None:
    """json.dumps(obj, ensure_ascii=False), with json's C encoder made once (json.dumps makes
    an encoder per call: a third of the time of 100,000 small objects); None where there is
    no C encoder or json.dumps would call `default`."""
    global _COMPACT
    if _COMPACT is None:
        from json.encoder import c_make_encoder, encode_basestring

        if c_make_encoder is None:  # pragma: no cover - CPython has it
            return None

        def refuse(value: object) -> None:
            raise TypeError(type(value).__name__)

        _COMPACT = c_make_encoder(None, refuse, encode_basestring, None, ": ", ", ", False, False, True)
    try:
        return "".join(_COMPACT(obj, 0))
    except (TypeError, ValueError, RecursionError):
        return None


def indented(obj: Any, pad: str = "") -> str | None:
    """json.dumps(obj, ensure_ascii=False, indent=2), byte for byte, for what geotie writes
    (dicts with str keys, lists, str, int, bool, None); None for anything else (json then
    writes it). `pad`: the text as it stands at that depth inside an indented array (its
    lines after the first begin with `pad`). json's C encoder is not used with an indent:
    its Python one was two thirds of the time of a whole-store export."""
    global _enc
    if _enc is None:
        from json.encoder import encode_basestring

        _enc = encode_basestring
    try:
        return _dump(obj, pad)
    except (TypeError, RecursionError):
        return None


_enc: Any = None


def _dump(value: Any, pad: str) -> str:
    enc = _enc
    kind = type(value)
    if kind is str:
        return enc(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = pad + "  "
        parts = []
        for k, v in value.items():
            if type(k) is not str:
                raise TypeError
            kind = type(v)  # scalars inline: most values are
            if kind is str:
                parts.append(f"{inner}{enc(k)}: {enc(v)}")
            elif v is None:
                parts.append(f"{inner}{enc(k)}: null")
            elif kind is list and v and all(type(x) is str for x in v):  # lists of ids, inline too
                more = inner + "  "
                items = ",\n".join(more + enc(x) for x in v)
                parts.append(f"{inner}{enc(k)}: [\n{items}\n{inner}]")
            else:
                parts.append(f"{inner}{enc(k)}: {_dump(v, inner)}")
        return "{\n" + ",\n".join(parts) + "\n" + pad + "}"
    if kind is list:
        if not value:
            return "[]"
        inner = pad + "  "
        if all(type(v) is str for v in value):
            return "[\n" + ",\n".join(inner + enc(v) for v in value) + "\n" + pad + "]"
        return "[\n" + ",\n".join(inner + _dump(v, inner) for v in value) + "\n" + pad + "]"
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    raise TypeError


def write_tsv(view: View, out: IO[str]) -> None:
    if view.tsv_lines is not None:  # written already (the index stores timeline rows so)
        for line in view.tsv_lines:
            out.write(line + "\n")
        return
    for row in view.rows:
        out.write(tsv_line(row) + "\n")


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
        write_object(data, out, indent=True)
        out.write("\n")
        return
    _write_indented(data, out, "")
    out.write("\n")


class JsonArray:
    """Where the parts of a JSON array are written (`write_elements`, each element preceded
    by a comma): the first comma becomes the opening bracket; `close` writes the closing one.
    The text is write_json's, byte for byte."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.begun = False

    def write(self, text: str) -> int:
        if not self.begun and text:
            self.begun = True
            text = "[" + text[1:]
        return self.out.write(text)

    def close(self) -> None:
        self.out.write("\n]\n" if self.begun else "[]\n")


def write_elements(view: View, fmt: str, out: IO[str]) -> None:
    """A part of a json array (each element preceded by ",\n  ": see JsonArray) or of jsonl."""
    if fmt == "jsonl":
        write_jsonl(view, out)
        return
    for item in view.data:
        out.write(",\n  " + _element(item))


def write_jsonl(view: View, out: IO[str]) -> None:
    data = view.data
    if isinstance(data, dict):
        write_object(data, out, indent=False)
        out.write("\n")
        return
    for record in data:
        out.write(json_text(record) + "\n")


def write_object(obj: dict, out: IO[str], indent: bool) -> None:
    """One JSON object (indented as json.dumps(..., indent=2) or on one line as json.dumps),
    each rows.Lazy value of its keys written as an array an element at a time: the same
    text, byte for byte, as the object with lists there."""
    lazy = {key: f"\0geotie-lazy-{i}\0" for i, (key, value) in enumerate(obj.items()) if type(value) is Lazy}
    text = json_text({key: lazy.get(key, value) for key, value in obj.items()}, indent=2 if indent else None)
    for key, mark in lazy.items():
        before, found, text = text.partition(json_text(mark))
        if not found:  # pragma: no cover - the mark is a string of the object's own
            raise ValueError(f"{key}: not found in the object's text")
        out.write(before)
        _write_array(obj[key], out, indent)
    out.write(text)


def _write_array(items: Lazy, out: IO[str], indent: bool) -> None:
    """An array as the value of an object's own key: its elements at depth 2 (indented) or
    separated by ", " (one line)."""
    if not indent:
        separator = "["
        for item in items:
            out.write(separator + json_text(item))
            separator = ", "
        out.write("[]" if separator == "[" else "]")
        return
    _write_indented(items, out, "  ")


def _write_indented(items: Iterable[Any], out: IO[str], pad: str) -> None:
    """An array as json.dumps(..., indent=2) writes it where its brackets are indented by
    `pad`, an element at a time."""
    inner = pad + "  "
    separator = None
    for item in items:
        out.write((separator or "[\n" + inner) + _element(item, inner))
        separator = ",\n" + inner
    out.write("[]" if separator is None else "\n" + pad + "]")


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
