import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geotie.dates import describe, is_past, overlaps, parse_edtf, parse_user_date, sort_key
from geotie.errors import DateError


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2024", date(2024, 1, 1), date(2024, 12, 31), "year"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
        ("2024-09-30", date(2024, 9, 30), date(2024, 9, 30), "day"),
        ("201X", date(2010, 1, 1), date(2019, 12, 31), "decade"),
        ("15XX", date(1500, 1, 1), date(1599, 12, 31), "century"),
        ("2024-XX", date(2024, 1, 1), date(2024, 12, 31), "year"),
        ("2019-01/2019-07", date(2019, 1, 1), date(2019, 7, 31), "month"),
        ("2016-10/2016-12-15", date(2016, 10, 1), date(2016, 12, 15), "month"),
    ],
)
def test_parse_gives_interval_and_precision(text, start, end, precision):
    span = parse_edtf(text)
    assert (span.start, span.end, span.precision) == (start, end, precision)


def test_qualifiers():
    assert parse_edtf("2020?").uncertain and not parse_edtf("2020?").approximate
    assert parse_edtf("2020~").approximate and not parse_edtf("2020~").uncertain
    both = parse_edtf("2020%")
    assert both.approximate and both.uncertain


def test_open_intervals():
    since = parse_edtf("2024/..")
    assert since.start == date(2024, 1, 1) and since.end is None and since.hi == date.max
    by = parse_edtf("../2016-12")
    assert by.start is None and by.end == date(2016, 12, 31) and by.lo == date.min


@pytest.mark.parametrize(
    "bad", ["", "2024-13", "2024-02-30", "24", "2024/2023", "../..", "2024-1-1", "July 2024", "0000", "2024//2025"]
)
def test_bad_dates_are_refused(bad):
    with pytest.raises(DateError):
        parse_edtf(bad)


def test_error_names_the_accepted_forms():
    with pytest.raises(DateError, match="YYYY-MM-DD"):
        parse_edtf("soon")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2024-09-30", "30 Sep 2024"),
        ("2024-09", "Sep 2024"),
        ("2024", "2024"),
        ("2024~", "c. 2024"),
        ("2024?", "2024?"),
        ("15XX", "1500s"),
        ("201X", "2010s"),
        ("2024-09-21/2024-09-30", "late Sep 2024"),
        ("2024-09-01/2024-09-10", "early Sep 2024"),
        ("2019-09/2019-12", "late 2019"),
        ("2004/2006", "mid 2000s"),
        ("2025-01-23/2025-01-24", "23–24 Jan 2025"),
        ("2016-10?/2016-12?", "Oct – Dec 2016?"),
        ("2024/..", "since 2024"),
        ("../2016-12", "by Dec 2016"),
    ],
)
def test_describe(text, words):
    assert describe(parse_edtf(text)) == words


def test_order_of_mixed_precisions():
    texts = ["2024-09-30", "2024", "2024-09", "../2024-01", "2023/.."]
    ordered = sorted(texts, key=lambda t: sort_key(parse_edtf(t)))
    assert ordered == ["2023/..", "2024", "../2024-01", "2024-09", "2024-09-30"]


def test_overlap_semantics():
    year = parse_edtf("2024")
    assert overlaps(year, parse_edtf("2024-07"), None)  # may fall in July or later
    assert not overlaps(parse_edtf("2023-12"), parse_edtf("2024"), None)
    assert overlaps(parse_edtf("2024-12-31"), None, parse_edtf("2024"))
    assert not overlaps(parse_edtf("2025-01-01"), None, parse_edtf("2024"))
    assert overlaps(parse_edtf("../2016"), parse_edtf("1990"), parse_edtf("1991"))


def test_is_past_takes_today_as_a_parameter():
    assert is_past(parse_edtf("2025-02"), today=date(2025, 3, 1))
    assert not is_past(parse_edtf("2025-02"), today=date(2025, 2, 28))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", "2024"),
        ("2024-07", "2024-07"),
        ("July 2024", "2024-07"),
        ("Jul 2024", "2024-07"),
        ("15 July 2024", "2024-07-15"),
        ("2024-07-15", "2024-07-15"),
        ("July 15, 2024", "2024-07-15"),
    ],
)
def test_user_dates_keep_their_precision(text, expected):
    assert parse_user_date(text).text == expected


@pytest.mark.parametrize("bad", ["July", "next week", "15 July", "32 July 2024"])
def test_user_dates_without_year_or_nonsense_fail(bad):
    with pytest.raises(DateError):
        parse_user_date(bad)


# --- properties -------------------------------------------------------------------------------

days = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))
qualifier = st.sampled_from(["", "?", "~", "%"])


@st.composite
def single_dates(draw):
    d = draw(days)
    form = draw(st.sampled_from(["year", "month", "day", "decade", "century"]))
    text = {
        "year": f"{d.year:04d}",
        "month": f"{d.year:04d}-{d.month:02d}",
        "day": d.isoformat(),
        "decade": f"{d.year // 10:03d}X",
        "century": f"{d.year // 100:02d}XX",
    }[form]
    return text + draw(qualifier)


@given(single_dates())
def test_single_dates_parse_to_a_proper_interval(text):
    span = parse_edtf(text)
    assert span.start <= span.end
    assert span.text == text
    assert describe(span)


@given(single_dates(), single_dates())
def test_intervals_contain_both_ends_or_are_refused(a, b):
    try:
        span = parse_edtf(f"{a}/{b}")
    except DateError:
        assert parse_edtf(b).end < parse_edtf(a).start
        return
    assert span.start == parse_edtf(a).start and span.end == parse_edtf(b).end
    assert describe(span)


@given(st.lists(single_dates(), min_size=2, max_size=8))
def test_sort_key_is_a_total_order_consistent_with_start(texts):
    spans = sorted((parse_edtf(t) for t in texts), key=sort_key)
    starts = [s.start for s in spans]
    assert starts == sorted(starts)


@given(days)
def test_user_date_round_trip(d):
    assert parse_user_date(d.isoformat()).start == d
    assert parse_user_date(d.strftime("%d %B %Y")).text == d.isoformat()
    assert parse_user_date(d.strftime("%B %Y")).text == f"{d.year:04d}-{d.month:02d}"


@given(st.text(max_size=30))
def test_parse_never_crashes_with_anything_but_date_error(text):
    with contextlib.suppress(DateError):
        parse_edtf(text)


@given(st.integers(1, 9999), st.integers(1, 12))
def test_days_in_month_agrees_with_calendar(year, month):
    import calendar

    from geotie.dates import days_in_month

    assert days_in_month(year, month) == calendar.monthrange(year, month)[1]
