"""The shortcut for well-formed events (convert._fast_event) changes nothing: every event,
well-formed or not, comes out as the field-by-field checks make it, with the same problems."""

import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, ROOT
from geotie.store import convert
from geotie.store.convert import convert_file

GOOD = {
    "id": "an-event",
    "date": "2024-09",
    "title": "A visit",
    "summary": "Talks.",
    "actors": ["pakistan", "azerbaijan"],
    "tags": ["diplomacy"],
    "status": "planned",
    "outcome": "",
    "citations": [{"source": "dawn", "quote": "They met."}],
}
ODD_VALUES = st.one_of(
    st.sampled_from(["", " ", "x", "2024-13", "2024-09", "Bad Id", "planned", "maybe", "a\n"]),
    st.integers(-2, 2),
    st.booleans(),
    st.lists(st.sampled_from(["pakistan", 1, ""]), max_size=2),
    st.lists(
        st.dictionaries(
            st.sampled_from(["source", "quote", "note", "page"]), st.sampled_from(["", "s", 3]), max_size=3
        ),
        max_size=2,
    ),
    st.dictionaries(st.just("a"), st.just(1), max_size=1),
)


def both_ways(raw: dict, monkeypatch) -> tuple:
    doc = {"meta": {"schema": 1}, "events": [raw]}
    fast = convert_file("x.toml", "", doc, {})
    with monkeypatch.context() as m:
        m.setattr(convert, "_fast_event", lambda *a: None)
        slow = convert_file("x.toml", "", doc, {})
    return fast, slow


def same(fast, slow) -> bool:
    return (
        fast.events == slow.events
        and [e.origin for e in fast.events] == [e.origin for e in slow.events]
        and fast.problems == slow.problems
        and fast.broken_ids == slow.broken_ids
    )


DROP = object()
ODD = [
    DROP, "", " ", "x", "2024-13", "2024-09", "Bad Id", "maybe", "planned", "a\n", 0, 1, True, [], [""], ["pakistan", 1],
    [{}], [{"source": "s"}], [{"source": "s", "quote": " "}], [{"source": 1, "quote": "q"}],
    [{"source": "s", "quote": "q", "note": 3}], [{"source": "s", "quote": "q", "page": "1"}], ["x"], {"a": 1},
    ["pakistan"], ["azerbaijan", "pakistan"],
]  # fmt: skip


def changed(changes: dict) -> dict:
    raw = dict(GOOD)
    for key, value in changes.items():
        if value is DROP:
            raw.pop(key, None)
        else:
            raw[key] = value
    return raw


@pytest.mark.parametrize("key", [*GOOD, "date_text", "date_note", "extra", "implied_actors"])
def test_fast_path_agrees_with_the_checks_field_by_field(key, monkeypatch):
    for value in ODD:
        fast, slow = both_ways(changed({key: value}), monkeypatch)
        assert same(fast, slow), (key, value)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*GOOD, "date_text", "date_note", "extra", "implied_actors"]), st.sampled_from(ODD), max_size=4
    )
)
def test_fast_path_agrees_with_the_checks(changes):
    import _pytest.monkeypatch

    mp = _pytest.monkeypatch.MonkeyPatch()
    try:
        fast, slow = both_ways(changed(changes), mp)
    finally:
        mp.undo()
    assert same(fast, slow)


@pytest.mark.parametrize("text", [MINIMAL, (ROOT / "data" / "facts.toml").read_text()], ids=["minimal", "bundled"])
def test_fast_path_agrees_on_real_stores(text, monkeypatch):
    doc = tomllib.loads(text)
    fast = convert_file("x.toml", text, doc)
    monkeypatch.setattr(convert, "_fast_event", lambda *a: None)
    slow = convert_file("x.toml", text, doc)
    assert fast.events and same(fast, slow)
