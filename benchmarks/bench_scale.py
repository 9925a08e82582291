"""Scaling benchmark: refresh steps, `chefskartan refresh` and a bare-DuckDB baseline, per size.

At each size (demo `--scale 1`, mid `--scale 10`, national `--kommuner 290`, small100: 100 kommuner
of at most 300 employments; `--sizes` picks) it
generates the inbox, then times three child processes on it: the refresh's steps without
Prefect (as bench_refresh.py), the CLI refresh as users run it, and benchmarks/baseline_duckdb.py.
It checks the baseline's per-manager figures equal mart_span_of_control's (exits non-zero if
not) and prints wall time, CPU seconds and peak RSS summed over each process tree, and ratios,
then the cost curve: CPU seconds per 100k employments per size and the marginal cost between sizes.
A tree of several kinds of process also shows each kind's CPU seconds: the measured process, its
worker processes and, for the CLI, Prefect's temporary server (2026-12-01, demo: CLI main 15.7,
server 9.3, workers 7.1 s).
`--inboxes DIR` keeps each size's generated inbox in DIR/<size> and reuses it on later runs
(the national inbox takes many minutes to write); its generation is then not timed again.
Usage: python benchmarks/bench_scale.py [--sizes demo,mid,national] [--inboxes DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY = "benchmark-key"
SIZES = {
    "demo": ["--scale", "1"],
    "mid": ["--scale", "10"],
    "national": ["--kommuner", "290"],
    # many small kommuner: per-kommun costs (files, transactions) without a national run
    "small100": ["--kommuner", "100", "--max-employments", "300"],
}
STEPS = """
import sys
from pathlib import Path
from pipelines.refresh import run_steps
run_steps(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3].encode())
"""
BASELINE = """
import sys
from pathlib import Path
sys.path.insert(0, "benchmarks")
from baseline_duckdb import span_figures
per_manager, rollup = span_figures(Path(sys.argv[1]), sys.argv[2].encode())
per_manager.to_parquet(sys.argv[3])
"""
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def tree(root: int, own_cpu: dict[int, float] | None = None) -> tuple[dict[int, int], float]:
    """RSS bytes of root and each descendant, and their CPU seconds (reaped children's
    included), from /proc. `own_cpu`, when given, gets each one's own CPU seconds (no children's)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    ticks: dict[int, tuple[int, int]] = {}  # own, and with reaped children
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * PAGE
            own = int(fields[11]) + int(fields[12])
            ticks[int(entry.name)] = (own, own + int(fields[13]) + int(fields[14]))
        except (OSError, ValueError, IndexError):
            continue
    found, cpu, todo = {}, 0, [root]
    while todo:
        pid = todo.pop()
        if pid in rss:
            found[pid] = rss[pid]
            cpu += ticks[pid][1]
            if own_cpu is not None:
                own_cpu[pid] = ticks[pid][0] / TICKS
        todo += children.get(pid, [])
    return found, cpu / TICKS


def communicate_with_peak(
    proc: subprocess.Popen, roles: dict[str, float] | None = None
) -> tuple[bytes | str, bytes | str, int]:
    """`proc.communicate()`, with the peak resident bytes of its process tree while it ran.

    With `roles`, it is filled with the CPU seconds each kind of process in the tree used, as
    last seen while polling (`role`): the measured process itself, Prefect's temporary server,
    worker processes. A process that ends between two polls loses at most its last 0.2 s.
    """
    peak = 0
    done = threading.Event()
    seen: dict[int, tuple[str, float]] = {}

    def poll() -> None:
        nonlocal peak
        while not done.is_set():
            own: dict[int, float] = {}
            found, _ = tree(proc.pid, own)
            peak = max(peak, sum(found.values()))
            if roles is not None:
                for pid, cpu in own.items():
                    seen[pid] = ((seen.get(pid) or (role(pid, proc.pid),))[0], cpu)
            done.wait(0.2)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    out, err = proc.communicate()
    done.set()
    poller.join()
    if roles is not None:
        for name, cpu in seen.values():
            roles[name] = roles.get(name, 0.0) + cpu
    return out, err, peak


def role(pid: int, root: int) -> str:
    """What a process of the measured tree is, from its command line."""
    if pid == root:
        return "main"
    try:
        command = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return "other"
    if b"uvicorn" in command or (b"prefect" in command and b"server" in command):
        return "prefect_server"
    return "workers" if b"multiprocessing" in command else "other"


def timed(args: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Wall s, CPU s (user + system, children included) and peak RSS MiB of the process tree."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    roles: dict[str, float] = {}
    _, err, peak = communicate_with_peak(proc, roles)
    wall = time.perf_counter() - start
    after = os.times()
    if proc.returncode:
        sys.exit(f"{' '.join(args[:4])} failed ({proc.returncode}):\n{err.decode()[-3000:]}")
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    by_role = {f"cpu_s_{name}": round(seconds, 1) for name, seconds in sorted(roles.items())}
    return {"wall_s": wall, "cpu_s": cpu, "peak_mib": peak / 2**20, **by_role}


def check_equal(warehouse: Path, baseline: Path) -> int:
    """Managers compared; exits when the baseline and mart_span_of_control disagree."""
    import duckdb

    con = duckdb.connect(str(warehouse / "published" / "chefskartan.duckdb"), read_only=True)
    cols = "kommun_code, period_date, manager_id"
    figures = "employees_monthly_paid, employees_hourly, round(fte_monthly_paid, 2)"
    diff = con.sql(f"""
        WITH mart AS (SELECT {cols}, {figures} FROM mart_span_of_control),
             base AS (SELECT {cols}, {figures} FROM read_parquet('{baseline}'))
        (SELECT 'mart only' AS side, * FROM (FROM mart EXCEPT FROM base))
        UNION ALL
        (SELECT 'baseline only', * FROM (FROM base EXCEPT FROM mart))""").fetchall()
    if diff:
        shown = "\n".join(map(str, diff[:20]))
        sys.exit(f"baseline and mart_span_of_control differ in {len(diff)} rows:\n{shown}")
    return con.execute("SELECT count(*) FROM mart_span_of_control").fetchall()[0][0]


def employments(warehouse: Path) -> int:
    import duckdb

    con = duckdb.connect(str(warehouse / "published" / "chefskartan.duckdb"), read_only=True)
    return int(con.execute("SELECT sum(employees_monthly_paid + employees_hourly) "
                       "FROM mart_span_of_control").fetchall()[0][0])  # fmt: skip


def run_size(name: str, work: Path, inboxes: Path | None = None) -> dict:
    py = sys.executable
    inbox = (inboxes or work) / name / "inbox"
    env = {**os.environ, "CHEFSKARTAN_PSEUDONYM_KEY": KEY}
    if (inbox / "manifest.yaml").exists():  # kept from an earlier run (--inboxes)
        gen = {"wall_s": float("nan"), "cpu_s": float("nan"), "peak_mib": float("nan")}
    else:
        gen = timed([py, "-m", "pipelines.cli", "generate", "--out", str(inbox), *SIZES[name]])
    files = len(list(inbox.iterdir())) - 1
    steps = timed([py, "-c", STEPS, str(inbox), str(work / name / "steps"), KEY])
    cli = [py, "-m", "pipelines.cli", "refresh", "--inbox", str(inbox)]
    cli_run = timed([*cli, "--warehouse", str(work / name / "cli")], env)
    parquet = work / name / "baseline.parquet"
    base = timed([py, "-c", BASELINE, str(inbox), KEY, str(parquet)])
    managers = check_equal(work / name / "steps", parquet)
    return {
        "size": name,
        "files": files,
        "staff_per_manager_sum": employments(work / name / "steps"),
        "managers_checked": managers,
        "generate": gen,
        "refresh_steps": steps,
        "cli_refresh": cli_run,
        "baseline_duckdb": base,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="demo,mid,national", help="comma-separated: " + ",".join(SIZES)
    )
    parser.add_argument("--inboxes", type=Path, help="keep and reuse generated inboxes here")
    args = parser.parse_args()
    sizes = args.sizes.split(",")
    if unknown := set(sizes) - set(SIZES):
        parser.error(f"unknown sizes {sorted(unknown)}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in sizes:
            results.append(run_size(name, Path(tmp), args.inboxes))
            print(f"{name}: done", file=sys.stderr)
    header = f"{'size':9} {'run':16} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9} {'÷ baseline':>11}"
    print(header)
    for r in results:
        base = r["baseline_duckdb"]
        print(f"{r['size']:9} files={r['files']} staff_per_manager_sum={r['staff_per_manager_sum']} "
              f"managers={r['managers_checked']} (baseline figures equal the mart's)")  # fmt: skip
        for run in ("generate", "refresh_steps", "cli_refresh", "baseline_duckdb"):
            m = r[run]
            ratio = f"{m['wall_s'] / base['wall_s']:.1f}× / {m['cpu_s'] / base['cpu_s']:.1f}×"
            print(f"{'':9} {run:16} {m['wall_s']:8.1f} {m['cpu_s']:8.1f} {m['peak_mib']:9.0f} "
                  f"{ratio:>11}")  # fmt: skip
            parts = [
                f"{k.removeprefix('cpu_s_')} {v:.1f}"
                for k, v in m.items()
                if k.startswith("cpu_s_")
            ]
            if len(parts) > 1:  # where a tree's CPU went: e.g. the CLI's Prefect server
                print(f"{'':26} CPU s by process: {', '.join(parts)}")
    print_curve(results)
    print(json.dumps(results))


def print_curve(results: list[dict]) -> None:
    """Item 3's curve: CPU seconds per 100k employments at each size, and the marginal cost from
    the size before (ΔCPU / Δemployments): flat columns mean cost linear in employments."""
    print(f"{'curve':9} {'employments':>11} {'run':16} {'CPU s/100k':>10} {'marginal':>9}")
    ordered = sorted(results, key=lambda r: r["staff_per_manager_sum"])
    for run in ("refresh_steps", "cli_refresh", "baseline_duckdb"):
        before = None
        for r in ordered:
            n, cpu = r["staff_per_manager_sum"], r[run]["cpu_s"]
            step = "" if before is None else f"{(cpu - before[1]) / (n - before[0]) * 1e5:9.1f}"
            print(f"{r['size']:9} {n:11d} {run:16} {cpu / n * 1e5:10.1f} {step:>9}")
            before = (n, cpu) if n > (before or (0,))[0] else before


if __name__ == "__main__":
    main()
