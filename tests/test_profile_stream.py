"""A profile read from the index goes through its events as it prints them (a country of a
million-event store is listed by hundreds of thousands): never held, tsv from the stored rows
without decoding, json decoded a batch at a time; the same text as the profile held whole."""

import io

import pytest

from geotie import query
from geotie.index import queries as iq
from geotie.index.use import index_for
from geotie.render import rows
from geotie.render.writers import write
from geotie.store import bundled_store, load_paths


@pytest.fixture(scope="module")
def both():
    path = bundled_store()
    return load_paths([path]), index_for([path], None)


def written(p, fmt: str) -> str:
    out = io.StringIO()
    write(rows.profile_view(p), fmt, out, safe=False)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["tsv", "csv", "md", "json", "jsonl"])
def test_every_actor_prints_as_the_profile_held_whole(both, fmt):
    store, ix = both
    for actor in store.actors.values():
        streamed, held = iq.profile(ix, actor), query.profile(store, actor)
        assert isinstance(streamed.events, iq.ActorEvents) and type(held.events) is tuple
        assert written(streamed, fmt) == written(held, fmt), actor.id


def test_as_of_prints_as_the_profile_held_whole(both):
    from datetime import date

    from geotie.answers import known_sources

    store, ix = both
    known = known_sources(store.sources.values(), date(2020, 1, 1))
    for actor in store.actors.values():
        streamed, held = iq.profile(ix, actor, known=known), query.profile(store, actor, known=known)
        assert streamed.events.cells() is None  # each event's citations decide: decoded
        for fmt in ("tsv", "json"):
            assert written(streamed, fmt) == written(held, fmt), actor.id


def test_the_events_are_read_each_time_not_held(both, monkeypatch):
    store, ix = both
    p = iq.profile(ix, store.actors["pakistan"])
    batches: list[int] = []
    decode = iq._decode_events
    monkeypatch.setattr(iq, "_decode_events", lambda ix, found: batches.append(len(found)) or decode(ix, found))
    assert written(p, "tsv").count("\nevent\t") == len(p.events) > 30
    assert batches == []  # tsv: the stored rows, no event decoded
    written(p, "json")
    written(p, "json")
    assert batches and sum(batches) == 2 * len(p.events)  # read again for each writing, a batch at a time
    assert max(batches) <= iq.BATCH


def test_appears_with_is_counted_as_the_store_counts_it(both):
    store, ix = both
    for actor in store.actors.values():
        counted = [(a.id, n) for a, n in iq.profile(ix, actor).together]
        assert counted == [(a.id, n) for a, n in query.profile(store, actor).together]
        assert iq.most_together(ix, actor.id, 100)[: len(counted)] == counted


def test_search_finds_its_hits_as_they_are_written(both, monkeypatch):
    """A common word is in most of a large store: the hits are found a batch of events at a
    time as they are written, not gathered first."""
    _, ix = both
    batches: list[int] = []
    decode = iq._decode_events
    monkeypatch.setattr(iq, "_decode_events", lambda ix, found: batches.append(len(found)) or decode(ix, found))
    monkeypatch.setattr(iq, "BATCH", 4)
    hits = iq.iter_search(ix, "pakistan")
    first = next(hits)
    assert first.kind == "event" and batches == [4]  # one batch read for the first hit
    rest = list(hits)
    assert [first, *rest] == iq.search(ix, "pakistan") and len(batches) > 5


@pytest.mark.parametrize(
    "args", [("pakistan",), ("pakistan", "--type", "consult"), ("azerbaijan", "--min-sources", "2")]
)
def test_search_through_the_cli_is_the_search_held_whole(cli, args):
    """The filters (--type a batch at a time, --min-sources event by event) keep what the
    whole list kept, in its order."""
    from geotie import query
    from geotie.answers import corroboration
    from geotie.text import tsv_line

    store = load_paths([bundled_store()])
    event = {e.id: e for e in store.events}
    hits = query.search(store, args[0])
    if "--type" in args:
        hits = [h for h in hits if h.kind == "event" and event[h.id].type == "CONSULT"]
    if "--min-sources" in args:
        pubs = {s.id: s.publisher for s in store.sources.values()}
        hits = [h for h in hits if h.kind == "event" and corroboration(event[h.id], pubs) >= 2]
    got = cli("search", *args, "-f", "tsv")
    assert got.exit_code == 0
    assert got.stdout.splitlines() == [tsv_line((h.kind, h.id, h.field, rows.snippet(h))) for h in hits]
    assert hits


def test_the_events_are_counted_as_they_would_be_gone_through(both):
    """A profile's events counted in SQL (its table's heading), and by going through them with
    --as-of (each event's citations decide), as the profile held whole has them."""
    from datetime import date

    from geotie.answers import known_sources

    store, ix = both
    known = known_sources(store.sources.values(), date(2018, 1, 1))
    for actor in store.actors.values():
        for k in (None, known):
            streamed = iq.profile(ix, actor, known=k).events
            assert len(streamed) == len(query.profile(store, actor, known=k).events) == sum(1 for _ in streamed)


@pytest.mark.parametrize(
    "q",
    [
        iq.TimelineQuery(),
        iq.TimelineQuery(limit=7),
        iq.TimelineQuery(limit=7, reverse=True),
        iq.TimelineQuery(actors=("pakistan", "azerbaijan")),
        iq.TimelineQuery(actors=("pakistan", "azerbaijan"), limit=3),
        iq.TimelineQuery(actors=("pakistan", "turkiye"), union=True),
        iq.TimelineQuery(actors=("pakistan", "no-such-actor")),
        iq.TimelineQuery(min_sources=2),
        iq.TimelineQuery(min_sources=2, limit=2),
        iq.TimelineQuery(statuses=("planned",), tags=("defence",)),
    ],
)
def test_a_timeline_is_counted_as_it_is_gone_through(both, q):
    """count_timeline (a table's heading, before its rows are read) = what iter_timeline gives."""
    _, ix = both
    assert iq.count_timeline(ix, q) == len(list(iq.iter_timeline(ix, q)))
