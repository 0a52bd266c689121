"""The index answers as geotie.query does over the same store read fresh into memory."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, ROOT, write
from geotie import query
from geotie.answers import known_sources
from geotie.dates import parse_edtf
from geotie.errors import Ambiguous, NotFound, StoreError
from geotie.fields import timeline_row
from geotie.index import queries as iq
from geotie.index.build import memory_index
from geotie.index.schema import has_trigram_fts
from geotie.query import TimelineQuery
from geotie.store import load_paths
from geotie.text import tsv_cells

SEARCHES = ["july", "ALPHA republic", "a", "jf 17", "JF-17", "Türkiye", "turkiye", "ı", "istan", "ep", "x", "   "]
BOTH_SEARCHES = [True, False] if has_trigram_fts() else [False]


def same_events(got, want) -> None:
    assert got == want
    assert [e.origin for e in got] == [e.origin for e in want]


def answer(fn, *args):
    """The result, or the error's type, message and candidates."""
    try:
        return fn(*args)
    except (NotFound, Ambiguous) as err:
        return type(err).__name__, str(err), getattr(err, "candidates", None)


def assert_same_plans(store, ix, actor_sets=((),), todays=(date(2026, 1, 1),), as_of=(None,)) -> None:
    """`plans` (and who fulfils what) from the index as from memory."""
    for e in store.events:
        same_events(iq.fulfilled_by(ix, e.id), query.fulfilled_by(store, e.id))
    for actors in actor_sets:
        for today in todays:
            for day in as_of:
                got, want = iq.plans(ix, actors, today, day), query.plans(store, actors, today, day)
                assert got == want
                same_events([p.event for p in got], [p.event for p in want])


def assert_same_answers(store, ix, timelines=(), names=(), needles=(), as_of=()) -> None:
    for q in timelines:
        same_events(iq.timeline(ix, q), query.timeline(store, q))
        every = query.iter_timeline(store, q._replace(types=(), limit=None))  # -f plover counts those it leaves out
        assert iq.count_untyped(ix, q) == sum(1 for e in every if not e.type)
        printed = iq.timeline_lines(ix, q)  # the tsv records as stored
        if printed is None:
            assert q.as_of is not None or q.min_sources > 1
        else:
            want = [timeline_row(e) for e in query.timeline(store, q)]
            assert [tsv_cells(line) for line in printed] == want
    for day in as_of:  # what a reader could have known on that day
        assert iq.known_sources(ix, day) == known_sources(store.sources.values(), day)
        known = known_sources(store.sources.values(), day)
        for actor in store.actors.values():
            got, want = iq.profile(ix, actor, known=known), query.profile(store, actor, known=known)
            assert got == want
        for needle in needles:
            assert iq.search(ix, needle, known) == query.search(store, needle, known)
        counts = query.event_counts(store, day)  # what `actors --as-of` lists
        for kind in (None, "country", "person"):
            want = [(a, counts.get(a.id, 0)) for a in query.actors(store, kind)]
            assert list(iq.iter_actors(ix, kind, day)) == want
        cited = query.citation_counts(store)  # what `sources --as-of` lists
        want = [(s, cited.get(s.id, 0)) for s in query.sources(store) if s.id in known]
        assert list(iq.iter_sources(ix, day)) == want
    for actor in store.actors.values():
        got, want = iq.profile(ix, actor), query.profile(store, actor)
        assert got == want
        same_events(list(got.events), list(want.events))
        assert [a.origin for a, _ in got.holders] == [a.origin for a, _ in want.holders]
    for name in names:
        assert answer(iq.resolve_actor, ix, name) == answer(query.resolve_actor, store, name)
    for needle in needles:
        assert iq.search(ix, needle) == query.search(store, needle)
    for event in store.events:
        same_events([iq.get_event(ix, event.id)], [event])
    for source in store.sources.values():
        assert iq.get_source(ix, source.id) == source
        assert iq.get_source(ix, source.id).origin == source.origin
    for source in store.sources.values():
        assert iq.citing(ix, source.id) == query.citing(store, source.id)
    assert iq.citing(ix, "no-such-source") == []
    counts, cited = query.event_counts(store), query.citation_counts(store)  # what `actors`, `sources` list
    for kind in (None, "country", "person", "region"):
        got, want = list(iq.iter_actors(ix, kind)), [(a, counts.get(a.id, 0)) for a in query.actors(store, kind)]
        assert got == want and [a.origin for a, _ in got] == [a.origin for a, _ in want]
    got, want = list(iq.iter_sources(ix)), [(s, cited.get(s.id, 0)) for s in query.sources(store)]
    assert got == want and [s.origin for s, _ in got] == [s.origin for s, _ in want]
    for table, entries in (("actors", store.actors), ("sources", store.sources)):
        assert iq.id_width(ix, table) == max((len(i) for i in entries), default=0)
    assert iq.tags(ix) == store.tags
    assert iq.warnings(ix) == store.warnings


# --- a small store, by hand -----------------------------------------------------------------------


@pytest.mark.parametrize("fts", BOTH_SEARCHES)
def test_minimal_store(tmp_path, fts):
    store = load_paths([write(tmp_path, MINIMAL)])
    ix = memory_index(store, fts=fts)
    timelines = [
        TimelineQuery(),
        TimelineQuery(actors=("alpha", "beta")),
        TimelineQuery(actors=("beta", "jo-smith"), union=True),
        TimelineQuery(since=parse_edtf("2024-08"), reverse=True),
        TimelineQuery(until=parse_edtf("2024-07-14")),
        TimelineQuery(since=parse_edtf("2024-07-15")),  # the ends touch: overlap includes them
        TimelineQuery(until=parse_edtf("2024-07-15")),
        TimelineQuery(since=parse_edtf("2025-02-28"), until=parse_edtf("2025-02-28")),
        TimelineQuery(tags=("trade", "defence"), statuses=("occurred",), limit=1),
        TimelineQuery(actors=("nobody",)),
    ]
    names = ["alpha", "ALPHALAND", "älphä republic", "smith", "bet", "a", "Alphalnd", "zzz", "", "?"]
    assert_same_answers(store, ix, timelines, names, SEARCHES)


def test_unknown_event_and_source_suggest(tmp_path):
    store = load_paths([write(tmp_path, MINIMAL)])
    ix = memory_index(store)
    assert answer(iq.get_event, ix, "secnd") == answer(query.get_event, store, "secnd")
    assert "did you mean 'second'" in answer(iq.get_event, ix, "secnd")[1]
    assert answer(iq.get_source, ix, "sr") == answer(query.get_source, store, "sr")


def test_bundled_store():
    store = load_paths([ROOT / "data" / "facts.toml"])
    ix = memory_index(store)
    pk, az = "pakistan", "azerbaijan"
    timelines = [
        TimelineQuery(actors=(pk, az)),
        TimelineQuery(actors=(pk, az), since=parse_edtf("2020"), until=parse_edtf("2024-09")),
        TimelineQuery(actors=(pk,), tags=("defence",), reverse=True, limit=3),
        TimelineQuery(statuses=("planned",)),
        TimelineQuery(actors=("pakistan", "turkey"), as_of=date(2025, 3, 1)),
        TimelineQuery(as_of=date(2025, 12, 31)),
        TimelineQuery(min_sources=2, limit=2),
        TimelineQuery(min_sources=2, reverse=True, limit=1, as_of=date(2025, 2, 10)),
        TimelineQuery(actors=(pk, az), min_sources=2, limit=1),
        TimelineQuery(types=("CONSULT",)),
        TimelineQuery(actors=(pk,), types=("AGREE", "COOPERATE"), reverse=True, limit=2),
    ]
    names = ["pakistan", "erdogan", "mustafayev", "pak", "Vugar Mustafayev", "garabagh", "jf-17"]
    needles = ["garabagh", "JF-17", "Türkiye", "kashmir", "pak", "e"]
    as_of = [date(2025, 3, 1), date(2025, 7, 31), date(2026, 1, 1)]
    assert_same_answers(store, ix, timelines, names, needles, as_of)


# --- any valid store --------------------------------------------------------------------------------

WORDS = ["Alpha", "Älphä", "Republic", "JF-17", "Thunder", "Türkiye", "Bakı", "Əli", "Garabagh", "pipe-line", "7"]
DATES = ["2024", "2024-07", "2024-07-15", "201X", "15XX", "2024~", "2024-09?", "2024-09-21/2024-09-30", "2016/..",
         "../2016", "2019/", "/2019", "2024-XX", "1999-12-31"]  # fmt: skip
#: --as-of days: on a source date's bounds, one day before them, and far off.
AS_OF = [date(2024, 7, 14), date(2024, 7, 15), date(2024, 7, 31), date(2024, 9, 30), date(2024, 12, 31),
         date(2016, 1, 1), date(1999, 12, 31), date(2030, 1, 1)]  # fmt: skip
TAGS = ["trade", "defence", "energy", "made-up tag"]
STATUSES = ["occurred", "planned", "ongoing", "reported", "cancelled"]
TYPES = ["CONSULT", "agree", "Aid", "ASSAULT"]  # PLOVER types, as a store may spell them

phrase = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
slug = st.from_regex(r"[a-z][a-z0-9-]{0,6}", fullmatch=True)


def citations(source_ids):
    return st.lists(
        st.fixed_dictionaries({"source": st.sampled_from(source_ids), "quote": phrase}, optional={"note": phrase}),
        min_size=1,
        max_size=2,
    )


@st.composite
def stores(draw) -> dict:
    source_ids = [
        "src-" + i for i in draw(st.lists(slug, min_size=1, max_size=3, unique=True))
    ]  # ids are unique store-wide
    sources = [
        {"id": i, "title": draw(phrase), **draw(st.fixed_dictionaries({}, optional={
            "publisher": phrase, "authors": st.lists(phrase, max_size=2), "published": st.sampled_from(DATES)}))}
        for i in source_ids
    ]  # fmt: skip
    actor_ids = draw(st.lists(slug, min_size=1, max_size=6, unique=True))
    actors = []
    for i in actor_ids:
        actor = {"id": i, "name": draw(phrase), "kind": draw(st.sampled_from(["country", "person", "organization"]))}
        actor["aliases"] = draw(st.lists(phrase, max_size=2))
        actor["demonyms"] = draw(st.lists(phrase, max_size=2))
        roles = draw(st.lists(st.fixed_dictionaries(
            {"title": phrase, "citations": citations(source_ids)},
            optional={"of": st.sampled_from(actor_ids), "start": st.sampled_from(DATES[:8]),
                      "end": st.sampled_from(DATES[:8]), "note": phrase,
                      "attested": st.lists(st.sampled_from(DATES[:8]), max_size=2)}), max_size=2))  # fmt: skip
        actor["roles"] = [r for r in roles if "start" not in r or "end" not in r]  # an end before its start fails
        for r in actor["roles"]:
            if "start" in r or "end" in r:  # attested dates outside the tenure fail
                r.pop("attested", None)
        actors.append(actor)
    event_ids = ["ev-" + i for i in draw(st.lists(slug, max_size=12, unique=True))]
    events = [
        {
            "id": i, "date": draw(st.sampled_from(DATES)), "title": draw(phrase),
            "actors": draw(st.lists(st.sampled_from(actor_ids), max_size=3)),  # an actor twice loads too,
            "implied_actors": [],
            "tags": draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True)),
            "status": draw(st.sampled_from(STATUSES)), "citations": draw(citations(source_ids)),
            **draw(st.fixed_dictionaries({}, optional={"summary": phrase, "date_text": phrase, "outcome": phrase})),
        }
        for i in event_ids
    ]  # fmt: skip
    for e in events:  # implied actors: some of the event's own
        e["implied_actors"] = draw(st.lists(st.sampled_from(e["actors"]), unique=True)) if e["actors"] else []
    for i, e in enumerate(events):  # fulfils: an event listed before it (never itself, so no cycle)
        if i and draw(st.booleans()):
            e["fulfils"] = draw(st.sampled_from(event_ids[:i]))
    for e in events:  # a PLOVER type, mode and contexts on some
        kind = draw(st.none() | st.sampled_from(TYPES))
        if kind is not None:
            e["type"] = kind
            if kind == "CONSULT" and draw(st.booleans()):
                e["mode"] = draw(st.sampled_from(["visit", "Phone"]))
            e["context"] = draw(st.lists(st.sampled_from(["military", "Economic"]), max_size=2))
        if len(set(e["actors"])) > 1:  # some of the actors (not all) the event is directed at
            e["recipients"] = draw(st.lists(st.sampled_from(e["actors"][1:]), unique=True))
            if set(e["actors"]) <= set(e["recipients"]):
                e["recipients"] = []
    return {"meta": {"schema": 1}, "sources": sources, "actors": actors, "events": events}


def queries_of(data: dict):
    actor_ids = [a["id"] for a in data["actors"]]
    date = st.none() | st.sampled_from(DATES).map(parse_edtf)
    return st.builds(
        TimelineQuery,
        actors=st.lists(st.sampled_from(actor_ids), max_size=3).map(tuple),
        union=st.booleans(),
        since=date,
        until=date,
        tags=st.lists(st.sampled_from(TAGS), max_size=2).map(tuple),
        statuses=st.lists(st.sampled_from(STATUSES), max_size=2).map(tuple),
        reverse=st.booleans(),
        limit=st.none() | st.integers(0, 5),
        as_of=st.none() | st.sampled_from(AS_OF),
        min_sources=st.sampled_from([0, 1, 2, 3]),
        types=st.lists(st.sampled_from(["CONSULT", "AGREE", "AID", "PROTEST"]), max_size=2).map(tuple),
    )


def needles_of(data: dict):
    texts = [e["title"] for e in data["events"]] + [a["name"] for a in data["actors"]] + ["Älphä Republic JF-17"]

    @st.composite
    def piece(draw):
        text = draw(st.sampled_from(texts))
        start = draw(st.integers(0, len(text)))
        return text[start : start + draw(st.integers(1, 12))]

    return st.lists(piece() | st.sampled_from(SEARCHES), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), store_data=stores(), fts=st.sampled_from(BOTH_SEARCHES))
def test_any_valid_store_gives_the_same_answers(data, store_data, fts):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.toml"
        path.write_text(tomli_w.dumps(store_data), encoding="utf-8")
        try:
            store = load_paths([path])
        except StoreError as err:
            raise AssertionError([str(p) for p in err.problems]) from None
        ix = memory_index(store, fts=fts)
        timelines = data.draw(st.lists(queries_of(store_data), min_size=1, max_size=5))
        names = [a["name"] for a in store_data["actors"]] + [w.lower()[:3] for w in WORDS] + ["Republic Alpha"]
        as_of = data.draw(st.lists(st.sampled_from(AS_OF), max_size=2))
        assert_same_answers(store, ix, timelines, names, data.draw(needles_of(store_data)), as_of)
        actor_ids = [a["id"] for a in store_data["actors"]]
        actor_sets = data.draw(st.lists(st.lists(st.sampled_from(actor_ids), max_size=2).map(tuple), max_size=3))
        assert_same_plans(store, ix, [(), *actor_sets], data.draw(st.lists(st.sampled_from(AS_OF), min_size=1,
                          max_size=3)), [None, *as_of])  # fmt: skip
        assert_same_ties(store, ix, actor_ids)


def assert_same_ties(store, ix, roots, depths=(1, 2, 3)) -> None:
    """The walk in SQL (index.ties) finds what geotie.ties.ties finds over the events read
    into memory: the same pairs in the same order, depths, event ids, first and last dates,
    tags, and the same actors reached; without detail, the same pairs, depths and weights."""
    from geotie.index.ties import Ties
    from geotie.ties import ties

    def events_of(actor: str):
        return query.timeline(store, TimelineQuery(actors=(actor,)))

    for root in roots:
        for depth in depths:
            want = ties(root, events_of, depth)
            found = Ties(ix, root, depth)
            assert list(found) == want and bool(found) == bool(want)
            assert set(found.actors()) == {root} | {a for t in want for a in (t.near, t.far)}
            assert list(found) == want  # gone through again, the same
            plain = Ties(ix, root, depth, detail=False)
            assert [(t.near, t.far, t.depth, t.weight) for t in plain] == [
                (t.near, t.far, t.depth, t.weight) for t in want
            ]
            with pytest.raises(RuntimeError):  # the newer walk replaced its tables
                list(found)


TIE_ACTORS = ["a", "b", "c", "d", "e", "f", "g"]


@st.composite
def dense_stores(draw) -> dict:
    """Small stores where most actors share events: ties between actors reached at the same
    step, actors listed twice, equal dates written differently (`2024`, `2024~`), a tag with
    a NUL, a line separator and a colon."""
    events = [
        {
            "id": f"ev-{i}",
            "date": draw(st.sampled_from(["2024", "2024~", "2023-05", "2024-01-01/2024-12-31", "../2020"])),
            "title": "Alpha",
            "actors": draw(st.lists(st.sampled_from(TIE_ACTORS), min_size=1, max_size=4)),
            "tags": draw(st.lists(st.sampled_from([*TAGS, "x\x00y\u2028:"]), max_size=3, unique=True)),
            "citations": [{"source": "src-a", "quote": "Alpha"}],
        }
        for i in range(draw(st.integers(0, 24)))
    ]
    actors = [{"id": a, "name": a.upper(), "kind": "country"} for a in TIE_ACTORS]
    return {"meta": {"schema": 1}, "sources": [{"id": "src-a", "title": "Alpha"}], "actors": actors, "events": events}


@settings(max_examples=150, deadline=None)
@given(store_data=dense_stores())
def test_ties_walked_in_sql_as_in_memory(store_data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.toml"
        path.write_text(tomli_w.dumps(store_data), encoding="utf-8")
        store = load_paths([path])
    assert_same_ties(store, memory_index(store), TIE_ACTORS, depths=(1, 2, 3, 4))


def test_no_room_for_the_temporary_tables_is_not_damage():
    """A walk whose temporary tables cannot grow (here: a page limit; in life a full disk)
    says so as NoRoom, which the CLI does not treat as a damaged index to rebuild; the
    index still answers afterwards."""
    from geotie.errors import IndexDamaged, NoRoom
    from geotie.index.ties import Ties

    store = load_paths([ROOT / "data" / "facts.toml"])
    ix = memory_index(store)
    ix.db.execute("CREATE TEMP TABLE room (x)")  # the temporary database, as small as it can be
    (pages,) = ix.db.execute("PRAGMA temp.page_count").fetchone()
    assert ix.db.execute(f"PRAGMA temp.max_page_count = {pages}").fetchone() == (pages,)
    with pytest.raises(NoRoom, match=r"temporary tables .*SQLITE_TMPDIR") as raised:
        Ties(ix, "pakistan", 2)
    assert not isinstance(raised.value, IndexDamaged)
    with pytest.raises(NoRoom):
        list(iq.iter_actors(ix, as_of=date(2025, 1, 1)))
    assert [e.id for e in iq.timeline(ix, TimelineQuery(actors=("pakistan",)))] == [
        e.id for e in query.timeline(store, TimelineQuery(actors=("pakistan",)))
    ]


def test_only_a_lack_of_room_is_no_room():
    """Index.work: the errors of writing temporary tables are NoRoom; a failed read (a
    truncated index) or a corrupt page is damage, so the index is built again."""
    import sqlite3

    from geotie.errors import IndexDamaged, NoRoom

    class Failing:
        def __init__(self, name: str) -> None:
            self.name = name

        def execute(self, sql, params=()):
            err = sqlite3.OperationalError(f"failed ({self.name})")
            err.sqlite_errorname = self.name
            raise err

    ix = memory_index(load_paths([ROOT / "data" / "facts.toml"]))
    for name, error in [("SQLITE_FULL", NoRoom), ("SQLITE_IOERR_WRITE", NoRoom), ("SQLITE_CANTOPEN", NoRoom),
                        ("SQLITE_IOERR_SHORT_READ", IndexDamaged), ("SQLITE_IOERR_READ", IndexDamaged),
                        ("SQLITE_CORRUPT", IndexDamaged)]:  # fmt: skip
        ix.db = Failing(name)
        with pytest.raises(error) as raised:
            ix.work("DELETE FROM temp.anything")
        assert (type(raised.value) is NoRoom) == (error is NoRoom), name


def test_a_walk_replaces_only_its_own_connections_ties():
    """Each connection has its own temporary tables: a walk on one index leaves another's ties
    readable; a second walk on the same index makes the first refuse."""
    from geotie.index.ties import Ties

    store = load_paths([ROOT / "data" / "facts.toml"])
    one, other = memory_index(store), memory_index(store)
    first = Ties(one, "pakistan", 1)
    want = list(first)
    elsewhere = Ties(other, "azerbaijan", 1)
    assert list(first) == want and bool(first) and first.actors()[0] == "pakistan"
    assert {t.near for t in elsewhere} == {"azerbaijan"}
    Ties(one, "turkiye", 1)
    for read in (list, bool, lambda t: t.actors()):
        with pytest.raises(RuntimeError):
            read(first)


def test_the_renderers_print_the_same_from_the_index():
    """Through queries.lookups, the terminal renderers need no Store."""
    import io

    from geotie.render import terminal

    store = load_paths([ROOT / "data" / "facts.toml"])
    ix = memory_index(store)
    looked_up = iq.lookups(ix)

    def printed(fn, *args) -> str:
        out = io.StringIO()
        fn(out, *args)
        return out.getvalue()

    q = TimelineQuery(actors=("pakistan", "azerbaijan"))
    want = printed(terminal.print_timeline, store, query.timeline(store, q), True, "heading", {"pakistan"})
    assert "Azerbaijan" in want and "[1]" in want  # a table with actor names and numbered quotes
    assert printed(terminal.print_timeline, looked_up, iq.timeline(ix, q), True, "heading", {"pakistan"}) == want
    actor = query.resolve_actor(store, "Vugar Mustafayev")
    want = printed(terminal.print_profile, store, query.profile(store, actor))
    assert printed(terminal.print_profile, looked_up, iq.profile(ix, iq.resolve_actor(ix, "Vugar Mustafayev"))) == want
    event = store.events[0]
    assert printed(terminal.print_event, looked_up, iq.get_event(ix, event.id)) == printed(
        terminal.print_event, store, event
    )
    assert "pakistan" in looked_up.actors and "nobody" not in looked_up.actors
    assert looked_up.actors.get("nobody") is None
    assert len(looked_up.sources) == len(store.sources) and list(looked_up.sources) == list(store.sources)


def test_ties_over_the_bundled_store_walked_in_sql():
    store = load_paths([ROOT / "data" / "facts.toml"])
    ix = memory_index(store)
    assert_same_ties(store, ix, ["pakistan", "azerbaijan", "vugar-mustafayev", "jf-17"])
