"""Refresh benchmark on the demo data: time and peak memory, as a ratio to plain file reading.

Same data (seed 1, scale 1), same machine, one run: the baseline only reads the exports with the
project's reader, the refresh does everything (validate, pseudonymise, load, build, publish).
With --steps it instead breaks one refresh down by step: wall and CPU seconds and peak RSS of
each (extract, load with its history load and checks, disclosure, marts, kommun files, publish),
on the demo or on any inbox (--inbox, e.g. one written by `generate --kommuner 100`).
With --marts STORE it builds the published files from a copy of a loaded store instead (the
part after the load: intermediates, disclosure, each mart, kommun files), e.g. from a copy of a
national store whose disclosure caches are filled, so that the marts are reached quickly.
Usage: python benchmarks/bench_refresh.py [--repeat 3] [--with-prefect] [--steps [--inbox DIR]]
       [--marts STORE]
Measured 2026-12-01 (demo, cold; cced5e3 -> one extraction worker beside the process, the
disclosure steps on two shared workers; a shared 2-core machine at load 4.5-5, the benchmark's
session given priority (autogroup nice -20), so wall still varies by ~20 %; the same rows
published): --steps total 8.7-10.8 -> 8.0-9.4 s wall (extract 2.3-3.3 -> 1.6-1.9, surveys
1.5-1.6 -> 1.2, sick leave 2.0-2.7 -> 1.2-1.4, load and marts unchanged); CPU 10.6 s in one
process -> 5.3-5.9 s in it plus 6.0-7.0 s in its workers. Default run: refresh_steps median
9.43 -> 8.61 s, 22.8 -> 19.9 x the read-only baseline.
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


# The disclosure steps' timer, for both scripts below: one timer around pool.protect (the steps
# run together on one pool since 2026-12-01), or one per step on older code (--before REF).
DISCLOSURE_TIMER = """
def time_disclosure(indent):
    pool = getattr(b, "disclosure_pool", None)
    if hasattr(pool, "protect"):
        timed(pool, "protect", indent + "disclosure (surveys + sick leave)")
        return
    class Disclosure:
        pass
    for f in b.PYTHON_STEPS:
        setattr(Disclosure, f.__name__, staticmethod(f))
    b.PYTHON_STEPS = tuple(timed(Disclosure, f.__name__, indent + f.__name__)
                           for f in b.PYTHON_STEPS)
"""
STEPS_SCRIPT = (
    """
import functools, os, resource, sys, threading, time
from pathlib import Path
import pipelines.refresh as r
import warehouse.build as b
import warehouse.intermediate as wi
try:
    import pipelines.stage as stage  # where extraction lives since 2026-12-01
except ImportError:
    stage = r

page = os.sysconf("SC_PAGE_SIZE")
rss = lambda: int(open("/proc/self/statm").read().split()[1]) * page / 2**20
times, peak = {}, [0.0]

def sample():
    while True:
        peak[0] = max(peak[0], rss())
        time.sleep(0.05)

def timed(owner, name, label):
    inner = getattr(owner, name)
    @functools.wraps(inner)
    def step(*args, **kwargs):
        outer, peak[0] = peak[0], rss()
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            t = times.setdefault(label, [0.0, 0.0, 0.0])
            t[0] += time.perf_counter() - start
            t[1] += time.process_time() - cpu
            t[2] = max(t[2], peak[0])
            peak[0] = max(outer, peak[0])
    setattr(owner, name, step)
    return step

threading.Thread(target=sample, daemon=True).start()
for name in ("extract_all", "read_changed", "load", "build", "publish", "discard"):
    timed(r, name, name)
timed(stage, "extract_and_stage", "  extract_and_stage (this process)")
for name in ("load_history", "check_history", "write_kommun_files"):
    timed(r, name, "  " + name)
timed(wi, "run_intermediate", "    run_intermediate")
timed(b, "create_mart", f"    create_mart ({len(b.MARTS)} marts)")
"""
    + DISCLOSURE_TIMER
    + """
time_disclosure("    ")
timed(r.builder, "build_marts", "  build_marts")
start, cpu = time.perf_counter(), time.process_time()
r.run_steps(Path(sys.argv[1]), Path(sys.argv[2]), b"benchmark-key")
times["total (without imports)"] = [time.perf_counter() - start, time.process_time() - cpu, peak[0]]
print(f"{'step':32} {'wall s':>7} {'CPU s':>7} {'peak MiB':>9}")
for label, (wall, cpu_s, top) in times.items():
    print(f"{label:32} {wall:7.2f} {cpu_s:7.2f} {top:9.0f}")
workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # every pool is shut down (waited) by now
print(f"{'worker processes (CPU)':32} {'':7} {workers.ru_utime + workers.ru_stime:7.2f}")
"""
)


MARTS_SCRIPT = (
    """
import functools, shutil, sys, time
from pathlib import Path
import warehouse.build as b
import warehouse.kommun_files as kf

store, work = Path(sys.argv[1]), Path(sys.argv[2])
copy = work / "store.duckdb"
shutil.copyfile(store, copy)
times = {}

def timed(owner, name, label=None):
    inner = getattr(owner, name)
    @functools.wraps(inner)
    def step(*args, **kwargs):
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            t = times.setdefault(label or "    " + args[1].name, [0.0, 0.0])
            t[0] += time.perf_counter() - start
            t[1] += time.process_time() - cpu
    setattr(owner, name, step)
    return step

timed(b, "create_mart")
timed(b, "run_intermediate", "  run_intermediate")
"""
    + DISCLOSURE_TIMER
    + """
time_disclosure("  ")
timed(b, "build_marts", "build_marts")
timed(kf, "write_kommun_files", "write_kommun_files")
template = work / kf.TEMPLATE_NAME
b.build_marts(copy, work / "combined.duckdb", spill=work / "spill", template=template)
(work / "version").mkdir()
kf.write_kommun_files(work / "combined.duckdb", work / "version", work, None)
print(f"{'step':32} {'wall s':>7} {'CPU s':>7}")
for label, (wall, cpu_s) in times.items():
    print(f"{label:32} {wall:7.2f} {cpu_s:7.2f}")
"""
)


def marts_breakdown(store: Path, work: Path) -> None:
    """The build from a copy of a loaded store: disclosure, each mart and the kommun files."""
    done = subprocess.run(
        [sys.executable, "-c", MARTS_SCRIPT, str(store), str(work)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    print(done.stdout, end="")


def steps_breakdown(inbox: Path, work: Path) -> None:
    """One refresh without Prefect, step by step (CPU includes DuckDB's threads, not the
    worker processes': read_changed is every file's extraction, this process's and a worker's)."""
    done = subprocess.run(
        [sys.executable, "-c", STEPS_SCRIPT, str(inbox), str(work / "steps")],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    print(
        "".join(line for line in done.stdout.splitlines(True) if "▕" not in line), end=""
    )  # no progress bars


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
    parser.add_argument("--steps", action="store_true", help="one refresh, step by step")
    parser.add_argument("--inbox", type=Path, help="with --steps: this inbox instead of the demo")
    parser.add_argument("--marts", type=Path, help="build the marts from a copy of this store")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.marts:
            return marts_breakdown(args.marts.resolve(), work)
        inbox = work / "inbox"
        if args.steps and args.inbox:
            return steps_breakdown(args.inbox.resolve(), work)
        subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "generate", "--out", str(inbox), "--seed", "1"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        if args.steps:
            return steps_breakdown(inbox, work)
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
