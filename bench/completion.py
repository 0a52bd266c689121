"""What shell completion costs at start-up: an ordinary command as it runs (completion dormant),
the same command with completion built in as Typer would by default (its options on every
command, the store-completing functions attached to every parameter that names something in the
store), and one completion request as a shell makes it, each against `python -c pass`.

    python bench/completion.py [RUNS] [--against DIR]    # default 30 runs of each, interleaved

`--against DIR` adds the ordinary command run from another checkout of geotie (DIR on
PYTHONPATH), e.g. the commit before completion was added, for the cost of the dormant code.

Each run of a command is paired with a run of `python -c pass` just before it (the same
interpreter); the ratio shown is the median of the pairs' ratios. Run it on an installed copy.
"""

import os
import statistics
import subprocess
import sys
import time

PY = sys.executable
ARGS = ["timeline", "pakistan", "azerbaijan", "--format", "tsv"]
ENTRY = "from geotie.cli import main; main()"
#: the same command with completion always on: what `add_completion=True` and attaching the
#: completing functions as the commands are defined would cost
ALWAYS_ON = (
    "import sys\n"
    "from geotie.cli import base, complete\n"
    "base.register(sys.argv[1:])\n"
    "base.app._add_completion = True\n"
    "complete.attach(base.COMPLETED)\n"
    "base.register = lambda argv, environ=None: base.app\n"
    "base.main()\n"
)
CASES = {
    "ordinary command (completion dormant)": ([PY, "-c", ENTRY, *ARGS], {}),
    "the same, completion always on": ([PY, "-c", ALWAYS_ON, *ARGS], {}),
    "a completion request: `geotie who vug<TAB>` (bash)": (
        [PY, "-c", ENTRY],
        {"_GEOTIE_COMPLETE": "complete_bash", "COMP_WORDS": "geotie who vug", "COMP_CWORD": "2"},
    ),
}


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


#: In one process, finer than the noise of whole runs: building the command for `timeline`
#: without and with completion, and importing the completion module.
IN_PROCESS = """
import statistics, sys, time
from typer.main import get_command
from geotie.cli import base
base.register(["timeline"], {})

def build(n=500):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        get_command(base.app)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000

off = build()
base.app._add_completion = True
start = time.perf_counter()
from geotie.cli import complete
imported = (time.perf_counter() - start) * 1000
complete.attach(base.COMPLETED)
print(f"building the timeline command: {off:.2f} ms; with completion on: {build():.2f} ms; "
      f"importing geotie.cli.complete: {imported:.2f} ms (the ordinary command does neither)")
"""


def main() -> None:
    args = sys.argv[1:]
    if "--against" in args:
        where = args.index("--against")
        if where + 1 >= len(args):
            print("bench/completion.py: --against needs a folder", file=sys.stderr)
            sys.exit(2)
        other = os.path.abspath(args[where + 1])
        del args[where : where + 2]
        CASES[f"ordinary command, from {other}"] = ([PY, "-c", ENTRY, *ARGS], {"PYTHONPATH": other})
    if args and args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return
    if len(args) > 1 or (args and not args[0].isdigit()) or (args and int(args[0]) < 1):
        print(f"bench/completion.py: expected [RUNS] [--against DIR], RUNS a whole number >= 1; got {' '.join(args)}",
              file=sys.stderr)  # fmt: skip
        sys.exit(2)
    runs = int(args[0]) if args else 30
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("_GEOTIE", "COMP_"))}
    for cmd, env in CASES.values():  # warm up: the cache is written, files are in memory
        timed(cmd, {**base_env, **env})
    ratios: dict[str, list[float]] = {name: [] for name in CASES}
    times: dict[str, list[float]] = {name: [] for name in CASES}
    passes: list[float] = []
    for _ in range(runs):
        for name, (cmd, env) in CASES.items():
            reference = timed([PY, "-c", "pass"], base_env)
            elapsed = timed(cmd, {**base_env, **env})
            passes.append(reference)
            times[name].append(elapsed)
            ratios[name].append(elapsed / reference)
    print(f"{runs} runs each; `python -c pass`: median {statistics.median(passes) * 1000:.1f} ms")
    for name in CASES:
        ms = statistics.median(times[name]) * 1000
        print(f"{name}: median {ms:.1f} ms, {statistics.median(ratios[name]):.2f}x python -c pass")
    subprocess.run([PY, "-c", IN_PROCESS], check=True)


if __name__ == "__main__":
    main()
