"""Domain types: frozen value classes with no I/O.

Everything the store loads becomes one of these; queries and renderers only see these.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")

#: The store format version this geotie reads (`schema` in [meta]).
SCHEMA_VERSION = 1


def __getattr__(name: str) -> Any:
    """ID_PATTERN (ids are slugs: lower-case letters, digits and hyphens), compiled when a
    module that checks ids first asks for it: reading commands never do."""
    if name == "ID_PATTERN":
        pattern = globals()["ID_PATTERN"] = re.compile(r"^[a-z0-9][a-z0-9-]*$")
        return pattern
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


class FrozenError(AttributeError):
    """Raised on an attempt to change a field of a value (they are frozen)."""


_MISSING = object()


class _Field:
    """What `field()` says of one field: its default (or factory) and whether == compares it."""

    __slots__ = ("compare", "default", "factory")

    def __init__(self, default: object, factory: object, compare: bool) -> None:
        self.default, self.factory, self.compare = default, factory, compare


def field(*, default: Any = _MISSING, default_factory: Any = _MISSING, compare: bool = True) -> Any:
    """A field with a default, a default factory or left out of ==/hash (as dataclasses.field)."""
    return _Field(default, default_factory, compare)


def _eq(self, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented
    names = self.__compared__
    return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)


def _hash(self) -> int:
    return hash(tuple(getattr(self, n) for n in self.__compared__))


def _repr(self) -> str:
    shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__fields__)
    return f"{self.__class__.__qualname__}({shown})"


def _setattr(self, name: str, value: object) -> None:
    raise FrozenError(f"cannot assign to field {name!r}: {self.__class__.__name__} is frozen")


def _delattr(self, name: str) -> None:
    raise FrozenError(f"cannot delete field {name!r}: {self.__class__.__name__} is frozen")


def _compile_init(cls: type) -> Callable[..., None]:
    """The class's __init__, compiled from source the first time an instance is made."""
    defaults: dict[str, object] = cls.__field_defaults__
    params, body, scope = ["self"], ["    d = self.__dict__"], {}
    for name in cls.__fields__:
        if name not in defaults:
            params.append(name)
        elif isinstance(defaults[name], _Field):  # a factory: called when the field is not given
            params.append(f"{name}=_MISSING")
            body.append(f"    if {name} is _MISSING: {name} = _f_{name}()")
            scope[f"_f_{name}"] = defaults[name].factory  # type: ignore[attr-defined]
        else:
            params.append(f"{name}=_d_{name}")
            scope[f"_d_{name}"] = defaults[name]
        body.append(f"    d[{name!r}] = {name}")
    source = f"def __init__({', '.join(params)}):\n" + "\n".join(body)
    scope["_MISSING"] = _MISSING
    exec(source, scope)
    return scope["__init__"]


def _first_init(self, *args: Any, **kwargs: Any) -> None:
    cls = self.__class__
    cls.__init__ = _compile_init(cls)  # type: ignore[misc]
    cls.__init__(self, *args, **kwargs)


@dataclass_transform(field_specifiers=(field,), frozen_default=True)
def value(cls: type[T] | None = None, /, *, eq: bool = True) -> Any:
    """A frozen value class made of the annotated fields of `cls`, in order (what a frozen
    dataclass is, made without the dataclasses module): keyword or positional __init__, ==
    and hash over the fields not marked `compare=False`, a repr of every field, and
    FrozenError on assignment. Its __init__ is compiled when the first instance is made:
    compiling dataclasses' methods for every class at import was a third of geotie's own
    start-up time, and most runs make instances of few of these classes.

    `eq=False`: ==, hash and repr are object's (for containers of mutable mappings)."""
    if cls is None:
        return lambda cls: value(cls, eq=eq)
    names = tuple(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063 (the class's own, as dataclasses reads them)
    defaults, compared = {}, []
    for name in names:
        given = cls.__dict__.get(name, _MISSING)
        spec = given if isinstance(given, _Field) else _Field(given, _MISSING, True)
        if spec.factory is not _MISSING:
            defaults[name] = spec
        elif spec.default is not _MISSING:
            defaults[name] = spec.default
        elif defaults:
            raise TypeError(f"{cls.__name__}.{name}: a field without a default after one with a default")
        if given is not _MISSING:  # the class attribute is the plain default, as in a dataclass
            if name in defaults and not isinstance(defaults[name], _Field):
                setattr(cls, name, defaults[name])
            else:
                delattr(cls, name)
        if spec.compare:
            compared.append(name)
    cls.__fields__, cls.__compared__, cls.__field_defaults__ = names, tuple(compared), defaults  # type: ignore[attr-defined]
    cls.__match_args__ = names  # type: ignore[attr-defined]
    cls.__init__ = _first_init  # type: ignore[misc]
    if eq:
        cls.__eq__ = _eq  # type: ignore[method-assign,assignment]
        cls.__hash__ = _hash  # type: ignore[method-assign,assignment]
        cls.__repr__ = _repr  # type: ignore[method-assign,assignment]
    cls.__setattr__ = _setattr  # type: ignore[method-assign,assignment]
    cls.__delattr__ = _delattr  # type: ignore[method-assign,assignment]
    return cls


def replace(obj: T, **changes: Any) -> T:
    """A copy of value `obj` with `changes` (field names only, as dataclasses.replace)."""
    unknown = set(changes) - set(obj.__fields__)  # type: ignore[attr-defined]
    if unknown:
        raise TypeError(f"{obj.__class__.__name__} has no field {sorted(unknown)[0]!r}")
    new = object.__new__(obj.__class__)
    new.__dict__.update(obj.__dict__, **changes)
    return new


def trusted(cls, values: dict):
    """An instance of value class `cls` from fields already checked (all of them given),
    without calling __init__: the fields are set at once, by the 100,000 when a store is read."""
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


@value(eq=False)
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
