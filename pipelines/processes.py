"""Child processes that stop with their parent: SIGTERM and Ctrl-C reach everything we started.

Each child runs in its own process group, so a temporary Prefect server or Streamlit's helpers
that the child starts belong to that group too; stopping the child stops the whole group, and
whatever a finished child left behind is stopped as well. Below, the process tree as /proc shows
it (children, a group, CPU seconds): what the stop tests check and the benchmarks count.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

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


# The process tree, read from /proc (Linux): what a stop must reach and what a benchmark counts.


def _stat(pid: int) -> list[str] | None:
    """/proc/PID/stat's fields after the command name (state first), or None when gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text.rsplit(")", 1)[1].split()


def alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def _running() -> Iterator[tuple[int, list[str]]]:
    """(pid, stat fields) of every process but zombies."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        pid = int(stat.parent.name)
        fields = _stat(pid)
        if fields is not None and fields[0] != "Z":
            yield pid, fields


def children(pid: int) -> list[int]:
    return [child for child, fields in _running() if int(fields[1]) == pid]


def group(pgid: int) -> list[int]:
    """The running processes of a process group (a stopped unit's, say)."""
    return [pid for pid, fields in _running() if int(fields[2]) == pgid]


def descendants(pid: int) -> list[int]:
    """Children, grandchildren and so on (those running now)."""
    found, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        found += kids
        todo += kids
    return found


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system, all threads) of pid and everything it started, finished
    children included once reaped."""
    total = 0
    for each in [pid, *descendants(pid)]:
        fields = _stat(each)
        if fields is not None:
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def wait_gone(pids: Sequence[int], timeout: float = 20.0) -> list[int]:
    """Wait until none of pids runs; returns those still running after timeout."""
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if alive(p)]


def free_port() -> int:
    """A TCP port on localhost that nothing listens on now (for a server a test or bench starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
