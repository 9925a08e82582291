"""Refresh benchmark on the demo data: time and peak memory, as a ratio to plain file reading.

Same data (seed 1, scale 1), same machine, one run: the baseline only reads the exports with the
project's reader, the refresh does everything (validate, pseudonymise, load, build, publish).
Usage: python benchmarks/bench_refresh.py [--repeat 3] [--with-prefect]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEP_SCRIPT = """
import sys, time
from pathlib import Path
from pipelines.extract.files import read_table
from pipelines.manifest import load_manifest
from pipelines.refresh import run_steps
inbox, warehouse, what = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
start = time.perf_counter()
if what == "read":
    for entry in load_manifest(inbox).files:
        read_table(entry.path)
else:
    run_steps(inbox, warehouse, b"benchmark-key")
print(time.perf_counter() - start)
"""


def timed_child(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB of that child, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024, done.stdout


def measure(inbox: Path, work: Path, what: str, repeat: int) -> dict[str, float]:
    walls, inner, peaks = [], [], []
    for i in range(repeat):
        warehouse = work / f"{what}-{i}"
        wall, peak, out = timed_child(
            [sys.executable, "-c", STEP_SCRIPT, str(inbox), str(warehouse), what]
        )
        walls.append(wall)
        inner.append(float(out.strip().splitlines()[-1]))
        peaks.append(peak)
    return {
        "median_s": statistics.median(inner),
        "process_s": statistics.median(walls),
        "peak_rss_mib": max(peaks),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--with-prefect",
        action="store_true",
        help="also time `chefskartan refresh` (flow run incl. temporary server)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inbox = work / "inbox"
        subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "generate", "--out", str(inbox), "--seed", "1"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        rows = sum(max(0, len(p.read_bytes().splitlines()) - 1) for p in inbox.glob("*.csv"))
        results = {
            "read_only_baseline": measure(inbox, work, "read", args.repeat),
            "refresh_steps": measure(inbox, work, "refresh", args.repeat),
        }
        if args.with_prefect:
            env = {**os.environ, "CHEFSKARTAN_PSEUDONYM_KEY": "benchmark-key"}
            wall, peak, _ = timed_child(
                [
                    sys.executable,
                    "-m",
                    "pipelines.cli",
                    "refresh",
                    "--inbox",
                    str(inbox),
                    "--warehouse",
                    str(work / "cli"),
                ],
                env,
            )
            results["cli_refresh_with_prefect"] = {
                "median_s": wall,
                "process_s": wall,
                "peak_rss_mib": peak,
            }
    base = results["read_only_baseline"]["median_s"]
    print(f"demo data: 3 kommuner, {rows} CSV rows + XLSX; repeat={args.repeat}")
    print(f"{'run':28} {'median s':>9} {'process s':>10} {'peak MiB':>9} {'x baseline':>11}")
    for name, r in results.items():
        print(
            f"{name:28} {r['median_s']:9.2f} {r['process_s']:10.2f} {r['peak_rss_mib']:9.0f} "
            f"{r['median_s'] / base:11.1f}"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
