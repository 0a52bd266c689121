"""What check reads in a text: names as whole words, numbers however written, relative dates."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geotie.claims import names_in, numbers, numbers_said, relative_dates


@pytest.mark.parametrize(
    ("text", "names", "named"),
    [
        ("Azerbaijan’s Minister", ["Azerbaijan"], True),
        ("AZERBAIJANIS came", ["Azerbaijani"], True),
        ("Türkiye and Pakistan", ["Turkiye"], True),
        ("the Pakistani side", ["Pakistan"], False),  # a demonym is a name of its own
        ("Indiana Jones", ["India"], False),
        ("", ["India"], False),
        ("India", [""], False),
    ],
)
def test_names_in(text, names, named):
    assert names_in(text, names) is named


@given(st.sampled_from(["Vugar Mustafayev", "Türkiye", "JF-17", "Ilham Aliyev"]), st.text(max_size=20))
def test_a_name_is_found_whatever_its_case_and_surroundings(name, around):
    assert names_in(f"{around} {name.upper()}, {around}", [name])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("1,200 troops, 4.50 tonnes and a 40% rise", ["1200", "4.5", "40"]),
        ("the 8th session of the JF-17 plan", ["8", "17"]),
        ("no digits here", []),
    ],
)
def test_numbers(text, found):
    assert numbers(text) == found


def test_numbers_said_reads_words_and_ordinals():
    assert numbers_said("the eighth session, twice, three ministers, 12 MoUs") >= {"8", "2", "3", "12"}


@pytest.mark.parametrize(
    ("text", "phrases", "anchored", "unit"),
    [
        ("Just last week, a delegation arrived", ["last week"], True, "week"),
        ("Late last year, the Deputy PM", ["last year"], True, "year"),
        ("late Tuesday night the minister", ["late Tuesday night"], True, "day"),
        ("the minister said yesterday", ["yesterday"], True, "day"),
        ("talks due next month", ["next month"], True, "month"),
        ("three days ago", ["three days ago"], True, "day"),
        ("earlier in February the council met", ["earlier in February"], False, ""),
        ("The following day, they met", ["The following day"], False, ""),
        ("Fidan visited on May 18, he said", ["May 18"], False, ""),
        ("talks in May", ["May"], False, ""),
    ],
)
def test_relative_dates(text, phrases, anchored, unit):
    found = relative_dates(text)
    assert [r.phrase for r in found] == phrases
    assert {(r.anchored, r.unit) for r in found} == {(anchored, unit)}


@pytest.mark.parametrize(
    "text",
    [
        "On January 23-24, 2025, the Foreign Secretary",
        "in January and February 2025",
        "in October, 2016.",
        "In 2025, on May 18, they met",
        "May God bless the two nations",
        "the 2020 agreement",
    ],
)
def test_dates_with_their_year_are_not_relative(text):
    assert relative_dates(text) == []
