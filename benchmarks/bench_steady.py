"""Steady-state refresh: the second refresh of an inbox, with nothing or one kommun changed.

HR analysts refresh on a schedule and most of the inbox is what it was last time. On a copy of
a warehouse refreshed from the inbox (never the original) this times, each in a fresh process
(process tree: wall, CPU, peak RSS, as bench_scale.py):
  full_again_steps     `run_steps(..., full=True)`: every file read and every partition of the
                       store replaced (the national store's second refresh ran out of memory
                       here at 1GB); it also records what was loaded, for the runs below
  unchanged_steps      `run_steps` with nothing changed: nothing read, nothing published
  unchanged_cli        `chefskartan refresh` with nothing changed (with the Prefect start)
  one_kommun_steps     one kommun's roster rewritten (one employment less): that file read,
                       that kommun checked and built, its files patched into the publication
  one_kommun_cli       the same through the CLI (the roster rewritten again)
Without --inbox it generates an inbox (`--generate`, default the demo) and refreshes it once
first (timed as cold_steps). Usage:
  python benchmarks/bench_steady.py [--generate "--scale 1"]
  python benchmarks/bench_steady.py --inbox /work/national/inbox --warehouse /work/national/wh6
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from bench_scale import timed  # process tree: wall, CPU, peak RSS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KEY = "benchmark-key"
STEPS = """
import sys
from pathlib import Path
from pipelines.refresh import run_steps
results = run_steps(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3].encode(),
                    full=sys.argv[4] == "full")
read = sum(type(r.report).__name__ != "UnchangedReport" for r in results)
print(f"read {read} of {len(results)} files", file=sys.stderr)
"""


def steps_run(inbox: Path, warehouse: Path, full: bool = False) -> dict:
    py = sys.executable
    return timed([py, "-c", STEPS, str(inbox), str(warehouse), KEY, "full" if full else ""])


def cli_run(inbox: Path, warehouse: Path) -> dict:
    env = {**os.environ, "CHEFSKARTAN_PSEUDONYM_KEY": KEY}
    command = ["refresh", "--inbox", str(inbox), "--warehouse", str(warehouse)]
    return timed([sys.executable, "-m", "pipelines.cli", *command], env)


def rewrite_roster(inbox: Path, kommun: str | None) -> str:
    """One kommun's roster with its last employment left out; returns the file's name."""
    from pipelines.manifest import load_manifest

    files = load_manifest(inbox).files
    rosters = [f for f in files if f.source == "hr_roster" and f.path.suffix.lower() == ".csv"]
    roster = next((f for f in rosters if f.kommun_code == kommun), rosters[len(rosters) // 2])
    lines = roster.path.read_bytes().rstrip(b"\r\n").split(b"\n")
    roster.path.write_bytes(b"\n".join(lines[:-1]) + b"\n")
    return f"{roster.name} ({roster.kommun_code})"


def published_version(warehouse: Path) -> str:
    return (warehouse / "published").resolve().name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inbox", type=Path, help="an inbox (copied, never written)")
    parser.add_argument("--warehouse", type=Path, help="a warehouse refreshed from it (copied)")
    parser.add_argument("--generate", default="--scale 1", help="`generate` options, no --inbox")
    parser.add_argument("--kommun", help="the kommun whose roster is rewritten (default: one)")
    parser.add_argument("--skip-full", action="store_true", help="no full_again_steps run")
    args = parser.parse_args()
    runs: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        inbox, warehouse = Path(tmp) / "inbox", Path(tmp) / "warehouse"
        if args.inbox:
            shutil.copytree(args.inbox, inbox)
        else:
            generate = ["generate", "--out", str(inbox), *shlex.split(args.generate)]
            timed([sys.executable, "-m", "pipelines.cli", *generate])
        if args.warehouse:
            shutil.copytree(args.warehouse, warehouse, symlinks=True)
        else:
            runs["cold_steps"] = steps_run(inbox, warehouse)
        if not args.skip_full:
            runs["full_again_steps"] = steps_run(inbox, warehouse, full=True)
        version = published_version(warehouse)
        runs["unchanged_steps"] = steps_run(inbox, warehouse)
        runs["unchanged_cli"] = cli_run(inbox, warehouse)
        if published_version(warehouse) != version:
            sys.exit("an unchanged inbox published a new version")
        changed = rewrite_roster(inbox, args.kommun)
        runs["one_kommun_steps"] = steps_run(inbox, warehouse)
        rewrite_roster(inbox, args.kommun)
        runs["one_kommun_cli"] = cli_run(inbox, warehouse)
        if published_version(warehouse) == version:
            sys.exit("a changed roster published nothing")
    print(f"inbox: {args.inbox or args.generate}; roster rewritten: {changed}")
    print(f"{'run':18} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9}")
    for name, m in runs.items():
        print(f"{name:18} {m['wall_s']:8.1f} {m['cpu_s']:8.1f} {m['peak_mib']:9.0f}")
    print(json.dumps(runs))


if __name__ == "__main__":
    main()
