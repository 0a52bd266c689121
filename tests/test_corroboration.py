"""Corroboration: independent sources per event, --min-sources."""

import json

import pytest

from geotie.answers import corroboration, publisher_key
from geotie.dates import parse_edtf
from geotie.model import Citation, Event


def event(*sources: str) -> Event:
    return Event("e", parse_edtf("2024"), "T", citations=tuple(Citation(s, "q") for s in sources))


def test_publishers_make_sources_independent():
    pubs = {"a": "Azernews", "b": " Azernews ", "c": "Dawn", "d": "", "e": ""}
    assert corroboration(event("a", "b"), pubs) == 1  # one outlet twice
    assert corroboration(event("a", "c"), pubs) == 2
    assert corroboration(event("d", "e"), pubs) == 2  # no publisher: each source on its own
    assert corroboration(event("d", "d"), pubs) == 1
    assert corroboration(event("a", "zzz"), pubs) == 2  # unknown source: on its own
    assert publisher_key("x", None) == publisher_key("x", "  ") == "source:x"


def test_timeline_json_and_min_sources(cli):
    events = json.loads(cli("timeline", "-f", "json").stdout)
    counts = {e["id"]: e["corroboration"] for e in events}
    assert counts["azerbaijan-supports-kashmir-stance"] == 3 and counts["jf17-block3-delivered"] == 1
    kept = json.loads(cli("timeline", "--min-sources", "2", "-f", "json").stdout)
    assert {e["id"] for e in kept} == {i for i, n in counts.items() if n >= 2}
    assert len(kept) == 3
    limited = json.loads(cli("timeline", "--min-sources", "2", "-n", "1", "-r", "-f", "json").stdout)
    assert [e["id"] for e in limited] == [kept[-1]["id"]]  # the filter comes before the limit


def test_min_sources_counts_only_what_was_out_as_of(cli):
    kept = json.loads(cli("timeline", "--min-sources", "2", "--as-of", "2025-02-10", "-f", "json").stdout)
    assert [e["id"] for e in kept] == ["azerbaijan-supports-kashmir-stance"]  # fortifying 2016 and mutual 2020
    assert kept[0]["corroboration"] == 2


@pytest.mark.parametrize("fmt", ["tsv", "csv", "md", "jsonl"])
def test_min_sources_in_machine_formats(cli, fmt):
    out = cli("timeline", "--min-sources", "3", "-f", fmt).stdout
    assert "azerbaijan-supports-kashmir-stance" in out and "sharif-meets-mustafayev" not in out


def test_event_shows_its_backing(cli):
    assert json.loads(cli("event", "sharif-meets-mustafayev", "-f", "json").stdout)["corroboration"] == 2
    assert "by 1 independent source" in cli("event", "jf17-block3-delivered", "-f", "table").stdout
    assert "Indep" in cli("timeline", "pakistan", "azerbaijan", "-f", "table").stdout


def test_search_min_sources(cli):
    hits = json.loads(cli("search", "kashmir", "-f", "json").stdout)
    assert {h["kind"] for h in hits} >= {"event", "actor"}
    kept = json.loads(cli("search", "kashmir", "--min-sources", "2", "-f", "json").stdout)
    assert kept and {h["id"] for h in kept} == {"azerbaijan-supports-kashmir-stance"}
    assert not json.loads(cli("search", "kashmir", "--min-sources", "2", "--as-of", "2016-12", "-f", "json").stdout)


def test_single_source_lint_is_opt_in(cli):
    plain = cli("check", "--strict")
    assert plain.exit_code == 0 and "single-source" not in plain.stdout
    result = cli("check", "--lint", "single-source", "--strict", "-f", "json")
    assert result.exit_code != 0  # warnings fail with --strict
    problems = [p for p in json.loads(result.stdout) if p["code"] == "single-source"]
    ids = {p["entry"].split("'")[1] for p in problems}
    assert "jf17-block3-delivered" in ids  # defence, Azernews only
    assert "sharif-meets-mustafayev" not in ids  # defence, two independent sources
    assert "erdogan-likens-kashmir-to-turkish-independence-war" not in ids  # not tagged defence
    assert all(p["severity"] == "warning" for p in problems)


def test_unknown_lint_is_a_usage_error(cli):
    result = cli("check", "--lint", "nope")
    assert result.exit_code == 2 and "--lint nope: no such lint; give one of: single-source" in result.stderr
