"""A timeline table is drawn from the events' stored tsv rows (answers.RowEvent) and the
actors' names read alone (index.queries.actor_labels), not from decoded events: it must be
the same table, character for character, as the one drawn from the events."""

from __future__ import annotations

import io

import pytest

from conftest import write
from geotie.answers import RowEvent, TimelineQuery, corroboration
from geotie.index import queries as iq
from geotie.index.use import index_for
from geotie.render import terminal
from geotie.store.files import bundled_store
from geotie.text import tsv_cells

#: Titles and names a tsv row escapes (tab, newline, backslash), dates of every precision
#: and qualifier, an event with no actor in common with the query, sources cited twice.
TRICKY = """\
[meta]
schema = 1
title = "tricky"

[[sources]]
id = "s1"
title = "One"
publisher = "Wire"
published = "2025-01-02"

[[sources]]
id = "s2"
title = "Two"
publisher = "Wire"
published = "2025-01-03"

[[sources]]
id = "s3"
title = "Three"
published = "2025-01-04"

[[actors]]
id = "alpha"
name = "Alpha\\\\land"
kind = "country"

[[actors]]
id = "beta"
name = "Beta\\tland"
kind = "country"

[[actors]]
id = "gamma"
name = "Gämma"
kind = "person"

[[events]]
id = "e1"
date = "2025-01~"
title = "A tab\\there and a \\\\ backslash"
actors = ["alpha", "beta", "gamma"]
citations = [{ source = "s1", quote = "one" }, { source = "s2", quote = "two" }, { source = "s1", quote = "again" }]

[[events]]
id = "e2"
date = "2024?/2025-03"
title = "A line\\nbreak"
actors = ["alpha", "beta"]
status = "reported"
citations = [{ source = "s3", quote = "three" }]

[[events]]
id = "e3"
date = "2026-05-01"
title = "Planned"
actors = ["alpha"]
status = "planned"
citations = [{ source = "s2", quote = "soon" }, { source = "s3", quote = "soon too" }]

[[events]]
id = "e4"
date = "../2023"
title = "Cancelled, open start"
actors = ["beta", "gamma"]
status = "cancelled"
citations = [{ source = "s1", quote = "off" }]
"""


def drawn(ix, events, hide: set[str], named=None) -> str:
    pubs = iq.publishers(ix)
    out = io.StringIO()
    store = iq.lookups(ix)
    names_of = None if named is None else lambda part: named
    terminal.print_timeline(
        out, store, events, False, "heading", hide, None, lambda e: corroboration(e, pubs), names_of
    )
    return out.getvalue()


@pytest.mark.parametrize(
    ("which", "actors"),
    [("bundled", ()), ("bundled", ("pakistan", "azerbaijan")), ("bundled", ("turkiye",)), ("tricky", ()),
     ("tricky", ("alpha",)), ("tricky", ("beta", "gamma"))],
)  # fmt: skip
def test_the_table_from_rows_is_the_table_from_events(which, actors, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    ix = index_for([bundled_store() if which == "bundled" else write(tmp_path, TRICKY)], None)
    q = TimelineQuery(actors=actors)
    events = iq.timeline(ix, q)
    rows = [RowEvent(tsv_cells(line)) for line in iq.timeline_lines(ix, q)]
    assert events and [r.id for r in rows] == [e.id for e in events]
    named = iq.actor_labels(ix, (a for e in events for a in e.actors))
    want = drawn(ix, events, set(actors))
    assert drawn(ix, rows, set(actors), named) == want
    assert drawn(ix, events, set(actors), named) == want


def test_the_cli_table_decodes_no_event_and_only_the_actor_asked_for(cli, tmp_path, monkeypatch):
    store = write(tmp_path, TRICKY)
    args = ("--no-default", "--data", str(store), "timeline", "alpha", "-f", "table")
    want = cli(*args)
    assert want.exit_code == 0 and "Beta\\tland, Gämma" in want.stdout and "planned: Planned" in want.stdout

    batches: list[int] = []
    decoded: list[str] = []
    decode_events, actors_by_id = iq._decode_events, iq.actors_by_id
    monkeypatch.setattr(iq, "_decode_events", lambda ix, rows: batches.append(len(rows)) or decode_events(ix, rows))
    monkeypatch.setattr(iq, "actors_by_id", lambda ix, ids: actors_by_id(ix, decoded.extend(ids) or decoded))
    got = cli(*args)
    assert (got.exit_code, got.stdout) == (0, want.stdout)
    assert batches == [] and set(decoded) == {"alpha"}  # the actor asked for (resolved by name), not those named
    assert cli(*args, "--cite").exit_code == 0 and batches  # --cite quotes the citations: events are decoded
