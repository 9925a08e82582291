"""Server-side load time of each dashboard page and the poster run, on the demo or national data.

Builds the demo warehouse (seed 1) without Prefect, or uses a warehouse already built, then times
each page's script run with Streamlit's AppTest (the server-side work of a page load: queries,
tables, charts; no browser): its first run after the server's start, its first visit after a
publication (medians; without and with dashboards/warm.py's warm-up, which is timed apart as the
background work it is) and its warm reruns; and `chefskartan wall`. The pages' imports are timed
apart, before the first page. The fact wall opens --kommun's förvaltning with the most managers.
Wall and CPU seconds: on a shared machine compare CPU.
Usage: python benchmarks/bench_pages.py [--repeat 5] [--kommun 1262] [--no-wall] [--pages fact_wall …]
       python benchmarks/bench_pages.py --national /tmp/national --kommun 0180 --no-wall
         (every Swedish kommun: generated and refreshed into DIR once, several minutes; reused after)
       python benchmarks/bench_pages.py --warehouse DIR --kommun 0180   (a warehouse built before)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = ["fact_wall", "strengths", "shared_world", "comparison", "projector", "data_quality"]


def page_script(module: str) -> None:
    import importlib

    import streamlit as st

    st.set_page_config(layout="wide")
    importlib.import_module(f"dashboards.views.{module}").render()


def time_page(module: str, repeat: int, selection: dict[str, str]) -> dict[str, float]:
    """Wall and CPU seconds of a page's run (CPU is steadier on a shared machine): its first run
    after the server started; a first visit after each of `repeat` publications (a new session,
    every cache emptied, as a new published version empties them), to a view nobody opened
    before the publication, then to one opened before it (dashboards/warm.py builds it again in
    the background, timed apart); and warm reruns."""
    from dashboards import queries, warm

    warm.forget()
    at = new_session(module, selection)
    first = timed_run(at)
    reruns = [timed_run(at) for _ in range(repeat)]
    cold, warmed, warm_ups = [], [], []
    for _ in range(repeat):
        publish_again()
        queries.open_published()  # warm.py's watcher opens each new version at once
        cold.append(timed_run(new_session(module, selection)))
    for _ in range(repeat):  # the view was opened before the publication: warm.py builds it
        publish_again()
        wall, cpu = time.perf_counter(), time.process_time()
        queries.open_published()
        if not warm.warm_up():
            break  # a page without a warm-up (only Faktavägg and Jämförelse have one)
        warm_ups.append((time.perf_counter() - wall, time.process_time() - cpu))
        warmed.append(timed_run(new_session(module, selection)))
    runs = {
        "first_after_start": [first],
        "cold_median": cold,
        "cold_after_warm_up_median": warmed,
        "warm_median": reruns,
        "warm_up_in_background_median": warm_ups,
    }
    runs = {k: v for k, v in runs.items() if v}
    medians = {f"{k}_s": statistics.median(w for w, _ in v) for k, v in runs.items()}
    medians |= {f"{k}_cpu_s": statistics.median(c for _, c in v) for k, v in runs.items()}
    return {k: round(v, 3) for k, v in medians.items()}


_COMPONENTS: list[object] = []  # the harness's component registry, scanned once (as a server does)


def new_session(module: str, selection: dict[str, str]) -> object:
    """A browser session opening the page by a copied link (?kommun=…&forvaltning=…)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(page_script, args=(module,), default_timeout=300)
    if _COMPONENTS:  # AppTest rescans installed packages per instance; a server does it once
        at._bidi_component_manager = _COMPONENTS[0]
    for key, value in selection.items():
        at.query_params[key] = value
    return at


def timed_run(at: object) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    at.run()  # type: ignore[attr-defined]
    elapsed = (time.perf_counter() - wall, time.process_time() - cpu)
    assert not at.exception, [e.value for e in at.exception]  # type: ignore[attr-defined]
    return elapsed


def publish_again() -> None:
    """What a new published version does to a running server: every st.cache_* entry is for
    the old version (connections closed, specs and tables keyed on the old rows)."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def import_pages(pages: list[str]) -> float:
    """Import the pages' modules, start the test harness and prime the libraries first, timed
    apart: a server does that once, at its start, so "cold" below is a page's first run with
    empty caches, not the process's start (AppTest's first run also scans installed packages)."""
    import importlib

    from streamlit.testing.v1 import AppTest

    start = time.perf_counter()
    for module in pages:
        importlib.import_module(f"dashboards.views.{module}")
    harness = AppTest.from_function(empty_page)
    harness.run()
    _COMPONENTS.append(harness._bidi_component_manager)
    from dashboards import warm

    warm.prime()  # as the server's warm-up thread does at its start
    return round(time.perf_counter() - start, 3)


def empty_page() -> None:
    import streamlit as st

    st.empty()  # the first element of a process looks at the call stack once (Streamlit)


def build_national(root: Path, max_employments: int | None) -> Path:
    """Every Swedish kommun generated and refreshed under root, once; later runs reuse it."""
    from pipelines.generate import generate_inbox
    from pipelines.refresh import run_steps

    warehouse = root / "warehouse"
    if not (warehouse / "published" / "chefskartan.duckdb").exists():
        inbox = root / "inbox"
        if not (inbox / "manifest.yaml").exists():
            generate_inbox(inbox, seed=1, national=290, max_employments=max_employments)
        run_steps(inbox, warehouse, b"benchmark-key")
    return warehouse


def largest_forvaltning(published: Path, kommun: str) -> dict[str, str]:
    """The view the fact wall opens: the kommun's latest period, its förvaltning with the most
    managers (a Stockholm-size one at national scale)."""
    import duckdb

    with duckdb.connect(str(published), read_only=True) as con:
        row = con.execute(
            "SELECT period_date, scope_id, managers FROM mart_span_rollup "
            "WHERE kommun_code = ? AND scope_type = 'forvaltning' "
            "ORDER BY period_date DESC, managers DESC LIMIT 1",
            [kommun],
        ).fetchone()
    if row is None:
        raise SystemExit(f"kommun {kommun} has no förvaltning in {published}")
    print(f"fact wall: kommun {kommun}, förvaltning {row[1]} with {row[2]} managers", flush=True)
    return {"kommun": kommun, "period": row[0].isoformat(), "forvaltning": row[1]}


def warehouse_size(published: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect(str(published), read_only=True) as con:
        kommuner, managers = con.execute(
            "SELECT count(DISTINCT kommun_code), count(*) FROM mart_span_of_control "
            "WHERE (kommun_code, period_date) IN "
            "(SELECT kommun_code, max(period_date) FROM mart_span_of_control GROUP BY ALL)"
        ).fetchone()
    return {"kommuner": kommuner, "managers_latest_period": managers}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--kommun", default="1262")
    parser.add_argument("--no-wall", action="store_true")
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=PAGES)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--warehouse", type=Path, help="a warehouse DIR already refreshed")
    where.add_argument("--national", type=Path, help="build (once) and use 290 kommuner in DIR")
    parser.add_argument("--max-employments", type=int, help="with --national: cap per kommun")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.warehouse:
            warehouse = args.warehouse
        elif args.national:
            warehouse = build_national(args.national, args.max_employments)
        else:
            from pipelines.generate import generate_inbox
            from pipelines.refresh import run_steps

            inbox = generate_inbox(work / "inbox", seed=1).parent
            run_steps(inbox, work / "warehouse", b"benchmark-key")
            warehouse = work / "warehouse"
        published = warehouse / "published" / "chefskartan.duckdb"
        os.environ["CHEFSKARTAN_PUBLISHED_DB"] = str(published)
        selection = largest_forvaltning(published, args.kommun)
        results: dict[str, object] = {"warehouse": warehouse_size(published)}
        results["imports_s"] = import_pages(args.pages)
        results["pages"] = {m: time_page(m, args.repeat, selection) for m in args.pages}
        if not args.no_wall:
            from dashboards.wall import write_wall

            wall = write_wall(published, args.kommun, work / "wall")
            results["wall"] = {
                "kommun": args.kommun,
                "files": len(wall.files),
                "seconds": round(wall.seconds, 1),
            }
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
