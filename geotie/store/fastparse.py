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
from itertools import chain

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


class _Table(tuple):
    """An inline table while memoised: its (key, value) pairs."""


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
    return _Table(table.items())


# What a line says: (operation, key or table name, value or sub-table name).
_KEY_VALUE, _AOT, _TABLE, _KEY_ARRAY, _OPEN, _ELEMENT, _CLOSE, _BLANK, _DECLINE = range(9)
_BLANK_OP = (_BLANK, None, None)
_CLOSE_OP = (_CLOSE, None, None)
_DECLINE_OP = (_DECLINE, None, None)  # not in the subset
_CHUNK = 1 << 20  # characters of text split into lines at a time (a list of every line would be large)
_MEMO_MAX = 48  # longer lines (titles, quotes) are seldom repeated: not remembered, to save memory


def _classify_outside(line: str) -> tuple:
    """What a line outside a multi-line array says (_DECLINE_OP: not in the subset). Values are
    immutable (an array is a tuple, an inline table a tuple of pairs) since the result is
    shared by every line with the same text."""
    m = KEY_SCALAR.fullmatch(line)
    if m:
        return (_KEY_VALUE, m.group(1), _scalar(m.group(2)))
    m = HEADER_AOT.fullmatch(line)
    if m:
        return (_AOT, m.group(1), m.group(2))
    m = HEADER_TABLE.fullmatch(line)
    if m:
        return (_TABLE, m.group(1), None)
    m = KEY_ARRAY.fullmatch(line)
    if m:
        return (_KEY_ARRAY, m.group(1), tuple(_element(t) for t in ELEMENTS.findall(m.group(2))))
    m = KEY_OPEN.fullmatch(line)
    if m:
        return (_OPEN, m.group(1), None)
    if BLANK.fullmatch(line):
        return _BLANK_OP
    return _DECLINE_OP


def _classify_inside(line: str) -> tuple:
    """What a line inside a multi-line array says."""
    m = ELEMENT_LINE.fullmatch(line)
    if m:
        return (_ELEMENT, None, _element(m.group(1)))
    if CLOSE.fullmatch(line):
        return _CLOSE_OP
    if BLANK.fullmatch(line):
        return _BLANK_OP
    return _DECLINE_OP


def _array_table(root: dict, name: str, sub: str | None, header_arrays: set[int]) -> tuple[dict, tuple]:
    """The new table a `[[name]]` or `[[name.sub]]` header opens, and its path."""
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
    table: dict = {}
    items.append(table)
    return table, path


def _fresh(value):
    """A memoised element as a new object: inline tables are dicts, one per occurrence."""
    return dict(value) if type(value) is _Table else value


def _chunks(text: str):
    """The lines of `text` (split on LF) as lists of about _CHUNK characters."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", min(start + _CHUNK, size))
        if end < 0:
            break
        yield text[start:end].split("\n")
        start = end + 1
    yield text[start:].split("\n")


def parse(text: str) -> tuple[dict, dict[tuple, int]] | None:
    """(the document as tomllib.loads gives it, {table path: line}), or None to decline.
    The lines are those of tables (`("events", 3)`, `("actors", 0, "roles", 1)`); fields'
    lines are found by store.lines when a problem needs one."""
    try:
        return _parse(text)
    except (_NotSubset, ValueError, RecursionError):
        return None


def _parse(text: str) -> tuple[dict, dict[tuple, int]]:
    """Line by line; a store repeats most of its lines (`]`, `status = "occurred"`, an actor
    id in a list, headers), so each distinct line is classified once and remembered."""
    if text.endswith("\r"):  # a carriage return not followed by a line feed: not TOML
        raise _NotSubset
    root: dict = {}
    lines: dict[tuple, int] = {}
    table = root
    header_arrays: set[int] = set()  # ids of the lists [[headers]] made: only those take more tables
    outside: dict[str, tuple] = {}
    inside: dict[str, tuple] = {}
    outside_get, inside_get = outside.get, inside.get
    numbered = enumerate(chain.from_iterable(_chunks(text)), 1)
    # The remembered-line lookup is written out in both loops: a function call per line would
    # cost ~0.2 s on a 100,000-event store.
    for number, line in numbered:
        op = outside_get(line)
        if op is None:
            op = _classify_outside(line[:-1] if line[-1:] == "\r" else line)
            if len(line) <= _MEMO_MAX:
                outside[line] = op
        kind, key, value = op
        if kind == _KEY_VALUE:
            if key in table:
                raise _NotSubset
            table[key] = value
        elif kind == _OPEN:  # the lines up to the closing bracket, here
            if key in table:
                raise _NotSubset
            array: list = []
            for _, line in numbered:
                op = inside_get(line)
                if op is None:
                    op = _classify_inside(line[:-1] if line[-1:] == "\r" else line)
                    if len(line) <= _MEMO_MAX:
                        inside[line] = op
                kind = op[0]
                if kind == _ELEMENT:
                    value = op[2]
                    array.append(dict(value) if type(value) is _Table else value)
                elif kind == _CLOSE:
                    break
                elif kind == _DECLINE:
                    raise _NotSubset
            else:  # the text ended inside the array
                raise _NotSubset
            table[key] = array
        elif kind == _AOT:
            table, path = _array_table(root, key, value, header_arrays)
            lines[path] = number
        elif kind == _TABLE:
            if key in root:
                raise _NotSubset
            table = root[key] = {}
            lines[(key,)] = number
        elif kind == _KEY_ARRAY:
            if key in table:
                raise _NotSubset
            table[key] = [_fresh(v) for v in value]
        elif kind == _DECLINE:
            raise _NotSubset
    return root, lines
