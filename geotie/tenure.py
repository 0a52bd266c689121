"""Roles on a date: who held which office then, as far as the store can tell.

The rule (README, "Roles on a date"), for a role and a date D (both EDTF spans):

- "attested in office": one of the role's `attested` dates covers D, i.e. every day D may stand
  for is a day that attested date may stand for (a.lo <= D.lo and D.hi <= a.hi);
- "in office": the role has a `start` and an `end`, D falls surely after the start began and
  surely before the end (start.hi <= D.lo and D.hi <= end.lo);
- left out (not in office): D is surely before the start (D.hi < start.lo) or surely after the
  end (D.lo > end.hi);
- "unknown" otherwise: a date that only overlaps an attested date or a tenure's vague bounds,
  or a role with no dates that decide it. A missing `end` is not read as "still in office".
"""

# No `from __future__ import annotations` here: typing.NamedTuple compiles each string
# annotation at import (~0.3 ms a class), evaluated ones cost next to nothing.

from typing import NamedTuple

from .answers import Profile, role_order
from .model import Actor, DateSpan, Role

ATTESTED = "attested in office"
IN_OFFICE = "in office"
UNKNOWN = "unknown"


def state_on(role: Role, day: DateSpan) -> str | None:
    """The role's state on `day` (ATTESTED, IN_OFFICE, UNKNOWN), or None when it surely did not hold."""
    if any(a.lo <= day.lo and day.hi <= a.hi for a in role.attested):
        return ATTESTED
    if role.start is not None and day.hi < role.start.lo:
        return None
    if role.end is not None and day.lo > role.end.hi:
        return None
    if role.start is not None and role.end is not None and role.start.hi <= day.lo and day.hi <= role.end.lo:
        return IN_OFFICE
    return UNKNOWN


class RoleOn(NamedTuple):
    holder: Actor
    role: Role
    state: str


def roles_on(p: Profile, day: DateSpan) -> list[RoleOn]:
    """The actor's own roles on `day`, then the roles others held of it (its offices), each
    with its state; roles surely not held then are left out. Each part in time order."""
    out = []
    for holder, role in [(p.actor, r) for r in p.roles] + sorted(p.holders, key=lambda h: role_order(h[1])):
        state = state_on(role, day)
        if state is not None:
            out.append(RoleOn(holder, role, state))
    return out


def event_roles(event, actors) -> list[RoleOn]:
    """The roles each person (or any actor) listed in `event` held on the event's date, by
    `state_on`, in the event's actor order (`actors`: id -> Actor; unknown ids are skipped)."""
    out = []
    for actor_id in dict.fromkeys(event.actors):
        actor = actors.get(actor_id)
        for role in actor.roles if actor is not None else ():
            state = state_on(role, event.date)
            if state is not None:
                out.append(RoleOn(actor, role, state))
    return out
