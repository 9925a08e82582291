"""Disclosure control: cells hidden before and after, and the time it adds to building the marts.

Generates demo exports (seed 1, `--scale S`), loads them once into a store with this checkout,
then builds the published marts from that same store twice, each in a fresh process:
  before  the code at `--before` (default: the commit before warehouse/disclosure existed), taken
          with `git archive` into a temporary folder
  after   this checkout
and reports, per mart, the cells with at least one person that are hidden (before: rows with
is_suppressed / not shown; after: mart_disclosure_report's primary + secondary + group cut), and
the wall and CPU seconds of each build (the difference is the added refresh time). Action-plan
files are left out of the inbox: they do not touch disclosure and a scaled demo may reject them.
Usage: python benchmarks/bench_disclosure.py [--scale 20] [--before REF]
The survey fast path is measured by benchmarks/bench_survey_fast_path.py.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BEFORE = "8c29c10"  # main when issue 9 started: warehouse/anonymity.py and the SQL sick-leave rule
BUILD = """
import resource, sys, time
from pathlib import Path
from warehouse.build import build_marts
start = time.perf_counter()
build_marts(Path(sys.argv[1]), Path(sys.argv[2]))
usage = resource.getrusage(resource.RUSAGE_SELF)
print(time.perf_counter() - start, usage.ru_utime + usage.ru_stime)
"""
HIDDEN_BEFORE = {  # mart -> SQL counting hidden cells with at least one person (old layout)
    "mart_survey_responses": "SELECT count(*) FILTER (WHERE is_suppressed), count(*) "
    "FROM mart_survey_responses",
    "mart_survey_index": "SELECT count(*) FILTER (WHERE is_suppressed), count(*) "
    "FROM mart_survey_index",
    "mart_survey_distribution": "SELECT count(*) FILTER (WHERE h), count(*) FROM (SELECT "
    "bool_or(is_suppressed) AS h FROM mart_survey_distribution GROUP BY kommun_code, "
    "period_date, survey_id, respondent_role, scope_type, scope_id, question_id)",
    "mart_survey_time_use": "SELECT count(*) FILTER (WHERE is_suppressed), count(*) "
    "FROM mart_survey_time_use",
    "mart_sick_leave": "SELECT count(*) FILTER (WHERE NOT is_shown), count(*) FROM mart_sick_leave",
    "mart_span_of_control": "SELECT count(*) FILTER (WHERE sick_leave_pct IS NULL), count(*) "
    "FROM mart_span_of_control",
}
HIDDEN_AFTER = (
    "SELECT mart, sum(cells_primary + cells_secondary + cells_group_cut), "
    "sum(cells - cells_empty) FROM mart_disclosure_report GROUP BY mart"
)


def make_store(tmp: Path, scale: float) -> Path:
    """Demo exports (no action plans) loaded into a store by this checkout; its path."""
    from pipelines.generate import generate_inbox

    inbox, warehouse = tmp / "inbox", tmp / "warehouse"
    generate_inbox(inbox, seed=1, scale=scale)
    manifest = yaml.safe_load((inbox / "manifest.yaml").read_text(encoding="utf-8"))
    manifest["files"] = [
        f for f in manifest["files"] if f["source"] not in ("action_plan", "follow_up")
    ]
    (inbox / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), "utf-8")
    script = (
        "import sys; from pathlib import Path; from pipelines.refresh import run_steps; "
        "run_steps(Path(sys.argv[1]), Path(sys.argv[2]), b'benchmark-key')"
    )
    subprocess.run([sys.executable, "-c", script, str(inbox), str(warehouse)], cwd=ROOT, check=True)
    return warehouse / "store.duckdb"


def timed_build(code: Path, store: Path, out: Path) -> tuple[float, float]:
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(store), str(out)],
        cwd=code,
        check=True,
        capture_output=True,
        text=True,
    )
    wall, cpu = done.stdout.split()[-2:]
    return float(wall), float(cpu)


def hidden(published: Path, queries: dict[str, str] | None) -> dict[str, tuple[int, int]]:
    con = duckdb.connect(str(published), read_only=True)
    try:
        if queries is None:
            return {m: (int(h), int(n)) for m, h, n in con.execute(HIDDEN_AFTER).fetchall()}
        return {m: tuple(int(v) for v in con.execute(q).fetchone()) for m, q in queries.items()}
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--before", default=BEFORE, help="git ref of the old rule")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        store = make_store(tmp, args.scale)
        old = tmp / "before"
        old.mkdir()
        archive = subprocess.run(
            ["git", "archive", args.before], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        start = time.perf_counter()
        before_time = timed_build(old, store, tmp / "before.duckdb")
        after_time = timed_build(ROOT, store, tmp / "after.duckdb")
        before = hidden(tmp / "before.duckdb", HIDDEN_BEFORE)
        after = hidden(tmp / "after.duckdb", None)
        elapsed = time.perf_counter() - start
    print(f"demo data seed 1, scale {args.scale}; before = {args.before}")
    print(f"{'mart':26} {'hidden before':>14} {'hidden after':>13} {'cells (n>0)':>12}")
    for mart in HIDDEN_BEFORE:
        b, a = before.get(mart, (0, 0)), after.get(mart, (0, 0))
        print(f"{mart:26} {b[0]:14} {a[0]:13} {a[1]:12}")
    print(f"build marts: before {before_time[0]:.1f} s wall / {before_time[1]:.1f} s CPU, "
          f"after {after_time[0]:.1f} s wall / {after_time[1]:.1f} s CPU; "
          f"added {after_time[1] - before_time[1]:.1f} s CPU")  # fmt: skip
    print(json.dumps({"before": before, "after": after, "build_before": before_time,
                      "build_after": after_time, "bench_s": elapsed}))  # fmt: skip


if __name__ == "__main__":
    main()
