"""Survey fast path: time from a new in-room survey export in the inbox to the published file.

On the demo data (seed 1, three kommuner, HR + four surveys each) the warehouse is refreshed once;
then a new export of Burlöv's in-room survey (more responses) lands in the inbox and we time, each
in a fresh process as an analyst or a scheduled run would start it:
  fast_path_steps      `run_steps(..., only=FILE)`: no Prefect (the plain steps)
  fast_path_cli        `chefskartan refresh --only FILE`: the flow, incl. the temporary Prefect
                       server it starts (the "with server start" number)
  full_refresh_steps   every file again (`full`: an ordinary refresh would read only the new
                       export, unchanged files are not read again), no Prefect
The clock runs from the moment the new export is written until the process has swapped in the new
published file (checked: its inode changed and the new response count is in it).
`--scale N` multiplies the HR data (the survey stays one kommun's managers): the fast path's time
should not grow with it. `--inbox DIR --warehouse DIR` instead copies an inbox and a warehouse
refreshed from it before (e.g. `generate --kommuner 290`, which writes Burlöv as the demo does)
and times the fast path there, without the full refresh (minutes at national scale).
Usage: python benchmarks/bench_survey_fast_path.py [--repeat 3] [--scale 1]
       python benchmarks/bench_survey_fast_path.py --inbox /work/national/inbox \
           --warehouse /work/national/wh3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from bench_scale import timed  # process tree: wall, CPU, peak RSS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KEY = "benchmark-key"
ROOM_FILE = "Utforska Burlöv(1-40).xlsx"
STEPS = """
import sys
from pathlib import Path
from pipelines.refresh import run_steps
only = sys.argv[3] or None
run_steps(Path(sys.argv[1]), Path(sys.argv[2]), b"benchmark-key", only, full=only is None)
"""


def new_room_export(inbox: Path, round_no: int, scale: float = 1.0) -> None:
    """Rewrite the in-room export as if more people had answered (a different seed)."""
    from pipelines.generate import build_kommun
    from pipelines.generate.survey_writers import SURVEY_WRITERS
    from pipelines.generate.surveys import managers, survey_responses
    from schemas.questionnaire import builtin

    demo = build_kommun("1231", seed=1, scale=scale)
    staff = managers(demo.units, demo.employments)
    responses = survey_responses("1231", 100 + round_no, "rummet", False, staff)
    _, writer = SURVEY_WRITERS["msforms_sv"]
    writer(inbox / ROOM_FILE, builtin("rummet"), responses, "room")


def room_count(published: Path) -> int:
    con = duckdb.connect(str(published), read_only=True)
    try:
        return con.execute(
            "SELECT respondents FROM mart_survey_responses WHERE kommun_code = '1231' "
            "AND survey_id = 'rummet' AND scope_type = 'kommun'"
        ).fetchone()[0]
    finally:
        con.close()


def timed_round(
    command: list[str], inbox: Path, published: Path, round_no: int, scale: float
) -> tuple[float, float]:
    """(seconds from the new export to the swapped-in file, peak RSS MiB of the process tree)."""
    env = {
        **os.environ,
        "CHEFSKARTAN_PSEUDONYM_KEY": KEY,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    before = published.stat().st_ino
    start = time.perf_counter()
    new_room_export(inbox, round_no, scale)
    peak = timed(command, env)["peak_mib"]
    elapsed = time.perf_counter() - start
    assert published.stat().st_ino != before, "the published file was not replaced"
    return elapsed, peak


def prepared(tmp: Path, args: argparse.Namespace) -> tuple[Path, Path, str]:
    """(inbox, warehouse, what they are): the demo refreshed once here, or copies of given ones."""
    inbox, warehouse = tmp / "inbox", tmp / "warehouse"
    if args.inbox:
        shutil.copytree(args.inbox, inbox)
        shutil.copytree(args.warehouse, warehouse, symlinks=True)
        return inbox, warehouse, f"copies of {args.inbox} and {args.warehouse}"
    from pipelines.generate import generate_inbox

    generate_inbox(inbox, seed=1, scale=args.scale)
    subprocess.run(
        [*steps_command(inbox, warehouse), ""], cwd=ROOT, check=True, capture_output=True
    )
    return inbox, warehouse, f"demo data seed 1, scale {args.scale}"


def steps_command(inbox: Path, warehouse: Path) -> list[str]:
    return [sys.executable, "-c", STEPS, str(inbox), str(warehouse)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the HR data")
    parser.add_argument("--inbox", type=Path, help="an inbox refreshed before into --warehouse")
    parser.add_argument("--warehouse", type=Path, help="with --inbox: that warehouse")
    args = parser.parse_args()
    if bool(args.inbox) != bool(args.warehouse):
        parser.error("--inbox and --warehouse go together")
    with tempfile.TemporaryDirectory() as tmp:
        inbox, warehouse, what = prepared(Path(tmp), args)
        steps = steps_command(inbox, warehouse)
        published = warehouse / "published" / "chefskartan.duckdb"
        cli = [sys.executable, "-m", "pipelines.cli", "refresh", "--inbox", str(inbox),
               "--warehouse", str(warehouse), "--only", ROOM_FILE]  # fmt: skip
        runs = {"fast_path_steps": [*steps, ROOM_FILE], "fast_path_cli": cli}
        if not args.inbox:  # a full refresh of a given (national) inbox takes minutes
            runs["full_refresh_steps"] = [*steps, ""]
        results: dict[str, dict[str, float]] = {}
        round_no = 0
        for name, command in runs.items():
            times, peaks = [], []
            for _ in range(args.repeat):
                round_no += 1
                seconds, peak = timed_round(command, inbox, published, round_no, args.scale)
                times.append(seconds)
                peaks.append(peak)
            results[name] = {
                "median_s": statistics.median(times),
                "min_s": min(times),
                "peak_rss_mib": max(peaks),
            }
        respondents = room_count(published)
    print(f"{what}; in-room survey {ROOM_FILE}: {respondents} respondents; repeat={args.repeat}")
    print(f"{'run':22} {'median s':>9} {'min s':>7} {'peak MiB':>9}")
    for name, r in results.items():
        print(f"{name:22} {r['median_s']:9.2f} {r['min_s']:7.2f} {r['peak_rss_mib']:9.0f}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
