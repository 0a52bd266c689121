"""The curated store: valid, quotes verbatim in their sources, and a dozen spot checks."""

import json
import tomllib

import pytest

from conftest import ROOT, SEEDS
from geotie.store import bundled_store, load
from geotie.text import quote_in

STORE = tomllib.loads((ROOT / "data" / "facts.toml").read_text(encoding="utf-8"))


def test_loads_with_no_errors_and_no_warnings():
    store = load()
    assert store.warnings == ()
    assert len(store.events) >= 40 and len(store.sources) == 5
    assert bundled_store().name == "facts.toml"


def all_citations():
    for e in STORE["events"]:
        for c in e["citations"]:
            yield e["id"], c
    for a in STORE["actors"]:
        for r in a.get("roles", []):
            for c in r.get("citations", []):
                yield a["id"], c


def test_quotes_are_short():
    for where, c in all_citations():
        assert len(c["quote"]) <= 320, where


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the checkout")
def test_every_quote_is_verbatim_in_its_source():
    texts = {s["id"]: (SEEDS / s["archive"]).read_text(encoding="utf-8") for s in STORE["sources"]}
    missing = [(where, c["quote"]) for where, c in all_citations() if not quote_in(c["quote"], texts[c["source"]])]
    assert missing == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the checkout")
def test_every_source_names_its_archived_file():
    for s in STORE["sources"]:
        assert (SEEDS / s["archive"]).is_file()


def test_quote_matching_tolerates_spacing_and_quote_marks_only():
    text = "Azerbaijan’s  President said “yes”."
    assert quote_in('Azerbaijan\'s President said "yes"', text)
    assert not quote_in("Azerbaijan's President said no", text)


def events(cli, *args):
    return {e["id"]: e for e in json.loads(cli("timeline", *args, "-f", "json").stdout)}


def test_bilateral_story_from_1991_to_the_planned_visit(cli):
    story = list(events(cli, "pakistan", "azerbaijan").values())
    assert story[0]["id"] == "pakistan-recognizes-azerbaijan" and story[0]["date"] == "1991"
    # Events known only to have happened "by" a date (open start) sort at that end, so the story's
    # last row may be one of those; the latest event to begin is the planned visit.
    latest = max((e for e in story if e["start"]), key=lambda e: e["start"])
    assert latest["id"] == "sharif-visit-to-azerbaijan-announced" and latest["status"] == "planned"
    assert latest["start"] == "2025-02-01"


def test_spot_checks(cli):
    pa = events(cli, "pakistan", "azerbaijan")
    assert pa["jf17-block3-delivered"]["display_date"] == "late Sep 2024"
    assert pa["preferential-trade-agreement"]["date"] == "2024-07"
    assert pa["malik-visits-socar"]["date"] == "2025-01-18" and "socar" in pa["malik-visits-socar"]["actors"]
    assert pa["political-consultations-round-4"]["date"] == "2025-01-23/2025-01-24"
    assert pa["sharif-meets-mustafayev"]["uncertain"] is True
    assert pa["defence-production-sales-agreements"]["status"] == "reported"
    assert pa["azerbaijan-delegation-karachi-defence-expo"]["status"] == "planned"
    assert pa["nawaz-sharif-first-visit-to-azerbaijan"]["date"] == "2016-10"
    assert "china" in pa["baku-interest-in-jf17"]["actors"]
    assert {c["source"] for c in pa["azerbaijani-delegation-visits-pakistan"]["citations"]} == {
        "strengthens-ties-2025",
        "azernews-2025-02-23",
    }
    pt = events(cli, "pakistan", "turkey")
    assert pt["erdogan-visit-to-pakistan-planned"]["status"] == "planned"
    assert pt["turkiye-arms-exports-to-pakistan-2023"]["date"] == "2023"
    assert "turkiye-ministers-arrive-islamabad" in pt
    history = events(cli, "humayun")
    assert history["humayun-letter-to-suleiman"]["display_date"] == "1500s"


def test_vugar_mustafayev_profile(cli):
    p = json.loads(cli("who", "Vugar Mustafayev", "-f", "json").stdout)
    assert p["roles"][0]["title"] == "Minister of Defence Industry"
    assert {e["start"][:7] for e in p["events"]} == {"2025-01"}
    assert "sharif-meets-mustafayev" in {e["id"] for e in p["events"]}


@pytest.mark.parametrize(
    ("spelling", "actor"),
    [
        ("ErdoÄŸan", "recep-tayyip-erdogan"),
        ("Racep Tayyip Erdogan", "recep-tayyip-erdogan"),
        ("Turkiye", "turkiye"),
        ("Türkiye", "turkiye"),
        ("Turkey", "turkiye"),
        ("Garabagh", "nagorno-karabakh"),
        ("Karabakh", "nagorno-karabakh"),
        ("Mushshaq", "mushshak"),
        ("Mushshak", "mushshak"),
        ("Azeri", "azerbaijan"),
        ("Azerbaijani", "azerbaijan"),
        ("Guntur JF-17", "jf-17"),
    ],
)
def test_every_spelling_finds_its_actor(cli, spelling, actor):
    assert json.loads(cli("who", spelling, "-f", "json").stdout)["id"] == actor
