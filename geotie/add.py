"""New entries for `geotie add`: field checks (also used to validate prompt answers as they
are typed), id generation and the TOML layout; then `add_entry`, which checks the whole store
with the addition and hands the text to store.write for the locked, atomic append."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .dates import parse_edtf
from .errors import DateError, NotFound, StoreError, UsageError
from .model import ACTOR_KINDS, EVENT_STATUSES, ID_PATTERN, SOURCE_KINDS, Origin, Problem, Store, replace
from .query import resolve_actor
from .text import did_you_mean, fold, suggest, suggest_ids

MAX_ID_LENGTH = 60


def check_text(label: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise UsageError(f"{label} is empty")
    return value


def check_date(value: str) -> str:
    value = value.strip()
    try:
        parse_edtf(value)
    except DateError as err:
        raise DateError(f"date {err}") from None
    return value


def check_choice(label: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        near = suggest(value, list(choices))
        hint = f"did you mean '{near[0]}'?" if near else f"use one of: {', '.join(choices)}"
        raise UsageError(f"{label} '{value}' is not one of {', '.join(choices)}; {hint}")
    return value


def check_actor(store: Store, name: str) -> str:
    """An actor name, alias or id typed by the user, as an id."""
    return resolve_actor(store, name).id


def check_source(store: Store, source_id: str) -> str:
    if source_id in store.sources:
        return source_id
    hint = did_you_mean(*suggest_ids(source_id, store.sources)) or "add it first with 'geotie add source'"
    raise NotFound(f"unknown source '{source_id}'; {hint}")


def check_event(store: Store, event_id: str) -> str:
    """An event id that must exist (what --fulfils names)."""
    if event_id in store.event_index:
        return event_id
    hint = did_you_mean(*suggest_ids(event_id, store.event_index)) or "run 'geotie plans' to list the planned events"
    raise NotFound(f"--fulfils: unknown event '{event_id}'; {hint}")


def slug(text: str) -> str:
    return fold(text).replace(" ", "-")


def new_id(store: Store, base: str) -> str:
    """A slug from `base`, cut at a word boundary, made unique with -2, -3..."""
    stem = slug(base)[:MAX_ID_LENGTH].rstrip("-")
    if len(slug(base)) > MAX_ID_LENGTH and "-" in stem:
        stem = stem.rsplit("-", 1)[0]
    stem = stem or "entry"
    used = set(store.sources) | set(store.actors) | set(store.event_index)
    candidate, n = stem, 2
    while candidate in used:
        candidate, n = f"{stem}-{n}", n + 1
    return candidate


def check_id(store: Store, value: str) -> str:
    if not ID_PATTERN.match(value):
        raise UsageError(f"id '{value}' is not a slug; use lower-case letters, digits and hyphens")
    if value in store.sources or value in store.actors or value in store.event_index:
        raise UsageError(f"id '{value}' is already used; choose another or leave --id out to get one")
    return value


def citations(store: Store, sources: list[str], quotes: list[str], notes: list[str]) -> list[dict]:
    if len(sources) != len(quotes):
        raise UsageError(f"give one --quote for each --source (got {len(sources)} sources, {len(quotes)} quotes)")
    if len(notes) > len(sources):
        raise UsageError("more --note than --source")
    out = []
    for i, (s, q) in enumerate(zip(sources, quotes, strict=True)):
        item = {"source": check_source(store, s), "quote": check_text("--quote", q)}
        if i < len(notes) and notes[i].strip():
            item["note"] = notes[i].strip()
        out.append(item)
    return out


@dataclass
class EventIn:
    date: str
    title: str
    actors: list[str]
    sources: list[str]
    quotes: list[str]
    notes: list[str] = field(default_factory=list)
    summary: str = ""
    date_text: str = ""
    date_note: str = ""
    tags: list[str] = field(default_factory=list)
    status: str = "occurred"
    outcome: str = ""
    implied_actors: list[str] = field(default_factory=list)  # also actors of the event
    fulfils: str = ""  # the id of the planned event it carries out
    id: str = ""
    type: str = ""  # a PLOVER event type (geotie.plover), any case
    mode: str = ""
    context: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)  # also actors of the event


def plover_fields(store: Store, e: EventIn, actors: list[str]) -> dict:
    """`type`, `mode`, `context` and `recipients` as the store holds them, each checked
    (recipients: actor ids among `actors`, not all of them); raises a UsageError naming the flag."""
    from . import plover

    out: dict = {}
    if e.type.strip():
        out["type"] = plover.types_named([e.type])[0]
    if e.mode.strip():
        kind = out.get("type")
        if kind is None:
            raise UsageError(f"--mode {e.mode} needs a --type (a mode is one of a PLOVER type's)")
        mode = plover.event_mode(kind, e.mode)
        if mode is None:
            raise UsageError(f"--mode {e.mode}: not a mode of {kind}; modes of {kind}: {plover.modes_of(kind)}")
        out["mode"] = mode
    contexts = []
    for text in e.context:
        found = plover.context(text)
        if found is None:
            near = suggest(text.lower(), list(plover.CONTEXTS))
            hint = f"did you mean {near[0]}? " if near else ""
            raise UsageError(f"--context {text}: not a PLOVER context; {hint}contexts: {', '.join(plover.CONTEXTS)}")
        contexts.append(found)
    if contexts:
        out["context"] = list(dict.fromkeys(contexts))
    recipients = list(dict.fromkeys(check_actor(store, a) for a in e.recipients))
    if recipients:
        if set(actors) <= set(recipients):
            raise UsageError("every actor is a --recipient: give the actors that act with --actor too")
        out["recipients"] = recipients
    return out


def event_entry(store: Store, e: EventIn) -> dict:
    """The new event as a raw table, every field checked; raises a GeotieError naming the flag."""
    date = check_date(e.date)
    title = check_text("--title", e.title)
    if not e.actors and not e.implied_actors:
        raise UsageError("an event needs at least one --actor")
    implied = list(dict.fromkeys(check_actor(store, a) for a in e.implied_actors))
    recipients = [check_actor(store, a) for a in e.recipients]
    actors = list(dict.fromkeys([*(check_actor(store, a) for a in e.actors), *implied, *recipients]))
    typed = plover_fields(store, e, actors)
    cites = citations(store, e.sources, e.quotes, e.notes)
    if not cites:
        raise UsageError("an event needs a --source and a verbatim --quote from it")
    entry = {
        "id": check_id(store, e.id) if e.id else new_id(store, f"{date.split('/')[0].rstrip('?~%')} {title}"),
        "date": date,
    }
    for key, value in (("date_text", e.date_text), ("date_note", e.date_note)):
        if value.strip():
            entry[key] = value.strip()
    entry["title"] = title
    if e.summary.strip():
        entry["summary"] = e.summary.strip()
    entry["actors"] = actors
    if implied:
        entry["implied_actors"] = implied
    tags = [t.strip() for t in e.tags if t.strip()]
    if tags:
        entry["tags"] = tags
    entry["status"] = check_choice("--status", e.status, EVENT_STATUSES)
    if e.outcome.strip():
        entry["outcome"] = e.outcome.strip()
    if e.fulfils.strip():
        entry["fulfils"] = check_event(store, e.fulfils.strip())
    entry.update(typed)
    entry["citations"] = cites
    return entry


@dataclass
class ActorIn:
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    demonyms: list[str] = field(default_factory=list)
    country: str = ""
    note: str = ""
    role: str = ""
    of: str = ""
    attested: list[str] = field(default_factory=list)
    start: str = ""
    end: str = ""
    sources: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    id: str = ""


def actor_entry(store: Store, a: ActorIn) -> dict:
    name = check_text("--name", a.name)
    entry: dict = {
        "id": check_id(store, a.id) if a.id else new_id(store, name),
        "name": name,
        "kind": check_choice("--kind", a.kind, ACTOR_KINDS),
    }
    aliases = [x.strip() for x in a.aliases if x.strip()]
    if aliases:
        entry["aliases"] = aliases
    demonyms = [x.strip() for x in a.demonyms if x.strip()]
    if demonyms:
        entry["demonyms"] = demonyms
    if a.country.strip():
        entry["country"] = check_actor(store, a.country)
    if a.note.strip():
        entry["note"] = a.note.strip()
    if a.role.strip():
        role: dict = {"title": a.role.strip()}
        if a.of.strip():
            role["of"] = check_actor(store, a.of)
        attested = [check_date(d) for d in a.attested if d.strip()]
        if attested:
            role["attested"] = attested
        for key, value in (("start", a.start), ("end", a.end)):
            if value.strip():
                role[key] = check_date(value)
        role["citations"] = citations(store, a.sources, a.quotes, [])
        entry["roles"] = [role]
    elif a.sources or a.quotes or a.of or a.attested or a.start or a.end:
        raise UsageError(
            "--of, --attested, --start, --end, --source and --quote describe a role: give --role TITLE too"
        )
    return entry


@dataclass
class SourceIn:
    title: str
    publisher: str = ""
    authors: list[str] = field(default_factory=list)
    published: str = ""
    published_note: str = ""
    url: str = ""
    kind: str = "news"
    archive: str = ""
    id: str = ""


def source_entry(store: Store, s: SourceIn) -> dict:
    title = check_text("--title", s.title)
    published = check_date(s.published) if s.published.strip() else ""
    base = f"{s.publisher or title} {published.split('/')[0].rstrip('?~%')}".strip()
    entry: dict = {"id": check_id(store, s.id) if s.id else new_id(store, base), "title": title}
    for key, value in (("publisher", s.publisher), ("published", published), ("published_note", s.published_note)):
        if value.strip():
            entry[key] = value.strip()
    authors = [x.strip() for x in s.authors if x.strip()]
    if authors:
        entry["authors"] = authors
    if s.url.strip():
        entry["url"] = s.url.strip()
    entry["kind"] = check_choice("--kind", s.kind, SOURCE_KINDS)
    if s.archive.strip():
        entry["archive"] = s.archive.strip()
    return entry


#: Control characters that tomli-w writes as they are (it escapes the others, as TOML requires).
_RAW_IN_TOML = "[\t\x80-\x9f\u202a-\u202e\u2066-\u2069]"


def to_toml(kind: str, entry: dict) -> str:
    """The entry as an array-of-tables block (`[[events]]`, then `[[actors.roles]]` for roles),
    every value serialised by tomli-w. Citations stay inline tables, as in the bundled store.

    tomli-w alone would write a short entry as `events = [{...}]`, which cannot follow the
    `[[events]]` tables already in a file; so the layout is fixed here and only values are
    left to tomli-w."""
    import tomli_w

    def value(v: object, key: str) -> str:
        text = tomli_w.dumps({"v": v})[len("v = ") :].rstrip("\n")
        if text.isprintable():
            return text
        if re.search("[\ud800-\udfff]", text):  # bytes of an argument that are not UTF-8
            raise UsageError(f"the {key} holds bytes that are not UTF-8 text; type it again")
        # tomli-w leaves tabs, C1 controls and bidi overrides as they are: an escape is the same
        # TOML string, and neither the file nor `--dry-run` then holds anything a terminal obeys.
        return re.sub(_RAW_IN_TOML, lambda m: "\\t" if m.group() == "\t" else f"\\u{ord(m.group()):04x}", text)

    def block(header: str, table: dict) -> str:
        lines = [header]
        for key, v in table.items():
            if key == "roles":
                continue
            if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                lines.append(f"{key} = [")
                lines += ["    { " + ", ".join(f"{k} = {value(x, k)}" for k, x in item.items()) + " }," for item in v]
                lines.append("]")
            else:
                lines.append(f"{key} = {value(v, key)}")
        return "\n".join(lines) + "\n"

    text = block(f"[[{kind}]]", entry)
    for role in entry.get("roles", []):
        text += "\n" + block(f"[[{kind}.roles]]", role)
    return text


DATE_HELP = "EDTF, e.g. 2025-01-25, 2025-01, 2025, 2025-01~ or 2025-01-21/2025-01-31"


# --- adding to a store file ------------------------------------------------------------------


def _same(a: Path, b: Path) -> bool:
    from .store.files import real_path

    return real_path(a) == real_path(b)


def _store(files: list, message: str) -> Store:
    """The store made of these read files, or StoreError(message) listing its errors."""
    from .store import check_files

    store, problems = check_files(files)
    if store is None:
        raise StoreError(message, [p for p in problems if p.severity == "error"])
    return store


HAS_ERRORS = "the store has errors; fix them before adding (see 'geotie check')"
WOULD_BREAK = "the addition would make the store invalid; nothing was changed"


def current_store(paths: list[Path], target: Path) -> Store:
    """The store as `add` sees it before adding: `paths` plus the target (empty if new)."""
    from .store import read_file
    from .store.write import NEW_STORE_HEADER

    new = not (target.exists() or target.is_symlink())
    files = [read_file(p) for p in paths if not _same(p, target)]
    return _store([*files, read_file(target, NEW_STORE_HEADER if new else None)], HAS_ERRORS)


def add_entry(
    paths: list[Path], target: Path, kind: str, build: Callable[[Store], dict], dry_run: bool = False
) -> tuple[str, str]:
    """Add the entry `build(store)` to `target` (a kind such as "events"); returns its id and
    TOML. The whole store, addition included, is validated before anything is written; the
    entry is built under the file lock, from the file as it is then, so ids stay unique.
    The other store files are read once."""
    from .store import bundled_store, read_file
    from .store.files import read_text
    from .store.write import NEW_STORE_HEADER, append, check_target, joined

    if _same(target, bundled_store()):
        raise UsageError("the bundled store is never written to; add to your own store (--to FILE)")
    others = [read_file(p) for p in paths if not _same(p, target)]
    done: dict[str, str] = {}

    def make(old: str) -> str:
        store = _store([*others, read_file(target, old)], HAS_ERRORS)
        entry = build(store)
        block = to_toml(kind, entry)
        new = joined(old, block)
        try:
            _store([*others, read_file(target, new)], WOULD_BREAK)
        except StoreError as err:
            raise _inline_array(target, old, kind) or err from None
        done.update(id=entry["id"], block=block)
        return new

    if dry_run:
        check_target(target)  # what the add itself would refuse
        make(read_text(target) if target.is_file() else NEW_STORE_HEADER)
    else:
        append(target, make)
    return done["id"], done["block"]


def _inline_array(target: Path, old: str, kind: str) -> StoreError | None:
    """Why an addition broke the file, when the file writes `events = [...]` inline: an
    appended [[events]] table cannot follow that. None when that is not the reason."""
    if re.search(rf"^\s*\[\[\s*{kind}\s*\]\]", old, re.MULTILINE) or not re.search(
        rf"^\s*{kind}\s*=", old, re.MULTILINE
    ):
        return None
    return StoreError(
        f"{target}: '{kind}' is written as an inline array ({kind} = [...]); geotie appends "
        f"[[{kind}]] tables, which cannot follow it. Rewrite it as [[{kind}]] tables, or add to another "
        "file with --to; nothing was changed"
    )


# --- adding a file of entries (`geotie add --from FILE`) -------------------------------------------

#: Keys of the JSON event contract that are worked out from `date` (and a draft's notes):
#: read, never stored.
DERIVED_KEYS = (
    "start", "end", "precision", "approximate", "uncertain", "display_date", "draft", "corroboration", "roles",
    "fulfilled_by",
)  # fmt: skip
KINDS = ("sources", "actors", "events")


@dataclass
class Batch:
    """A file of entries to add: its text, the raw document and the lines of its entries."""

    path: Path
    text: str
    doc: dict
    lines: dict[tuple, int] | None


def read_batch(path: Path) -> Batch:
    """The entries of `path`: TOML in the store format ([meta] optional), or JSON Lines of
    event objects in the JSON contract (a `.jsonl`/`.json` file, or text starting with `{`).
    Raises StoreError saying where the file is not readable."""
    from .model import SCHEMA_VERSION
    from .store.files import read_text

    text = read_text(path)
    if path.suffix.lower() == ".json" and text.lstrip().startswith("["):
        return _read_json_array(path, text)
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson") or text.lstrip().startswith("{"):
        return _read_json_lines(path, text)
    from .store.fastparse import parse
    from .store.files import parse_toml

    fast = parse(text)
    doc, lines = fast if fast is not None else (parse_toml(path, text), None)
    doc.setdefault("meta", {"schema": SCHEMA_VERSION})
    if lines is not None:
        lines.setdefault(("meta",), 1)
    return Batch(path, text, doc, lines)


def _read_json_lines(path: Path, text: str) -> Batch:
    import json

    from .model import SCHEMA_VERSION

    events: list = []
    lines: dict[tuple, int] = {("meta",): 1}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise StoreError(
                f"{path}:{number}: not JSON ({err.msg} at column {err.colno}); one event object a line"
            ) from None
        except RecursionError:
            raise StoreError(f"{path}:{number}: the JSON is nested too deeply") from None
        if not isinstance(obj, dict):
            raise StoreError(f"{path}:{number}: an event must be a JSON object {{...}}, not {type(obj).__name__}")
        lines[("events", len(events))] = number
        events.append(_stored(obj))
    return Batch(path, "", {"meta": {"schema": SCHEMA_VERSION}, "events": events}, lines)


def _read_json_array(path: Path, text: str) -> Batch:
    """A .json file holding an array of event objects (what `timeline -f json` prints)."""
    import json

    from .model import SCHEMA_VERSION

    try:
        items = json.loads(text)
    except json.JSONDecodeError as err:
        raise StoreError(f"{path}:{err.lineno}: not JSON ({err.msg} at column {err.colno})") from None
    except RecursionError:
        raise StoreError(f"{path}: the JSON is nested too deeply") from None
    events = []
    for i, obj in enumerate(items):
        if not isinstance(obj, dict):
            raise StoreError(f"{path}: item {i} of the array is not an event object {{...}}")
        events.append(_stored(obj))
    return Batch(path, "", {"meta": {"schema": SCHEMA_VERSION}, "events": events}, {("meta",): 0})


def _stored(obj: dict) -> dict:
    """An event object as a store table: the derived keys left out, and the empty optional
    fields the contract always writes ("", [], an empty citation note)."""
    table = {}
    for key, value in obj.items():
        if key in DERIVED_KEYS or (
            (value is None or value in ("", [])) and key not in ("id", "actors", "citations", "title", "date")
        ):  # None: a `type` or `mode` the event has not (TOML has no null)
            continue
        if key == "fulfils" and value is None:  # the contract's "fulfils nothing"
            continue
        if key == "citations" and isinstance(value, list):
            value = [
                {k: v for k, v in c.items() if not (k == "note" and v == "")} if isinstance(c, dict) else c
                for c in value
            ]
        table[key] = value
    return table


def _base(kind: str, table: dict) -> str:
    """What a new id is made from, as `add` makes it: date and title, name, publisher and date."""

    def text(key: str) -> str:
        value = table.get(key)
        return value if isinstance(value, str) else ""

    if kind == "events":
        return f"{text('date').split('/')[0].rstrip('?~%').strip('.')} {text('title')}"
    if kind == "actors":
        return text("name")
    return f"{text('publisher') or text('title')} {text('published').split('/')[0].rstrip('?~%')}"


def fill_ids(store: Store, doc: dict) -> None:
    """Give each entry without an id (or with an empty one) a new id, unique in the store and the batch."""
    used = set(store.sources) | set(store.actors) | set(store.event_index)
    for kind in KINDS:
        tables = doc.get(kind)
        used |= (
            {t["id"] for t in tables if isinstance(t, dict) and isinstance(t.get("id"), str)}
            if isinstance(tables, list)
            else set()
        )
    for kind in KINDS:
        tables = doc.get(kind)
        if not isinstance(tables, list):
            continue
        for i, table in enumerate(tables):
            if isinstance(table, dict) and table.get("id") in (None, ""):
                ident = _fresh_id(used, _base(kind, table))
                used.add(ident)
                tables[i] = {"id": ident, **{k: v for k, v in table.items() if k != "id"}}


def _fresh_id(used: set[str], base: str) -> str:
    stem = slug(base)[:MAX_ID_LENGTH].rstrip("-")
    if len(slug(base)) > MAX_ID_LENGTH and "-" in stem:
        stem = stem.rsplit("-", 1)[0]
    stem = stem or "entry"
    candidate, n = stem, 2
    while candidate in used:
        candidate, n = f"{stem}-{n}", n + 1
    return candidate


def _batch_problems(store: Store, batch: Batch, content) -> list[Problem]:
    """What `add` asks beyond the store's rules: every event names an actor; and, for an event
    left out for another problem (whose references the store's rules do not look at), the
    actors and sources it names exist, so one pass reports every problem."""
    out = []
    events = batch.doc.get("events", [])
    actors = set(store.actors) | {a.id for a in content.actors}
    sources = set(store.sources) | {x.id for x in content.sources}

    def problem(i: int, table: dict, code: str, message: str, fld: str, hint: str) -> Problem:
        line = content.lines.line("events", i, fld) if content.lines else 0
        return Problem(
            "error", code, message, Origin(str(batch.path), line), f"events[{i}] '{table.get('id', '')}'", fld, hint
        )

    for i, table in enumerate(events if isinstance(events, list) else []):
        if not isinstance(table, dict):
            continue
        if not table.get("actors"):
            hint = 'add actors = ["actor-id", ...] (add an unknown actor first with geotie add actor)'
            out.append(problem(i, table, "no-actor", "the event names no actor", "actors", hint))
        if table.get("id") not in content.broken_ids:
            continue
        named = table.get("actors") if isinstance(table.get("actors"), list) else []
        for ref in (r for r in named if isinstance(r, str) and r not in actors):
            hint = did_you_mean(*suggest_ids(ref, actors)) or "define it as [[actors]] or fix the id"
            out.append(problem(i, table, "unknown-actor", f"unknown actor '{ref}'", "actors", hint))
        cites = table.get("citations") if isinstance(table.get("citations"), list) else []
        for c in cites:
            ref = c.get("source") if isinstance(c, dict) else None
            if isinstance(ref, str) and ref not in sources:
                hint = did_you_mean(*suggest_ids(ref, sources)) or "add the source first (geotie add source)"
                out.append(problem(i, table, "unknown-source", f"unknown source '{ref}'", "citations", hint))
    return out


def add_batch(paths: list[Path], target: Path, batch: Batch, dry_run: bool = False) -> tuple[list[str], str]:
    """Add every entry of `batch` to `target`, or none: the entries are checked together with
    the store (every problem reported, at its line of the batch file), then appended in one
    locked, atomic write (store.write), as `add_entry` does. Returns the new ids and the TOML."""
    import copy

    from .store import bundled_store, check_files, read_file
    from .store.convert import convert_file
    from .store.files import read_text
    from .store.write import NEW_STORE_HEADER, append, check_target, joined

    if _same(target, bundled_store()):
        raise UsageError("the bundled store is never written to; add to your own store (--to FILE)")
    if _same(target, batch.path):
        raise UsageError(f"{batch.path} is the file to add from; add to another file (--to FILE)")
    others = [read_file(p) for p in paths if not _same(p, target)]
    done: dict = {}

    def make(old: str) -> str:
        current = read_file(target, old)
        store = _store([*others, current], HAS_ERRORS)
        doc = copy.deepcopy(batch.doc)
        fill_ids(store, doc)
        content = convert_file(str(batch.path), batch.text, doc, dict(batch.lines) if batch.lines else None)
        _, problems = check_files([*others, current, content])
        mine = [p for p in problems if p.origin.file == str(batch.path) or p.severity == "error"]
        mine += _batch_problems(store, Batch(batch.path, batch.text, doc, batch.lines), content)
        if mine:
            warned = " (warnings too: an unknown key may be a typo)" if any(p.severity != "error" for p in mine) else ""
            raise StoreError(
                f"{batch.path}: {len(mine)} problem(s) in the entries to add{warned}",
                [_as_error(p) for p in mine],
            )
        blocks = []
        ids = []
        for kind in KINDS:
            for table in doc.get(kind, []):
                blocks.append(to_toml(kind, table))
                ids.append(table["id"])
        if not blocks:
            raise UsageError(f"{batch.path}: no entries to add ([[events]], [[actors]] or [[sources]] tables)")
        text = "\n".join(blocks)
        new = joined(old, text)
        try:
            _store([*others, read_file(target, new)], WOULD_BREAK)
        except StoreError as err:
            raise _inline_array(target, old, "events") or err from None
        done.update(ids=ids, text=text)
        return new

    if dry_run:
        check_target(target)
        make(read_text(target) if target.is_file() else NEW_STORE_HEADER)
    else:
        append(target, make)
    return done["ids"], done["text"]


def _as_error(p: Problem) -> Problem:
    """A problem that stops a batch: warnings of the batch stop it too, so each shows as an error."""
    return p if p.severity == "error" else replace(p, severity="error")
