"""A minimal Typer app, for reference in the benchmark: it reads the bundled store with
tomllib and prints the events of two actors as TSV, or with --table as a Rich table. It is
what any Typer (and Rich) CLI doing this job costs, before any of geotie's own work."""

import sys
import tomllib
from pathlib import Path

import typer

app = typer.Typer(add_completion=False)


@app.command()
def timeline(a: str, b: str, store: Path, table: bool = False) -> None:
    with store.open("rb") as f:
        events = [e for e in tomllib.load(f)["events"] if a in e.get("actors", []) and b in e.get("actors", [])]
    if table:
        from rich.console import Console
        from rich.table import Table

        grid = Table("When", "Event", "Actors", "Sources")
        for e in events:
            grid.add_row(e["date"], e["title"], ", ".join(e["actors"]), ", ".join(c["source"] for c in e["citations"]))
        Console().print(grid)
        return
    for e in events:
        sys.stdout.write(f"{e['date']}\t{e['id']}\t{e['title']}\n")


if __name__ == "__main__":
    app()
