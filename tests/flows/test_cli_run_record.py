"""`chefskartan refresh` on its own temporary Prefect server (no API configured), as an analyst
runs it: the server is started early (pipelines/prefect_server.py) with its idle services off
(pipelines/cli.py), yet the run, each of its tasks and its summary artifact are recorded in
Prefect's database for the UI, and the server is gone when the command is."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.processes import wait_gone
from tests.conftest import TEST_KEY
from tests.hr.tiny_kommun import TinyKommun

pytestmark = pytest.mark.timeout(240)
ROOT = Path(__file__).resolve().parents[2]


def test_a_cli_refresh_is_recorded_with_its_tasks_and_summary(tmp_path: Path) -> None:
    units = [("F1", None, "Förvaltningen", "Förvaltning", "administration", 1)]
    staff = [
        (1, "F1", "Tillsvidare", 100, "A"),
        *[(n, "F1", "Tillsvidare", 100, "") for n in (2, 3)],
    ]
    TinyKommun(units, staff).write(tmp_path / "inbox")
    done = refresh(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert wait_gone(servers_of(tmp_path / "prefect"), timeout=5) == []

    db = sqlite3.connect(tmp_path / "prefect" / "prefect.db")
    runs = db.execute(
        "SELECT r.id, r.state_type FROM flow_run r JOIN flow f ON f.id = r.flow_id "
        "WHERE f.name = 'refresh'"
    ).fetchall()
    assert [state for _, state in runs] == ["COMPLETED"]
    tasks = dict(
        db.execute("SELECT name, state_type FROM task_run WHERE flow_run_id = ?", [runs[0][0]])
    )
    assert {name.split("-")[0] for name in tasks} == {"extract", "load", "build", "publish"}
    assert set(tasks.values()) == {"COMPLETED"}
    keys = {
        key for (key,) in db.execute("SELECT key FROM artifact WHERE flow_run_id = ?", [runs[0][0]])
    }
    assert {"refresh-summary", "refresh-report"} <= keys


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        # its imports alone take longer than a second
        ({"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "1"}, "svarade inte i tid"),
        # its database cannot be made: the app fails to start and the server exits
        (
            {"PREFECT_SERVER_DATABASE_CONNECTION_URL": "sqlite+aiosqlite:////proc/no/prefect.db"},
            "avslutades",
        ),  # and says why: sqlalchemy's OperationalError, not the server's log
    ],
)
def test_a_server_that_cannot_start_is_a_message_not_a_traceback(
    tmp_path: Path, setting: dict[str, str], message: str
) -> None:
    TinyKommun([("F1", None, "F", "Förvaltning", "administration", 1)],
               [(1, "F1", "Tillsvidare", 100, "")]).write(tmp_path / "inbox")  # fmt: skip
    done = refresh(tmp_path, setting)
    assert done.returncode == 1
    assert f"chefskartan refresh: Prefects tillfälliga server {message}" in done.stderr
    assert ("OperationalError" in done.stderr) == (message == "avslutades")
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "warehouse" / "published").exists()
    assert wait_gone(servers_of(tmp_path / "prefect"), timeout=5) == []


def test_the_server_ends_with_the_cli_even_when_the_cli_is_killed(tmp_path: Path) -> None:
    """SIGKILL runs no exit handler: the server is told by the kernel (its parent-death signal)."""
    TinyKommun([("F1", None, "F", "Förvaltning", "administration", 1)],
               [(1, "F1", "Tillsvidare", 100, "")]).write(tmp_path / "inbox")  # fmt: skip
    cli = subprocess.Popen(refresh_command(tmp_path), cwd=ROOT, env=cli_env(tmp_path),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (servers := servers_of(tmp_path / "prefect")) and time.monotonic() < deadline:
            assert cli.poll() is None, "the CLI ended before its server started"
            time.sleep(0.05)
        assert servers, "no server started"
    finally:
        cli.kill()
        cli.wait()
    assert wait_gone(servers, timeout=10) == []


def cli_env(tmp_path: Path) -> dict[str, str]:
    """No Prefect server configured, tmp_path/prefect as PREFECT_HOME, the test key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CHEFSKARTAN_"))}
    return env | {"PREFECT_HOME": str(tmp_path / "prefect"), "CHEFSKARTAN_PSEUDONYM_KEY": TEST_KEY}


def refresh_command(tmp_path: Path) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", "refresh", "--inbox", str(tmp_path / "inbox"),
            "--warehouse", str(tmp_path / "warehouse")]  # fmt: skip


def refresh(tmp_path: Path, setting: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`chefskartan refresh` of tmp_path/inbox into tmp_path/warehouse, as a new process with no
    Prefect server configured and its own PREFECT_HOME (tmp_path/prefect), plus `setting`."""
    return subprocess.run(
        refresh_command(tmp_path), cwd=ROOT, env=cli_env(tmp_path) | (setting or {}),
        capture_output=True, text=True, timeout=200,
    )  # fmt: skip


def servers_of(prefect_home: Path) -> list[int]:
    """Running Prefect API servers whose PREFECT_HOME is `prefect_home` (from /proc)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes()
            environ = (proc / "environ").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if b"prefect.server.api.server:create_app" in command and (
            f"PREFECT_HOME={prefect_home}".encode() in environ
        ):
            found.append(int(proc.name))
    return found
