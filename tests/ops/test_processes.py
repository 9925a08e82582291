"""`serve` and `demo` stop everything they started, on SIGTERM and on Ctrl-C, and leave nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipelines.processes import children, free_port, wait_gone
from tests.ops.recipe import ROOT

# A parent that runs a child through run_child; the child starts a grandchild (as a refresh
# starts its temporary Prefect server), prints both pids, then sleeps or exits.
PARENT = """
import sys
from pipelines.processes import run_child
child = (
    "import subprocess, sys, time;"
    "g = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)']);"
    "print('pids', __import__('os').getpid(), g.pid, flush=True);"
    "time.sleep(float(sys.argv[1]))"
)
sys.exit(run_child([sys.executable, "-c", child, sys.argv[1]]))
"""


def start_parent(child_seconds: float) -> tuple[subprocess.Popen, list[int]]:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(child_seconds)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group, as a shell gives a foreground job
    )
    line = parent.stdout.readline()
    assert line.startswith("pids"), line
    return parent, [int(p) for p in line.split()[1:]]


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_a_stopped_parent_stops_its_child_and_grandchild(how: str) -> None:
    parent, pids = start_parent(300)
    if how == "SIGTERM":
        parent.send_signal(signal.SIGTERM)  # systemd, kill, docker stop: the parent only
    else:
        os.killpg(parent.pid, signal.SIGINT)  # the terminal's Ctrl-C: the foreground group
    assert parent.wait(timeout=30) == 130
    assert wait_gone(pids) == []


def test_what_a_finished_child_leaves_behind_is_stopped() -> None:
    parent, pids = start_parent(0)
    assert parent.wait(timeout=30) == 0
    assert wait_gone(pids) == []  # the grandchild (a temporary server) did not outlive it


def test_serve_on_sigterm_leaves_no_streamlit_serving(tmp_path: Path) -> None:
    port = free_port()
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "serve",
            "--warehouse",
            str(tmp_path),
            "--port",
            str(port),
        ],  # fmt: skip
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    health = f"http://localhost:{port}/_stcore/health"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(health, timeout=1):
                break
        except OSError:
            assert time.monotonic() < deadline, "streamlit never served"
            time.sleep(0.3)
    streamlit = children(serve.pid)
    assert streamlit
    serve.send_signal(signal.SIGTERM)
    assert serve.wait(timeout=30) == 130
    assert wait_gone(streamlit) == []
    with pytest.raises(OSError):
        urllib.request.urlopen(health, timeout=1)
