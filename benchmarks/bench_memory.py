"""Memory timeline of one refresh: every process of the tree's RSS, once a second, with the step.

Runs one cold refresh in a child process, either the plain steps (`--steps`, as bench_refresh.py)
or the CLI as users run it (`chefskartan refresh`, with its temporary Prefect server), with the
refresh's steps wrapped so that each prints its start and end to stderr. A poller reads /proc
every `--interval` seconds and records, per process of the child's tree, its resident memory and
its role (main, prefect server, worker, other). Prints the timeline (one line per sample), the
peak per step and the tree's peak with its breakdown: where and when the memory goes.
With `--marts STORE` it starts from a copy of a loaded store instead (e.g. one whose
disclosure caches are filled): the intermediates as the load's checks compute them, then the
build and the kommun files (the part where the refresh's memory peaks), in minutes not tens.
Usage: python benchmarks/bench_memory.py (--inbox DIR | --marts STORE) --warehouse NEW_DIR [--steps]
       [--interval 1] [--timeline FILE]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench_scale import tree  # RSS per process of a tree and its CPU seconds, from /proc

ROOT = Path(__file__).resolve().parent.parent
KEY = "benchmark-key"
# The child: the refresh's steps wrapped to print `@@ <t> start|end <step>` on stderr, then the
# plain steps or the CLI's refresh (same process layout as `chefskartan refresh`).
WRAPPED = """
import functools, sys, time
from pathlib import Path
import pipelines.refresh as r
import warehouse.build as b
import warehouse.workers as w

def note(what, label):
    print(f"@@ {time.time():.3f} {what} {label}", file=sys.stderr, flush=True)

def wrap(owner, name, label=None):
    inner = getattr(owner, name)
    @functools.wraps(inner)
    def step(*args, **kwargs):
        note("start", label or name)
        try:
            return inner(*args, **kwargs)
        finally:
            note("end", label or name)
    setattr(owner, name, step)
    return step

for name in ("read_changed", "archive_inputs", "load", "load_history", "check_history",
             "record_outcome", "build", "write_kommun_files", "publish", "discard"):
    wrap(r, name)
for name in ("build_marts", "run_check_files"):
    wrap(b, name)
wrap(b.disclosure_pool, "protect", "disclosure")  # the survey and sick-leave steps, together
inner_create = b.create_mart
def create_mart(con, mart, *args, **kwargs):
    note("start", mart.name)
    try:
        return inner_create(con, mart, *args, **kwargs)
    finally:
        note("end", mart.name)
b.create_mart = create_mart
inner_pool = w.process_pool
@functools.wraps(inner_pool)
def process_pool(workers, *args, **kwargs):
    note("start", f"pool({workers})")
    with inner_pool(workers, *args, **kwargs) as pool:
        yield pool
    note("end", f"pool({workers})")
w.process_pool = w.contextmanager(process_pool)
mode, inbox, warehouse = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
full = "--full" in sys.argv
if mode == "marts":  # `inbox` is a loaded store: the load's checks, then the build, from a copy
    import shutil, duckdb
    from warehouse.checks import run_checks
    from warehouse.intermediate import duckdb_config
    warehouse.mkdir(parents=True)
    copy, inter, spill = warehouse / "store.duckdb", warehouse / "inter.duckdb", warehouse / "spill"
    shutil.copyfile(inbox, copy)
    note("start", "check_history")
    con = duckdb.connect(str(copy), config=duckdb_config(spill))
    run_checks(con, [], inter)
    con.close()
    note("end", "check_history")
    b.build_marts(copy, warehouse / "combined.duckdb", intermediate=inter, spill=spill,
                  template=warehouse / "template.duckdb")
    (warehouse / "version").mkdir()
    r.write_kommun_files(warehouse / "combined.duckdb", warehouse / "version", warehouse, None,
                         warehouse / "template.duckdb")
elif mode == "steps":
    r.run_steps(inbox, warehouse, sys.argv[4].encode(), full=full)
else:
    from pipelines.cli import main
    cli = ["refresh", "--inbox", str(inbox), "--warehouse", str(warehouse)]
    sys.exit(main(cli + ["--full"] * full))
"""


def role(pid: int, root: int) -> str:
    if pid == root:
        return "main"
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "gone"
    if "prefect" in cmd or "uvicorn" in cmd:
        return "prefect"
    if "resource_tracker" in cmd:
        return "tracker"
    if "multiprocessing" in cmd:
        return "worker"
    return cmd.split(" ")[0].rsplit("/", 1)[-1] or "other"


class Timeline:
    """Samples (time, step, {pid: (role, MiB)}) and the step stack from the child's notes."""

    def __init__(self, root: int) -> None:
        self.root, self.start = root, time.time()
        self.stack: list[str] = []
        self.samples: list[tuple[float, str, dict[int, tuple[str, float]]]] = []
        self.roles: dict[int, str] = {}
        self.cpu: dict[str, float] = {}  # CPU seconds per step (as sampled)
        self.last_cpu = 0.0

    def note(self, line: str) -> None:
        _, _, what, label = line.split(" ", 3)
        if what == "start":
            self.stack.append(label)
        elif label in self.stack:
            self.stack.remove(label)

    def sample(self) -> None:
        procs = {}
        found, cpu = tree(self.root)
        step = " > ".join(self.stack[-3:]) or "-"
        # a finished worker's CPU leaves the sum until its parent reaps it: never count it twice
        self.cpu[step] = self.cpu.get(step, 0.0) + max(0.0, cpu - self.last_cpu)
        self.last_cpu = max(self.last_cpu, cpu)
        for pid, rss in found.items():
            if pid not in self.roles:
                self.roles[pid] = role(pid, self.root)
            procs[pid] = (self.roles[pid], rss / 2**20)
        self.samples.append((time.time() - self.start, step, procs))


def by_role(procs: dict[int, tuple[str, float]]) -> str:
    totals: dict[str, list[float]] = {}
    for name, mib in procs.values():
        totals.setdefault(name, []).append(mib)
    return "  ".join(
        f"{name}{'×' + str(len(v)) if len(v) > 1 else ''} {sum(v):.0f}"
        for name, v in sorted(totals.items(), key=lambda kv: -sum(kv[1]))
    )


def run(args: argparse.Namespace) -> Timeline:
    mode = "marts" if args.marts else "steps" if args.steps else "cli"
    env = {**os.environ, "CHEFSKARTAN_PSEUDONYM_KEY": KEY}
    source = args.marts or args.inbox
    command = [sys.executable, "-c", WRAPPED, mode, str(source), str(args.warehouse), KEY]
    command += ["--full"] * args.full
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True,
                            stdout=subprocess.DEVNULL)  # fmt: skip
    timeline, done = Timeline(proc.pid), threading.Event()

    def poll() -> None:
        while not done.is_set():
            timeline.sample()
            done.wait(args.interval)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    tail: list[str] = []
    for line in proc.stderr:
        if line.startswith("@@ "):
            timeline.note(line.strip())
        else:
            tail = (tail + [line])[-30:]
    proc.wait()
    done.set()
    poller.join()
    if proc.returncode:
        sys.exit(f"refresh failed ({proc.returncode}):\n{''.join(tail)}")
    return timeline


def report(timeline: Timeline, out) -> None:
    peak_per_step: dict[str, tuple[float, float, str]] = {}
    for t, step, procs in timeline.samples:
        total = sum(mib for _, mib in procs.values())
        print(f"{t:7.1f} {total:6.0f} MiB  {step[:60]:60}  {by_role(procs)}", file=out)
        if total > peak_per_step.get(step, (0.0,))[0]:
            peak_per_step[step] = (total, t, by_role(procs))
    print(f"\n{'step (innermost 3)':60} {'peak MiB':>8} {'at s':>7} {'CPU s':>6}  by role")
    for step, (total, t, roles) in sorted(peak_per_step.items(), key=lambda kv: kv[1][1]):
        cpu = timeline.cpu.get(step, 0.0)
        print(f"{step[:60]:60} {total:8.0f} {t:7.1f} {cpu:6.1f}  {roles}")
    t, step, procs = max(timeline.samples, key=lambda s: sum(m for _, m in s[2].values()))
    total = sum(m for _, m in procs.values())
    print(f"\ntree peak {total:.0f} MiB at {t:.1f} s in {step}: {by_role(procs)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inbox", type=Path)
    parser.add_argument("--marts", type=Path, help="a loaded store: only checks, build, files")
    parser.add_argument(
        "--warehouse",
        type=Path,
        required=True,
        help="a new warehouse folder (or, with --full, one to refresh again)",
    )
    parser.add_argument("--steps", action="store_true", help="plain steps, not the CLI")
    parser.add_argument("--full", action="store_true", help="read and rebuild everything")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between samples")
    parser.add_argument("--timeline", type=Path, help="write the per-sample lines here")
    args = parser.parse_args()
    if not (args.inbox or args.marts):
        parser.error("--inbox or --marts is needed")
    before, start = os.times(), time.perf_counter()
    timeline = run(args)
    wall, after = time.perf_counter() - start, os.times()
    cpu = (
        after.children_user - before.children_user + after.children_system - before.children_system
    )
    with open(args.timeline or os.devnull, "w") as out:
        report(timeline, out)
    print(f"wall {wall:.1f} s, CPU {cpu:.1f} s (tree), load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
