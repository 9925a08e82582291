"""Server-side load time of each dashboard page and the poster run, on the demo data.

Builds the demo warehouse (seed 1) without Prefect, then times each page's script run with
Streamlit's AppTest (the server-side work of a page load: queries, tables, charts; no browser),
cold (first run in a fresh session) and warm (median of the next runs), and `chefskartan wall`.
Usage: python benchmarks/bench_pages.py [--repeat 5] [--kommun 1262] [--no-wall] [--pages fact_wall …]
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


def time_page(module: str, repeat: int) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(page_script, args=(module,), default_timeout=120)
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    assert not at.exception, [e.value for e in at.exception]
    warm = []
    for _ in range(repeat):
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
    return {"cold_s": round(cold, 3), "warm_median_s": round(statistics.median(warm), 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--kommun", default="1262")
    parser.add_argument("--no-wall", action="store_true")
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=PAGES)
    args = parser.parse_args()

    from pipelines.generate import generate_inbox
    from pipelines.refresh import run_steps

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inbox = generate_inbox(work / "inbox", seed=1).parent
        run_steps(inbox, work / "warehouse", b"benchmark-key")
        published = work / "warehouse" / "published" / "chefskartan.duckdb"
        os.environ["CHEFSKARTAN_PUBLISHED_DB"] = str(published)
        results: dict[str, object] = {"pages": {m: time_page(m, args.repeat) for m in args.pages}}
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
