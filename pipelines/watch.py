"""`chefskartan watch`: publish each new or changed inbox export at once, through the fast path.

A long-running process (no Prefect server in the path): watchfiles wakes it when something in the
inbox changes; it reads the manifest again, and an entry whose chosen file changed (a new
`Utforska Lomma(1-75).xlsx` beside `(1-60)` under `file: "Utforska Lomma*.xlsx"`) is refreshed
alone under the warehouse lock, as `refresh --only` does. Several changed entries at once get one
full refresh. A rejected export is reported and the last good publication stays.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from pathlib import Path

from pipelines import refresh as steps
from pipelines import run_report
from pipelines.manifest import MANIFEST_NAME, InboxFile, ManifestError, load_manifest
from pipelines.personnummer import load_key
from warehouse.lock import WarehouseLocked, refresh_lock

POLL_SECONDS = 5.0
Signature = tuple[str, int, int]  # chosen file, mtime_ns, size


def entry_id(entry: InboxFile) -> str:
    """What the manifest's `file` says: the pattern, or the file name."""
    return entry.pattern or entry.name


def signatures(inbox: Path) -> dict[str, Signature]:
    """Each manifest entry's chosen file as it is now (file name, mtime, size)."""
    found = {}
    for entry in load_manifest(inbox).files:
        stat = entry.path.stat()
        found[entry_id(entry)] = (entry.name, stat.st_mtime_ns, stat.st_size)
    return found


def changed(before: dict[str, Signature], now: dict[str, Signature]) -> list[str]:
    return [key for key, sig in now.items() if before.get(key) != sig]


def say(message: str) -> None:
    print(f"{dt.datetime.now():%H:%M:%S} {message}", flush=True)


def publish(inbox: Path, warehouse: Path, key: bytes, only: str | None, wait: float) -> bool:
    """One fast refresh (or a full one when only is None) under the lock; True when published."""
    started = time.perf_counter()
    try:
        with refresh_lock(warehouse, wait):
            results = steps.run_steps(inbox, warehouse, key, only=only)
    except (steps.RefreshFailed, ManifestError, WarehouseLocked) as exc:
        say(f"Inget publicerades.\n{exc}")
        return False
    say(run_report.summary_text(results, [steps.WarehousePaths(warehouse).combined]))
    seconds = f"{time.perf_counter() - started:.2f}".replace(".", ",")
    say(f"Publicerat på {seconds} s.")  # the fast path's own time (benchmarks/bench_watch.py)
    return True


def watch(
    inbox: Path,
    warehouse: Path,
    wait: float = 60.0,
    stop: threading.Event | None = None,
    on_publish: Callable[[bool], None] | None = None,
) -> None:
    """Watch until stop is set (or Ctrl-C); publish every changed export as it lands."""
    from watchfiles import watch as watch_files

    key = load_key()
    before = signatures(inbox)  # raises ManifestError at start: nothing to watch without one
    say(f"Bevakar {inbox} → {warehouse}/published ({len(before)} filer i manifestet).")
    # step: wake only after this much quiet, so a file still being copied is whole. The timeout
    # wakes it every few seconds anyway: a file share may send no events, and a file that landed
    # before watching began is still seen.
    for _ in watch_files(
        inbox,
        stop_event=stop,
        step=200,
        debounce=2000,
        rust_timeout=int(POLL_SECONDS * 1000),
        yield_on_timeout=True,
        raise_interrupt=False,
    ):
        try:
            now = signatures(inbox)
        except (ManifestError, OSError) as exc:
            say(f"{MANIFEST_NAME} kan inte läsas just nu: {exc}")
            continue
        keys = changed(before, now)
        before = now
        if not keys:
            continue
        names = ", ".join(f"{k} → {now[k][0]}" if k != now[k][0] else k for k in keys)
        say(f"Ny eller ändrad fil: {names}; publicerar.")
        ok = publish(inbox, warehouse, key, keys[0] if len(keys) == 1 else None, wait)
        if on_publish is not None:
            on_publish(ok)
