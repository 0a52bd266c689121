"""A long table is printed a part at a time (render.terminal.print_in_parts): the first part
laid out by Rich, the others with its widths, and the text is that of one table of every
row with those widths; the rows are read as the parts are printed, not all at once."""

import io

import pytest

from geotie.cli import base
from geotie.index import queries as iq
from geotie.index.use import index_for
from geotie.render import terminal
from geotie.store import bundled_store


@pytest.fixture(scope="module")
def ix():
    return index_for([bundled_store()], None)


def one_table(store, events, first: int, cite: bool, hide: set[str]) -> str:
    """One table of every event, its columns as wide as Rich makes them for the first `first`."""
    numbers = terminal.Citations() if cite else None
    part = terminal.events_table(store, events[:first], numbers, "heading", hide)
    terminal.console(io.StringIO()).render_lines(part)  # laid out: part.widths
    numbers = terminal.Citations() if cite else None
    table = terminal.events_table(store, events, numbers, "heading", hide)
    table.fix_widths(part.widths)
    out = io.StringIO()
    c = terminal.console(out)
    c.print(table)
    if numbers:
        c.print(numbers.render(store))
    return out.getvalue()


@pytest.mark.parametrize("width", [40, 80, 150])
@pytest.mark.parametrize("part", [1, 7, 15])
@pytest.mark.parametrize("cite", [False, True])
@pytest.mark.parametrize("actors", [("pakistan",), ("azerbaijan", "pakistan")])
def test_the_parts_make_one_table(ix, monkeypatch, width, part, cite, actors):
    monkeypatch.setenv("COLUMNS", str(width))
    store = iq.lookups(ix)
    events = iq.timeline(ix, iq.TimelineQuery(actors=actors))
    assert len(events) > 2 * part
    monkeypatch.setattr(terminal, "TABLE_PART", part)
    out = io.StringIO()
    terminal.print_timeline(out, store, iter(events), cite, "heading", set(actors))
    assert out.getvalue() == one_table(store, events, part, cite, set(actors))
    assert out.getvalue().count("heading") == 1 and out.getvalue().count("When") == 1  # one title, one header


def test_a_table_of_one_part_is_richs(ix, monkeypatch):
    monkeypatch.setenv("COLUMNS", "90")
    store = iq.lookups(ix)
    events = iq.timeline(ix, iq.TimelineQuery(actors=("pakistan",)))
    out = io.StringIO()
    terminal.print_timeline(out, store, iter(events), False, "heading", {"pakistan"})
    want = io.StringIO()
    terminal.console(want).print(terminal.events_table(store, events, None, "heading", {"pakistan"}))
    assert out.getvalue() == want.getvalue()


def test_the_rows_are_read_as_the_parts_are_printed(ix, monkeypatch):
    store = iq.lookups(ix)
    events = iq.timeline(ix, iq.TimelineQuery())
    monkeypatch.setattr(terminal, "TABLE_PART", 5)
    out = io.StringIO()
    ahead = []

    def read():
        for n, e in enumerate(events):
            ahead.append(n - out.getvalue().count("\n"))  # rows read beyond the lines written
            yield e

    terminal.print_timeline(out, store, read(), False, "heading", set())
    assert len(ahead) == len(events) > 20
    assert max(ahead) <= 2 * 5 + 4  # a part printed, the next one read (and the heading's lines)


def test_a_table_in_parts_counts_as_written(monkeypatch):
    """Once a part is out, an index found damaged later is not answered again from the start."""
    monkeypatch.setattr(base, "_writing", False)
    monkeypatch.setattr("sys.stdout", io.StringIO())
    terminal.console(base.noted_stdout()).print(terminal.t("a row"))  # Rich asks it isatty(), then writes
    assert base._writing is True and "a row" in base.sys.stdout.getvalue()


@pytest.mark.parametrize("width", [50, 120])
@pytest.mark.parametrize("part", [1, 2])
@pytest.mark.parametrize("table", ["actors", "sources", "plans"])
def test_actors_sources_and_plans_in_parts_make_one_table(ix, monkeypatch, width, part, table):
    """`actors`, `sources` and `plans` as tables: a part at a time, the text of one table of
    every row with the first part's widths (the Id column as wide as the longest id)."""
    from datetime import date

    monkeypatch.setenv("COLUMNS", str(width))
    id_width = iq.id_width(ix, table) if table != "plans" else 0
    if table == "plans":
        entries = list(iq.iter_plans(ix, (), date(2026, 1, 1)))

        def printer(out, found, _):
            terminal.print_plans(out, iq.lookups(ix), found, "heading", set(), linked=True)

    else:
        entries = list(iq.iter_actors(ix) if table == "actors" else iq.iter_sources(ix))
        printer = terminal.print_actors if table == "actors" else terminal.print_sources
    assert len(entries) > part  # in parts
    makers = []
    real = terminal.print_in_parts

    def caught(c, found, table_for):  # the printer's way of making a table of some rows
        makers.append(table_for)
        return real(c, found, table_for)

    monkeypatch.setattr(terminal, "print_in_parts", caught)
    monkeypatch.setattr(terminal, "TABLE_PART", part)
    out = io.StringIO()
    printer(out, iter(entries), id_width)
    (table_for,) = makers
    first = table_for(entries[:part])
    terminal.console(io.StringIO()).render_lines(first)  # laid out: first.widths
    one = table_for(entries)
    one.fix_widths(first.widths)
    want = io.StringIO()
    terminal.console(want).print(one)
    assert out.getvalue() == want.getvalue()
    assert first.widths[0] >= id_width
    if table != "plans":
        assert all(e.id in out.getvalue() for e, _ in entries)


def test_plans_named_by_part_as_by_lookup(ix, monkeypatch):
    """`plans` names a part's actors in one query (as the timeline does): the same table as
    naming each through the lookups."""
    from datetime import date

    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setattr(terminal, "TABLE_PART", 2)
    plans = list(iq.iter_plans(ix, (), date(2026, 1, 1)))
    tables = []
    for names_of in (None, iq.names_by_part(ix, lambda plan: plan.event)):
        out = io.StringIO()
        terminal.print_plans(out, iq.lookups(ix), iter(plans), "heading", {"pakistan"}, True, names_of)
        tables.append(out.getvalue())
    assert tables[0] == tables[1]
    assert "Shehbaz Sharif," in tables[0] and "shehbaz-sharif" not in tables[0]  # named, not by id


def test_a_profile_names_its_events_actors_by_part(ix, monkeypatch):
    """`who -f table` names the actors of a part of its events in one query: the same table as
    naming each through the lookups, which are then not asked for them (they keep every
    actor they are asked for)."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setattr(terminal, "TABLE_PART", 5)
    p = iq.profile(ix, iq.resolve_actor(ix, "pakistan"))
    tables, asked = [], []
    for names_of in (None, iq.names_by_part(ix)):
        out, store = io.StringIO(), iq.lookups(ix)
        terminal.print_profile(out, store, p, names_of)
        tables.append(out.getvalue())
        asked.append(set(store.actors._made))
    assert tables[0] == tables[1] and len(p.events) > 10
    assert len(asked[0]) > 5 and asked[1] <= {"pakistan"}  # at most the profile's own actor
