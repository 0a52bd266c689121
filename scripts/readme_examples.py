"""Keep the README's tour true: re-run each `$ geotie ...` example and compare or refresh.

    python scripts/readme_examples.py          # list examples whose output drifted (exit 1 if any)
    python scripts/readme_examples.py --write  # refresh them in README.md

An example is a ```text block whose first line is `$ geotie ...`. Without --format and
without a pipe it is run with --format table (the README shows a terminal), at 100 columns,
with no colour. `| cat` and `| head -N` are honoured; a last line `...` means the block shows
only the start of the output. Examples on made-up files (bad.toml, my-notes.toml), the
write commands and `check` (tests/test_newcomer.py runs its README example) are skipped.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"```text\n(\$ geotie [^\n]*)\n(.*?)```", re.S)
SEEDS = ROOT.parent / "shared" / "seeds"
SKIP = ("bad.toml", "my-notes.toml", "geotie add", " check ")


def run(command: str) -> str:
    line = command[2:].split("  #")[0].strip()
    head = None
    if "|" in line:
        line, pipe = (part.strip() for part in line.split("|", 1))
        m = re.fullmatch(r"head -(\d+)", pipe)
        head = int(m.group(1)) if m else None
    args = shlex.split(line)[1:]
    if "|" not in command and not any(a in ("-f", "--format") or a.startswith("--format=") for a in args):
        args += ["--format", "table"]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "XDG_DATA_HOME": tmp,
               "XDG_CACHE_HOME": tmp, "GEOTIE_DATA": "", "GEOTIE_STORE": ""}  # fmt: skip
        done = subprocess.run(
            [sys.executable, "-m", "geotie", *args], capture_output=True, text=True, env=env, cwd=ROOT
        )
    out = "\n".join(s.rstrip() for s in (done.stdout + done.stderr).split("\n")).rstrip("\n")
    return "\n".join(out.split("\n")[:head]) if head else out


def examples(text: str):
    for m in BLOCK.finditer(text):
        command, shown = m.group(1), m.group(2).rstrip("\n")
        if any(s in command for s in SKIP):
            continue
        if "../shared/seeds" in command and not SEEDS.is_dir():  # the articles are not shipped
            continue
        yield m, command, shown


def drift(shown: str, actual: str) -> bool:
    if shown.endswith("\n...") or shown == "...":
        return not actual.startswith(shown[: -len("...")].rstrip("\n"))
    return shown != actual


def main() -> int:
    text = README.read_text(encoding="utf-8")
    stale = []
    for m, command, shown in examples(text):
        actual = run(command)
        if drift(shown, actual):
            stale.append((m, command, shown, actual))
    if "--write" in sys.argv:
        for m, _command, shown, actual in reversed(stale):
            keep_tail = "\n..." if shown.endswith("\n...") else ""
            body = actual if not keep_tail else "\n".join(actual.split("\n")[: shown.count("\n")])
            text = text[: m.start(2)] + body + keep_tail + "\n" + text[m.end(2) :]
        README.write_text(text, encoding="utf-8")
    for _, command, _, _ in stale:
        print(f"drifted: {command}")
    return 1 if stale and "--write" not in sys.argv else 0


if __name__ == "__main__":
    raise SystemExit(main())
