"""The fast TOML reader never disagrees with tomllib: it reads a file the same, or declines."""

import sys
import tomllib

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, ROOT
from geotie.store.fastparse import parse

sys.path.insert(0, str(ROOT / "bench"))
import generate


def agrees(text: str) -> bool:
    """True when parse() declines, or reads `text` exactly as tomllib does."""
    fast = parse(text)
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return fast is None
    return fast is None or fast[0] == expected


@pytest.mark.parametrize(
    "text",
    [MINIMAL, (ROOT / "data" / "facts.toml").read_text(), tomli_w.dumps(generate.build(200))],
    ids=["minimal", "bundled", "generated"],
)
def test_reads_real_stores_like_tomllib(text):
    fast = parse(text)
    assert fast is not None and fast[0] == tomllib.loads(text)


def test_records_the_line_of_each_table():
    text = (ROOT / "data" / "facts.toml").read_text()
    doc, lines = parse(text)
    rows = text.split("\n")
    assert rows[lines[("meta",)] - 1] == "[meta]"
    for i in range(len(doc["events"])):
        assert rows[lines[("events", i)] - 1].startswith("[[events]]")
    for i, actor in enumerate(doc["actors"]):
        for j in range(len(actor.get("roles", []))):
            assert rows[lines[("actors", i, "roles", j)] - 1].startswith("[[actors.roles]]")


@pytest.mark.parametrize(
    "text",
    [
        'a = """multi\nline"""\n',
        "a.b = 1\n",
        "a = 1\na = 2\n",
        "[t]\n[t]\n",
        "a = { b = 1 }\n",
        "a = [\n1,\n",
        'a = "\\U0001F600"\n',
        "a = 1_000\n",
        "a = 1.5\n",
        "a = 2024-01-01\n",
        '"quoted key" = 1\n',
        "[[a]]\n[a]\n",
        "[a.b]\n",
    ],
)
def test_declines_what_it_does_not_read(text):
    assert parse(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "events = [{a = 1}]\n[[events]]\n",
        "[[a]]\nb = [{c = 1}]\n[[a.b]]\n",
        "a = \n",
        "[[a]\n",
        'a = "x\n',
        "a = [1,,2]\n",
        "a = 01\n",
        "= 1\n",
        "a = tru\n",
    ],
)
def test_never_accepts_bad_toml(text):
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    assert parse(text) is None


keys = st.text("abcxyz_-019", min_size=1, max_size=6)
strings = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
scalars = st.one_of(strings, st.integers(-(10**6), 10**6), st.booleans())
tables = st.dictionaries(keys, st.one_of(scalars, st.lists(scalars, max_size=3)), max_size=4)
documents = st.dictionaries(
    keys,
    st.one_of(scalars, st.lists(tables, min_size=1, max_size=3), tables, st.lists(scalars, max_size=4)),
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_agrees_with_tomllib_on_generated_documents(doc):
    assert agrees(tomli_w.dumps(doc))


@settings(max_examples=400, deadline=None)
@given(
    st.integers(0, len(MINIMAL) - 1),
    st.sampled_from(["", '"', "'", "[", "]", "{", "}", "=", ",", "\n", "#", "\\", " ", "x", "\t", "\r", "\x00", "é"]),
)
def test_agrees_with_tomllib_on_damaged_stores(at, insert):
    assert agrees(MINIMAL[:at] + insert + MINIMAL[at:])
    assert agrees(MINIMAL[:at] + insert + MINIMAL[at + 1 :])


def test_crlf_files():
    text = MINIMAL.replace("\n", "\r\n")
    assert parse(text)[0] == tomllib.loads(text)


def test_remembered_lines_give_each_table_its_own_values():
    """Lines are classified once and remembered: an inline table repeated on several lines
    must still come out as separate dicts, as tomllib makes them."""
    text = "a = [\n    { x = 1 },\n    { x = 1 },\n]\nb = [{ x = 1 }]\nc = [{ x = 1 }]\n"
    doc, _ = parse(text)
    tables = [*doc["a"], *doc["b"], *doc["c"]]
    assert tables == [{"x": 1}] * 4
    assert len({id(t) for t in tables}) == 4
