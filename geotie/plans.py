"""Plans and their outcomes: what became of a planned event by a given day, from the events that
say they carry it out (`fulfils`). Pure functions; `today` is a parameter.

The state of a plan on `today`, with vague dates read honestly (DateSpan lo/hi: the earliest and
latest day a date may stand for):

- a linked event *happened* by `today` when its latest possible day is on or before `today`;
  it *may have happened* when only its earliest possible day is. Linked events with status
  "planned" (a plan cannot carry out a plan) never count.
- "fulfilled": a linked event (occurred, ongoing or reported) surely happened by `today`;
- "cancelled": else, a linked event with status "cancelled" surely happened by `today`;
- "open": else, the plan's own date may still be to come (its latest possible day is `today`
  or later, an open end counts as never past), or a linked event may have happened by `today`
  without surely having done so;
- "overdue": else: every day the plan's date may stand for is before `today`, and nothing
  carries it out.

The plan's `outcome` text is shown beside its state, never read for it: free text cannot be
parsed honestly. "Announced" is the earliest publication date (in the documented date order)
of the sources citing the plan: when it was surely public at the latest.
"""

# No `from __future__ import annotations` here: typing.NamedTuple compiles each string
# annotation at import (~0.3 ms a class), evaluated ones cost next to nothing.

from collections.abc import Iterable, Mapping
from datetime import date
from typing import NamedTuple

from .dates import is_past, sort_key
from .model import DateSpan, Event

PLAN_STATES = ("fulfilled", "cancelled", "open", "overdue")
#: Statuses of a linked event that carry a plan out.
CARRIED_OUT = ("occurred", "ongoing", "reported")


class Plan(NamedTuple):
    event: Event  # the planned event
    state: str  # one of PLAN_STATES
    fulfilled_by: tuple[Event, ...]  # linked events that may have happened by `today` (not plans), timeline order
    announced: DateSpan | None  # the earliest publication date of its citing sources (None: none is dated)
    announced_in: str  # that source's id ("" when none)


def linked_by_today(linked: Iterable[Event], today: date) -> tuple[Event, ...]:
    """The linked events that may have happened by `today`, plans left out."""
    return tuple(e for e in linked if e.status != "planned" and e.date.lo <= today)


def plan_state(plan: Event, linked: Iterable[Event], today: date) -> str:
    """The plan's state on `today` (see the module's docstring)."""
    maybe = linked_by_today(linked, today)
    sure = [e for e in maybe if e.date.hi <= today]
    if any(e.status in CARRIED_OUT for e in sure):
        return "fulfilled"
    if any(e.status == "cancelled" for e in sure):
        return "cancelled"
    if maybe or not is_past(plan.date, today):
        return "open"
    return "overdue"


def announcement(plan: Event, published: Mapping[str, DateSpan | None]) -> tuple[DateSpan | None, str]:
    """The earliest publication date of the plan's citing sources and that source's id
    (`published`: source id -> its date); (None, "") when none is dated."""
    dated = [(sort_key(p), c.source, p) for c in plan.citations if (p := published.get(c.source)) is not None]
    if not dated:
        return None, ""
    _, source, span = min(dated, key=lambda d: (d[0], d[1]))
    return span, source


def make_plan(plan: Event, linked: Iterable[Event], today: date, published: Mapping[str, DateSpan | None]) -> Plan:
    """The plan with its state on `today`; `linked`: the events whose `fulfils` names it, in timeline order."""
    linked = tuple(linked)
    announced, source = announcement(plan, published)
    return Plan(plan, plan_state(plan, linked, today), linked_by_today(linked, today), announced, source)
