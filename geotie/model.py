"""Domain types: frozen dataclasses with no I/O.

Everything the store loads becomes one of these; queries and renderers only see these.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date

#: The store format version this geotie reads (`schema` in [meta]).
SCHEMA_VERSION = 1

#: Ids are slugs: lower-case letters, digits and hyphens.
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")

ACTOR_KINDS = ("country", "person", "organization", "region", "equipment")
EVENT_STATUSES = ("occurred", "planned", "ongoing", "reported", "cancelled")
SOURCE_KINDS = ("news", "analysis", "opinion", "official", "interview", "press-release", "other")

#: The documented tag vocabulary. Other tags load, but `geotie check` warns about them.
TAGS: dict[str, str] = {
    "agriculture": "farming, food and agricultural trade",
    "culture": "cultural ties, language, religion, people-to-people links",
    "defence": "arms deals, defence industry, military cooperation and exercises",
    "diplomacy": "visits, meetings, consultations, statements between governments",
    "economy": "investment, business links, economic cooperation in general",
    "education": "universities, schools, scholarships",
    "energy": "oil, gas, pipelines, power",
    "health": "public health, medical aid, pandemics",
    "history": "historical ties before the modern states",
    "media": "news agencies, press, broadcasting",
    "multilateral": "international organizations and blocs (UN, OIC, ECO, BRICS, SCO...)",
    "security": "conflicts, territorial disputes, counter-terrorism",
    "trade": "trade agreements, trade figures, customs",
    "transport": "flights, railways, routes",
}

#: Precisions from finest to coarsest; the order is used to pick the coarser end of an interval.
PRECISIONS = ("day", "month", "year", "decade", "century", "millennium")


_COMPARED: dict[type, tuple[str, ...]] = {}


def _compared(cls: type) -> tuple[str, ...]:
    names = _COMPARED.get(cls)
    if names is None:
        names = _COMPARED[cls] = tuple(f.name for f in fields(cls) if f.compare)
    return names


def _eq(self, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented
    names = _compared(self.__class__)
    return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)


def _hash(self) -> int:
    return hash(tuple(getattr(self, n) for n in _compared(self.__class__)))


def _repr(self) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
    return f"{self.__class__.__qualname__}({shown})"


def value(cls: type) -> type:
    """A frozen dataclass whose ==, hash and repr are the shared ones above, with the same
    meaning as the generated ones (fields with compare=False left out of == and hash): a
    dataclass compiles each generated method from source at import, and doing so for every
    class was a third of geotie's own start-up time."""
    cls.__eq__ = _eq  # type: ignore[method-assign,assignment]
    cls.__hash__ = _hash  # type: ignore[method-assign,assignment]
    cls.__repr__ = _repr  # type: ignore[method-assign,assignment]
    return dataclass(frozen=True, eq=False, repr=False)(cls)  # eq/repr: dataclass would compile them anyway


def trusted(cls, values: dict):
    """An instance of frozen dataclass `cls` from fields already checked (all of them given),
    without the frozen __init__, which sets each field through object.__setattr__: slow by
    the 100,000 when a store is read."""
    obj = object.__new__(cls)
    obj.__dict__.update(values)
    return obj


@value
class Origin:
    """Where an entry was read: file path and 1-based line (0 when unknown)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@value
class DateSpan:
    """A parsed EDTF date or interval: the stored text plus the days it may cover.

    `start`/`end` are None for an open or unknown end of an interval.
    """

    text: str
    start: date | None
    end: date | None
    precision: str
    approximate: bool = False
    uncertain: bool = False
    interval: bool = False

    @property
    def lo(self) -> date:
        return self.start or date.min

    @property
    def hi(self) -> date:
        return self.end or date.max


@value
class Citation:
    """A source and the verbatim passage from it that supports a fact."""

    source: str
    quote: str
    note: str = ""


@value
class Source:
    """An article, report or statement that facts cite."""

    id: str
    title: str
    publisher: str = ""
    authors: tuple[str, ...] = ()
    published: DateSpan | None = None
    published_note: str = ""
    url: str = ""
    kind: str = "news"
    archive: str = ""
    origin: Origin = field(default=Origin("?"), compare=False)


@value
class Role:
    """An office or position an actor holds, as the sources give it.

    `attested`: dates on which a citation shows the actor in the role (points of the tenure,
    not its bounds); `start`/`end`: a source says the role began/ended then."""

    title: str
    of: str = ""
    start: DateSpan | None = None
    end: DateSpan | None = None
    citations: tuple[Citation, ...] = ()
    note: str = ""
    attested: tuple[DateSpan, ...] = ()

    @property
    def dates(self) -> tuple[DateSpan, ...]:
        """Every known date of the tenure: start, attested dates, end (those given)."""
        return tuple(d for d in (self.start, *self.attested, self.end) if d is not None)


@value
class Actor:
    """A country, person, organization, region or piece of equipment."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    country: str = ""
    roles: tuple[Role, ...] = ()
    note: str = ""
    demonyms: tuple[str, ...] = ()  # "Pakistani": names of its people, resolvable like aliases
    origin: Origin = field(default=Origin("?"), compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Name, aliases and demonyms: what the actor may be called."""
        return (self.name, *self.aliases, *self.demonyms)


@value
class Event:
    """A dated fact about the ties between actors, with its citations."""

    id: str
    date: DateSpan
    title: str
    summary: str = ""
    date_text: str = ""
    date_note: str = ""
    actors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    status: str = "occurred"
    citations: tuple[Citation, ...] = ()
    outcome: str = ""  # for plans: what the sources say (or do not say) of how it turned out
    implied_actors: tuple[str, ...] = ()  # actors (a subset of `actors`) the quotes do not name
    fulfils: str = ""  # the id of the planned event this one carries out ("" if none)
    type: str = ""  # a PLOVER event type (geotie.plover.TYPES), upper case; "" when not classified
    mode: str = ""  # a PLOVER mode of that type (geotie.plover.MODES), lower case
    context: tuple[str, ...] = ()  # PLOVER general contexts (geotie.plover.CONTEXTS), lower case
    recipients: tuple[str, ...] = ()  # actors (a subset of `actors`) the event is directed at (PLOVER's recipient)
    origin: Origin = field(default=Origin("?"), compare=False)


@value
class Meta:
    """The [meta] table of one store file."""

    schema: int
    title: str = ""
    description: str = ""
    as_of: DateSpan | None = None
    origin: Origin = field(default=Origin("?"), compare=False)


@value
class Problem:
    """One finding about a store: an error makes it unusable, a warning does not."""

    severity: str  # "error" | "warning"
    code: str
    message: str
    origin: Origin
    entry: str = ""  # e.g. "events[12] 'jf17-delivery'"
    field: str = ""
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.entry}" + (f" field '{self.field}'" if self.field else "")
        text = f"{self.origin}: {self.severity}: {self.code}: {self.message}"
        if where:
            text += f" (in {where})"
        if self.hint:
            text += f"; {self.hint}"
        return text


@dataclass(frozen=True, eq=False, repr=False)
class Store:
    """The loaded, validated store. Mappings are read-only by convention.

    Built in memory by `check`, `add` and the index build; reading commands query the index.
    """

    files: tuple[str, ...]
    metas: tuple[Meta, ...]
    sources: dict[str, Source]
    actors: dict[str, Actor]
    events: Sequence[Event]  # in timeline order
    event_index: Mapping[str, Event]  # id -> event
    actor_events: Mapping[str, Sequence[int]]  # actor id -> positions in `events`, ascending
    tags: frozenset[str] = frozenset()  # every tag in use
    warnings: tuple[Problem, ...] = ()
    #: folded id, name or alias -> actor ids
    names: Mapping[str, list[str]] = field(default_factory=dict)
