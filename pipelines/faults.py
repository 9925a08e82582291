"""Named points where a test may kill the refresh (CHEFSKARTAN_TEST_KILL_AT=<stage>)."""

from __future__ import annotations

import os

KILL_ENV = "CHEFSKARTAN_TEST_KILL_AT"
STAGES = (
    "extract",  # a file extracted and staged
    "load",  # history loaded into the working copy of the store
    "build",  # the combined file built, kommun files not yet
    "publish-seal",  # every file of the version written and sealed read-only
    "publish-store",  # the new store swapped in, the publication not yet switched
    "publish-switch",  # the publication switched, old versions not yet pruned
    "failed-logging",  # a failed refresh's outcome written to the store copy, not swapped
)


def fault_point(stage: str) -> None:
    """Exit at once, as kill -9 would, when a test asks for this stage (no cleanup runs)."""
    if os.environ.get(KILL_ENV) == stage:
        os._exit(137)
