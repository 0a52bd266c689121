r"""A fast reader for the plain TOML that geotie stores are made of, with line numbers.

tomllib reads about 4.5 MB/s; a 100,000-event store is ~50 MB. This reader handles a strict
subset of TOML line by line with regular expressions, several times faster, and records
the line of every table on the way. Anything outside the subset (multi-line
strings, dotted keys, inline tables outside arrays, a key defined twice, ...) makes it
return None, and the caller uses tomllib: it never guesses, so it never accepts a file
tomllib would refuse or read one differently (a property test checks this).

The subset: `[table]` and `[[array]]` / `[[array.sub]]` headers; `key = value` with bare
keys; values that are basic or literal strings, integers, booleans, or arrays of those and
of inline tables of those, an array either on one line or one element per line; comments.
"""

from __future__ import annotations

import json
import re

_KEY = r"[A-Za-z0-9_-]+"
_PLAIN = r'[^"\\\x00-\x08\x0a-\x1f\x7f]*'
_ESCAPE = r'\\(?:["\\btnfr]|u(?![dD][89abAB-fF])[0-9A-Fa-f]{4})'
_BASIC = rf'"{_PLAIN}(?:{_ESCAPE}{_PLAIN})*"'
_LITERAL = r"'[^'\x00-\x08\x0a-\x1f\x7f]*'"
_INT = r"-?(?:0|[1-9][0-9]*)"
_SCALAR = rf"(?:{_BASIC}|{_LITERAL}|{_INT}|true|false)"
_COMMENT = r"(?:[ \t]*#[^\x00-\x08\x0a-\x1f\x7f]*)?"
_PAIR = rf"{_KEY}[ \t]*=[ \t]*{_SCALAR}"
_INLINE = rf"\{{[ \t]*(?:{_PAIR}(?:[ \t]*,[ \t]*{_PAIR})*)?[ \t]*\}}"
_ELEMENT = rf"(?:{_SCALAR}|{_INLINE})"

HEADER_AOT = re.compile(rf"[ \t]*\[\[[ \t]*({_KEY})(?:\.({_KEY}))?[ \t]*\]\]{_COMMENT}")
HEADER_TABLE = re.compile(rf"[ \t]*\[[ \t]*({_KEY})[ \t]*\]{_COMMENT}")
KEY_SCALAR = re.compile(rf"[ \t]*({_KEY})[ \t]*=[ \t]*({_SCALAR}){_COMMENT}")
KEY_ARRAY = re.compile(
    rf"[ \t]*({_KEY})[ \t]*=[ \t]*\[[ \t]*((?:{_ELEMENT}[ \t]*,[ \t]*)*(?:{_ELEMENT})?)[ \t]*\]{_COMMENT}"
)
KEY_OPEN = re.compile(rf"[ \t]*({_KEY})[ \t]*=[ \t]*\[{_COMMENT}")
ELEMENT_LINE = re.compile(rf"[ \t]*({_ELEMENT})[ \t]*,?{_COMMENT}")
CLOSE = re.compile(rf"[ \t]*\]{_COMMENT}")
BLANK = re.compile(rf"{_COMMENT}")
ELEMENTS = re.compile(_ELEMENT)
PAIRS = re.compile(rf"({_KEY})[ \t]*=[ \t]*({_SCALAR})")


class _NotSubset(Exception):
    pass


def _scalar(token: str):
    first = token[0]
    if first == '"':
        return token[1:-1] if "\\" not in token else json.loads(token)
    if first == "'":
        return token[1:-1]
    if token == "true":
        return True
    if token == "false":
        return False
    return int(token)


def _element(token: str):
    if token[0] != "{":
        return _scalar(token)
    table: dict = {}
    for key, value in PAIRS.findall(token):
        if key in table:
            raise _NotSubset
        table[key] = _scalar(value)
    return table


def parse(text: str) -> tuple[dict, dict[tuple, int]] | None:
    """(the document as tomllib.loads gives it, {table path: line}), or None to decline.
    The lines are those of tables (`("events", 3)`, `("actors", 0, "roles", 1)`); fields'
    lines are found by store.lines when a problem needs one."""
    try:
        return _parse(text)
    except (_NotSubset, ValueError, RecursionError):
        return None


def _parse(text: str) -> tuple[dict, dict[tuple, int]]:
    root: dict = {}
    lines: dict[tuple, int] = {}
    table = root
    header_arrays: set[int] = set()  # ids of the lists [[headers]] made: only those take more tables
    array_key = None  # the open multi-line array: its key
    array: list = []
    rows = text.split("\n")
    if rows[-1].endswith("\r"):  # a carriage return not followed by a line feed: not TOML
        raise _NotSubset
    for number, line in enumerate(rows, start=1):
        if line.endswith("\r"):
            line = line[:-1]
        if array_key is not None:
            m = ELEMENT_LINE.fullmatch(line)
            if m:
                array.append(_element(m.group(1)))
                continue
            if CLOSE.fullmatch(line):
                table[array_key] = array
                array_key = None
                continue
            if BLANK.fullmatch(line):
                continue
            raise _NotSubset
        m = KEY_SCALAR.fullmatch(line)
        if m:
            key = m.group(1)
            if key in table:
                raise _NotSubset
            table[key] = _scalar(m.group(2))
            continue
        m = HEADER_AOT.fullmatch(line)
        if m:
            name, sub = m.groups()
            if sub is None:
                owner, key = root, name
            else:
                parent = root.get(name)
                if not isinstance(parent, list) or id(parent) not in header_arrays:
                    raise _NotSubset
                owner, key = parent[-1], sub
            items = owner.get(key)
            if items is None:
                items = owner[key] = []
                header_arrays.add(id(items))
            elif id(items) not in header_arrays:  # a table, a value or an inline array: tomllib decides
                raise _NotSubset
            path = (name, len(items)) if sub is None else (name, len(root[name]) - 1, sub, len(items))
            table = {}
            items.append(table)
            lines[path] = number
            continue
        m = HEADER_TABLE.fullmatch(line)
        if m:
            name = m.group(1)
            if name in root:
                raise _NotSubset
            table = root[name] = {}
            lines[(name,)] = number
            continue
        m = KEY_ARRAY.fullmatch(line)
        if m:
            key = m.group(1)
            if key in table:
                raise _NotSubset
            table[key] = [_element(t) for t in ELEMENTS.findall(m.group(2))]
            continue
        m = KEY_OPEN.fullmatch(line)
        if m:
            array_key, array = m.group(1), []
            if array_key in table:
                raise _NotSubset
            continue
        if BLANK.fullmatch(line):
            continue
        raise _NotSubset
    if array_key is not None:
        raise _NotSubset
    return root, lines
