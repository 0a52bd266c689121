"""A minimal Typer app, for reference in the benchmark: it reads the bundled store with
tomllib and prints the events of two actors as TSV. It is what any Typer CLI doing this job
costs at start-up, before any of geotie's own work."""

import sys
import tomllib
from pathlib import Path

import typer

app = typer.Typer(add_completion=False)


@app.command()
def timeline(a: str, b: str, store: Path) -> None:
    with store.open("rb") as f:
        events = tomllib.load(f)["events"]
    for e in events:
        if a in e.get("actors", []) and b in e.get("actors", []):
            sys.stdout.write(f"{e['date']}\t{e['id']}\t{e['title']}\n")


if __name__ == "__main__":
    app()
