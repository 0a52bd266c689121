"""Text helpers: folding one text and many at once agree; control characters made visible."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geotie.text import byte_size, fold, fold_lines, visible

TEXTS = st.lists(st.text(), max_size=8)


@given(TEXTS)
def test_fold_lines_is_fold_of_each(texts):
    assert fold_lines(texts) == [fold(t) for t in texts]


@given(st.lists(st.sampled_from(["Türkiye", "ERDOĞAN", "Şəki", "ø", "Ǆ", "e\u0301", "Привет", "a\nb", " x ", "ﬁ"])))
def test_fold_lines_on_accented_and_other_scripts(words):
    texts = [" ".join(words[:i]) for i in range(len(words) + 1)]
    assert fold_lines(texts) == [fold(t) for t in texts]


def test_fold_examples():
    assert fold_lines(["Türkiye, Erdoğan!", "a\nb  c", "Привет x", ""]) == ["turkiye erdogan", "a b c", "x", ""]


@given(st.text())
def test_visible_leaves_no_control_character(text):
    shown = visible(text)
    assert not any(
        0 <= ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        for c in shown
    )
    if text.isprintable():
        assert shown == text


def test_visible_escapes_each_character_on_its_own():
    assert visible("a\x1b]0;T\x07\u202e\x9b\x7f\t\n\udcff b") == "a\\x1b]0;T\\x07\\u202e\\x9b\\x7f\\t\\n\\udcff b"
    assert visible("Türkiye \u200f‎ عربي") == "Türkiye \u200f‎ عربي"  # bidi marks in names stay


def test_event_text_holds_every_searchable_field():
    from conftest import ROOT
    from geotie.fields import event_fields, event_text
    from geotie.store import load_paths

    store = load_paths([ROOT / "data" / "facts.toml"])
    for e in store.events:
        line = fold(event_text(e))
        assert all(fold(text) in line for _, text in event_fields(e))


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_fold_with_map_of_ascii_is_the_character_by_character_one(text):
    from geotie import text as module

    slow = module.fold_with_map(text + "é")  # not ASCII: the character-by-character way
    fast = module.fold_with_map(text)
    cut = len(fast[0])
    assert fast == (slow[0][:cut], slow[1][:cut])
    assert fast[0].strip() == fold(text)


@pytest.mark.parametrize(
    "n, said",
    [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KB"), (57_344, "56.0 KB"), (543_000_000, "517.8 MB"),
     (1024**3, "1.0 GB"), (5 * 1024**4, "5120.0 GB")],
)  # fmt: skip
def test_byte_size(n, said):
    assert byte_size(n) == said
