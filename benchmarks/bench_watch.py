"""The room's survey live: time from a new export landing in the inbox to the page showing it.

On the demo data (seed 1) the warehouse is refreshed once, Burlöv's in-room survey entry becomes
the pattern `Utforska Burlöv*.xlsx`, and `chefskartan watch` runs (a running process: no Prefect
server start in the path). Each round a new Microsoft Forms export with another response count
lands the way a browser download does (written under a temporary name, then renamed to
`Utforska Burlöv(1-N).xlsx`); the clock starts at that rename. Per round:
  noticed    the watch says it saw the new file (watchfiles waits for 200 ms of quiet)
  fast path  the watch's own time for the publish (its line "Publicerat på X s": validate and
             load the one export, rebuild, publish), a part of `published`
  published  the published file, queried as the Workshop page queries it, has the new count
  page       (with --page) the Workshop page in headless Chromium shows it: the page re-reads the
             published file every few seconds (LIVE_SECONDS), so this adds up to that much
  cpu        CPU seconds the watch process spent per round (user + system, all threads): on a
             shared machine the wall times above grow with the load, this does not
Usage: python benchmarks/bench_watch.py [--repeat 5] [--page]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pipelines.processes import cpu_seconds, free_port  # noqa: E402

KEY = "benchmark-key"
PATTERN = "Utforska Burlöv*.xlsx"
ROOM_TEXT = "i hela kommunen"  # the Workshop page's "Enkäten i rummet: … N i hela kommunen"
ENV = {**os.environ, "CHEFSKARTAN_PSEUDONYM_KEY": KEY, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
COUNT_SQL = (  # the Workshop page's query (dashboards/queries.py "survey_responses"), kommun row
    "SELECT respondents FROM mart_survey_responses WHERE kommun_code = '1231' "
    "AND period_date = (SELECT max(period_date) FROM mart_survey_responses "
    "WHERE kommun_code = '1231') AND respondent_role = 'manager' AND survey_id = 'rummet' "
    "AND scope_type = 'kommun'"
)


def room_exports(rounds: int) -> list[tuple[int, list]]:
    """Responses for each round, each with a response count different from the one before."""
    from pipelines.generate import build_kommun
    from pipelines.generate.surveys import managers, survey_responses

    demo = build_kommun("1231", seed=1)
    staff = managers(demo.units, demo.employments)
    out, seed, last = [], 100, None
    while len(out) < rounds:
        seed += 1
        responses = survey_responses("1231", seed, "rummet", False, staff)
        if len(responses) != last:
            out.append((len(responses), responses))
            last = len(responses)
    return out


def land(inbox: Path, responses: list) -> float:
    """Write the export as a browser download does; returns the moment it landed."""
    from pipelines.generate.survey_writers import SURVEY_WRITERS
    from schemas.questionnaire import builtin

    partial = inbox / "download.crdownload"
    SURVEY_WRITERS["msforms_sv"][1](partial, builtin("rummet"), responses, "room")
    landed = time.perf_counter()
    os.replace(partial, inbox / f"Utforska Burlöv(1-{len(responses)}).xlsx")
    return landed


def published_count(db: Path) -> int | None:
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None  # being swapped in
    try:
        row = con.execute(COUNT_SQL).fetchone()
        return row[0] if row else None
    finally:
        con.close()


def wait_for(check, timeout: float = 600.0) -> float:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if check():
            return time.perf_counter()
        time.sleep(0.05)
    raise TimeoutError("the new count never showed")


class Output:
    """The watch process's output, each line with the moment it was read (it flushes each)."""

    def __init__(self, stream) -> None:
        self.lines: list[tuple[float, str]] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append((time.perf_counter(), line.rstrip("\n")))

    def after(self, since: float, text: str) -> tuple[float, str] | None:
        """The first line holding text read at or after since."""
        return next(
            ((t, line) for t, line in list(self.lines) if t >= since and text in line), None
        )

    def wait(self, since: float, text: str) -> tuple[float, str]:
        wait_for(lambda: self.after(since, text) is not None)
        return self.after(since, text)

    def __str__(self) -> str:
        return "\n".join(line for _, line in self.lines)


def open_workshop(warehouse: Path):
    """Serve the dashboard and open the Workshop page in headless Chromium."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "serve",
            "--warehouse",
            str(warehouse),
            "--port",
            str(port),
        ],  # fmt: skip
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pw = sync_playwright().start()
    browser = pw.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )

    def close() -> None:
        browser.close()
        pw.stop()
        serve.terminate()  # serve stops its streamlit on SIGTERM (pipelines/processes.py)
        serve.wait(15)

    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    deadline = time.time() + 120
    while True:
        try:
            page.goto(f"http://localhost:{port}/workshop", wait_until="domcontentloaded")
            page.get_by_text(ROOM_TEXT).wait_for(timeout=30_000)
            break
        except Exception:
            if time.time() > deadline:
                close()
                raise
            time.sleep(0.5)

    def count() -> int | None:
        found = re.search(rf"(\d+) {ROOM_TEXT}", page.inner_text("body"))
        return int(found.group(1)) if found else None

    return count, close


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--page", action="store_true", help="also time the page in Chromium")
    args = parser.parse_args()
    from pipelines.generate import generate_inbox

    exports = room_exports(args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        inbox, warehouse = Path(tmp) / "inbox", Path(tmp) / "warehouse"
        manifest = generate_inbox(inbox, seed=1)
        text = manifest.read_text(encoding="utf-8")
        manifest.write_text(text.replace('"Utforska Burlöv(1-40).xlsx"', f'"{PATTERN}"'), "utf-8")
        cli = [sys.executable, "-m", "pipelines.cli"]
        where = ["--inbox", str(inbox), "--warehouse", str(warehouse)]
        steps = "from pipelines.refresh import run_steps; from pathlib import Path; import sys; "
        steps += "run_steps(Path(sys.argv[1]), Path(sys.argv[2]), b'benchmark-key')"
        subprocess.run([sys.executable, "-c", steps, str(inbox), str(warehouse)], cwd=ROOT,
                       env=ENV, check=True, capture_output=True)  # fmt: skip
        db = warehouse / "published" / "chefskartan.duckdb"
        watcher = subprocess.Popen([*cli, "watch", *where], cwd=ROOT, env=ENV, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
        out = Output(watcher.stdout)
        out.wait(0, "Bevakar")
        names = ("noticed", "fast path", "published", "page", "cpu")
        times: dict[str, list[float]] = {name: [] for name in names}
        page_count = close = None
        try:
            if args.page:
                page_count, close = open_workshop(warehouse)
            for expected, responses in exports:
                cpu_before = cpu_seconds(watcher.pid)
                landed = land(inbox, responses)
                shown = wait_for(lambda n=expected: published_count(db) == n)
                times["published"].append(shown - landed)
                times["noticed"].append(out.wait(landed, "Ny eller ändrad fil")[0] - landed)
                said = out.wait(landed, "Publicerat på")[1]
                fast = re.search(r"Publicerat på ([\d,]+) s", said).group(1)
                times["fast path"].append(float(fast.replace(",", ".")))
                times["cpu"].append(cpu_seconds(watcher.pid) - cpu_before)
                if page_count is not None:
                    times["page"].append(wait_for(lambda n=expected: page_count() == n) - landed)
        finally:
            if close is not None:
                close()
            watcher.terminate()
            watcher.wait(timeout=30)
            print(out)  # what the watch said, also when a round failed
    print(f"demo data seed 1; {PATTERN}; counts {[n for n, _ in exports]}; repeat={args.repeat}")
    results = {k: v for k, v in times.items() if v}
    for name, values in results.items():
        print(f"{name:10} median {statistics.median(values):5.2f} s  min {min(values):5.2f} s  "
              f"max {max(values):5.2f} s  ({', '.join(f'{v:.2f}' for v in values)})")  # fmt: skip
    print(json.dumps({k: statistics.median(v) for k, v in results.items()}))


if __name__ == "__main__":
    main()
