"""One writer at a time: a refresh holds an exclusive lock on the warehouse folder."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".refresh.lock"


class WarehouseLocked(Exception):
    """Another refresh is writing this warehouse."""


@contextmanager
def refresh_lock(warehouse: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the lock for the block; wait up to wait_seconds for another refresh to finish."""
    warehouse.mkdir(parents=True, exist_ok=True)
    path = warehouse / LOCK_NAME
    with open(path, "a+") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseLocked(
                        f"En annan uppdatering skriver redan till {warehouse} "
                        f"(lås: {path}). Vänta tills den är klar och försök igen."
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
