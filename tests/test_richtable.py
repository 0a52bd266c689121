"""geotie.render.richtable.Table measures its columns itself: whatever the cells, options
and console width, it must print exactly what Rich's own Table prints."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from geotie.render import richtable
from geotie.render.richtable import Table

# Words of every width class: ASCII, wide (CJK), emoji, combining and zero-width marks,
# Azerbaijani and Turkish letters; joined by spaces, tabs and newlines.
WORDS = st.sampled_from(
    ["a", "JF-17", "Pakistan", "Mustafayev", "İlham", "Əliyev", "漢字", "📰", "e\u0301", "a\u200bb", "x" * 30, ""]
)
SEPS = st.sampled_from([" ", "  ", "\n", "\t", " \n "])


@st.composite
def texts(draw) -> str:
    words = draw(st.lists(WORDS, max_size=8))
    out = ""
    for w in words:
        out += w + draw(SEPS)
    return out[: draw(st.integers(0, len(out)))] if draw(st.booleans()) else out


@st.composite
def tables(draw):
    options = {
        "box": draw(st.sampled_from([box.SIMPLE_HEAD, box.ROUNDED, None])),
        "padding": draw(st.sampled_from([(0, 1), (0, 0), (1, 2), (0, 3, 0, 0)])),
        "pad_edge": draw(st.booleans()),
        "collapse_padding": draw(st.booleans()),
        "show_header": draw(st.booleans()),
        "expand": draw(st.booleans()),
    }
    columns = []
    for _ in range(draw(st.integers(1, 5))):
        header = draw(st.sampled_from(["When", "Roles then", "", "Event", "[b]x[/b]", ":smile:"]))
        column = {
            "no_wrap": draw(st.booleans()),
            "min_width": draw(st.none() | st.integers(0, 30)),
            "max_width": draw(st.none() | st.integers(0, 30)),
            "ratio": draw(st.none() | st.integers(1, 4)),
            "width": draw(st.none() | st.integers(0, 12)) if draw(st.integers(0, 4)) == 0 else None,
            "overflow": draw(st.sampled_from(["fold", "ellipsis", "crop"])),
        }
        header_obj = Text(header) if draw(st.booleans()) else header
        columns.append((header_obj, column))
    rows = draw(st.lists(st.lists(texts(), min_size=len(columns), max_size=len(columns)), max_size=6))
    as_str = draw(st.integers(0, 9)) == 0  # a str cell: Rich measures that column itself
    return options, columns, rows, as_str


def made(cls, spec):
    options, columns, rows, as_str = spec
    table = cls(**options)
    for header, column in columns:
        table.add_column(header, **column)
    for n, row in enumerate(rows):
        table.add_row(*(cell if as_str and n == 0 else Text(cell, style="dim") for cell in row))
    return table


def console(out: io.StringIO, width: int) -> Console:
    return Console(file=out, width=width, highlight=False, markup=False, emoji=False, color_system=None)


def printed(cls, spec, width: int) -> str:
    out = io.StringIO()
    console(out, width).print(made(cls, spec))
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(tables(), st.integers(1, 160))
def test_prints_what_richs_table_prints(spec, width) -> None:
    assert printed(Table, spec, width) == printed(RichTable, spec, width)


@settings(max_examples=300, deadline=None)
@given(tables(), st.integers(-1, 160))
def test_measures_each_column_as_rich_does(spec, width) -> None:
    """Both bounds, the least width too (Rich lays a table out by the widest, but measures
    a table inside another by both)."""
    c = console(io.StringIO(), max(width, 1))
    options = c.options.update_width(width)
    ours, theirs = made(Table, spec), made(RichTable, spec)
    for mine, rich_column in zip(ours.columns, theirs.columns, strict=True):
        assert ours._measure_column(c, options, mine) == theirs._measure_column(c, options, rich_column)


def test_the_quick_measure_is_taken(monkeypatch) -> None:
    """The property above would hold trivially if every column fell back to Rich's measure."""
    calls = []
    monkeypatch.setattr(richtable, "_text_width", lambda plain: calls.append(plain) or (len(plain), len(plain)))
    table = Table()
    table.add_column("When")
    table.add_row(Text("2025-05-21"))
    Console(file=io.StringIO(), width=40).print(table)
    assert calls[:2] == ["When", "2025-05-21"]


def test_other_cells_are_left_to_rich() -> None:
    assert richtable._plain(Text("a b")) == "a b"
    assert richtable._plain("Roles then") == "Roles then"
    assert richtable._plain("[b]x[/b]") is None  # markup: Rich decides what it measures
    assert richtable._plain(3) is None
