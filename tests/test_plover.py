"""PLOVER event types: the vocabulary, the store's type/mode/context, --type, and -f plover."""

from __future__ import annotations

import json
import re

import pytest

from conftest import MINIMAL, ROOT, write
from geotie import plover
from geotie.errors import EXIT_USAGE, StoreError
from geotie.store import load_paths

TYPED = (
    MINIMAL.replace('tags = ["trade"]\n', 'tags = ["trade"]\ntype = "cooperate"\ncontext = ["Economic", "economic"]\n')
    .replace('tags = ["defence"]\n', 'tags = ["defence"]\ntype = "CONSULT"\nmode = "Visit"\nrecipients = ["beta"]\n')
    .replace('tags = ["diplomacy"]\n', 'tags = ["diplomacy"]\ntype = "Agree"\n')
)
UNTYPED_EVENT = """
[[events]]
id = "fourth"
date = "2025-03"
title = "Not classified"
actors = ["beta"]
citations = [{ source = "src", quote = "something" }]
"""


# --- the vocabulary ---------------------------------------------------------------------------------


def test_the_sixteen_types_of_plover_2():
    assert list(plover.TYPES) == [
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
        "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
    ]  # fmt: skip
    quads = {t: plover.quad_code(t) for t in plover.TYPES}
    assert [t for t, q in quads.items() if q == 1] == ["AGREE", "CONSULT", "SUPPORT", "CONCEDE"]
    assert [t for t, q in quads.items() if q == 2] == ["COOPERATE", "AID", "RETREAT"]
    assert [t for t, q in quads.items() if q == 3] == ["REQUEST", "ACCUSE", "REJECT", "THREATEN"]
    assert [t for t, q in quads.items() if q == 4] == ["PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]


def test_modes_and_contexts():
    assert plover.MODES["CONSULT"] == ("visit", "third-party", "multilateral", "phone")
    assert plover.MODES["REQUEST"] == plover.MODES["REJECT"]  # the manual: "These modes are shared"
    assert len(plover.MODES["ASSAULT"]) == 15 and len(plover.MODES["COERCE"]) == 10
    assert not {"AGREE", "SUPPORT", "CONCEDE", "COOPERATE", "AID"} & plover.MODES.keys()  # "Supplementary fields: None"
    assert set(plover.MODES) <= set(plover.TYPES)
    assert len(plover.CONTEXTS) == len(set(plover.CONTEXTS)) == 37
    assert {"military", "economic", "diplomatic", "territory"} <= set(plover.CONTEXTS)
    assert set(plover.REQUIRED) <= set(plover.FIELDS)


def test_names_in_any_case():
    assert plover.event_type(" consult ") == "CONSULT" and plover.event_type("consults") is None
    assert plover.event_mode("CONSULT", "Visit") == "visit"
    assert plover.event_mode("SUPPORT", "visit") is None and plover.event_mode("CONSULT", "riot") is None
    assert plover.context("MILITARY") == "military" and plover.context("war") is None


# --- the store ------------------------------------------------------------------------------------


def test_types_load_normalized(tmp_path):
    store = load_paths([write(tmp_path, TYPED + UNTYPED_EVENT)])
    got = {e.id: (e.type, e.mode, e.context, e.recipients) for e in store.events}
    assert got == {
        "first": ("COOPERATE", "", ("economic",), ()),
        "second": ("CONSULT", "visit", (), ("beta",)),
        "third": ("AGREE", "", (), ()),
        "fourth": ("", "", (), ()),
    }


def test_a_typed_event_loads_the_same_by_the_slow_path(tmp_path):
    """An event with a problem elsewhere (an unknown key, a warning) is read field by field."""
    text = TYPED.replace('type = "CONSULT"\n', 'type = "CONSULT"\ncolour = "red"\n')
    store = load_paths([write(tmp_path, text)])
    second = store.event_index["second"]
    assert (second.type, second.mode) == ("CONSULT", "visit")
    assert [w.code for w in store.warnings] == ["unknown-key"]


def problems(tmp_path, old: str, new: str) -> list:
    text = TYPED.replace(old, new)
    assert text != TYPED
    with pytest.raises(StoreError) as err:
        load_paths([write(tmp_path, text)])
    return err.value.problems


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "fld", "message", "hint"),
    [
        ('type = "Agree"', 'type = "AGRE"', "type", "'type' is 'AGRE', not a PLOVER event type", "did you mean 'AGREE'?"),
        ('type = "Agree"', 'type = "friendship"', "type", "not a PLOVER event type", "use one of: AGREE, CONSULT, "),
        ('type = "Agree"', "type = 3", "type", "'type' must be a string", ""),
        ('mode = "Visit"', 'mode = "vist"', "mode", "'mode' is 'vist', not a mode of CONSULT", "did you mean 'visit'?"),
        ('mode = "Visit"', 'mode = "riot"', "mode", "not a mode of CONSULT", "modes of CONSULT: visit, third-party"),
        ('type = "Agree"', 'type = "Agree"\nmode = "visit"', "mode", "not a mode of AGREE", "AGREE has no modes"),
        ('type = "CONSULT"\n', "", "mode", "'mode' is given without a 'type'", 'add type = "..."'),
        ('type = "CONSULT"\n', 'type = ""\n', "mode", "'mode' is given without a 'type'", ""),
        ('["Economic", "economic"]', '["economy"]', "context", "context 'economy' is not a PLOVER context",
         "did you mean 'economic'?"),
        ('["Economic", "economic"]', '"economic"', "context", "'context' must be a list of strings", ""),
        ('recipients = ["beta"]', 'recipients = ["gamma"]', "recipients", "recipient 'gamma' is not among the event's "
         "actors", "add 'gamma' to actors, or remove it from recipients"),
        ('recipients = ["beta"]', 'recipients = ["beta", "alpha", "jo-smith"]', "recipients",
         "every actor of the event is a recipient: none acts", "list only the actors"),
    ],
)  # fmt: skip
def test_bad_types_modes_and_contexts_are_errors_that_say_where_and_what(tmp_path, old, new, fld, message, hint):
    found = problems(tmp_path, old, new)
    assert len(found) == 1, [str(p) for p in found]
    p = found[0]
    assert p.severity == "error" and p.field == fld and message in p.message and hint in p.hint
    text = TYPED.replace(old, new)
    assert p.entry.startswith("events[") and p.origin.file.endswith("store.toml")
    if new.startswith(fld):  # the line of the field in error
        assert p.origin.line == line_of(text, new.strip().splitlines()[-1])


def test_a_wrong_type_is_reported_once_not_again_at_its_mode(tmp_path):
    found = problems(tmp_path, 'type = "CONSULT"', 'type = "CONSLUT"')
    assert [(p.field, p.hint) for p in found] == [("type", "did you mean 'CONSULT'?")]


# --- the index: --type is a filter of the events table -----------------------------------------------


def test_type_filter_uses_the_index(tmp_path):
    from geotie.answers import TimelineQuery
    from geotie.index.build import memory_index
    from geotie.index.queries import timeline_sql

    ix = memory_index(load_paths([write(tmp_path, TYPED)]))
    sql, params = timeline_sql(TimelineQuery(types=("CONSULT", "AGREE")))
    plan = " ".join(str(row[-1]) for row in ix.rows("EXPLAIN QUERY PLAN " + sql, params))
    assert "events_type" in plan, plan


# --- the command line -----------------------------------------------------------------------------


@pytest.fixture
def typed(tmp_path):
    return str(write(tmp_path, TYPED + UNTYPED_EVENT))


def test_timeline_type(cli, typed):
    result = cli("--no-default", "--data", typed, "timeline", "--type", "consult", "--type", "AGREE", "-f", "tsv")
    assert result.exit_code == 0, result.stderr
    assert [line.split("\t")[5] for line in result.stdout.splitlines()] == ["second", "third"]
    result = cli("--no-default", "--data", typed, "timeline", "--type", "AGREE", "--type", "agree", "-f", "json")
    assert [e["id"] for e in json.loads(result.stdout)] == ["third"]


def test_timeline_type_in_use_or_not(cli, typed):
    result = cli("--no-default", "--data", typed, "timeline", "--type", "assault", "-f", "tsv")
    assert result.exit_code == 0 and result.stdout == ""
    assert "no event has the type ASSAULT; types in use: AGREE, CONSULT, COOPERATE" in result.stderr


@pytest.mark.parametrize("command", ["timeline", "search"])
def test_an_unknown_type_is_a_usage_error_listing_the_types(cli, typed, command):
    args = ["--type", "consul"] + (["a"] if command == "search" else [])
    result = cli("--no-default", "--data", typed, command, *args)
    assert result.exit_code == EXIT_USAGE and result.stdout == ""
    assert "--type consul: not a PLOVER event type; did you mean CONSULT? types: AGREE, CONSULT, SUPPORT" in (
        result.stderr
    )
    assert "ASSAULT" in result.stderr and len(result.stderr.splitlines()) == 1


def test_search_type_keeps_hits_in_events_of_the_type(cli, typed):
    every = cli("--no-default", "--data", typed, "search", "a", "-f", "jsonl")
    kinds = {json.loads(line)["kind"] for line in every.stdout.splitlines()}
    assert {"event", "actor", "source"} <= kinds
    result = cli("--no-default", "--data", typed, "search", "a", "--type", "consult", "-f", "jsonl")
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits and {(h["kind"], h["id"]) for h in hits} == {("event", "second")}


def test_json_contract_has_type_mode_context(cli, typed):
    result = cli("--no-default", "--data", typed, "timeline", "-f", "json")
    got = {e["id"]: (e["type"], e["mode"], e["context"], e["recipients"]) for e in json.loads(result.stdout)}
    assert got == {
        "first": ("COOPERATE", None, ["economic"], []),
        "second": ("CONSULT", "visit", [], ["beta"]),
        "third": ("AGREE", None, [], []),
        "fourth": (None, None, [], []),
    }
    event = json.loads(cli("--no-default", "--data", typed, "event", "second", "-f", "json").stdout)
    assert (event["type"], event["mode"]) == ("CONSULT", "visit")


def test_event_shows_its_type(cli, typed):
    out = cli("--no-default", "--data", typed, "event", "first", "-f", "table").stdout
    assert re.search(r"Type +COOPERATE \(context economic\)", out)
    out = cli("--no-default", "--data", typed, "event", "second", "-f", "table").stdout
    assert re.search(r"Type +CONSULT \(mode visit\)", out)
    assert "Type " not in cli("--no-default", "--data", typed, "event", "fourth", "-f", "table").stdout


DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_plover(record: dict) -> None:
    """A record as PLOVER's data fields chapter defines it."""
    assert set(record) <= set(plover.FIELDS) | {"geotie"}, set(record) - set(plover.FIELDS)
    assert all(record.get(f) is not None for f in plover.REQUIRED), record
    assert DAY.fullmatch(record["date"])
    assert record["enddate"] is None or (DAY.fullmatch(record["enddate"]) and record["enddate"] > record["date"])
    assert len(record["event"]) == 1 and record["event"][0] in plover.TYPES
    assert record["quad_code"] == plover.quad_code(record["event"][0])
    for mode in record["mode"] or ():
        assert mode in plover.MODES[record["event"][0]]
    assert set(record["context"] or ()) <= set(plover.CONTEXTS)
    assert all(isinstance(a, dict) and a["identifier_id"] for a in record["actor"])
    assert len(record["cite_info"]) == len(record["event_text"])
    for cite in record["cite_info"]:
        assert set(cite) - {"date"} <= set(plover.CITE_FIELDS)
        assert cite["codebook"] == plover.CODEBOOK
    for entity in record["actor"]:
        assert set(entity) - {"country_name", "kind"} <= set(plover.ENTITY_FIELDS)


def test_timeline_plover(cli, typed):
    result = cli("--no-default", "--data", typed, "timeline", "-f", "plover")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    for record in records:
        check_plover(record)
    assert [r["id"] for r in records] == ["first", "second", "third"]  # the untyped fourth is left out, and said so
    assert "-f plover left out 1 event without a PLOVER type, which PLOVER requires" in result.stderr
    first, second, third = records
    assert (first["date"], first["enddate"], first["geotie"]["precision"]) == ("2024-01-01", "2024-12-31", "year")
    assert (second["date"], second["enddate"]) == ("2024-07-15", None)
    assert first["event"] == ["COOPERATE"] and first["context"] == ["economic"] and first["mode"] is None
    assert second["mode"] == ["visit"] and second["quad_code"] == 1
    assert [a["identifier_id"] for a in second["actor"]] == ["alpha", "jo-smith"]
    assert second["actor"][1] == {
        "identifier_id": "jo-smith", "identifier_text": "Jo Smith", "country_name": "Alphaland", "kind": "person"
    }  # fmt: skip
    assert second["recipient"] == [
        {"identifier_id": "beta", "identifier_text": "Betaland", "country_name": "Betaland", "kind": "country"}
    ]
    assert first["recipient"] is None  # no recipients: every actor acts (an undirected event)
    assert second["event_text"] == ["in July"] and second["comment"] == "A day in July"
    assert second["cite_info"] == [
        {"citation": "src", "title": "A source", "publication": None, "url": None, "date": "2024-02-23",
         "codebook": "plover-2.0"}
    ]  # fmt: skip
    assert third["geotie"]["status"] == "planned"


def test_timeline_plover_limit_counts_typed_events(cli, typed):
    result = cli("--no-default", "--data", typed, "timeline", "-n", "1", "--reverse", "-f", "plover")
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["third"]  # not the untyped fourth
    assert "left out 1 event without a PLOVER type" in result.stderr
    result = cli("--no-default", "--data", typed, "timeline", "alpha", "-f", "plover")
    assert result.stderr == ""  # every event of alpha has a type


def test_timeline_plover_with_filters_and_roles(cli, typed):
    result = cli("--no-default", "--data", typed, "timeline", "jo-smith", "--type", "CONSULT", "-f", "plover",
                 "--with-roles")  # fmt: skip
    assert result.exit_code == 0 and result.stderr == ""
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["actor"][1]["office"] == "Minister"


def test_plover_dates_of_intervals_and_open_starts(cli, tmp_path):
    text = TYPED.replace('date = "2024"\n', 'date = "../2024-05-20?"\n').replace(
        'date = "2025-02"\n', 'date = "2025-01-21/2025-01-31"\n'
    )
    result = cli("--no-default", "--data", str(write(tmp_path, text)), "timeline", "-f", "plover")
    dates = {r["id"]: (r["date"], r["enddate"]) for r in map(json.loads, result.stdout.splitlines())}
    assert dates["first"] == ("2024-05-20", None)  # no first day: the day it happened by
    assert dates["third"] == ("2025-01-21", "2025-01-31")


def test_event_plover(cli, typed):
    result = cli("--no-default", "--data", typed, "event", "second", "-f", "plover")
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    check_plover(json.loads(line))
    result = cli("--no-default", "--data", typed, "event", "fourth", "-f", "plover")
    assert result.exit_code == EXIT_USAGE and result.stdout == ""
    assert "event 'fourth' has no PLOVER record: it has no PLOVER type, which PLOVER requires" in result.stderr


def test_equipment_is_no_plover_entity(cli, tmp_path):
    text = TYPED.replace('kind = "person"', 'kind = "equipment"').replace(
        'actors = ["alpha"]\n', 'actors = ["alpha", "jo-smith"]\nrecipients = ["alpha"]\n'
    )
    path = str(write(tmp_path, text))
    result = cli("--no-default", "--data", path, "timeline", "-f", "plover")
    records = {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert [a["identifier_id"] for a in records["second"]["actor"]] == ["alpha"]  # jo-smith is a thing now
    assert "third" not in records  # alpha is its recipient, and jo-smith no entity: no actor is left
    assert "1 event without an actor other than recipients and equipment" in result.stderr
    result = cli("--no-default", "--data", path, "event", "third", "-f", "plover")
    assert result.exit_code == EXIT_USAGE and "it has no actor other than recipients and equipment" in result.stderr


def test_bundled_store_plover_records_are_valid(cli):
    result = cli("timeline", "-f", "plover")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) >= 10
    for record in records:
        check_plover(record)
    store = load_paths([ROOT / "data" / "facts.toml"])
    assert {r["id"] for r in records} == {e.id for e in store.events if e.type}


def test_timeline_json_adds_back_with_its_types(cli, typed, tmp_path):
    """`add --from` reads the JSON contract: a null type or mode is not written (TOML has no null)."""
    out = json.loads(cli("--no-default", "--data", typed, "timeline", "-f", "json").stdout)
    for e in out:
        e["id"] += "-copy"
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps(out), encoding="utf-8")
    result = cli("--no-default", "--data", typed, "add", "--from", str(batch), "--to", typed)
    assert result.exit_code == 0, result.stderr
    store = load_paths([typed])
    got = {e.id: (e.type, e.mode, e.context, e.recipients) for e in store.events if e.id.endswith("-copy")}
    want = {e.id + "-copy": (e.type, e.mode, e.context, e.recipients) for e in store.events if "-copy" not in e.id}
    assert got == want and got["second-copy"] == ("CONSULT", "visit", (), ("beta",))


@pytest.mark.parametrize("fmt", ["table", "tsv", "csv", "json", "jsonl", "md", "html", "timelinejs", "plover"])
def test_type_in_every_timeline_format(cli, fmt):
    result = cli("timeline", "--type", "aid", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert "donates masks" in result.stdout and "girls" in result.stdout  # the two AID events
    assert "Preferential Trade Agreement" not in result.stdout and "JF-17" not in result.stdout


# --- geotie add event --type ... ----------------------------------------------------------------------

ADD_EVENT = ["--date", "2025-03", "--title", "Alpha minister visits Beta", "-a", "jo-smith", "-a", "alpha",
             "--source", "src", "--quote", "A verbatim passage"]  # fmt: skip


def add_event(cli, target, *args):
    return cli("--no-default", "--data", str(target), "add", "event", *ADD_EVENT, *args, "--to", str(target))


def test_add_event_with_a_type(cli, store_file):
    result = add_event(cli, store_file, "--type", "consult", "--mode", "Visit", "--context", "Diplomatic",
                       "--recipient", "Betaland")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    added = load_paths([store_file]).event_index[result.stdout.strip()]
    assert (added.type, added.mode, added.context, added.recipients) == ("CONSULT", "visit", ("diplomatic",), ("beta",))
    assert added.actors == ("jo-smith", "alpha", "beta")  # a recipient is an actor too


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--type", "consul"], "--type consul: not a PLOVER event type; did you mean CONSULT? types: AGREE, "),
        (["--mode", "visit"], "--mode visit needs a --type"),
        (["--type", "agree", "--mode", "visit"], "--mode visit: not a mode of AGREE; modes of AGREE: none"),
        (["--type", "consult", "--mode", "vist"], "modes of CONSULT: visit, third-party, multilateral, phone"),
        (["--context", "war"], "--context war: not a PLOVER context; contexts: military, "),
        (["--recipient", "alpha", "--recipient", "jo-smith"], "every actor is a --recipient"),
    ],
)
def test_add_event_refuses_what_plover_has_not(cli, store_file, args, message):
    before = store_file.read_bytes()
    result = add_event(cli, store_file, *args)
    assert result.exit_code == EXIT_USAGE and message in result.stderr, result.stderr
    assert store_file.read_bytes() == before


def test_page_and_activity_take_type(cli, tmp_path):
    page = tmp_path / "aid.html"
    result = cli("page", "--type", "AID", "-o", str(page))
    assert result.exit_code == 0, result.stderr
    text = page.read_text(encoding="utf-8")
    assert "donates masks" in text and "Preferential Trade Agreement" not in text
    counted = json.loads(cli("activity", "--type", "aid", "-f", "json").stdout)
    every = json.loads(cli("activity", "-f", "json").stdout)
    total = lambda act: sum(n for p in act["periods"] for n in p["events"].values()) + sum(act["unplaced"].values())  # noqa: E731
    assert total(counted) == 2 < total(every)
    result = cli("activity", "--type", "aide")
    assert result.exit_code == EXIT_USAGE and "did you mean AID?" in result.stderr
