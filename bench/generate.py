"""Deterministic synthetic stores for benchmarks: realistic actors, roles, aliases, tags, mixed
date precisions, citations and quotes.

    python bench/generate.py 100000 OUT_DIR     # writes OUT_DIR/facts.toml

The same count always gives the same bytes. Some plans are carried out by a later event
(`fulfils`). Actor 'pakistan' and 'azerbaijan' exist in every
store, as does the person 'vugar-mustafayev' and the word 'pipeline' in some titles, so the
benchmark can run the same commands at every size.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

try:
    import tomli_w
except ImportError:  # a Python without the project's dependencies
    sys.exit(
        "bench: tomli-w is not installed for this Python; run the benchmark with the Python of geotie's"
        " virtual environment (the one 'pip install .' installed geotie into)"
    )

COUNTRIES = [
    ("pakistan", "Pakistan", ["Islamabad"]),
    ("azerbaijan", "Azerbaijan", ["Azeri", "Baku"]),
    ("turkiye", "Türkiye", ["Turkey", "Turkiye"]),
    ("india", "India", ["New Delhi"]),
    ("china", "China", ["Beijing"]),
    ("russia", "Russia", ["Moscow"]),
    ("iran", "Iran", ["Tehran"]),
    ("armenia", "Armenia", ["Yerevan"]),
    ("georgia", "Georgia", ["Tbilisi"]),
    ("kazakhstan", "Kazakhstan", ["Astana"]),
]
DEMONYMS = {"pakistan": ["Pakistani"], "azerbaijan": ["Azerbaijani"], "turkiye": ["Turkish"], "india": ["Indian"]}
TAGS = ["defence", "trade", "energy", "diplomacy", "culture", "security", "transport", "economy", "education"]
VERBS = ["meets", "visits", "signs a deal with", "talks with", "hosts", "calls", "welcomes", "criticises"]
TOPICS = ["pipeline", "railway", "customs", "jet fighters", "scholarships", "gas", "tariffs", "a summit", "drills"]
FIRST = ["Ali", "Vugar", "Elnur", "Ayesha", "Hakan", "Imran", "Leyla", "Omar", "Sara", "Tariq", "Nigar", "Emre"]
LAST = ["Khan", "Aliyev", "Mammadov", "Demir", "Qureshi", "Hasanov", "Yilmaz", "Malik", "Huseynov", "Kaya"]
TITLES = ["Minister of Defence", "Foreign Minister", "Ambassador", "Deputy Prime Minister", "Trade Envoy"]
WORDS = "the two sides agreed to expand cooperation in energy trade and defence and to meet again soon".split()  # noqa: SIM905


def date_text(rng: random.Random) -> str:
    year = rng.randint(1990, 2025)
    form = rng.random()
    if form < 0.45:
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if form < 0.75:
        return f"{year}-{rng.randint(1, 12):02d}"
    if form < 0.85:
        return f"{year}"
    if form < 0.9:
        return f"{year}~"
    if form < 0.95:
        return f"{year}-{rng.randint(1, 12):02d}?"
    month = rng.randint(1, 12)
    return f"{year}-{month:02d}-21/{year}-{month:02d}-28"


#: PLOVER types given to every 4th event, in turn (no random draw: the other fields stay as they were).
PLOVER_TYPES = ("CONSULT", "AGREE", "COOPERATE", "SUPPORT")


def plover_type(i: int) -> dict:
    """Event i's PLOVER type (a quarter of the events), CONSULT with mode visit every other time."""
    if i % 4:
        return {}
    kind = PLOVER_TYPES[i // 4 % len(PLOVER_TYPES)]
    return {"type": kind, **({"mode": "visit"} if kind == "CONSULT" and i % 32 == 0 else {})}


def build(n_events: int, seed: int = 20261124) -> dict:
    rng = random.Random(seed)
    n_people = max(20, n_events // 20)
    n_sources = max(5, n_events // 10)
    sources = [
        {
            "id": f"src-{i}",
            "title": f"Report {i} on regional ties",
            "publisher": rng.choice(["Azernews", "Dawn", "Anadolu", "The Diplomat"]),
            "authors": [f"{rng.choice(FIRST)} {rng.choice(LAST)}"],
            "published": f"{rng.randint(1995, 2025)}-{rng.randint(1, 12):02d}",
            "kind": rng.choice(["news", "analysis"]),
        }
        for i in range(n_sources)
    ]
    actors = [
        {"id": i, "name": name, "kind": "country", "aliases": aliases, "demonyms": DEMONYMS.get(i, [])}
        for i, name, aliases in COUNTRIES
    ]
    people = [("vugar-mustafayev", "Vugar Mustafayev", "azerbaijan")]
    for i in range(n_people):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        people.append((f"{first}-{last}-{i}".lower(), f"{first} {last} {i}", rng.choice(COUNTRIES)[0]))
    for n, (pid, name, country) in enumerate(people):
        title = rng.choice(TITLES)  # drawn before the start year, as the other draws keep their order
        start = rng.randint(1995, 2024)
        dates = {"attested": [f"{start}", f"{start + 1}-0{1 + n % 9}"]} if n % 3 else {"start": f"{start}"}
        actors.append(
            {
                "id": pid,
                "name": name,
                "kind": "person",
                "country": country,
                "aliases": [name.replace(" ", "  ")[:0] or name.split()[-1] + " " + name.split()[0]],
                "roles": [
                    {
                        "title": title,
                        "of": country,
                        **dates,
                        "citations": [{"source": rng.choice(sources)["id"], "quote": f"{name}, the official"}],
                    }
                ],
            }
        )
    events = []
    for i in range(n_events):
        a, b = rng.sample(COUNTRIES, 2)
        who = rng.choice(people)
        involved = list(dict.fromkeys([a[0], b[0], who[0], who[2]]))
        title = f"{who[1]} {rng.choice(VERBS)} {b[1]} officials on {rng.choice(TOPICS)}"
        events.append(
            {
                "id": f"event-{i}",
                "date": date_text(rng),
                "title": title,
                "summary": " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + ".",
                "actors": involved,
                **({"implied_actors": [who[2]]} if i % 5 == 0 else {}),
                "tags": rng.sample(TAGS, rng.randint(1, 3)),
                "status": rng.choice(["occurred"] * 8 + ["planned", "reported"]),
                **plover_type(i),
                "outcome": "Not reported.",
                "citations": [
                    {
                        "source": rng.choice(sources)["id"],
                        "quote": f"{who[1]} said the talks with {b[1]} on {rng.choice(TOPICS)} went well",
                    }
                ],
            }
        )
    link_plans(events)
    return {
        "meta": {"schema": 1, "title": f"synthetic store, {n_events} events"},
        "sources": sources,
        "actors": actors,
        "events": events,
    }


def link_plans(events: list[dict]) -> None:
    """Every other plan is carried out by the event seven places on, when that one occurred
    (`fulfils`, written before its citations). No random draw: the other fields stay as they were."""
    for i, e in enumerate(events[:-7]):
        later = events[i + 7]
        if e["status"] == "planned" and i % 2 == 0 and later["status"] == "occurred" and "fulfils" not in later:
            cites = later.pop("citations")
            later["fulfils"] = e["id"]
            later["citations"] = cites


def write(n_events: int, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "facts.toml"
    path.write_text(tomli_w.dumps(build(n_events)), encoding="utf-8")
    return path


def _count(text: str) -> int:
    import argparse

    try:
        n = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be 0 or more")
    return n


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="bench/generate.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("events", type=_count, help="how many events (e.g. 100000 or 100_000)")
    parser.add_argument("out_dir", type=Path, help="the folder to write facts.toml into (made if missing)")
    args = parser.parse_args(argv)
    try:
        print(write(args.events, args.out_dir))
    except OSError as err:
        print(f"bench/generate.py: cannot write {args.out_dir / 'facts.toml'}: {err.strerror or err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
