"""Child processes that stop with their parent: SIGTERM and Ctrl-C reach everything we started.

Each child runs in its own process group, so a temporary Prefect server or Streamlit's helpers
that the child starts belong to that group too; stopping the child stops the whole group, and
whatever a finished child left behind is stopped as well.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

GRACE_SECONDS = 10.0
INTERRUPTED = 130  # the shell's exit status after Ctrl-C


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived; raised like Ctrl-C so the same clean-up runs."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Inside the block SIGTERM raises Terminated (a KeyboardInterrupt), as Ctrl-C does."""
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _signal_group(pgid: int, signum: int) -> bool:
    """Send signum to the group; False when no process of it is left."""
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def stop_group(proc: subprocess.Popen, grace: float = GRACE_SECONDS) -> None:
    """SIGTERM the child's process group, then SIGKILL whatever is still there after grace."""
    if _signal_group(proc.pid, signal.SIGTERM):
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            proc.poll()  # reap the child, or it would count as alive
            if not _signal_group(proc.pid, 0):
                break
            time.sleep(0.1)
        _signal_group(proc.pid, signal.SIGKILL)
    proc.wait()


def run_child(
    command: Sequence[str], env: Mapping[str, str] | None = None, grace: float = GRACE_SECONDS
) -> int:
    """Run command to its end; on SIGTERM or Ctrl-C stop it and everything it started.

    Returns the child's exit status, or 130 when interrupted.
    """
    with sigterm_as_interrupt():
        proc = subprocess.Popen(list(command), env=env, start_new_session=True)
        try:
            status = proc.wait()
        except KeyboardInterrupt:
            stop_group(proc, grace)
            return INTERRUPTED
        stop_group(proc, grace)  # a finished child's leftovers (e.g. a temporary server)
        return status
