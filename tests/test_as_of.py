"""--as-of DATE: only what sources surely published by then report, with only their citations."""

import json

import pytest

from geotie.answers import actor_as_of, event_as_of, known_by, known_sources
from geotie.dates import parse_edtf
from geotie.model import Source

# The bundled source 'turkiye-ministers-visit' is dated 2025-05-21?/2025-12? (surely out by 2025-12-31);
# 'strengthens-ties-2025' 2025-01-27?/2025-02-02?; 'fortifying-relations-2016' 2016-11-14?/2016-11-20?.


def ids(result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)]


def test_known_by_takes_the_latest_possible_day():
    vague = Source("s", "t", published=parse_edtf("2025-05-21?/2025-12?"))
    assert not known_by(vague, parse_edtf("2025-11-30").hi)
    assert known_by(vague, parse_edtf("2025-12-31").hi)
    assert not known_by(Source("u", "t"), parse_edtf("2999").hi)  # undated: never surely published
    assert not known_by(Source("o", "t", published=parse_edtf("2020/..")), parse_edtf("2999").hi)  # open end
    assert known_sources([vague, Source("u", "t")], parse_edtf("2026").hi) == {"s"}


@pytest.mark.parametrize(
    ("as_of", "shown"),
    [("2025-03-01", False), ("2025-11-30", False), ("2025-12", True), ("2025-12-31", True), (None, True)],
)
def test_timeline_leaves_out_what_a_vaguely_dated_source_reported_later(cli, as_of, shown):
    args = ["timeline", "pakistan", "turkey", "-f", "json"] + (["--as-of", as_of] if as_of else [])
    events = json.loads(cli(*args).stdout)
    got = {e["id"] for e in events}
    assert ("turkiye-ministers-arrive-islamabad" in got) is shown
    assert "erdogan-visit-to-pakistan-planned" in got  # strengthens-ties-2025: out by early February 2025
    if as_of == "2025-03-01":
        assert all("turkiye-ministers-visit" not in {c["source"] for c in e["citations"]} for e in events)


@pytest.mark.parametrize("fmt", ["table", "tsv", "csv", "md", "json", "html", "timelinejs"])
def test_timeline_as_of_in_every_format(cli, fmt):
    result = cli("timeline", "pakistan", "turkey", "--as-of", "2025-03-01", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    if fmt == "table":  # titles wrap: the heading counts them
        assert "Türkiye: 4 events" in result.stdout
        assert "Türkiye: 12 events" in cli("timeline", "pakistan", "turkey", "-f", "table").stdout
        return
    assert "set to visit Pakistan" in result.stdout  # strengthens-ties-2025
    assert "Güler arrive in Islamabad" not in result.stdout  # turkiye-ministers-visit
    assert "Güler arrive in Islamabad" in cli("timeline", "pakistan", "turkey", "-f", fmt).stdout


def test_event_keeps_only_the_citations_that_existed(cli):
    event = json.loads(cli("event", "azerbaijan-supports-kashmir-stance", "-f", "json", "--as-of", "2021").stdout)
    assert {c["source"] for c in event["citations"]} == {"fortifying-relations-2016", "mutual-benefit-2020"}
    event = json.loads(cli("event", "azerbaijan-supports-kashmir-stance", "-f", "json", "--as-of", "2016-11-20").stdout)
    assert {c["source"] for c in event["citations"]} == {"fortifying-relations-2016"}


def test_event_not_yet_reported_is_an_error(cli):
    result = cli("event", "azerbaijan-supports-kashmir-stance", "--as-of", "2016-11-19")
    assert result.exit_code != 0 and not result.stdout
    assert "no source surely published by 2016-11-19" in result.stderr


def test_source_not_yet_published_is_an_error(cli):
    result = cli("source", "turkiye-ministers-visit", "--as-of", "2025-06")
    assert result.exit_code != 0 and "2025-05-21?/2025-12?" in result.stderr
    assert cli("source", "turkiye-ministers-visit", "--as-of", "2026").exit_code == 0


def test_sources_as_of(cli):
    got = ids(cli("sources", "-f", "json", "--as-of", "2025-03-01"))
    assert "strengthens-ties-2025" in got and "turkiye-ministers-visit" not in got
    assert (
        "azernews-2025-02-23" in got
        and ids(cli("sources", "-f", "json", "--as-of", "2025-02-22")).count("azernews-2025-02-23") == 0
    )


def test_who_as_of_trims_roles_and_events(cli):
    now = json.loads(cli("who", "Shehbaz Sharif", "-f", "json").stdout)
    then = json.loads(cli("who", "Shehbaz Sharif", "-f", "json", "--as-of", "2025-03-01").stdout)
    sources = lambda p: {c["source"] for r in p["roles"] for c in r["citations"]}  # noqa: E731
    assert "turkiye-ministers-visit" in sources(now) and "turkiye-ministers-visit" not in sources(then)
    assert "turkiye-ministers-planned-meetings" in {e["id"] for e in now["events"]}
    assert "turkiye-ministers-planned-meetings" not in {e["id"] for e in then["events"]}
    assert then["events"]


def test_actors_count_only_known_events(cli):
    now = {a["id"]: a["events"] for a in json.loads(cli("actors", "-f", "json").stdout)}
    then = {a["id"]: a["events"] for a in json.loads(cli("actors", "-f", "json", "--as-of", "2016-12").stdout)}
    assert set(now) == set(then)  # every actor is still listed: names are not dated facts
    assert then["hakan-fidan"] == 0 < now["hakan-fidan"]
    assert 0 < then["azerbaijan"] < now["azerbaijan"]


def test_search_as_of(cli):
    now = cli("search", "Güler", "-f", "json")
    then = cli("search", "Güler", "-f", "json", "--as-of", "2025-03-01")
    kinds = lambda r: {h["kind"] for h in json.loads(r.stdout)}  # noqa: E731
    assert "event" in kinds(now) and "event" not in kinds(then)


def test_bad_as_of_date(cli):
    result = cli("timeline", "--as-of", "soon")
    assert result.exit_code == 2 and "--as-of: 'soon' is not a date" in result.stderr


def test_event_and_actor_as_of_keep_what_is_known():
    from conftest import ROOT
    from geotie.store import load_paths

    store = load_paths([ROOT / "data" / "facts.toml"])
    known = known_sources(store.sources.values(), parse_edtf("2025-03-01").hi)
    sharif = actor_as_of(store.actors["shehbaz-sharif"], known)
    assert [c.source for r in sharif.roles for c in r.citations] == ["strengthens-ties-2025", "azernews-2025-02-23"]
    event = store.event_index["turkiye-ministers-arrive-islamabad"]
    assert event_as_of(event, known) is None
    assert event_as_of(event, known | {"turkiye-ministers-visit"}) is event
