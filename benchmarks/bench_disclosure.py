"""Disclosure control: the time protection + audit add to the refresh, and the cells they hide.

Generates demo exports (seed 1, `--scale S`; action plans left out: they do not touch
disclosure and a scaled demo may reject them) and extracts and loads them once into a store with
this checkout (timed: the part of the refresh before the build). Then builds the published marts
from a fresh copy of that store, each in a new process, and times the whole build and, inside
it, the disclosure steps (warehouse.build.PYTHON_STEPS, run together by
warehouse.disclosure.pool.protect: timed as one, surveys_and_sick_leave; on older refs per
step; the disclosure workers' included, and the build process's peak RSS when each
step ended; the whole build's peak counts the workers too):
  <ref> cold   the code at each `--before` ref (git archive into a temporary folder)
  this cold    this checkout, nothing cached: what a refresh pays when every input changed
  this warm    this checkout again on the store the cold build left (results cached per
               kommun x period and survey): what a refresh pays when no input changed
Refresh total = extract + load + build. Then, per mart, the cells with at least one person that
are hidden (mart_disclosure_report: primary + secondary + group cut; for code from before
warehouse/disclosure, the old layout's suppressed rows) per code, and whether the warm build
published exactly what the cold one did, and each `--before` ref's cold build too (the disclosure
pool must publish what one process does). `--profile` prints where this checkout's cold
disclosure time goes (cProfile, cumulative).
`--store` builds from a store loaded before (e.g. by an earlier run at that scale) instead; its
cached disclosure results are dropped first (cold), and with `--first-publication` its survey
release history too (as a refresh publishing for the first time).
Usage: python benchmarks/bench_disclosure.py [--scale 20] [--before REF ...] [--profile]
       [--store S [--first-publication]]
The survey fast path is measured by benchmarks/bench_survey_fast_path.py.
Measured 2026-11-30 (cold CPU of protect_sick_leave, main -> the kernel-form proof; the same
hidden cells): demo 2.5 -> 2.3 s, --scale 20 140.8 -> 82.3 s; national store (290 kommuner,
tables and proofs alone, no cache) 214 -> 110 s.
Measured 2026-12-01 (national store, --first-publication --before 39407f5, a shared 2-core machine,
load average 3-10: compare CPU): disclosure wall 644 -> 371 s on two workers, CPU of the process
tree 337 -> 346 s (surveys 231 -> 233, sick leave 106 -> 114), published the same; peak RSS of the
build 1.47 -> 1.85 GiB with its workers (each ~200 MiB). Demo: no workers, CPU 3.8 -> 4.0 s.
Measured 2026-12-01 (cold CPU of protect_surveys, 39407f5 -> interval audits proven within blocks
first, before the worker pool; the same rows published): demo 2.0 -> 1.4 s, --scale 20 14.1 ->
9.6 s; national store (1,450 survey tables, first publication, protect_survey alone on their
inputs) 200 -> 127 s.
Measured 2026-12-01 (national store, cold, first publication, one process under py-spy; a
machine at load 5-12, so shares, not seconds): protect_surveys is ~38 % HiGHS (interval LPs;
exact MIPs ~6 %), ~25 % DuckDB (reading each kommun's inputs, digests, writing rows, the
released tables) and ~37 % Python around them; protect_sick_leave ~70 % HiGHS (exact MIPs; half
of it proofs that end a round infeasible), ~25 % Python, ~5 % DuckDB. Workers that import
neither pandas nor DuckDB (survey_rule.py, sick_leave_rule.py): each worker's peak RSS on the
largest kommuner 252/304 -> 120/157 MiB (surveys) and 214/224 -> 109/130 MiB (sick leave), the
process tree 1054 -> 862 and 788 -> 599 MiB; the main process's sick-leave fingerprints 4.0 ->
1.1 s CPU, every kommun's survey inputs read 25.4 -> 11.7 s (the same columns). With the main
process's DuckDB limit at 512MB while disclosure runs (pool.bounded_memory), the whole national
disclosure on two workers: peak of the process tree 834 MiB (protect_surveys before: 1326 MiB,
its main process alone 1314), CPU 317 + 159 s (noisy: load 10); every row of the three protection tables the
same as the original code's in one process (316,327 sick-leave, 3,240,999 survey, 666 group cut).
Measured 2026-12-01 (national store, first publication, protect_surveys alone in one process on
precomputed intermediates, load average 5-7 on 2 shared cores: compare CPU), main -> the proof's
LPs on one HiGHS instance per process, block signatures by reduceat, rows back as Arrow, column
names asked once: 248.4 -> 226.7 s CPU (protect_tables 167.3 -> 157.7, the rows back 14.0 -> 6.2,
reading inputs 13.5 -> 11.3); int_survey_suppression (3,240,999 rows) and the group cut (666)
the same row by row. int_survey_published_cell from the suppression rows instead of joining
int_survey_cell again: 14.0 -> 10.5 s CPU, the same 3,006,144 rows (and the other released tables).
With it, the whole step 248.4 -> 221.8 s CPU (load 7-14; after the rule: 26.7 -> 16.1 s), the same rows.
Measured 2026-12-01 (national store, first publication; every job of both steps recorded from one
build in one process and replayed by main and this code side by side: bench_disclosure_jobs.py;
load average 3-7 on 2 shared cores): py-spy (--native) of the rules: surveys ~52 % HiGHS
interval LPs, of which 11 points are HiGHS 1.16 itself re-reading the CPU topology from /sys on
every run (highspy 1.15.1 has no such call, but its LPs take other paths: 51 of 290 kommuner's
survey rows differ, so not an option); 49 % of the survey rule is the audit's own LPs in rounds
that find a violation (their duals name the cells, so their path must stay); sick leave ~69 %
HiGHS MIP (9,718 solves that find a violation: 65 s; 5,607 that end infeasible: 31 s; kernel
checks 11 s). Proof LPs without presolve: the proofs 41.5 -> 35.4 s CPU, the survey rule
189.1 -> 187.0 s; the sick-leave rule 154.8 -> 153.0 s (the exact MIP's rows by numpy, one
kernel-check instance per process). Both rules' results equal main's on all 290 jobs, with the
same count of HiGHS runs and outcomes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import yaml
from bench_scale import communicate_with_peak  # peak bytes of a process and its descendants

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OLD_RULE = (
    "8c29c10"  # main when issue 9 started: warehouse/anonymity.py and the SQL sick-leave rule
)
TIMER = """
import cProfile, io, json, pstats, resource, sys, time
from pathlib import Path

def clock():  # CPU of this process and of the workers it has joined (each step joins its own)
    cpu = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        cpu += usage.ru_utime + usage.ru_stime
    return time.perf_counter(), cpu

spent = {"wall": 0.0, "cpu": 0.0}
steps = {}  # step name -> CPU seconds
peaks = {}  # step name -> the process's peak RSS (MiB) when it ended
profile = cProfile.Profile() if sys.argv[3] == "profile" else None

def timed(step):
    def run(*args, **kwargs):
        wall, cpu = clock()
        if profile: profile.enable()
        try:
            return step(*args, **kwargs)
        finally:
            if profile: profile.disable()
            spent["wall"] += clock()[0] - wall
            spent["cpu"] += clock()[1] - cpu
            steps[step.__name__] = steps.get(step.__name__, 0.0) + clock()[1] - cpu
            peaks[step.__name__] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return run
"""
BUILD = (
    TIMER
    + """
import warehouse.build as build
if hasattr(getattr(build, "disclosure_pool", None), "protect"):  # the steps as one job stream
    def surveys_and_sick_leave(con, steps, _protect=build.disclosure_pool.protect):
        return _protect(con, steps)
    build.disclosure_pool.protect = timed(surveys_and_sick_leave)
else:  # code from before 2026-12-01: each step a function
    build.PYTHON_STEPS = tuple(timed(s) for s in getattr(build, "PYTHON_STEPS", ()))
wall, cpu = clock()
build.build_marts(Path(sys.argv[1]), Path(sys.argv[2]))
end_wall, end_cpu = clock()
text = None
if profile:
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
    text = out.getvalue()
print(json.dumps({"wall": end_wall - wall, "cpu": end_cpu - cpu,
                  "disclosure_wall": spent["wall"], "disclosure_cpu": spent["cpu"],
                  "has_steps": bool(build.PYTHON_STEPS), "steps": steps, "peaks": peaks,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "profile": text}))
"""
)
LOAD = (
    TIMER
    + """
from pipelines.manifest import load_manifest
from pipelines import refresh
from warehouse.store import replace_store
paths = refresh.WarehousePaths(Path(sys.argv[2]))
manifest = load_manifest(Path(sys.argv[1]))
rid = refresh.new_refresh_id()
wall, cpu = clock()
results = [refresh.extract_and_stage(e, paths.work(rid), b"benchmark-key", i)
           for i, e in enumerate(manifest.files)]
assert all(r.report.ok for r in results), [r.report.text() for r in results]
work_store, results = refresh.load(paths, manifest, results, rid)
assert all(r.report.ok for r in results), [r.report.text() for r in results]
replace_store(work_store, paths.store)
end_wall, end_cpu = clock()
print(json.dumps({"wall": end_wall - wall, "cpu": end_cpu - cpu}))
"""
)
HIDDEN_OLD = {  # mart -> SQL counting hidden cells with at least one person (old layout)
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
HIDDEN = (  # mart -> hidden (primary + secondary + group cut), primary, cells with people
    "SELECT mart, sum(cells_primary + cells_secondary + cells_group_cut), sum(cells_primary), "
    "sum(cells - cells_empty) FROM mart_disclosure_report GROUP BY mart"
)


def make_inbox(inbox: Path, scale: float) -> None:
    """Demo exports without action plans and follow-ups."""
    from pipelines.generate import generate_inbox

    generate_inbox(inbox, seed=1, scale=scale)
    manifest = yaml.safe_load((inbox / "manifest.yaml").read_text(encoding="utf-8"))
    manifest["files"] = [
        f for f in manifest["files"] if f["source"] not in ("action_plan", "follow_up")
    ]
    (inbox / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), "utf-8")


def cold_store(store: Path, first_publication: bool) -> None:
    """Drop the disclosure result caches a loaded store holds (a store from a refresh has them),
    and with `first_publication` the survey release history too (as before any publication)."""
    con = duckdb.connect(str(store))
    try:
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'cache\\_%' ESCAPE '\\' "
            + ("OR table_name LIKE 'survey\\_release\\_%' ESCAPE '\\'" if first_publication else "")
        ).fetchall()
        for (table,) in tables:
            con.execute(f"DROP TABLE {table}")
    finally:
        con.close()


def run_json(code: Path, script: str, *args: str) -> dict:
    """The script's JSON line, with the peak RSS of its whole process tree (workers included)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args], cwd=code, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    out, err, peak = communicate_with_peak(proc)
    if proc.returncode:
        sys.exit(f"build failed ({proc.returncode}):\n{err[-3000:]}")
    return {**json.loads(out.strip().splitlines()[-1]), "tree_peak_mib": peak / 2**20}


def checkout(ref: str, into: Path) -> Path:
    """The code at `ref` in a folder of its own."""
    into.mkdir()
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def hidden(published: Path) -> dict[str, list[int]]:
    """Per mart: [hidden, primary (None if unknown), cells with people]."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        marts = {t for (t,) in con.execute("SHOW TABLES").fetchall()}
        if "mart_disclosure_report" in marts:
            rows = con.execute(HIDDEN).fetchall()
            return {m: [int(h), int(p), int(n)] for m, h, p, n in rows}
        return {
            m: [int(h), None, int(n)]
            for m, q in HIDDEN_OLD.items()
            for h, n in [con.execute(q).fetchone()]
        }
    finally:
        con.close()


def same_marts(a: Path, b: Path) -> bool:
    """Whether two published files hold the same rows in every disclosure-relevant mart."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
        for mart in [*HIDDEN_OLD, "mart_disclosure_report", "mart_span_rollup"]:
            differ = con.execute(
                f"SELECT count(*) FROM ((FROM a.{mart} EXCEPT ALL FROM b.{mart}) "
                f"UNION ALL (FROM b.{mart} EXCEPT ALL FROM a.{mart}))"
            ).fetchone()[0]
            if differ:
                return False
        return True
    finally:
        con.close()


def comparable_same(a: Path, b: Path) -> bool | None:
    """same_marts, or None when `a` was built by code with other marts (the old rule)."""
    try:
        return same_marts(a, b)
    except duckdb.Error:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--before", nargs="*", default=[OLD_RULE], help="git refs to compare")
    parser.add_argument("--profile", action="store_true", help="cProfile this checkout's cold run")
    parser.add_argument("--store", type=Path, help="a loaded store to build from (skips the load)")
    parser.add_argument(
        "--first-publication",
        action="store_true",
        help="with --store: forget its survey release history (publish as the first time)",
    )
    args = parser.parse_args()
    runs: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.store:  # timed elsewhere: refresh totals then count the build only
            store, load = args.store, {"wall": 0.0, "cpu": 0.0}
        else:
            make_inbox(tmp / "inbox", args.scale)
            load = run_json(ROOT, LOAD, str(tmp / "inbox"), str(tmp / "warehouse"), "-")
            store = tmp / "warehouse" / "store.duckdb"
        codes = [(ref, checkout(ref, tmp / f"code_{n}")) for n, ref in enumerate(args.before)]
        codes.append(("this", ROOT))
        files = {}
        for name, code in codes:
            copy = tmp / f"store_{name}.duckdb"
            shutil.copyfile(store, copy)
            cold_store(copy, args.first_publication)
            states = ["cold", "warm"] if name == "this" else ["cold"]
            for state in states:
                out = tmp / f"{name}_{state}.duckdb"
                mode = "profile" if args.profile and name == "this" and state == "cold" else "-"
                runs[f"{name} {state}"] = run_json(code, BUILD, str(copy), str(out), mode)
                files[f"{name} {state}"] = out
        counts = {name: hidden(path) for name, path in files.items() if "cold" in name}
        warm_same = same_marts(files["this cold"], files["this warm"])
        refs_same = {
            name: comparable_same(path, files["this cold"])
            for name, path in files.items()
            if not name.startswith("this")
        }
    profile = runs["this cold"].pop("profile")
    print(f"demo data seed 1, scale {args.scale:g}")
    print(f"extract + load (this checkout): {load['wall']:.1f} s wall, {load['cpu']:.1f} s CPU")
    head = ["code", "build wall", "build CPU", "discl. wall", "discl. CPU"]
    head += ["refresh wall", "refresh CPU"]
    print(f"{head[0]:18}" + "".join(f"{h:>13}" for h in head[1:]))
    for name, r in runs.items():
        r.pop("profile", None)
        disclosure = (
            [f"{r['disclosure_wall']:13.1f}", f"{r['disclosure_cpu']:13.1f}"]
            if r["has_steps"]
            else [f"{'(in SQL)':>13}"] * 2
        )
        print(
            f"{name:18}{r['wall']:13.1f}{r['cpu']:13.1f}" + "".join(disclosure)
            + f"{load['wall'] + r['wall']:13.1f}{load['cpu'] + r['cpu']:13.1f}"
        )  # fmt: skip
    for name, r in runs.items():
        if r.get("steps"):
            print(
                f"{name}: disclosure CPU per step: "
                + ", ".join(f"{step} {cpu:.1f} s" for step, cpu in r["steps"].items())
            )
        if r.get("peaks"):
            print(
                f"{name}: peak RSS after each step: "
                + ", ".join(f"{step} {mib:.0f} MiB" for step, mib in r["peaks"].items())
                + f"; whole build {r['peak_mib']:.0f} MiB"
                + f", with its workers {r['tree_peak_mib']:.0f} MiB"
            )
    print(f"warm build published the same as the cold one: {'yes' if warm_same else 'NO'}")
    for name, same in refs_same.items():
        verdict = {True: "yes", False: "NO", None: "(other marts: not comparable)"}[same]
        print(f"{name} published the same as this cold: {verdict}")
    print("hidden cells with people (primary in brackets) / cells with people, per code")
    names = list(counts)
    print(f"{'mart':26}" + "".join(f"{n:>20}" for n in names))
    for mart in HIDDEN_OLD:
        cells = []
        for n in names:
            h, p, total = counts[n].get(mart, [0, None, 0])
            cells.append(f"{h}{f' ({p})' if p is not None else ''} / {total}")
        print(f"{mart:26}" + "".join(f"{c:>20}" for c in cells))
    if profile:
        print(profile)
    print(json.dumps({"scale": args.scale, "load": load, "builds": runs, "hidden": counts,
                      "warm_same": warm_same}))  # fmt: skip


if __name__ == "__main__":
    main()
