"""Dates in an article's sentences, resolved to the store's EDTF subset.

Absolute forms ("In July 2024", "in late September 2024", "in 2018", "by 2018", "the
mid-2000s", "the 16th century", "at the start of 2025") are read here; relative ones ("last
week", "next month", "late Tuesday night", "the following day", "earlier in February", "on
May 18") are found by `claims.relative_dates` (the detector the check lints use) and resolved
here against the source's publication date, or against the date of an earlier sentence.

Nothing is made more precise than the text and the publication date allow: an expression
counted from the day of writing spans every day it could mean for every day the article may
have been written on, and keeps the publication date's uncertainty (`?`, `~`); one counted in
days from an article dated only to the month or year is widened to whole months or years.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import NamedTuple

from ..claims import number_word, relative_dates
from ..dates import days_in_month, describe, parse_edtf
from ..model import DateSpan

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october")
MONTHS += ("november", "december")
_MONTH_NAMES = "|".join(m.capitalize() for m in MONTHS) + "|Sept"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_THIRD = r"(?P<third>early|mid|late|the (?:start|beginning|end|middle) of)"
_YEAR = r"(?P<year>1\d{3}|20\d{2})"

#: Absolute forms, most specific first; each match is (kind, match).
_ABSOLUTE = (
    (
        "month",
        re.compile(
            rf"\b(?:{_THIRD}[- ]\s*)?(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–]\s*(?P<d1b>\d{{1,2}}))? (?:of )?)?"
            rf"(?P<month>{_MONTH_NAMES})\b\.?(?: (?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–]\s*(?P<d2b>\d{{1,2}}))?)?"
            rf",? (?:of )?{_YEAR}\b",
            re.IGNORECASE,
        ),
    ),
    ("months-of", re.compile(rf"\bthe (?P<which>first|last) (?P<n>\w+) months of {_YEAR}\b", re.IGNORECASE)),
    ("decade", re.compile(r"\b(?:the )?(?:(?P<third>early|mid|late)[- ])?(?P<decade>1\d{2}0|20\d0)['’]?s\b", re.I)),
    ("year-third", re.compile(rf"\b{_THIRD}[- ]\s*{_YEAR}\b(?!['’]?s)", re.IGNORECASE)),
    ("century", re.compile(r"\b(?:the )?(?P<n>\d{1,2}(?:st|nd|rd|th)|\w+)[- ]century\b", re.IGNORECASE)),
    (
        "year",
        re.compile(
            rf"(?:\b(?P<prep>in|since|by|until|till|from|during|before|after|the year|year|of)\s+)?(?<![$\d.,])"
            rf"{_YEAR}\b(?!\s*(?:%|percent|per cent|million|billion|\$)|[-–/]\d|,\d)",
            re.IGNORECASE,
        ),
    ),
)

_FUTURE_WORDS = re.compile(
    r"\b(?:will|would|shall|is set to|are set to|is expected to|are expected to|plans? to|is to|are to|scheduled|"
    r"upcoming|next)\b",
    re.IGNORECASE,
)
#: Reported speech: "media announced that the PM would visit next month" counts from the day
#: of the announcement, which the sentence does not give.
_REPORTED = re.compile(
    r"\b(?:announced|said|stated|reported|noted|told|declared|confirmed|added)\b[^.;]*\bwould\b", re.IGNORECASE
)


class Span(NamedTuple):
    """Days a date may cover (None: open), how fine it is said, and how sure."""

    lo: date | None
    hi: date | None
    precision: str = "day"  # day | month | year | decade | century
    vague: bool = False  # approximate in itself ("recently"): adds `~`


class Dating(NamedTuple):
    date: str  # EDTF
    date_text: str  # the article's words for the date ("" when the sentence has none)
    date_note: str  # how the date was worked out
    explicit: bool  # from words of the sentence (False: only the publication date dates it)

    @property
    def span(self) -> DateSpan:
        return parse_edtf(self.date)


class Expression(NamedTuple):
    kind: str  # an _ABSOLUTE kind, or "anchored"/"implicit" for claims.relative_dates
    start: int
    end: int
    phrase: str
    match: re.Match | None = None


# --- calendar arithmetic ---------------------------------------------------------------------


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _month_end(index: int) -> date:
    year, month = index // 12, index % 12 + 1
    return date(year, month, days_in_month(year, month))


def _thirds_of_month(year: int, month: int, word: str) -> tuple[date, date]:
    last = days_in_month(year, month)
    lo, hi = {"early": (1, 10), "mid": (11, 20), "late": (21, last)}[word]
    return date(year, month, lo), date(year, month, hi)


def _thirds_of_year(year: int, word: str) -> tuple[date, date]:
    lo, hi = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[word]
    return date(year, lo, 1), date(year, hi, days_in_month(year, hi))


def _third_word(text: str | None) -> str | None:
    if not text:
        return None
    text = text.lower()
    for word, words in (
        ("early", ("early", "start", "beginning")),
        ("mid", ("mid", "middle")),
        ("late", ("late", "end")),
    ):
        if any(w in text for w in words):
            return word
    return None


def _shift_days(d: date | None, days: int) -> date | None:
    """`d` moved by `days`; None (open) when `d` is, or when that leaves the calendar (year 1-9999)."""
    if d is None:
        return None
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return None


def _widen(span: Span, precision: str) -> Span:
    """Round the ends outward to whole months or years."""
    lo, hi = span.lo, span.hi
    if precision == "month":
        lo = lo and lo.replace(day=1)
        hi = hi and _month_end(_month_index(hi))
    elif precision in ("year", "decade", "century"):
        lo = lo and date(lo.year, 1, 1)
        hi = hi and date(hi.year, 12, 31)
    else:
        return span
    return Span(lo, hi, precision, span.vague)


# --- EDTF ------------------------------------------------------------------------------------


def _level(lo: date | None, hi: date | None) -> str:
    """The coarsest level both ends fall on: year, month or day."""
    ends = [d for d in (lo, hi) if d is not None]
    starts_year = lo is None or (lo.month, lo.day) == (1, 1)
    ends_year = hi is None or (hi.month, hi.day) == (12, 31)
    if ends and starts_year and ends_year:
        return "year"
    starts_month = lo is None or lo.day == 1
    ends_month = hi is None or hi.day == days_in_month(hi.year, hi.month)
    return "month" if starts_month and ends_month else "day"


def _end_text(d: date, level: str) -> str:
    if level == "year":
        return f"{d.year:04d}"
    if level == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return d.isoformat()


def edtf(lo: date | None, hi: date | None, qualifier: str = "") -> str:
    """The shortest EDTF for the days lo..hi (None: open): "2025-01", "2019-09/2019-12", "15XX",
    "2024?/..". `qualifier` (?, ~ or %) goes on each known end."""
    level = _level(lo, hi)
    if lo is not None and hi is not None:
        if level == "year" and lo.year % 100 == 0 and hi.year == lo.year + 99 and lo.year >= 1000:
            return f"{lo.year // 100:02d}XX{qualifier}"
        if level == "year" and lo.year % 10 == 0 and hi.year == lo.year + 9 and lo.year >= 1000:
            return f"{lo.year // 10:03d}X{qualifier}"
        a, b = _end_text(lo, level), _end_text(hi, level)
        return f"{a}{qualifier}" if a == b else f"{a}{qualifier}/{b}{qualifier}"
    if lo is not None:
        return f"{_end_text(lo, level)}{qualifier}/.."
    assert hi is not None
    return f"../{_end_text(hi, level)}{qualifier}"


def qualifier(approximate: bool, uncertain: bool) -> str:
    return "%" if approximate and uncertain else "~" if approximate else "?" if uncertain else ""


# --- finding expressions -----------------------------------------------------------------------


def expressions(text: str) -> list[Expression]:
    """The date expressions of `text`, absolute and relative, in order, none overlapping
    (the absolute forms win, then the longer)."""
    found: list[Expression] = []
    for kind, pattern in _ABSOLUTE:
        for m in pattern.finditer(text):
            if kind == "century" and _century(m) is None:
                continue
            if kind == "months-of" and number_word(m.group("n")) is None and not m.group("n").isdigit():
                continue
            found.append(Expression(kind, m.start(), m.end(), m.group(), m))
    for r in relative_dates(text):
        found.append(Expression("anchored" if r.anchored else "implicit", r.start, r.end, r.phrase))
    kept: list[Expression] = []
    for e in found:  # in priority order: absolute kinds first, in the order of _ABSOLUTE
        if not any(k.start < e.end and e.start < k.end for k in kept):
            kept.append(e)
    return sorted(kept, key=lambda e: e.start)


def _century(m: re.Match) -> int | None:
    n = m.group("n").lower()
    digits = re.match(r"\d+", n)
    value = int(digits.group()) if digits else number_word(n)
    return value if value and 1 <= value <= 21 else None


# --- resolving -------------------------------------------------------------------------------


class Context(NamedTuple):
    """What the article said before this sentence."""

    previous: Span | None = None  # the latest date a sentence gave in words
    previous_text: str = ""
    year: int | None = None  # the year of that date, when it is one year


def _absolute(e: Expression) -> tuple[Span, str] | None:
    m = e.match
    assert m is not None
    if e.kind == "month":
        year = int(m.group("year"))
        name = m.group("month").lower()
        month = 9 if name == "sept" else MONTHS.index(name) + 1
        d1, d1b = m.group("d1") or m.group("d2"), m.group("d1b") or m.group("d2b")
        last = days_in_month(year, month)
        third = _third_word(m.group("third"))
        if d1 and 1 <= int(d1) <= last:
            hi_day = int(d1b) if d1b and int(d1) <= int(d1b) <= last else int(d1)
            return Span(date(year, month, int(d1)), date(year, month, hi_day)), ""
        if third:
            lo, hi = _thirds_of_month(year, month, third)
            return Span(lo, hi), (
                f'"{e.phrase}": the {third} third of the month, days {lo.day}-{hi.day} (geotie convention)'
            )
        return Span(date(year, month, 1), date(year, month, last), "month"), ""
    if e.kind == "months-of":
        year = int(m.group("year"))
        n = int(m.group("n")) if m.group("n").isdigit() else number_word(m.group("n"))
        if not n or not 1 <= n <= 12:
            return None
        lo_m, hi_m = (1, n) if m.group("which").lower() == "first" else (13 - n, 12)
        return Span(date(year, lo_m, 1), date(year, hi_m, days_in_month(year, hi_m)), "month"), ""
    if e.kind == "decade":
        decade = int(m.group("decade"))
        third = _third_word(m.group("third"))
        if third:
            lo, hi = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}[third]
            note = f'"{e.phrase}": the {third} third of the decade, its years {lo}-{hi} (geotie convention)'
            return Span(date(decade + lo, 1, 1), date(decade + hi, 12, 31), "year"), note
        return Span(date(decade, 1, 1), date(decade + 9, 12, 31), "decade"), ""
    if e.kind == "year-third":
        year = int(m.group("year"))
        third = _third_word(m.group("third")) or "early"
        lo, hi = _thirds_of_year(year, third)
        how = f'"{e.phrase}": the {third} third of the year, months {lo.month}-{hi.month} (geotie convention)'
        return Span(lo, hi, "month"), how
    if e.kind == "century":
        n = _century(m)
        assert n is not None
        first = max((n - 1) * 100, 1)
        return Span(date(first, 1, 1), date((n - 1) * 100 + 99, 12, 31), "century"), ""
    if e.kind == "year":
        year = int(m.group("year"))
        prep = (m.group("prep") or "").lower()
        if prep in ("by", "until", "till", "before"):
            return Span(None, date(year, 12, 31), "year"), f'"{prep} {year}": up to the end of {year}, start not given'
        if prep in ("since", "from", "after"):
            return Span(date(year, 1, 1), None, "year"), f'"{prep} {year}": from {year} on, end not given'
        return Span(date(year, 1, 1), date(year, 12, 31), "year"), ""
    return None


def _from_publication(days_lo: int, days_hi: int, pub: Span) -> Span:
    return Span(_shift_days(pub.lo, days_lo), _shift_days(pub.hi, days_hi))


def _months_from(pub: Span, lo_shift: int, hi_shift: int) -> Span:
    lo = _month_start(_month_index(pub.lo) + lo_shift) if pub.lo else None
    hi = _month_end(_month_index(pub.hi) + hi_shift) if pub.hi else None
    return Span(lo, hi, "month")


def _years_from(pub: Span, lo_shift: int, hi_shift: int, third: str | None = None) -> Span:
    lo = date(pub.lo.year + lo_shift, 1, 1) if pub.lo else None
    hi = date(pub.hi.year + hi_shift, 12, 31) if pub.hi else None
    if third:
        lo = lo and _thirds_of_year(lo.year, third)[0]
        hi = hi and _thirds_of_year(hi.year, third)[1]
        return Span(lo, hi, "month")
    return Span(lo, hi, "year")


def _weekday(pub: Span, weekday: int, future: bool, last: bool = False) -> Span:
    """The days of that weekday in the week before (or, for a plan, after) the day of writing."""
    if future:
        lo_day, hi_day = _shift_days(pub.lo, 0 if not last else 1), _shift_days(pub.hi, 6 if not last else 13)
    else:
        lo_day, hi_day = _shift_days(pub.lo, -13 if last else -6), _shift_days(pub.hi, -1 if last else 0)
    if lo_day is not None:
        lo_day = lo_day + timedelta(days=(weekday - lo_day.weekday()) % 7)
    if hi_day is not None:
        hi_day = hi_day - timedelta(days=(hi_day.weekday() - weekday) % 7)
    return Span(lo_day, hi_day)


_COUNT_WORDS = {"a": (1, 1), "an": (1, 1), "one": (1, 1), "few": (2, 5), "several": (3, 9)}


def _count(word: str) -> tuple[int, int] | None:
    word = word.lower()
    if word.isdigit():
        return int(word), int(word)
    if word in _COUNT_WORDS:
        return _COUNT_WORDS[word]
    n = number_word(word)
    return (n, n) if n else None


def _anchored(phrase: str, before: str, pub: Span, future: bool) -> tuple[Span, str] | None:
    """An expression counted from the day of writing ("last week"), for every day `pub`
    allows; with how it was read."""
    p = phrase.lower()
    m = re.search(r"\b(early|mid|late)[- ]?\s*$", before.lower())
    third = m.group(1) if m else None
    words = p.split()
    weekday = next((i for i, w in enumerate(WEEKDAYS) if w in p), None)
    if weekday is not None:
        if "next" in words:
            return _weekday(pub, weekday, True, last="next" in words), f'"{phrase}": the next {WEEKDAYS[weekday]}'
        if "last" in words:
            return _weekday(pub, weekday, False, last=True), f'"{phrase}": a {WEEKDAYS[weekday]} of the week before'
        how = "after" if future else "before"
        return (
            _weekday(pub, weekday, future),
            f'"{phrase}": the {WEEKDAYS[weekday].capitalize()} in the week {how} the day of writing '
            f"({'a plan' if future else 'past tense'})",
        )
    if p in ("yesterday", "last night"):
        return _from_publication(-1, -1, pub), f'"{phrase}": the day before the day of writing'
    if p == "tomorrow":
        return _from_publication(1, 1, pub), f'"{phrase}": the day after the day of writing'
    if p in ("today", "tonight", "this morning", "this evening", "this afternoon") or p.endswith(" today"):
        return _from_publication(0, 0, pub), f'"{phrase}": the day of writing'
    m = re.fullmatch(r"(\w+) (day|week|month|year)s? ago", p)
    if m:
        counted = _count(m.group(1))
        if not counted:
            return None
        few, many = counted
        unit = m.group(2)
        if unit == "day":
            return _from_publication(-many, -few, pub), f'"{phrase}": counted back from the day of writing'
        if unit == "week":
            return _from_publication(-7 * many - 6, -7 * few + 6, pub), f'"{phrase}": counted back in weeks'
        if unit == "month":
            return _months_from(pub, -many, -few), f'"{phrase}": counted back in months'
        return _years_from(pub, -many, -few), f'"{phrase}": counted back in years'
    if p.startswith("in recent "):
        unit = words[-1]
        if unit == "days":
            return _from_publication(-14, 0, pub), f'"{phrase}": the two weeks before the day of writing'
        if unit == "weeks":
            return _from_publication(-60, 0, pub), f'"{phrase}": the two months before the day of writing'
        if unit == "months":
            return _months_from(pub, -6, 0), f'"{phrase}": the six months up to the day of writing'
        return _years_from(pub, -5, 0), f'"{phrase}": the five years up to the day of writing'
    if p == "recently":
        return Span(None, pub.hi, pub.precision), f'"{phrase}": before the day of writing; how long before is not said'
    m = re.fullmatch(r"(?:(earlier|later) (?:this|in the)|(last|past|previous|next|coming|this)) (\w+)", p)
    if not m:
        return None
    rel, step, unit = m.group(1), m.group(2), m.group(3)
    if unit == "week":
        table = {
            "earlier": (-6, 0), "later": (0, 6), "last": (-13, -1), "previous": (-13, -1), "past": (-7, 0),
            "next": (1, 13), "coming": (1, 13), "this": (-6, 6),
        }  # fmt: skip
        lo, hi = table[rel or step]
        return _from_publication(lo, hi, pub), f'"{phrase}": {_days_words(lo, hi)} the day of writing'
    if unit == "weekend":
        lo, hi = {"last": (-8, -1), "previous": (-8, -1), "past": (-8, 0), "next": (1, 8), "coming": (1, 8)}.get(
            rel or step, (-6, 6)
        )
        return _from_publication(lo, hi, pub), f'"{phrase}": {_days_words(lo, hi)} the day of writing'
    if unit in ("month", "year"):
        return _calendar_unit(phrase, unit, rel, step, pub, third if unit == "year" else None)
    return None  # seasons, quarters, mornings of other days: not resolved


def _calendar_unit(phrase: str, unit: str, rel: str | None, step: str | None, pub: Span, third) -> tuple[Span, str]:
    """ "earlier this month", "last year", "next month", "past year", "late last year"...: a month
    or year counted from the one of writing (`third`: early/mid/late, for a year)."""
    shifted = _months_from if unit == "month" else _years_from
    if rel == "earlier" or rel == "later":
        span = shifted(pub, 0, 0)
        lo, hi = (span.lo, pub.hi) if rel == "earlier" else (pub.lo, span.hi)
        return Span(lo, hi), f'"{phrase}": in the {unit} of writing, {"before" if rel == "earlier" else "after"} it'
    if step == "past":
        days = 31 if unit == "month" else 366
        words = "the 31 days" if unit == "month" else "the year"
        return _from_publication(-days, 0, pub), f'"{phrase}": {words} before the day of writing'
    shift = {"last": -1, "previous": -1, "next": 1, "coming": 1, "this": 0}[step]
    word = {-1: f"the {unit} before the {unit} of writing", 1: f"the {unit} after the {unit} of writing"}.get(
        shift, f"the {unit} of writing"
    )
    if unit == "month":
        return _months_from(pub, shift, shift), f'"{phrase}": {word}'
    how = f'"{f"{third} " if third else ""}{phrase}": {word}'
    if third:
        how += f", its {third} third (months {_thirds_of_year(2000, third)[0].month}-"
        how += f"{_thirds_of_year(2000, third)[1].month}, geotie convention)"
    return _years_from(pub, shift, shift, third), how


def _days_words(lo: int, hi: int) -> str:
    def one(n: int) -> str:
        return (
            "the day of writing"
            if n == 0
            else f"{abs(n)} day{'s' if abs(n) > 1 else ''} {'after' if n > 0 else 'before'}"
        )

    return f"from {one(lo)} to {one(hi)}".replace(" the day of writing to", " it to").removesuffix(
        " the day of writing"
    )


def _month_day(phrase: str, after: str, pub: Span, context: Context, future: bool) -> tuple[Span, str] | None:
    """A month (and day) without its year: "on May 18", "January 23-24", "earlier in
    February", "last February"."""
    p = phrase.lower()
    m = re.search(rf"(?:(\d{{1,2}}) )?({'|'.join(MONTHS)})(?: (\d{{1,2}}))?", p)
    if not m:
        return None
    month = MONTHS.index(m.group(2)) + 1
    day = m.group(1) or m.group(3)
    day_hi = None
    more = re.match(r"\s*[-–]\s*(\d{1,2})\b", after)
    if day and more:
        day_hi = more.group(1)
    same_year = p.startswith(("earlier in", "later in", "earlier this", "later this", "this"))
    if (
        context.year is not None
        and pub.lo
        and pub.lo.year - 1 <= context.year
        and (not pub.hi or context.year <= pub.hi.year)
    ):
        years: tuple[int | None, int | None] = (context.year, context.year)
        how = f'the year {context.year} from the text before it ("{context.previous_text}")'
    elif same_year:
        years = (pub.lo.year if pub.lo else None, pub.hi.year if pub.hi else None)
        how = "in the year of writing"
    else:
        step = 1 if future or p.startswith("next") else -1

        def occurrence(d: date | None) -> int | None:
            """The year of the last such day on or before `d` (the next one after, for a plan)."""
            if d is None:
                return None
            target = (month, int(day) if day else 1 if step < 0 else days_in_month(d.year, month))
            if step < 0:
                return d.year if (d.month, d.day) >= target else d.year - 1
            return d.year if (d.month, d.day) <= target else d.year + 1

        years = (occurrence(pub.lo), occurrence(pub.hi))
        how = (
            "the last such date before the day of writing"
            if step < 0
            else "the next such date after the day of writing"
        )
        if p.startswith("last"):
            how = "the last such month before the day of writing"
    lo_year, hi_year = years
    if day:
        lo = date(lo_year, month, min(int(day), days_in_month(lo_year, month))) if lo_year else None
        end_day = int(day_hi) if day_hi and int(day_hi) >= int(day) else int(day)
        hi = date(hi_year, month, min(end_day, days_in_month(hi_year, month))) if hi_year else None
        span = Span(lo, hi)
    else:
        lo = date(lo_year, month, 1) if lo_year else None
        hi = date(hi_year, month, days_in_month(hi_year, month)) if hi_year else None
        span = Span(lo, hi, "month")
    if p.startswith("earlier") and pub.hi and span.hi and span.hi > pub.hi:
        span = Span(span.lo, pub.hi, span.precision)
    return span, f'"{phrase}" has no year: {how}'


def _implicit(phrase: str, after: str, pub: Span, context: Context, future: bool) -> tuple[Span, str] | None:
    p = phrase.lower()
    m = re.fullmatch(r"the (following|next|previous|same) (day|week|month|year|morning|evening|night)", p)
    m2 = re.fullmatch(r"the day (before|after)", p) or re.fullmatch(
        r"an? (day|week|month) (later|earlier|before|after)", p
    )
    if m or m2:
        prev = context.previous
        if prev is None:
            return None
        if m:
            rel, unit = m.group(1), m.group(2)
        elif m2.re.pattern.startswith("the day"):
            rel, unit = ("previous" if m2.group(1) == "before" else "following"), "day"
        else:
            rel, unit = ("previous" if m2.group(2) in ("earlier", "before") else "following"), m2.group(1)
        sign = {"following": 1, "next": 1, "previous": -1, "same": 0}[rel]
        unit = "day" if unit in ("morning", "evening", "night") else unit
        days = {"day": 1, "week": 7}.get(unit)
        if days is not None:
            if unit == "week" and sign:
                lo_shift, hi_shift = (1, 13) if sign > 0 else (-13, -1)
            else:
                lo_shift = hi_shift = sign * days
            span = Span(_shift_days(prev.lo, lo_shift), _shift_days(prev.hi, hi_shift))
        elif unit == "month":
            span = Span(
                prev.lo and _month_start(_month_index(prev.lo) + sign),
                prev.hi and _month_end(_month_index(prev.hi) + sign),
                "month",
            )
        else:
            span = Span(
                prev.lo and date(prev.lo.year + sign, 1, 1), prev.hi and date(prev.hi.year + sign, 12, 31), "year"
            )
        return span, f'"{phrase}": counted from the date before it in the text ("{context.previous_text}")'
    return _month_day(phrase, after, pub, context, future)


def resolve(text: str, e: Expression, pub: DateSpan, context: Context, future: bool) -> tuple[Span, str] | None:
    """The days expression `e` of sentence `text` may mean, with how that was worked out."""
    if e.kind not in ("anchored", "implicit"):
        return _absolute(e)
    published = Span(pub.start, pub.end, pub.precision)
    if e.kind == "implicit":
        return _implicit(e.phrase, text[e.end :], published, context, future)
    reported = _REPORTED.search(text)
    if reported and reported.start() < e.start:
        # counted from the day of a report the sentence does not date: any day up to publication
        resolved = _anchored(e.phrase, text[: e.start], Span(None, published.hi), future)
        if resolved is None:
            return None
        span, how = resolved
        return span, f"{how}, counted from the day of the report it quotes, which is not given (by publication)"
    resolved = _anchored(e.phrase, text[: e.start], published, future)
    if resolved is None:
        return None
    span, how = resolved
    if span.precision == "day" and pub.precision != "day":  # counted in days from a day not known
        span = _widen(span, pub.precision)
    return span, how


def date_sentence(text: str, pub: DateSpan, context: Context | None = None, future: bool = False) -> Dating | None:
    """The date the first resolvable date expression of `text` gives, or None when it has none."""
    context = context or Context()
    qual_pub = (pub.approximate, pub.uncertain)
    for e in expressions(text):
        try:
            resolved = resolve(text, e, pub, context, future)
        except (ValueError, OverflowError):  # past the calendar's ends (year 1-9999): no date
            continue
        if resolved is None:
            continue
        span, how = resolved
        if span.lo is None and span.hi is None:
            continue  # past the calendar's ends
        if span.lo and span.hi and span.lo > span.hi:
            continue  # a reading the publication date rules out ("earlier in February" in January)
        relative = e.kind in ("anchored", "implicit")
        q = qualifier(qual_pub[0] or span.vague, qual_pub[1]) if relative else qualifier(span.vague, False)
        value = edtf(span.lo, span.hi, q)
        words = _words(text, e)
        note = how or f'Stated in the sentence: "{words}"'
        if relative and e.kind == "anchored":
            note += f"; publication date {pub.text} ({describe(pub)})"
        return Dating(value, words, _sentence(note), True)
    return None


_LEAD_IN = re.compile(r"\b(?:[Ii]n|[Oo]n|[Aa]t|[Bb]y|[Ss]ince|[Dd]uring|[Jj]ust|[Oo]nly|[Ll]ate|[Ee]arly|[Mm]id)\s+$")


def _words(text: str, e: Expression) -> str:
    """The article's words for the date, with a little context: "In late September 2024"."""
    start = e.start
    before = text[:start]
    m = _LEAD_IN.search(before)
    if m and e.kind != "year":
        start = m.start()
    end = e.end
    more = re.match(r"\s*[-–]\s*\d{1,2}\b", text[end:]) if e.kind == "implicit" else None
    if more:
        end += more.end()
    return text[start:end].strip()


def _sentence(note: str) -> str:
    note = note.strip()
    note = note[0].upper() + note[1:] if note and not note.startswith('"') else note
    return note if note.endswith(".") else note + "."


def by_publication(pub: DateSpan, future: bool) -> Dating:
    """The date of a sentence with no date of its own: up to the publication (after it, for a plan)."""
    left, right = pub.text.split("/") if pub.interval else (pub.text, pub.text)
    if future:
        value = f"{left}/.." if left not in ("", "..") else pub.text
        note = f"No date in the sentence: a plan, so on or after the publication date {pub.text} ({describe(pub)})."
    else:
        value = f"../{right}" if right not in ("", "..") else pub.text
        note = f"No date in the sentence: by the publication date {pub.text} ({describe(pub)}); the start is not given."
    return Dating(value, "", note, False)


def is_future(text: str) -> bool:
    return bool(_FUTURE_WORDS.search(text))
