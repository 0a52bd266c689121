"""How many events fall in each year or month, counted without inventing precision.

The rule (README "geotie activity"): an event whose possible days all lie inside one period
is counted there, in `events`. An event whose date may fall in several periods (a vague or
uncertain date, an interval) is never placed in one of them: it is counted in `spanning` of
every period it may fall in, when those are at most MAX_SPREAD periods; a wider date (a
decade, a century) or an open end ("since 2024", "by 2016") is counted once, in `unplaced`.
So every event is counted once in `events`, once in `unplaced`, or in `spanning` of 2 to
MAX_SPREAD periods (with --split tag, once per tag).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .model import Event

PERIODS = ("year", "month")

#: The most periods an event's date may reach and still be counted in each of them.
MAX_SPREAD = 12


@dataclass
class Period:
    key: str  # "2024" or "2024-09"
    start: date
    end: date
    events: dict[str, int] = field(default_factory=dict)  # group -> events wholly inside
    spanning: dict[str, int] = field(default_factory=dict)  # group -> events that may fall here, or elsewhere


def _index(day: date, by: str) -> int:
    return day.year if by == "year" else day.year * 12 + day.month - 1


def _period(i: int, by: str) -> Period:
    if by == "year":
        return Period(f"{i:04d}", date(i, 1, 1), date(i, 12, 31))
    year, month = divmod(i, 12)
    end = date(year + (month == 11), (month + 1) % 12 + 1, 1).toordinal() - 1
    return Period(f"{year:04d}-{month + 1:02d}", date(year, month + 1, 1), date.fromordinal(end))


def groups_of(e: Event, split: str) -> tuple[str, ...]:
    """The groups an event is counted in: its status, or each of its tags ("untagged" if none)."""
    if split == "status":
        return (e.status,)
    return tuple(dict.fromkeys(e.tags)) or ("untagged",)


@dataclass
class Activity:
    periods: list[Period]  # oldest first, every period from the first to the last counted one
    unplaced: dict[str, int]  # group -> events with an open end or a date wider than MAX_SPREAD periods


def _add(bucket: dict[str, int], groups: tuple[str, ...], n: int = 1) -> None:
    for g in groups:
        bucket[g] = bucket.get(g, 0) + n


def activity(events: Iterable[Event], by: str = "year", split: str = "status") -> Activity:
    """The counts of the rule above; periods with nothing counted inside the range are listed
    (with zeros), so gaps show."""
    if by not in PERIODS:
        raise ValueError(by)
    spans: dict[tuple[int, int, tuple[str, ...]], int] = {}  # (first, last period, groups) -> events
    unplaced: dict[str, int] = {}
    for e in events:
        groups = groups_of(e, split)
        if e.date.start is None or e.date.end is None:
            _add(unplaced, groups)
            continue
        a, b = _index(e.date.start, by), _index(e.date.end, by)
        if b - a >= MAX_SPREAD:
            _add(unplaced, groups)
        else:  # counted, not kept: the events of a large store are many, their spans few
            key = (a, b, groups)
            spans[key] = spans.get(key, 0) + 1
    if not spans:
        return Activity([], unplaced)
    lo, hi = min(a for a, _, _ in spans), max(b for _, b, _ in spans)
    periods = [_period(i, by) for i in range(lo, hi + 1)]
    for (a, b, groups), n in spans.items():
        for i in range(a - lo, b - lo + 1):
            _add(periods[i].events if a == b else periods[i].spanning, groups, n)
    return Activity(periods, unplaced)
