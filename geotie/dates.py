"""Dates: a documented subset of EDTF, intervals, ordering, overlap and human wording.

Supported forms (see README "Dates"):
  YYYY, YYYY-MM, YYYY-MM-DD            a day, month or year
  15XX, 201X, 2024-XX, 2024-09-XX      unspecified digits: the whole century/decade/year/month
  suffix ? ~ %                         uncertain, approximate, both (applies to the whole date)
  A/B, A/.., ../B, A/, /B              intervals; `..` is an open end, an empty end is unknown

`today` is always a parameter: nothing here reads the clock.
"""

from __future__ import annotations

import functools
import re
from datetime import date

from .errors import DateError
from .model import PRECISIONS, DateSpan

_SINGLE = (  # compiled at the first date parsed (re caches it), not at import
    r"^(?P<year>\d{4}|\d{3}X|\d{2}XX|\dXXX)"
    r"(?:-(?P<month>\d{2}|XX)(?:-(?P<day>\d{2}|XX))?)?"
    r"(?P<qual>[?~%])?$"
)

ACCEPTED_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD, 201X, 15XX, a ~ ? or % suffix, or an interval A/B"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """Like calendar.monthrange(...)[1], without importing calendar (start-up time)."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS[month - 1]


def _coarser(a: str, b: str) -> str:
    return a if PRECISIONS.index(a) >= PRECISIONS.index(b) else b


@functools.lru_cache(maxsize=8192)
def _single(text: str) -> DateSpan:
    m = re.match(_SINGLE, text)
    if not m:
        raise DateError(f"'{text}' is not a date this store understands; use {ACCEPTED_FORMS}")
    year_s, month_s, day_s, qual = m.group("year", "month", "day", "qual")
    xs = year_s.count("X")
    if xs:
        if month_s:
            raise DateError(f"'{text}': a year with unspecified digits cannot have a month")
        lo_year = int(year_s.replace("X", "0"))
        hi_year = int(year_s.replace("X", "9"))
        precision = ("year", "decade", "century", "millennium")[xs]
        start, end = date(max(lo_year, 1), 1, 1), date(hi_year, 12, 31)
    else:
        year = int(year_s)
        if year == 0:
            raise DateError(f"'{text}': year 0000 is not supported")
        if not month_s or month_s == "XX":
            if day_s:
                raise DateError(f"'{text}': an unspecified month cannot have a day")
            precision, start, end = "year", date(year, 1, 1), date(year, 12, 31)
        else:
            month = int(month_s)
            if not 1 <= month <= 12:
                raise DateError(f"'{text}': month {month_s} is out of range 01-12")
            last = days_in_month(year, month)
            if not day_s or day_s == "XX":
                precision, start, end = "month", date(year, month, 1), date(year, month, last)
            else:
                day = int(day_s)
                if not 1 <= day <= last:
                    raise DateError(f"'{text}': day {day_s} is out of range for {year}-{month_s}")
                precision, start, end = "day", date(year, month, day), date(year, month, day)
    return DateSpan(
        text=text,
        start=start,
        end=end,
        precision=precision,
        approximate=qual in ("~", "%"),
        uncertain=qual in ("?", "%"),
    )


def parse_edtf(text: str) -> DateSpan:
    """Parse a stored date. Raises DateError with the accepted forms on failure.
    DateSpans are immutable, so the same text gives the same (memoised) object."""
    if not isinstance(text, str):
        raise DateError(f'a date must be a string such as "2024-09", not {type(text).__name__}')
    return _parse(text)


@functools.lru_cache(maxsize=65536)
def _parse(text: str) -> DateSpan:
    text = text.strip()
    if "/" not in text:
        return _single(text)
    if text.count("/") != 1:
        raise DateError(f"'{text}': an interval has exactly one '/'")
    left, right = text.split("/")
    if left in ("", "..") and right in ("", ".."):
        raise DateError(f"'{text}': an interval needs at least one known end")
    a = None if left in ("", "..") else _single(left)
    b = None if right in ("", "..") else _single(right)
    if a and b and b.end < a.start:
        raise DateError(f"'{text}': the interval ends before it starts")
    precision = _coarser(a.precision, b.precision) if a and b else (a or b).precision
    return DateSpan(
        text=text,
        start=a.start if a else None,
        end=b.end if b else None,
        precision=precision,
        approximate=bool((a and a.approximate) or (b and b.approximate)),
        uncertain=bool((a and a.uncertain) or (b and b.uncertain)),
        interval=True,
    )


def sort_key(span: DateSpan) -> tuple[date, date]:
    """The documented total order: earliest possible day, then latest possible day.

    So `2024` (Jan 1-Dec 31) sorts before `2024-09` before `2024-09-30`. An interval with
    an open or unknown start (`../2016`: "by 2016") sorts at its end; an open end sorts
    last among equal starts.
    """
    anchor = span.start or span.end or date.min
    return (anchor, span.hi)


def overlaps(span: DateSpan, since: DateSpan | None, until: DateSpan | None) -> bool:
    """True when `span` may fall inside [since, until] (any overlap counts)."""
    if since is not None and span.hi < since.lo:
        return False
    return not (until is not None and span.lo > until.hi)


def is_past(span: DateSpan, today: date) -> bool:
    """True when every day the span may cover is before `today`."""
    return span.hi < today


# --- human wording -----------------------------------------------------------------------


def _third_of_month(span: DateSpan) -> str | None:
    s, e = span.start, span.end
    if not (s and e and s.year == e.year and s.month == e.month):
        return None
    last = days_in_month(s.year, s.month)
    for word, lo, hi in (("early", 1, 10), ("mid", 11, 20), ("late", 21, last)):
        if (s.day, e.day) == (lo, hi):
            return f"{word} {_MONTHS[s.month - 1]} {s.year}"
    return None


def _third_of_year(span: DateSpan) -> str | None:
    s, e = span.start, span.end
    if not (s and e and s.year == e.year and s.day == 1 and e.day == days_in_month(e.year, e.month)):
        return None
    for word, lo, hi in (("early", 1, 4), ("mid", 5, 8), ("late", 9, 12)):
        if (s.month, e.month) == (lo, hi):
            return f"{word} {s.year}"
    return None


def _third_of_decade(span: DateSpan) -> str | None:
    s, e = span.start, span.end
    if not (s and e and s.year // 10 == e.year // 10 and (s.month, s.day, e.month, e.day) == (1, 1, 12, 31)):
        return None
    decade = s.year - s.year % 10
    for word, lo, hi in (("early", 0, 3), ("mid", 4, 6), ("late", 7, 9)):
        if (s.year - decade, e.year - decade) == (lo, hi):
            return f"{word} {decade}s"
    return None


def _describe_single(text: str) -> str:
    span = _single(text)
    s = span.start
    if span.precision == "day":
        word = f"{s.day} {_MONTHS[s.month - 1]} {s.year}"
    elif span.precision == "month":
        word = f"{_MONTHS[s.month - 1]} {s.year}"
    elif span.precision == "year":
        word = str(s.year)
    else:  # decade, century, millennium: "2010s", "1500s"
        word = f"{text.rstrip('?~%').replace('X', '0')}s"
    return word


def _describe_range(left: str, right: str) -> str:
    """Two known ends, sharing what they share: "23–24 Jan 2025", "Oct – Dec 2016"."""
    a, b = _single(left), _single(right)
    if a.precision == b.precision == "day" and a.start.year == b.start.year:
        if a.start.month == b.start.month:
            return f"{a.start.day}–{_describe_single(right)}"
        return f"{a.start.day} {_MONTHS[a.start.month - 1]} – {_describe_single(right)}"
    if a.precision == b.precision == "month" and a.start.year == b.start.year:
        return f"{_MONTHS[a.start.month - 1]} – {_describe_single(right)}"
    return f"{_describe_single(left)} – {_describe_single(right)}"


def describe(span: DateSpan) -> str:
    """A date as a reader would say it: "30 Sep 2024", "Sep 2024", "late Sep 2024", "late 2019",
    "c. 2024" (approximate), "2024?" (uncertain), "1500s", "23–24 Jan 2025", "Oct – Dec 2016",
    "since 2024" (open end), "by Dec 2016" (open or unknown start)."""
    if span.interval:
        word = _third_of_month(span) or _third_of_year(span) or _third_of_decade(span)
        if word is None:
            left, right = span.text.split("/")
            known_left = left not in ("", "..")
            known_right = right not in ("", "..")
            if known_left and known_right:
                word = _describe_range(left, right)
            elif known_left:
                word = f"since {_describe_single(left)}"
            else:
                word = f"by {_describe_single(right)}"
    else:
        word = _describe_single(span.text)
    if span.approximate:
        word = f"c. {word}"
    if span.uncertain:
        word = f"{word}?"
    return word


# --- dates typed by users ------------------------------------------------------------------


def parse_user_date(text: str) -> DateSpan:
    """Parse a --since/--until value: EDTF strictly first, then free text with dateutil.

    Free text keeps the precision it was given: "July 2024" is the whole month, "2024" the
    whole year; nothing is filled in from today's date. Raises DateError.
    """
    text = text.strip()
    try:
        return parse_edtf(text)
    except DateError:
        pass
    from datetime import datetime

    from dateutil import parser as du  # imported only for free-form dates

    # Parse twice with different defaults: a component that changes was not in the text.
    try:
        a = du.parse(text, default=datetime(1, 1, 1))
        b = du.parse(text, default=datetime(2, 2, 2))
    except (ValueError, OverflowError):
        raise DateError(f"'{text}' is not a date; use {ACCEPTED_FORMS}, or e.g. 'July 2024'") from None
    has_year, has_month, has_day = a.year == b.year, a.month == b.month, a.day == b.day
    if not has_year:
        raise DateError(f"'{text}' has no year; say e.g. 'July 2024' or 2024-07")
    if has_day and not has_month:
        raise DateError(f"'{text}' has a day but no month")
    if has_day:
        return parse_edtf(f"{a.year:04d}-{a.month:02d}-{a.day:02d}")
    if has_month:
        return parse_edtf(f"{a.year:04d}-{a.month:02d}")
    return parse_edtf(f"{a.year:04d}")
