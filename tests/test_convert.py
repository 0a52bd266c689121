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


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(st.sampled_from([*GOOD, "date_text", "date_note", "extra"]), ODD_VALUES, max_size=4),
    st.lists(st.sampled_from(list(GOOD)), max_size=3),
)
def test_fast_path_agrees_with_the_checks(changes, dropped):
    import _pytest.monkeypatch

    raw = {k: v for k, v in {**GOOD, **changes}.items() if k not in dropped}
    mp = _pytest.monkeypatch.MonkeyPatch()
    try:
        fast, slow = both_ways(raw, mp)
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
