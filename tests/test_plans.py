"""Plans and their outcomes: `fulfils` in the store, the state logic with vague dates, `geotie
plans` in every format, `event`'s links both ways, `add --fulfils`, and the lints."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from conftest import MINIMAL, write
from geotie.dates import parse_edtf
from geotie.model import Citation, Event
from geotie.plans import announcement, make_plan, plan_state


def ev(ident: str, when: str, status: str = "occurred", fulfils: str = "", sources=("s",)) -> Event:
    return Event(
        ident,
        parse_edtf(when),
        ident,
        status=status,
        fulfils=fulfils,
        citations=tuple(Citation(s, "q") for s in sources),
    )


D = date.fromisoformat


# --- the state logic, with vague dates ----------------------------------------------------------


@pytest.mark.parametrize(
    ("plan", "today", "state"),
    [
        ("2025-12?", "2025-11-30", "open"),  # not yet due
        ("2025-12?", "2025-12-15", "open"),  # today inside the span: it may still come
        ("2025-12?", "2025-12-31", "open"),  # its last possible day: not yet surely past
        ("2025-12?", "2026-01-01", "overdue"),  # every day it may stand for is past
        ("2025", "2025-06-30", "open"),
        ("2025", "2026-01-01", "overdue"),
        ("2025-05-20?/2025-12?", "2025-12-31", "open"),
        ("2025-05-20?/2025-12?", "2026-01-01", "overdue"),
        ("2025/..", "2999-01-01", "open"),  # an open end is never past
        ("2025/", "2999-01-01", "open"),  # nor is an unknown one
        ("../2025-03", "2025-04-01", "overdue"),  # "by March 2025"
        ("201X", "2019-12-31", "open"),
        ("201X", "2020-01-01", "overdue"),
    ],
)
def test_a_plan_with_nothing_linked_is_open_until_surely_past(plan, today, state):
    assert plan_state(ev("p", plan, "planned"), [], D(today)) == state


@pytest.mark.parametrize(
    ("linked", "today", "state", "listed"),
    [
        ([ev("f", "2025-03")], "2025-04-01", "fulfilled", ["f"]),
        ([ev("f", "2025-03")], "2025-03-31", "fulfilled", ["f"]),  # its last day is today: done by today
        ([ev("f", "2025-03")], "2025-03-10", "open", ["f"]),  # may have happened, not surely: not overdue
        ([ev("f", "2025-03")], "2025-02-10", "overdue", []),  # not yet begun: it does not count today
        ([ev("f", "2025-03", "ongoing")], "2025-04-01", "fulfilled", ["f"]),
        ([ev("f", "2025-03", "reported")], "2025-04-01", "fulfilled", ["f"]),
        ([ev("c", "2025-03", "cancelled")], "2025-04-01", "cancelled", ["c"]),
        ([ev("c", "2025-03", "cancelled"), ev("f", "2025-06")], "2025-07-01", "fulfilled", ["c", "f"]),
        ([ev("c", "2025-03", "cancelled"), ev("f", "2025-06")], "2025-04-01", "cancelled", ["c"]),
        ([ev("q", "2025-03", "planned")], "2025-04-01", "overdue", []),  # a plan does not carry out a plan
        ([ev("f", "2025/..")], "2999-01-01", "open", ["f"]),  # an open-ended fulfilment is never surely over
        ([ev("f", "../2025-03")], "2025-04-01", "fulfilled", ["f"]),
    ],
)
def test_what_the_linked_events_make_of_a_plan(linked, today, state, listed):
    plan = make_plan(ev("p", "2025-01", "planned"), linked, D(today), {})
    assert plan.state == state
    assert [e.id for e in plan.fulfilled_by] == listed


def test_announced_is_the_earliest_dated_citing_source():
    plan = ev("p", "2025-06", "planned", sources=("late", "undated", "early", "vague"))
    published = {"late": parse_edtf("2025-03-01"), "undated": None, "early": parse_edtf("2025-02"),
                 "vague": parse_edtf("2025")}  # fmt: skip
    span, source = announcement(plan, published)
    assert (span.text, source) == ("2025", "vague")  # the year starts first: the documented date order
    del published["vague"]
    assert announcement(plan, published)[1] == "early"
    assert announcement(plan, {"undated": None}) == (None, "")


# --- the store format ---------------------------------------------------------------------------

LINKED = (
    MINIMAL.replace('published = "2024-02-23"', 'published = "2024-08-01"')
    + """
[[sources]]
id = "later"
title = "A later source"
published = "2025-03-10"

[[events]]
id = "visit-done"
date = "2025-02-20"
title = "The visit takes place"
actors = ["alpha", "beta"]
fulfils = "third"
citations = [{ source = "later", quote = "the visit took place" }]
"""
)


def check(cli, path, *args):
    return cli("--no-default", "--data", str(path), "check", "--today", "2026-11-24", *args)


def test_a_store_without_fulfils_still_loads_with_schema_1(cli, tmp_path):
    result = cli("--no-default", "--data", str(write(tmp_path, MINIMAL)), "plans", "-f", "tsv", "--today", "2025-03-01")
    assert result.exit_code == 0 and result.stdout.split("\t")[3:5] == ["overdue", "third"]


@pytest.mark.parametrize(
    ("fulfils", "code", "says"),
    [
        ("thrid", "unknown-event", "did you mean 'third'?"),
        ("visit-done", "fulfils-itself", "name the planned event"),
        ("Third Visit", "bad-id", "not an event id"),
    ],
)
def test_a_broken_link_is_an_error_with_where_and_a_hint(cli, tmp_path, fulfils, code, says):
    path = write(tmp_path, LINKED.replace('fulfils = "third"', f'fulfils = "{fulfils}"'))
    result = check(cli, path)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("fulfils"))
    assert result.exit_code == 1
    assert f"{path}:{line}: error: {code}:" in result.stdout
    assert "events" in result.stdout and "field 'fulfils'" in result.stdout and says in result.stdout
    reading = cli("--no-default", "--data", str(path), "plans")  # every reading command refuses the store
    assert reading.exit_code == 1 and code in reading.stderr and reading.stdout == ""


def test_a_cycle_is_an_error(cli, tmp_path):
    cycle = LINKED.replace('status = "planned"\n', 'status = "planned"\nfulfils = "visit-done"\n')
    result = check(cli, write(tmp_path, cycle))
    assert result.exit_code == 1
    assert "fulfils-cycle: the fulfils links go round a cycle: third -> visit-done -> third" in result.stdout


def test_a_link_may_name_an_event_of_another_file(cli, tmp_path):
    first = write(tmp_path, MINIMAL, "a.toml")
    second = write(
        tmp_path,
        LINKED.split('[[sources]]\nid = "later"', 1)[1].join(['[meta]\nschema = 1\n\n[[sources]]\nid = "later"', ""]),
        "b.toml",
    )
    result = cli("--no-default", "--data", str(first), "--data", str(second), "event", "third", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["fulfilled_by"] == ["visit-done"]


# --- geotie plans --------------------------------------------------------------------------------


def plans(cli, path, *args):
    return cli("--no-default", "--data", str(path), "plans", *args)


def test_plans_in_every_format(cli, tmp_path):
    path = write(tmp_path, LINKED)
    tsv = plans(cli, path, "--today", "2025-04-01", "-f", "tsv").stdout
    assert tsv == (
        "2025-02\t2025-02-01\t2025-02-28\tfulfilled\tthird\tA planned visit\talpha\t2024-08-01\tsrc\tvisit-done"
        "\t2025-02-20\t\n"
    )
    rows = list(csv.reader(io.StringIO(plans(cli, path, "--today", "2025-04-01", "-f", "csv").stdout)))
    assert rows[0] == ["date", "start", "end", "state", "id", "title", "actors", "announced", "announced_in",
                       "fulfilled_by", "fulfilled_on", "outcome"]  # fmt: skip
    assert rows[1][3:5] == ["fulfilled", "third"]
    md = plans(cli, path, "--today", "2025-04-01", "-f", "md").stdout.splitlines()
    assert md[0].startswith("| date | start | end | state |") and "| fulfilled | third |" in md[2]
    [obj] = json.loads(plans(cli, path, "--today", "2025-04-01", "-f", "json").stdout)
    assert (obj["id"], obj["status"], obj["state"], obj["today"]) == ("third", "planned", "fulfilled", "2025-04-01")
    assert obj["announced"]["date"] == "2024-08-01" and obj["announced_in"] == "src"
    assert obj["fulfilled_by"] == [
        {"id": "visit-done", "date": "2025-02-20", "display_date": "20 Feb 2025", "status": "occurred",
         "title": "The visit takes place"}
    ]  # fmt: skip
    [line] = plans(cli, path, "--today", "2025-04-01", "-f", "jsonl").stdout.splitlines()
    assert json.loads(line) == obj
    table = plans(cli, path, "--today", "2025-04-01", "-f", "table").stdout
    assert "1 plan as of 2025-04-01" in table and "fulfilled" in table and "visit-done" in table
    assert "1 Aug 2024" in table  # announced


def test_the_plans_table_counts_and_columns_what_it_shows(cli, tmp_path):
    """The table's heading counts the plans it lists (after --state), and it has a "Fulfilled
    by" column only when one of them has a fulfilment: both found by a first pass over the
    plans, which are then printed as they are read."""
    every = cli("plans", "--today", "2024-01-01", "-f", "tsv").stdout.splitlines()
    for state in ("overdue", "open", None):
        args = ["--state", state] if state else []
        n = sum(1 for line in every if state is None or line.split("\t")[3] == state)
        table = cli("plans", "--today", "2024-01-01", *args, "-f", "table").stdout
        assert f": {n} plan{'s' * (n != 1)} as of 2024-01-01" in table and n
    path = write(tmp_path, LINKED)  # its one plan: fulfilled once a source reports the visit
    assert "Fulfilled by" not in plans(cli, path, "--as-of", "2025-03-01", "-f", "table").stdout
    assert "Fulfilled by" in plans(cli, path, "--as-of", "2025-03-10", "-f", "table").stdout


def test_the_state_follows_today_and_as_of(cli, tmp_path):
    path = write(tmp_path, LINKED)

    def state(*args):
        return plans(cli, path, "-f", "tsv", *args).stdout.split("\t")[3]

    assert state("--today", "2025-02-10") == "open"  # due this month; the visit not yet begun
    assert state("--today", "2025-02-20") == "fulfilled"
    assert state("--today", "2025-02") == "open"  # a month: its first day
    assert state("--today", "2026") == "fulfilled"
    # on 1 March 2025 no source had reported the visit yet (published 10 March): overdue then
    assert state("--as-of", "2025-03-01") == "overdue"
    assert state("--as-of", "2025-03-10") == "fulfilled"
    assert state("--as-of", "2025-03-01", "--today", "2025-02-15") == "open"
    assert plans(cli, path, "--as-of", "2024-07-01", "-f", "tsv").stdout == ""  # not announced yet
    assert state() == "fulfilled"  # default: the real today


def test_plans_filters(cli, tmp_path):
    path = write(tmp_path, LINKED)
    assert plans(cli, path, "alpha", "-f", "tsv").stdout.count("\n") == 1
    assert plans(cli, path, "beta", "-f", "tsv").stdout == ""
    empty = plans(cli, path, "beta", "-f", "table")
    assert empty.exit_code == 0 and "no plans match" in empty.stderr
    assert plans(cli, path, "--state", "fulfilled", "-f", "tsv").stdout.count("\n") == 1
    assert plans(cli, path, "--state", "overdue", "-f", "tsv").stdout == ""


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["--state", "done"], 2, "--state done: no such state; give one of: fulfilled, cancelled, open, overdue"),
        (["--today", "soon"], 2, "--today"),
        (["gamma"], 3, "unknown actor 'gamma'"),
    ],
)
def test_plans_bad_arguments(cli, tmp_path, args, code, says):
    result = plans(cli, write(tmp_path, LINKED), *args)
    assert result.exit_code == code and says in result.stderr and result.stdout == ""


def test_plans_on_the_bundled_store(cli):
    """No article says a later event carried out one of the bundled plans: every plan is
    judged on its date alone."""
    found = json.loads(cli("plans", "--today", "2025-02-15", "-f", "json").stdout)
    states = {p["id"]: p["state"] for p in found}
    assert states["azerbaijan-delegation-karachi-defence-expo"] == "overdue"
    assert states["sharif-visit-to-azerbaijan-announced"] == "open"
    assert all(p["fulfilled_by"] == [] for p in found)
    assert json.loads(cli("plans", "pakistan", "turkey", "--as-of", "2025-03-01", "-f", "json").stdout)[0]["id"] == (
        "erdogan-visit-to-pakistan-planned"
    )


# --- event ID, timeline JSON ---------------------------------------------------------------------


def test_event_shows_the_link_both_ways(cli, tmp_path):
    path = write(tmp_path, LINKED)
    d = ["--no-default", "--data", str(path)]
    plan = json.loads(cli(*d, "event", "third", "-f", "json").stdout)
    assert (plan["fulfils"], plan["fulfilled_by"]) == (None, ["visit-done"])
    done = json.loads(cli(*d, "event", "visit-done", "-f", "json").stdout)
    assert (done["fulfils"], done["fulfilled_by"]) == ("third", [])
    assert (
        "Fulfilled by  The visit takes place (visit-done, 20 Feb 2025)"
        in cli(*d, "event", "third", "-f", "table").stdout
    )
    assert "Fulfils  A planned visit (third)" in cli(*d, "event", "visit-done", "-f", "table").stdout
    # as of a day before the fulfilling event was reported, nobody had said it was carried out
    assert json.loads(cli(*d, "event", "third", "--as-of", "2025-03-01", "-f", "json").stdout)["fulfilled_by"] == []
    timeline = json.loads(cli(*d, "timeline", "-f", "json").stdout)
    assert {e["id"]: e["fulfils"] for e in timeline}["visit-done"] == "third"
    assert {e["id"]: e["fulfils"] for e in timeline}["third"] is None


# --- add --fulfils and add --from --------------------------------------------------------------------


def test_add_fulfils(cli, tmp_path):
    store = write(tmp_path, MINIMAL)
    mine = tmp_path / "mine.toml"
    base = ["--no-default", "--data", str(store), "add", "event", "--date", "2025-02-10", "--title", "Visit",
            "--actor", "alpha", "--source", "src", "--quote", "it happened", "--to", str(mine)]  # fmt: skip
    bad = cli(*base, "--fulfils", "thrid")
    assert bad.exit_code == 3 and "--fulfils: unknown event 'thrid'; did you mean 'third'?" in bad.stderr
    assert not mine.exists()
    done = cli(*base, "--fulfils", "third")
    assert done.exit_code == 0, done.stderr
    assert 'fulfils = "third"' in mine.read_text()
    shown = cli("--no-default", "--data", str(store), "--data", str(mine), "event", "third", "-f", "json")
    assert json.loads(shown.stdout)["fulfilled_by"] == [done.stdout.strip()]


def test_add_from_timeline_json_keeps_fulfils(cli, tmp_path):
    source = write(tmp_path, LINKED)
    exported = json.loads(cli("--no-default", "--data", str(source), "event", "visit-done", "-f", "json").stdout)
    exported["id"] = "visit-again"
    exported["fulfilled_by"] = ["ignored"]  # derived: read, never stored
    plain = json.loads(cli("--no-default", "--data", str(source), "event", "first", "-f", "json").stdout)
    plain["id"] = "first-again"  # "fulfils": null is "fulfils nothing"
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps(exported) + "\n" + json.dumps(plain) + "\n", encoding="utf-8")
    mine = tmp_path / "mine.toml"
    result = cli("--no-default", "--data", str(source), "add", "--from", str(batch), "--to", str(mine))
    assert result.exit_code == 0, result.stderr
    text = mine.read_text()
    assert text.count('fulfils = "third"') == 1 and "fulfilled_by" not in text and "ignored" not in text


# --- the lints ---------------------------------------------------------------------------------------


PLAN_LINTS = ("fulfils-non-plan", "fulfils-cancelled", "plan-fulfils-plan", "fulfilment-before-announcement",
              "fulfilment-before-plan")  # fmt: skip


def codes(result):
    return [line.split(": ")[2] for line in result.stdout.splitlines()]


def plan_codes(result):
    return [c for c in codes(result) if c in PLAN_LINTS]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (('status = "planned"', 'status = "occurred"'), "fulfils-non-plan"),
        (('status = "planned"', 'status = "cancelled"'), "fulfils-cancelled"),
        (('fulfils = "third"', 'fulfils = "third"\nstatus = "planned"'), "plan-fulfils-plan"),
        (('date = "2025-02-20"', 'date = "2024-07-01"'), "fulfilment-before-announcement"),  # src: 1 Aug 2024
        (('date = "2025-02-20"', 'date = "2025-01-20"'), "fulfilment-before-plan"),
    ],
)
def test_each_plan_lint(cli, tmp_path, change, code):
    path = write(tmp_path, LINKED.replace(*change))
    assert plan_codes(check(cli, path)) == [code]
    line = next(ln for ln in check(cli, path).stdout.splitlines() if f": {code}: " in ln)
    assert "events 'visit-done'" in line and "field '" in line
    assert check(cli, path, "--strict").exit_code == 1


def test_what_the_plan_lints_let_pass(cli, tmp_path):
    assert plan_codes(check(cli, write(tmp_path, LINKED))) == []  # the link itself is fine
    # brought forward, and the plan's outcome says so
    early = LINKED.replace('date = "2025-02-20"', 'date = "2025-01-20"').replace(
        'status = "planned"', 'status = "planned"\noutcome = "Brought forward to January."'
    )
    assert plan_codes(check(cli, write(tmp_path, early))) == []
    # a cancellation recorded by a cancelled event linked to the plan is no contradiction
    called_off = LINKED.replace('fulfils = "third"', 'fulfils = "third"\nstatus = "cancelled"')
    assert plan_codes(check(cli, write(tmp_path, called_off))) == []


def test_a_fulfilled_plan_is_not_stale(cli, tmp_path):
    assert "stale-plan" in codes(check(cli, write(tmp_path, MINIMAL)))
    assert "stale-plan" not in codes(check(cli, write(tmp_path, LINKED)))


def test_bad_links_report_each_cycle_once_and_leave_chains_alone():
    from geotie.store.rules import bad_links

    links = {"a": "b", "b": "c", "c": "a", "tail": "a", "x": "x", "y": "gone", "ok": "plan"}
    assert bad_links(links, {"a", "b", "c", "tail", "x", "y", "ok", "plan"}) == [
        ("x", "fulfils-itself", "the event fulfils itself ('x')"),
        ("y", "unknown-event", "unknown event 'gone'"),
        ("a", "fulfils-cycle", "the fulfils links go round a cycle: a -> b -> c -> a"),
    ]
    assert bad_links({"b": "a", "a": "b"}, {"a", "b"})[0][2].endswith("a -> b -> a")  # from its first id
    assert bad_links({"e2": "e1", "e3": "e2"}, {"e1", "e2", "e3"}) == []  # a chain of plans is no cycle
