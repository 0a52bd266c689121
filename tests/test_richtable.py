"""geotie.render.richtable.Table measures its columns and draws its plain Text cells itself:
whatever the cells, their styles, the options and the console width, it must print exactly
what Rich's own Table prints, styles included."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich import box
from rich.console import Console
from rich.errors import MissingStyle
from rich.padding import Padding
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


STYLES = st.sampled_from(["", "dim", "bold red", "italic on blue", "underline", "not-a-style"])


@st.composite
def cells(draw) -> Text:
    """A Text as a view makes it, or with what else a Text can carry: spans, its own
    justify, overflow, no_wrap, end and tab size."""
    plain = draw(texts())
    style = draw(STYLES)
    if draw(st.integers(0, 2)):
        return Text(plain, style=style or "dim")
    text = Text(
        plain,
        style=style if style != "not-a-style" else "",
        justify=draw(st.sampled_from([None, "left", "center", "right", "full", "default"])),
        overflow=draw(st.sampled_from([None, "fold", "crop", "ellipsis"])),
        no_wrap=draw(st.sampled_from([None, True, False])),
        end=draw(st.sampled_from(["\n", "", "\n\n"])),
        tab_size=draw(st.sampled_from([None, 1, 4])),
    )
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, len(plain)))
        text.stylize(draw(STYLES.filter(bool)), start, draw(st.integers(start, len(plain) + 2)))
    return text


@st.composite
def tables(draw):
    options = {
        "box": draw(st.sampled_from([box.SIMPLE_HEAD, box.ROUNDED, None])),
        "padding": draw(st.sampled_from([(0, 1), (0, 0), (1, 2), (0, 3, 0, 0)])),
        "pad_edge": draw(st.booleans()),
        "collapse_padding": draw(st.booleans()),
        "show_header": draw(st.booleans()),
        "expand": draw(st.booleans()),
        "show_lines": draw(st.booleans()),
        "leading": draw(st.integers(0, 1)),
        "row_styles": draw(st.sampled_from([None, ["", "dim"], ["on red"]])),
        "header_style": draw(st.sampled_from([None, "bold", "italic magenta"])),
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
            "justify": draw(st.sampled_from(["left", "center", "right", "full", "default"])),
            "vertical": draw(st.sampled_from(["top", "middle", "bottom"])),
            "style": draw(st.sampled_from([None, "green", "on yellow"])),
        }
        header_obj = Text(header) if draw(st.booleans()) else header
        columns.append((header_obj, column))
    rows = draw(st.lists(st.lists(cells(), min_size=len(columns), max_size=len(columns)), max_size=6))
    as_str = draw(st.integers(0, 9)) == 0  # a str cell: Rich measures and draws that column itself
    return options, columns, rows, as_str


def made(cls, spec):
    options, columns, rows, as_str = spec
    table = cls(**options)
    for header, column in columns:
        table.add_column(header, **column)
    for n, row in enumerate(rows):
        table.add_row(*(cell.plain if as_str and n == 0 else cell.copy() for cell in row))
    return table


def console(out: io.StringIO, width: int) -> Console:
    """A terminal of `width` columns with true colour: every style is printed."""
    return Console(
        file=out, width=width, highlight=False, markup=False, emoji=False, force_terminal=True,
        color_system="truecolor", legacy_windows=False,
    )  # fmt: skip


def printed(cls, spec, width: int) -> str:
    """What the table prints, or the error Rich raised (an unknown style, where a fully
    justified line asks for it)."""
    out = io.StringIO()
    try:
        console(out, width).print(made(cls, spec))
    except MissingStyle as err:
        return f"error: {err}"
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


def test_plain_text_cells_are_drawn_here(monkeypatch) -> None:
    """The property above would hold trivially if every cell went to Rich's renderer."""
    drawn = []
    quick = richtable._cell_lines
    monkeypatch.setattr(richtable, "_cell_lines", lambda *a: drawn.append(a[1].renderable) or quick(*a))
    table = Table()
    table.add_column("When")
    table.add_row(Text("2025-05-21"))
    out = io.StringIO()
    Console(file=out, width=40).print(table)
    assert [str(cell) for cell in drawn] == ["When", "2025-05-21"]
    assert quick(Console(), drawn[0] and Padding("When", 1), Console().options, None) is None  # a str: Rich draws it
    assert "2025-05-21" in out.getvalue()


def test_other_cells_are_left_to_rich() -> None:
    assert richtable._plain(Text("a b")) == "a b"
    assert richtable._plain("Roles then") == "Roles then"
    assert richtable._plain("[b]x[/b]") is None  # markup: Rich decides what it measures
    assert richtable._plain(3) is None
