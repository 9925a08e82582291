"""Extraction benchmark: the extract step alone (read, validate, type, pseudonymise, stage).

Times `pipelines.refresh.extract_and_stage` over every file of one inbox in a child process
(wall, CPU and peak RSS of the process tree, as bench_scale.py measures), and the CPU per file
of each source kind (the per-file fixed cost shows on an inbox of many small files:
`--generate "--kommuner 100 --max-employments 300"`). With `--before REF` it
also runs the same step from that git revision on the same inbox, in the same run, and checks
that both produce identical staged tables and reports. The worktree runs twice: file after file
in one process (CPU per file), and as run_steps extracts (`extract_all`: a pool of worker
processes when the inbox is large, one worker beside the process when it is mid-sized, as the
demo is; CPU and peak count the workers). `--profile N` prints the top
N functions by cumulative time instead.
`--kommuner "0180 1480 0114"` extracts only those kommuners' files of the inbox (a copy), e.g.
the largest and a few small ones of the national inbox.
Measured 2026-12-01 (s10-extract against main, same run, staged tables and reports identical;
2 shared cores, load average 3-10 from other work, so CPU seconds, not wall, compare):
demo (45 files) one process 5.9 -> 3.7 CPU s, of it in the files 3.88 -> 2.40 s (roster
203 -> 122 ms, org units 43 -> 19, surveys 57-107 -> 38-82); as run_steps 4.9 CPU s, 3.3 s wall.
small100 (826 files) one process 46.4 -> 31.9 CPU s, per file 52.8 -> 36.3 ms (roster 106 -> 71,
surveys 48-63 -> 36-44). An extraction process imports ~0.35 s less (no pandera for clean files).
Usage: python benchmarks/bench_extract.py (--inbox DIR | --generate "--scale 10") [--before REF]
       [--kommuner "CODE CODE ..."]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import ROOT, timed  # noqa: E402

EXTRACT = """
import sys
sys.path.insert(0, sys.argv[1])
import cProfile, json, os, pstats, time
from pathlib import Path
from pipelines.manifest import load_manifest
from pipelines import refresh
inbox, out, top = Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
files = load_manifest(inbox).files
profile = cProfile.Profile() if top else None
profile and profile.enable()
start = time.perf_counter()
results, by_source = [], {}
one_process = os.environ.get("CHEFSKARTAN_EXTRACT_WORKERS") == "1"
if hasattr(refresh, "extract_all") and not one_process:  # as run_steps extracts (a pool)
    results = refresh.extract_all(files, out / "staged", b"benchmark-key")
else:  # file after file in this process, CPU per source kind
    for i, e in enumerate(files):
        cpu = time.process_time()
        results.append(refresh.extract_and_stage(e, out / "staged", b"benchmark-key", i))
        files_cpu = by_source.setdefault(e.source, [0, 0.0])
        files_cpu[0] += 1
        files_cpu[1] += time.process_time() - cpu
seconds = time.perf_counter() - start
if profile:
    profile.disable()
    pstats.Stats(profile, stream=sys.stderr).sort_stats("cumtime").print_stats(top)
reports = {r.report.file: r.report.text() for r in results}
(out / "reports.json").write_text(json.dumps(reports, ensure_ascii=False, sort_keys=True))
rows = sum(r.report.rows_read for r in results)
summary = {"files": len(files), "rows": rows, "in_process_s": seconds, "by_source": by_source}
(out / "summary.json").write_text(json.dumps(summary))
"""


def run_extract(tree: Path, inbox: Path, out: Path, top: int = 0, workers: str = "") -> dict:
    """One extraction run; `workers` sets CHEFSKARTAN_EXTRACT_WORKERS ("" leaves it unset)."""
    out.mkdir(parents=True)
    args = [sys.executable, "-c", EXTRACT, str(tree), str(inbox), str(out), str(top)]
    env = {k: v for k, v in os.environ.items() if k != "CHEFSKARTAN_EXTRACT_WORKERS"}
    env |= {"CHEFSKARTAN_EXTRACT_WORKERS": workers} if workers else {}
    if top:
        subprocess.run(args, cwd=ROOT, check=True, env=env)
        return {}
    return timed(args, env) | json.loads((out / "summary.json").read_text())


def staged_differences(before: Path, after: Path) -> list[str]:
    """Names of staged tables or reports that differ between the two runs (empty: identical)."""
    import pandas as pd

    names = sorted({p.name for p in (before / "staged").glob("*.parquet")})
    names_after = sorted({p.name for p in (after / "staged").glob("*.parquet")})
    differ = [] if names == names_after else ["the set of staged tables"]
    for name in set(names) & set(names_after):
        a, b = pd.read_parquet(before / "staged" / name), pd.read_parquet(after / "staged" / name)
        if not a.equals(b):
            differ.append(name)
    if (before / "reports.json").read_text() != (after / "reports.json").read_text():
        differ.append("reports")
    return sorted(differ)


def print_per_source(runs: dict[str, dict]) -> None:
    """CPU milliseconds per file by source kind (in-process: imports excluded), per run."""
    sources = sorted({s for m in runs.values() for s in m.get("by_source", {})})
    print(f"{'CPU ms per file':24} " + " ".join(f"{s[:12]:>12}" for s in sources))
    for name, m in runs.items():
        cells = []
        for s in sources:
            files, cpu = m.get("by_source", {}).get(s, (0, 0.0))
            cells.append(f"{cpu / files * 1000:12.0f}" if files else f"{'':>12}")
        print(f"{name:24} " + " ".join(cells))


def export_revision(ref: str, target: Path) -> Path:
    """The repository as it was at `ref`, unpacked (no checkout of the worktree is touched)."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def kommun_subset(inbox: Path, codes: set[str], target: Path) -> Path:
    """A copy of the inbox with only these kommuner's files and manifest entries."""
    import shutil

    import yaml

    manifest = yaml.safe_load((inbox / "manifest.yaml").read_text(encoding="utf-8"))
    manifest["kommuner"] = {k: v for k, v in manifest["kommuner"].items() if str(k) in codes}
    manifest["files"] = [f for f in manifest["files"] if str(f["kommun"]) in codes]
    target.mkdir(parents=True)
    for entry in manifest["files"]:
        shutil.copy2(inbox / entry["file"], target / entry["file"])
    text = yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False)
    (target / "manifest.yaml").write_text(text, encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--inbox", type=Path, help="an inbox with manifest.yaml")
    where.add_argument("--generate", help='arguments for `chefskartan generate`, e.g. "--scale 10"')
    parser.add_argument("--before", help="also time this git revision (e.g. main) and compare")
    parser.add_argument("--kommuner", help='only these kommuner of the inbox, e.g. "0180 1480"')
    parser.add_argument("--profile", type=int, default=0, help="print the top N by cumtime")
    parser.add_argument(
        "--workers", default="", help="CHEFSKARTAN_EXTRACT_WORKERS for the run_steps run"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inbox = args.inbox
        if inbox is None:
            inbox = work / "inbox"
            gen = [sys.executable, "-m", "pipelines.cli", "generate", "--out", str(inbox)]
            subprocess.run([*gen, *shlex.split(args.generate)], cwd=ROOT, check=True)
        if args.kommuner:
            inbox = kommun_subset(inbox, set(args.kommuner.split()), work / "subset")
        if args.profile:
            run_extract(ROOT, inbox, work / "profile", args.profile, "1")
            return
        runs = {}
        if args.before:
            old = export_revision(args.before, work / "before-tree")
            runs[f"before ({args.before})"] = run_extract(old, inbox, work / "before", workers="1")
        runs["after, one process"] = run_extract(ROOT, inbox, work / "after", workers="1")
        runs["after, as run_steps"] = run_extract(ROOT, inbox, work / "pool", workers=args.workers)
        files = sum(1 for p in inbox.iterdir() if p.name != "manifest.yaml")
        print(f"inbox {inbox} ({files} files)")
        print(
            f"{'run':24} {'rows':>8} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9} {'extract s':>10}"
        )
        for name, m in runs.items():
            print(f"{name:24} {m['rows']:8} {m['wall_s']:8.1f} {m['cpu_s']:8.1f} "
                  f"{m['peak_mib']:9.0f} {m['in_process_s']:10.1f}")  # fmt: skip
        print_per_source(runs)
        differ = staged_differences(work / "after", work / "pool")  # the pool changes nothing
        if args.before:
            differ += staged_differences(work / "before", work / "after")
        print("staged tables and reports identical" if not differ else f"DIFFER: {differ}")
        if differ:
            sys.exit(1)
        print(json.dumps(runs))


if __name__ == "__main__":
    main()
