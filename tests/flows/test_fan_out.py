"""The refresh flow's extraction fan-out is bounded: many files never mean many threads."""

from __future__ import annotations

import threading
import time

import pytest
from prefect import flow, task

from pipelines.flows.refresh import EXTRACT_WORKERS, refresh_flow

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]
FILES = 12
PREFECT_BACKGROUND_THREADS = 8  # API client, event and log workers the first run may start


def test_many_files_run_on_a_bounded_number_of_threads() -> None:
    workers: set[int] = set()
    peak = [0]

    @task
    def extract_one(i: int) -> int:
        workers.add(threading.get_ident())
        peak[0] = max(peak[0], threading.active_count())
        time.sleep(0.05)  # long enough that an unbounded pool would start a thread per file
        return i

    # The refresh flow's own task runner, submitting one task per file as the flow does.
    @flow(task_runner=refresh_flow.task_runner.duplicate())
    def fan_out() -> list[int]:
        futures = [extract_one.submit(i) for i in range(FILES)]
        return [f.result() for f in futures]

    before = threading.active_count()
    assert fan_out() == list(range(FILES))
    assert len(workers) <= EXTRACT_WORKERS < FILES
    assert peak[0] <= before + EXTRACT_WORKERS + PREFECT_BACKGROUND_THREADS
