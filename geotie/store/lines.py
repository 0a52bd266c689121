"""Line numbers for entries and fields: tomllib gives values, not positions.

A light scan of the text maps paths such as ("events", 3, "title") or
("events", 3, "citations", 0) to 1-based lines. It understands [table] and
[[array]] headers, `key = value` lines, inline arrays of tables split over lines
and multi-line strings; anything it cannot place falls back to its parent's line.
"""

from __future__ import annotations

import re

Path = tuple  # ("events", 3, "title")

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.\-]+)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\-]+)\s*\]")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=\s*(.*)$")


class LineIndex:
    def __init__(self, text: str = "", lines: dict[tuple, int] | None = None) -> None:
        """Lines of `text`. `lines` are the entries' lines already recorded by the reader
        (store.fastparse): then the text is scanned only when a field's line is asked for,
        which happens only to report a problem."""
        self._text = text
        self._lines: dict[tuple, int] = dict(lines) if lines is not None else {}
        self._scanned = lines is None
        if lines is None:
            self._scan(text)

    def _put(self, path: tuple, line: int) -> None:
        self._lines.setdefault(path, line)

    def _scan(self, text: str) -> None:
        counts: dict[tuple, int] = {}
        current: tuple = ()
        open_array: tuple | None = None  # path of a key whose inline array spans lines
        array_items = 0
        in_string: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_string:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            if open_array is not None:
                stripped = line.strip()
                if stripped.startswith("{"):
                    self._put((*open_array, array_items), number)
                    array_items += 1
                if stripped.startswith("]") or stripped.endswith("]"):
                    open_array = None
                continue
            m = _ARRAY_HEADER.match(line)
            if m:
                parts = tuple(m.group(1).split("."))
                parent = self._parent(parts, counts)
                index = counts.get(parent, 0)
                counts[parent] = index + 1
                current = (*parent, index)
                self._put(current, number)
                continue
            m = _TABLE_HEADER.match(line)
            if m:
                current = tuple(m.group(1).split("."))
                self._put(current, number)
                continue
            m = _KEY.match(line)
            if m:
                key = m.group(1).strip('"')
                value = m.group(2)
                self._put((*current, key), number)
                for quote in ('"""', "'''"):
                    if value.count(quote) % 2 == 1:
                        in_string = quote
                if value.startswith("[") and not _closes(value):
                    open_array, array_items = (*current, key), 0
                elif value.startswith("["):
                    self._put((*current, key, 0), number)

    def _parent(self, parts: tuple, counts: dict[tuple, int]) -> tuple:
        """[[events.citations]] belongs to the latest [[events]] entry."""
        path: tuple = ()
        for part in parts[:-1]:
            path = (*path, part)
            if path in counts:
                path = (*path, counts[path] - 1)
        return (*path, parts[-1])

    def line(self, *path: object) -> int:
        """The line of `path`, or of its nearest known parent; 0 when nothing is known."""
        p = tuple(path)
        if p not in self._lines and not self._scanned:
            self._scanned = True
            self._scan(self._text)
        while p:
            if p in self._lines:
                return self._lines[p]
            p = p[:-1]
        return 0


def _closes(value: str) -> bool:
    depth = 0
    quote = ""
    for c in value:
        if quote:
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "#":
            break
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
    return depth <= 0
