"""The machine formats write as they go: json's array an element at a time, byte for byte
what json.dumps(..., indent=2) makes of the whole list."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geotie.render.rows import View
from geotie.render.writers import write

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats() | st.tuples(st.integers()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
objects = st.dictionaries(st.text(max_size=8), values, max_size=4)


@given(items=st.lists(objects, max_size=5))
def test_a_streamed_array_is_what_dumping_the_list_writes(items):
    from geotie.render.writers import json_text

    out = io.StringIO()
    write(View(("x",), [], lambda: iter(items)), "json", out, safe=False)
    assert out.getvalue() == json_text(items, indent=2) + "\n"


def test_an_object_is_written_whole():
    out = io.StringIO()
    write(View(("x",), [], {"a": [1, 2]}), "json", out, safe=False)
    assert out.getvalue() == '{\n  "a": [\n    1,\n    2\n  ]\n}\n'


@pytest.mark.parametrize("fmt", ["json", "jsonl", "tsv"])
def test_each_element_is_written_before_the_next_is_made(fmt):
    out = io.StringIO()
    seen = []

    def made():
        for i in range(3):
            seen.append(out.getvalue().count('"n"') if fmt != "tsv" else out.getvalue().count("\n"))
            yield {"n": i}

    view = View(("n",), lambda: ((str(r["n"]),) for r in made()), made)
    write(view, fmt, out, safe=False)
    assert seen == [0, 1, 2]  # each element was written when the next one was asked for


@given(value=values)
def test_indented_json_is_what_json_writes(value):
    import re

    from geotie.render.writers import JSON_UNSAFE, json_text

    want = json.dumps(value, ensure_ascii=False, indent=2)
    want = re.sub(JSON_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", want)
    assert json_text(value, indent=2) == want


@given(value=values)
def test_compact_json_is_what_json_writes(value):
    import re

    from geotie.render.writers import JSON_UNSAFE, json_text

    want = json.dumps(value, ensure_ascii=False)
    assert json_text(value) == re.sub(JSON_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", want)


@given(st.lists(st.text(), min_size=1, max_size=6))
def test_a_tsv_line_is_one_line_and_gives_back_its_cells(cells):
    from geotie.text import tsv_cells, tsv_line

    line = tsv_line(cells)
    assert "\n" not in line and "\r" not in line and line.count("\t") == len(cells) - 1
    assert tsv_cells(line) == tuple(cells)


@given(st.lists(values, max_size=4))
def test_a_json_array_written_an_element_at_a_time_is_what_json_writes(items):
    import re

    from geotie.render.writers import JSON_UNSAFE

    out = io.StringIO()
    write(View(("x",), [], lambda: iter(items)), "json", out, safe=False)
    want = json.dumps(items, ensure_ascii=False, indent=2)
    assert out.getvalue() == re.sub(JSON_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", want) + "\n"


@given(obj=objects, arrays=st.dictionaries(st.text(max_size=6), st.lists(values, max_size=4), max_size=3))
def test_an_object_with_lazy_arrays_is_what_dumping_it_writes(obj, arrays):
    """rows.Lazy values (a profile's events) are written an element at a time, at the object's
    own keys: the same text, indented (json) and on one line (jsonl), as the whole object."""
    from geotie.render.rows import Lazy
    from geotie.render.writers import json_text

    whole = {**obj, **arrays}
    lazy = {key: (Lazy(lambda v=value: iter(v)) if key in arrays else value) for key, value in whole.items()}
    for fmt, want in (("json", json_text(whole, indent=2)), ("jsonl", json_text(whole))):
        out = io.StringIO()
        write(View(("x",), [], lambda: dict(lazy)), fmt, out, safe=False)
        assert out.getvalue() == want + "\n"


def test_a_lazy_array_is_made_as_it_is_written():
    from geotie.render.rows import Lazy

    out = io.StringIO()
    made = []

    def items():
        for i in range(3):
            made.append((i, out.getvalue().count("{")))  # what was written when the element was made
            yield {"n": i}

    write(View(("x",), [], {"a": "x", "events": Lazy(items), "z": []}), "json", out, safe=False)
    assert [written for _, written in made] == [1, 2, 3]  # the object's brace, then one per element
    assert json.loads(out.getvalue()) == {"a": "x", "events": [{"n": 0}, {"n": 1}, {"n": 2}], "z": []}
