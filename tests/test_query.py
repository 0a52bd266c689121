import pytest
from hypothesis import given
from hypothesis import strategies as st

from geotie import answers, query
from geotie.dates import parse_edtf
from geotie.errors import Ambiguous, NotFound
from geotie.query import TimelineQuery
from geotie.store import load_paths
from geotie.text import fold


@pytest.fixture
def store(store_file):
    return load_paths([store_file])


@pytest.mark.parametrize("name", ["alpha", "Alphaland", "ALPHALAND", "alfa", "Alpha Republic", "älphä republic"])
def test_resolve_by_id_name_alias_any_case_or_accent(store, name):
    assert query.resolve_actor(store, name).id == "alpha"


def test_resolve_by_one_word_and_by_prefix(store):
    assert query.resolve_actor(store, "smith").id == "jo-smith"
    assert query.resolve_actor(store, "bet").id == "beta"


def test_a_prefix_of_one_actor_resolves_to_it(store):
    assert query.resolve_actor(store, "a").id == "alpha"


def test_ambiguous_word_lists_every_candidate(store_file, tmp_path):
    text = store_file.read_text().replace('name = "Betaland"', 'name = "Beta Smith"')
    path = tmp_path / "two-smiths.toml"
    path.write_text(text)
    two = load_paths([path])
    with pytest.raises(Ambiguous) as info:
        query.resolve_actor(two, "smith")
    assert info.value.candidates == ["beta", "jo-smith"]
    assert "beta (Beta Smith, country)" in str(info.value)


def test_unknown_name_suggests(store):
    with pytest.raises(NotFound, match="did you mean 'Alphaland'"):
        query.resolve_actor(store, "Alphalnd")


def ids(events):
    return [e.id for e in events]


def test_timeline_all_actors_must_be_involved(store):
    assert ids(query.timeline(store, TimelineQuery(actors=("alpha", "beta")))) == ["first", "second"]
    assert ids(query.timeline(store, TimelineQuery(actors=("beta", "jo-smith")))) == ["second"]
    assert ids(query.timeline(store, TimelineQuery(actors=("beta", "jo-smith"), union=True))) == ["first", "second"]
    assert ids(query.timeline(store, TimelineQuery())) == ["first", "second", "third"]


def test_timeline_filters(store):
    def q(**kw):
        return ids(query.timeline(store, TimelineQuery(**kw)))

    assert q(since=parse_edtf("2024-08")) == ["first", "third"]  # the 2024 event may fall after August
    assert q(until=parse_edtf("2024-06")) == ["first"]
    assert q(tags=("defence", "diplomacy")) == ["second", "third"]
    assert q(statuses=("planned",)) == ["third"]
    assert q(reverse=True, limit=2) == ["third", "second"]
    assert q(limit=0) == []


def test_profile(store):
    p = query.profile(store, store.actors["jo-smith"])
    assert ids(p.events) == ["second"]
    assert [a.id for a, _ in p.together] == ["alpha", "beta"]
    assert p.roles[0].title == "Minister"
    country = query.profile(store, store.actors["alpha"])
    assert [(h.id, r.title) for h, r in country.holders] == [("jo-smith", "Minister")]
    assert country.together[0] == (store.actors["beta"], 2)


def test_lookups(store):
    assert query.get_event(store, "second").title == "A day in July"
    with pytest.raises(NotFound, match="did you mean 'second'"):
        query.get_event(store, "secnd")
    with pytest.raises(NotFound, match="did you mean 'src'"):
        query.get_source(store, "srcc")
    facts = query.citing(store, "src")
    assert [(f.kind, f.id) for f in facts] == [
        ("event", "first"),
        ("event", "second"),
        ("event", "third"),
        ("role", "jo-smith"),
    ]


def test_search_is_accent_and_case_insensitive_and_says_where(store):
    hits = query.search(store, "ALPHA republic")
    assert [(h.kind, h.id, h.field) for h in hits] == [("actor", "alpha", "alias[1]")]
    assert hits[0].text[hits[0].start : hits[0].end] == "Älphä Republic"
    hits = query.search(store, "july")
    assert {(h.id, h.field) for h in hits} == {("second", "title"), ("second", "quote[0]")}
    assert query.search(store, "   ") == []


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60), st.integers(0, 60), st.integers(1, 12))
def test_finding_in_ascii_without_folding_agrees_with_folding(text, start, length):
    needle = fold(text[start : start + length]) or "a"
    assert answers.find(needle, text, answers.needle_pattern(needle)) == answers.find(needle, text)
