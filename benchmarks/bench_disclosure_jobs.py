"""Disclosure rules alone: record every job of a cold build once, replay them with any code.

The rules (survey_rule.protect_tables, sick_leave_rule.protect_job) are pure functions of their
jobs, so a change to them can be timed and checked without a whole build:
  record  builds from a copy of `--store` (cold, first publication: bench_disclosure.cold_store)
          in one process with this checkout and pickles each step's jobs with their results
          into DIR (national: ~470 MB, ~10 min);
  replay  runs every recorded job with this checkout, or with the code at `--before REF`, in a
          process of its own, and prints each step's CPU and how many results differ from the
          recorded ones (0: the same rows as the recording code).
Usage: python benchmarks/bench_disclosure_jobs.py record --store S DIR
       python benchmarks/bench_disclosure_jobs.py replay DIR [--before REF] [--step survey_rule]
Measured 2026-12-01: see bench_disclosure.py (the national numbers of both rules).
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = {"survey_rule": "protect_tables", "sick_leave_rule": "protect_job"}


def record(store: Path, into: Path) -> None:
    """Build cold from a copy of `store` in one process, pickling each step's jobs and results."""
    sys.path.insert(0, str(ROOT))
    os.environ["CHEFSKARTAN_DISCLOSURE_WORKERS"] = "1"
    from bench_disclosure import cold_store

    import warehouse.build as build
    import warehouse.disclosure.pool as pool

    into.mkdir(parents=True, exist_ok=True)
    run = pool.run

    def recording(count, work, jobs):
        done = []
        for job, result in run(1, work, jobs):
            done.append((job, result))
            yield job, result
        with open(into / f"{work.__module__.rsplit('.', 1)[-1]}.pkl", "wb") as file:
            pickle.dump(done, file, protocol=5)

    pool.run = recording
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "store.duckdb"
        shutil.copyfile(store, copy)
        cold_store(copy, True)
        build.build_marts(copy, Path(tmp) / "published.duckdb")


def replay(into: Path, step: str) -> None:
    """Each recorded job of `step` with the code in the working folder: CPU, results differing."""
    sys.path.insert(0, os.getcwd())
    module = __import__(f"warehouse.disclosure.{step}", fromlist=[STEPS[step]])
    work = getattr(module, STEPS[step])
    with open(into / f"{step}.pkl", "rb") as file:
        jobs = pickle.load(file)
    start = time.process_time()
    differ = sum(work(*job) != result for job, result in jobs)
    print(f"{step}: {len(jobs)} jobs, {time.process_time() - start:.1f} s CPU, {differ} differ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["record", "replay", "_replay"])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--before", help="git ref whose rules replay the jobs")
    parser.add_argument("--step", choices=list(STEPS), action="append")
    args = parser.parse_args()
    if args.action == "record":
        record(args.store, args.dir)
    elif args.action == "_replay":  # in the code's folder, a process of its own
        for step in args.step:
            replay(args.dir.resolve(), step)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            code = ROOT
            if args.before:
                code = Path(tmp)
                archive = subprocess.run(
                    ["git", "archive", args.before], cwd=ROOT, check=True, capture_output=True
                )
                subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
            steps = [f"--step={s}" for s in args.step or STEPS]
            subprocess.run(
                [sys.executable, __file__, "_replay", str(args.dir.resolve()), *steps],
                cwd=code, check=True,
            )  # fmt: skip


if __name__ == "__main__":
    main()
