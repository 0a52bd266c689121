"""The raw file shape (dicts from tomllib) turned into domain objects, one file at a time.

Shape problems (missing or mistyped fields, bad dates, unknown keys) are collected as
Problems with file, line, entry and field: every problem of an entry, not only its first,
so that one edit fixes the file. An entry with an error is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .. import plover
from ..dates import parse_edtf
from ..errors import DateError
from ..model import (
    ACTOR_KINDS,
    EVENT_STATUSES,
    ID_PATTERN,
    SCHEMA_VERSION,
    SOURCE_KINDS,
    Actor,
    Citation,
    DateSpan,
    Event,
    Meta,
    Origin,
    Problem,
    Role,
    Source,
)
from ..text import suggest
from .lines import LineIndex

TOP_KEYS = ("meta", "sources", "actors", "events")
META_KEYS = ("schema", "title", "description", "as_of")
SOURCE_KEYS = ("id", "title", "publisher", "authors", "published", "published_note", "url", "kind", "archive")
ACTOR_KEYS = ("id", "name", "kind", "aliases", "demonyms", "country", "roles", "note")
ROLE_KEYS = ("title", "of", "attested", "start", "end", "citations", "note")
EVENT_KEYS = (
    "id",
    "date",
    "date_text",
    "date_note",
    "title",
    "summary",
    "actors",
    "tags",
    "status",
    "citations",
    "outcome",
    "implied_actors",
    "fulfils",
    "type",
    "mode",
    "context",
    "recipients",
)
CITATION_KEYS = ("source", "quote", "note")


@dataclass
class FileContent:
    """What one file contributes before cross-file rules run."""

    path: str
    meta: Meta | None
    sources: list[Source] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    broken_ids: set[str] = field(default_factory=set)  # entries left out for an error
    positions: dict[str, tuple[str, int]] = field(default_factory=dict)  # id -> ("events", 3)
    lines: LineIndex | None = None

    def origin(self, ident: str, *path: object) -> Origin:
        """Where field `path` of entry `ident` stands in this file (its nearest known line)."""
        kind, index = self.positions[ident]
        return Origin(self.path, self.lines.line(kind, index, *path) if self.lines else 0)


class _Reader:
    def __init__(self, path: str, index: LineIndex) -> None:
        self.path = path
        self.index = index
        self.problems: list[Problem] = []
        self.errors = 0  # errors reported so far: an entry whose build adds any is left out

    def origin(self, *path: object) -> Origin:
        return Origin(self.path, self.index.line(*path))

    def report(
        self, severity: str, code: str, message: str, at: tuple, entry: str = "", fld: str = "", hint: str = ""
    ) -> None:
        self.problems.append(Problem(severity, code, message, self.origin(*at), entry, fld, hint))
        self.errors += severity == "error"

    def fail(self, code: str, message: str, at: tuple, entry: str, fld: str = "", hint: str = "") -> None:
        """Report an error and carry on: the caller returns a stand-in value, so that the
        entry's other fields are checked too (convert_file then leaves the entry out)."""
        self.report("error", code, message, at, entry, fld, hint)

    def unknown_keys(self, raw: dict, known: tuple[str, ...], at: tuple, entry: str) -> None:
        for key in raw:
            if key not in known:
                near = suggest(key, list(known))
                hint = f"did you mean '{near[0]}'?" if near else f"known fields: {', '.join(known)}"
                self.report("warning", "unknown-key", f"unknown field '{key}' is ignored", (*at, key), entry, key, hint)

    # typed field access ------------------------------------------------------------------

    def string(self, raw: dict, key: str, at: tuple, entry: str, required: bool = False) -> str:
        value = raw.get(key)
        if value is None:
            if required:
                self.fail("missing-field", f"required field '{key}' is missing", at, entry, key, f'add {key} = "..."')
            return ""
        if not isinstance(value, str):
            self.fail("bad-type", f"'{key}' must be a string, not {_kind(value)}", (*at, key), entry, key)
            return ""
        if required and not value.strip():
            self.fail("empty-field", f"'{key}' is empty", (*at, key), entry, key)
        return value

    def strings(self, raw: dict, key: str, at: tuple, entry: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(
                "bad-type", f"'{key}' must be a list of strings", (*at, key), entry, key, f'write {key} = ["a", "b"]'
            )
            return ()
        return tuple(value)

    def date(self, raw: dict, key: str, at: tuple, entry: str, required: bool = False) -> DateSpan | None:
        text = self.string(raw, key, at, entry, required)
        if not text:
            return None
        try:
            return parse_edtf(text)
        except DateError as err:
            self.fail("bad-date", str(err), (*at, key), entry, key)
        return None

    def dates(self, raw: dict, key: str, at: tuple, entry: str) -> tuple[DateSpan, ...]:
        """A list of EDTF dates; each bad one is reported at the list's line."""
        out = []
        for i, text in enumerate(self.strings(raw, key, at, entry)):
            try:
                out.append(parse_edtf(text))
            except DateError as err:
                self.fail("bad-date", f"{key}[{i}]: {err}", (*at, key), entry, key)
        return tuple(out)

    def choice(self, raw: dict, key: str, choices: tuple[str, ...], default: str, at: tuple, entry: str) -> str:
        errors = self.errors
        value = self.string(raw, key, at, entry) or default
        if self.errors > errors:
            return default
        if value not in choices:
            near = suggest(value, list(choices))
            hint = f"did you mean '{near[0]}'?" if near else f"use one of: {', '.join(choices)}"
            self.fail(
                "bad-value", f"'{key}' is '{value}', not one of {', '.join(choices)}", (*at, key), entry, key, hint
            )
        return value

    def ident(self, raw: dict, at: tuple, entry: str) -> str:
        errors = self.errors
        value = self.string(raw, "id", at, entry, required=True)
        if self.errors == errors and not ID_PATTERN.match(value):
            self.fail(
                "bad-id",
                f"id '{value}' is not a slug",
                (*at, "id"),
                entry,
                "id",
                "use lower-case letters, digits and hyphens, e.g. 'jf17-delivery-2024'",
            )
        return value

    def tables(self, raw: dict, key: str, at: tuple, entry: str) -> list[dict]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail("bad-type", f"'{key}' must be a list of tables", (*at, key), entry, key)
            return []
        return value

    def citations(self, raw: dict, at: tuple, entry: str) -> tuple[Citation, ...]:
        out = []
        for i, item in enumerate(self.tables(raw, "citations", at, entry)):
            sub_at = (*at, "citations", i)
            sub = f"{entry} citations[{i}]"
            self.unknown_keys(item, CITATION_KEYS, sub_at, sub)
            out.append(
                Citation(
                    source=self.string(item, "source", sub_at, sub, required=True),
                    quote=self.string(item, "quote", sub_at, sub, required=True),
                    note=self.string(item, "note", sub_at, sub),
                )
            )
        return tuple(out)


def _names(r: _Reader, raw: dict, key: str, at: tuple, entry: str) -> tuple[str, ...]:
    """A list of non-empty strings (names an actor may be called by)."""
    values = r.strings(raw, key, at, entry)
    if any(not v.strip() for v in values):
        r.fail("empty-field", f"'{key}' holds an empty name", (*at, key), entry, key)
    return values


def _implied(
    r: _Reader, raw: dict, actors: tuple[str, ...], at: tuple, entry: str, key: str = "implied_actors"
) -> tuple[str, ...]:
    """`implied_actors` (or `recipients`): a subset of the event's `actors`."""
    implied = r.strings(raw, key, at, entry)
    what, code = (
        ("implied actor", "implied-not-actor") if key == "implied_actors" else ("recipient", "recipient-not-actor")
    )
    for ref in implied:
        if ref not in actors:
            r.fail(
                code,
                f"{what} '{ref}' is not among the event's actors",
                (*at, key),
                entry,
                key,
                f"add '{ref}' to actors, or remove it from {key}",
            )
    return implied


def _fulfils(r: _Reader, raw: dict, at: tuple, entry: str) -> str:
    """`fulfils`: the id of another event (a slug; whether it exists is checked with the whole store)."""
    errors = r.errors
    value = r.string(raw, "fulfils", at, entry)
    if r.errors == errors and value and not ID_PATTERN.match(value):
        r.fail(
            "bad-id",
            f"fulfils '{value}' is not an event id (a slug)",
            (*at, "fulfils"),
            entry,
            "fulfils",
            'give the id of the planned event this one carries out, e.g. fulfils = "sharif-visit-announced"',
        )
    return value


def _plover(r: _Reader, raw: dict, at: tuple, entry: str) -> tuple[str, str, tuple[str, ...]]:
    """`type`, `mode` and `context`: PLOVER's vocabulary (geotie.plover), any case; the type
    upper case, the mode and contexts lower case."""
    errors = r.errors
    text = r.string(raw, "type", at, entry)
    kind = plover.event_type(text) if text else ""
    type_failed = r.errors > errors or kind is None
    if kind is None:
        near = suggest(text.upper(), list(plover.TYPES))
        r.fail(
            "bad-value",
            f"'type' is '{text}', not a PLOVER event type",
            (*at, "type"),
            entry,
            "type",
            f"did you mean '{near[0]}'?" if near else f"use one of: {', '.join(plover.TYPES)}",
        )
        kind = ""
    text = r.string(raw, "mode", at, entry)
    mode = ""
    if text and not kind:
        if not type_failed:  # a wrong type is reported already
            r.fail("mode-without-type", "'mode' is given without a 'type'", (*at, "mode"), entry, "mode",
                   'add type = "..." (a PLOVER event type), or remove mode')  # fmt: skip
    elif text:
        mode = plover.event_mode(kind, text) or ""
        if not mode:
            near = suggest(text.lower(), list(plover.MODES.get(kind, ())))
            hint = f"did you mean '{near[0]}'?" if near else f"modes of {kind}: {plover.modes_of(kind)}"
            if kind not in plover.MODES:
                hint = f"{kind} has no modes in PLOVER; remove mode"
            r.fail("bad-value", f"'mode' is '{text}', not a mode of {kind}", (*at, "mode"), entry, "mode", hint)
    contexts = []
    for text in r.strings(raw, "context", at, entry):
        found = plover.context(text)
        if found is None:
            near = suggest(text.lower(), list(plover.CONTEXTS))
            hint = f"did you mean '{near[0]}'?" if near else f"use PLOVER's contexts: {', '.join(plover.CONTEXTS)}"
            r.fail("bad-value", f"context '{text}' is not a PLOVER context", (*at, "context"), entry, "context", hint)
        else:
            contexts.append(found)
    return kind, mode, tuple(dict.fromkeys(contexts))


def _recipients(r: _Reader, raw: dict, actors: tuple[str, ...], at: tuple, entry: str) -> tuple[str, ...]:
    """`recipients`: some of the event's `actors`, not all (the others act on them)."""
    recipients = _implied(r, raw, actors, at, entry, "recipients")
    if recipients and set(actors) <= set(recipients):
        r.fail("no-actor-left", "every actor of the event is a recipient: none acts", (*at, "recipients"), entry,
               "recipients", "list only the actors the event is directed at")  # fmt: skip
    return recipients


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", bool: "a boolean", int: "an integer", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _entry(kind: str, index: int, raw: dict) -> str:
    ident = raw.get("id")
    return f"{kind}[{index}]" + (f" '{ident}'" if isinstance(ident, str) and ident else "")


def convert_file(path: str, text: str, raw: dict, lines: dict[tuple, int] | None = None) -> FileContent:
    """One file's entries; `lines` (path -> line) when the reader recorded them, else the
    text is scanned for them."""
    r = _Reader(path, LineIndex(text, lines))
    content = FileContent(path, _meta(r, raw), lines=r.index)
    r.unknown_keys(raw, TOP_KEYS, (), "file")
    if content.meta is None:
        content.problems = r.problems
        return content
    for kind, build, out in (
        ("sources", _source, content.sources),
        ("actors", _actor, content.actors),
        ("events", _event, content.events),
    ):
        value = raw.get(kind, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            r.report("error", "bad-type", f"'{kind}' must be an array of tables ([[{kind}]])", (kind,), kind)
            continue
        for i, item in enumerate(value):
            errors = r.errors
            built = build(r, item, (kind, i), _entry(kind, i, item))
            if r.errors > errors:  # the entry's problems are all reported (not only its first): leave it out
                if isinstance(item.get("id"), str):
                    content.broken_ids.add(item["id"])
                continue
            out.append(built)
            content.positions[built.id] = (kind, i)
    content.problems = r.problems
    return content


def _meta(r: _Reader, raw: dict) -> Meta | None:
    meta = raw.get("meta")
    if not isinstance(meta, dict):
        r.report(
            "error",
            "no-meta",
            "the file has no [meta] table",
            (),
            "file",
            "meta",
            f"start the file with [meta] and schema = {SCHEMA_VERSION}",
        )
        return None
    at = ("meta",)
    schema = meta.get("schema")
    if schema is None:
        r.report(
            "error", "no-schema", "[meta] has no schema version", at, "meta", "schema", f"add schema = {SCHEMA_VERSION}"
        )
        return None
    if not isinstance(schema, int) or isinstance(schema, bool) or schema != SCHEMA_VERSION:
        r.report(
            "error",
            "bad-schema",
            f"schema {schema!r} is not supported; this geotie reads schema {SCHEMA_VERSION}",
            (*at, "schema"),
            "meta",
            "schema",
            "upgrade geotie, or convert the file",
        )
        return None
    r.unknown_keys(meta, META_KEYS, at, "meta")
    return Meta(  # a field in error is reported and left empty
        schema=schema,
        title=r.string(meta, "title", at, "meta"),
        description=r.string(meta, "description", at, "meta"),
        as_of=r.date(meta, "as_of", at, "meta"),
        origin=r.origin(*at),
    )


def _source(r: _Reader, raw: dict, at: tuple, entry: str) -> Source:
    r.unknown_keys(raw, SOURCE_KEYS, at, entry)
    return Source(
        id=r.ident(raw, at, entry),
        title=r.string(raw, "title", at, entry, required=True),
        publisher=r.string(raw, "publisher", at, entry),
        authors=r.strings(raw, "authors", at, entry),
        published=r.date(raw, "published", at, entry),
        published_note=r.string(raw, "published_note", at, entry),
        url=r.string(raw, "url", at, entry),
        kind=r.choice(raw, "kind", SOURCE_KINDS, "news", at, entry),
        archive=r.string(raw, "archive", at, entry),
        origin=r.origin(*at),
    )


def _actor(r: _Reader, raw: dict, at: tuple, entry: str) -> Actor:
    r.unknown_keys(raw, ACTOR_KEYS, at, entry)
    roles = []
    for i, item in enumerate(r.tables(raw, "roles", at, entry)):
        sub_at, sub = (*at, "roles", i), f"{entry} roles[{i}]"
        r.unknown_keys(item, ROLE_KEYS, sub_at, sub)
        attested = r.dates(item, "attested", sub_at, sub)
        start = r.date(item, "start", sub_at, sub)
        end = r.date(item, "end", sub_at, sub)
        if start and end and end.hi < start.lo:
            r.fail("end-before-start", "the role ends before it starts", (*sub_at, "end"), sub, "end")
        for j, when in enumerate(attested):
            if (start and when.hi < start.lo) or (end and when.lo > end.hi):
                r.fail(
                    "attested-outside-tenure",
                    f"attested date '{when.text}' lies outside the role's start/end",
                    (*sub_at, "attested"),
                    sub,
                    f"attested[{j}]",
                    "fix the date, or the start/end it contradicts",
                )
        roles.append(
            Role(
                title=r.string(item, "title", sub_at, sub, required=True),
                of=r.string(item, "of", sub_at, sub),
                start=start,
                end=end,
                citations=r.citations(item, sub_at, sub),
                note=r.string(item, "note", sub_at, sub),
                attested=attested,
            )
        )
    return Actor(
        id=r.ident(raw, at, entry),
        name=r.string(raw, "name", at, entry, required=True),
        kind=r.choice(raw, "kind", ACTOR_KINDS, "", at, entry),
        aliases=r.strings(raw, "aliases", at, entry),
        country=r.string(raw, "country", at, entry),
        roles=tuple(roles),
        note=r.string(raw, "note", at, entry),
        demonyms=_names(r, raw, "demonyms", at, entry),
        origin=r.origin(*at),
    )


_EVENT_KEYS = frozenset(EVENT_KEYS)
_CITATION_KEYS = frozenset(CITATION_KEYS)
_OPTIONAL_TEXT = ("summary", "date_text", "date_note", "outcome")  # in the order of Checked


class CheckedCitation(NamedTuple):
    """A citation's fields (what model.Citation holds), lighter to make by the 100,000."""

    source: str
    quote: str
    note: str


class Checked(NamedTuple):
    """An event's fields, all present as expected and well-formed (see `checked_event`): an
    Event but for its origin, for what needs only its fields (the cache's lines)."""

    id: str
    date: DateSpan
    title: str
    summary: str
    date_text: str
    date_note: str
    outcome: str
    actors: tuple[str, ...]
    tags: tuple[str, ...]
    status: str
    citations: tuple[CheckedCitation, ...]
    implied_actors: tuple[str, ...]
    fulfils: str = ""
    type: str = ""
    mode: str = ""
    context: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()


def checked_event(raw: dict) -> Checked | None:
    """The fields of a raw event when every one is present as expected and well-formed,
    found without the per-field checks; None otherwise, and `_event` then finds and reports
    what is wrong. (Most events of a large store take this path.)"""
    if not raw.keys() <= _EVENT_KEYS:
        return None
    get = raw.get
    ident, when, title, status = get("id"), get("date"), get("title"), get("status", "occurred")
    if not (type(ident) is str and type(when) is str and type(title) is str and title.strip()):
        return None
    if status not in EVENT_STATUSES or not ID_PATTERN.match(ident):
        return None
    texts = []
    for key in _OPTIONAL_TEXT:
        value = get(key, "")
        if type(value) is not str:
            return None
        texts.append(value)
    lists = []
    for key in ("actors", "tags", "implied_actors", "recipients"):
        values = get(key, [])
        if type(values) is not list or not all(type(v) is str for v in values):
            return None
        lists.append(tuple(values))
    if not set(lists[2]) <= set(lists[0]) or not set(lists[3]) <= set(lists[0]):
        return None
    fulfils = get("fulfils", "")
    if type(fulfils) is not str or (fulfils and not ID_PATTERN.match(fulfils)):
        return None
    if lists[3] and set(lists[0]) <= set(lists[3]):
        return None
    kind, mode, contexts = get("type", ""), get("mode", ""), get("context", [])
    if kind or mode or contexts:  # PLOVER's vocabulary, any case (see _plover)
        if type(kind) is not str or type(mode) is not str or type(contexts) is not list:
            return None
        kind = plover.event_type(kind) if kind else ""
        if kind is None or (mode and not kind):
            return None
        if mode and (mode := plover.event_mode(kind, mode)) is None:
            return None
        contexts = tuple(dict.fromkeys(plover.context(c) if type(c) is str else None for c in contexts))
        if None in contexts:
            return None
    else:
        contexts = ()
    cites = get("citations")
    if type(cites) is not list or not cites:
        return None
    citations = []
    for c in cites:
        if type(c) is not dict or not c.keys() <= _CITATION_KEYS:
            return None
        source, quote, note = c.get("source"), c.get("quote"), c.get("note", "")
        if not (type(source) is str and source.strip() and type(quote) is str and quote.strip()):
            return None
        if type(note) is not str:
            return None
        citations.append(CheckedCitation(source, quote, note))
    try:
        span = parse_edtf(when)
    except DateError:
        return None
    actors, tags, implied, recipients = lists
    return Checked(
        ident,
        span,
        title,
        *texts,
        actors,
        tags,
        status,
        tuple(citations),
        implied,
        fulfils,
        kind,
        mode,
        contexts,
        recipients,
    )


def _fast_event(r: _Reader, raw: dict, at: tuple) -> Event | None:
    """The event built from `checked_event`, or None."""
    c = checked_event(raw)
    if c is None:
        return None
    # The constructor, not model.trusted: its attributes are stored inline, a third of the
    # memory of an instance __dict__ (~30 MB per 100,000 events kept while the store is read).
    return Event(
        id=c.id, date=c.date, title=c.title, summary=c.summary, date_text=c.date_text, date_note=c.date_note,
        actors=c.actors, tags=c.tags, status=c.status, citations=tuple(Citation(*x) for x in c.citations),
        outcome=c.outcome, implied_actors=c.implied_actors, fulfils=c.fulfils, type=c.type, mode=c.mode,
        context=c.context, recipients=c.recipients, origin=r.origin(*at),
    )  # fmt: skip


def _event(r: _Reader, raw: dict, at: tuple, entry: str) -> Event:
    fast = _fast_event(r, raw, at)
    if fast is not None:
        return fast
    r.unknown_keys(raw, EVENT_KEYS, at, entry)
    citations = r.citations(raw, at, entry)
    if not citations:
        r.fail(
            "no-citation",
            "the event cites no source",
            at,
            entry,
            "citations",
            'add citations = [{ source = "...", quote = "..." }]',
        )
    ident = r.ident(raw, at, entry)
    when = r.date(raw, "date", at, entry, required=True)
    title = r.string(raw, "title", at, entry, required=True)
    summary = r.string(raw, "summary", at, entry)
    date_text = r.string(raw, "date_text", at, entry)
    date_note = r.string(raw, "date_note", at, entry)
    actors = r.strings(raw, "actors", at, entry)
    kind, mode, contexts = _plover(r, raw, at, entry)
    return Event(
        id=ident,
        date=when,
        title=title,
        summary=summary,
        date_text=date_text,
        date_note=date_note,
        actors=actors,
        tags=r.strings(raw, "tags", at, entry),
        status=r.choice(raw, "status", EVENT_STATUSES, "occurred", at, entry),
        citations=citations,
        outcome=r.string(raw, "outcome", at, entry),
        implied_actors=_implied(r, raw, actors, at, entry),
        fulfils=_fulfils(r, raw, at, entry),
        type=kind,
        mode=mode,
        context=contexts,
        recipients=_recipients(r, raw, actors, at, entry),
        origin=r.origin(*at),
    )
