"""The production recipe end to end with a real Prefect server, worker and deployments.

As README "Drift" says, with deploy/'s env file and unit commands: start the server, create the
process pool, deploy prefect.yaml, declare the failure alert, start the worker, run
refresh/nightly-hr-refresh by name; then a run that must fail, and everything stops cleanly.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import TEST_KEY
from tests.ops.recipe import (
    ROOT,
    Webhook,
    api,
    env_file,
    exec_start,
    free_port,
    stop,
    unit_setting,
    wait_healthy,
)
from tests.ops.room_inbox import KOMMUN, room_inbox

pytestmark = [pytest.mark.server, pytest.mark.timeout(900)]
PREFECT = str(ROOT / ".venv" / "bin" / "prefect")


def recipe_env(tmp_path: Path) -> dict[str, str]:
    """deploy/chefskartan.env for this checkout, with paths and port in tmp_path."""
    port = free_port()
    home, key = tmp_path / "home", tmp_path / "etc" / "pseudonym.key"
    key.parent.mkdir()
    key.write_text(TEST_KEY)
    template = env_file()
    overrides = {
        "CHEFSKARTAN_CODE": str(ROOT),
        "CHEFSKARTAN_HOME": str(home),
        "CHEFSKARTAN_PSEUDONYM_KEY_FILE": str(key),
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_UI_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_UI_URL": f"http://127.0.0.1:{port}",
        # test speed only: no UI build to copy, the worker asks for work every second
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
    }
    assert set(overrides) - set(template) == {"PREFECT_UI_ENABLED", "PREFECT_WORKER_QUERY_SECONDS"}
    inherited = {
        k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CHEFSKARTAN_"))
    }
    return {**inherited, **template, **overrides}


def run(command: list[str], env: dict[str, str], timeout: float = 240) -> str:
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{command[:4]}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def failed_runs(api_url: str) -> list[dict]:
    return api(
        api_url, "/flow_runs/filter", {"flow_runs": {"state": {"type": {"any_": ["FAILED"]}}}}
    )


class Clock:
    """Seconds per phase, printed at the end (the test's duration is reported per phase)."""

    def __init__(self) -> None:
        self.start = self.last = time.monotonic()
        self.phases: list[str] = []

    def __call__(self, phase: str) -> None:
        now = time.monotonic()
        self.phases.append(f"{phase} {now - self.last:.1f}s")
        self.last = now

    def __str__(self) -> str:
        return f"{time.monotonic() - self.start:.1f}s: " + ", ".join(self.phases)


def test_nightly_run_through_server_worker_and_deployment(tmp_path: Path) -> None:
    env = recipe_env(tmp_path)
    home = Path(env["CHEFSKARTAN_HOME"])
    room_inbox(home / "inbox")
    api_url = env["PREFECT_API_URL"]
    logs = {name: open(tmp_path / f"{name}.log", "w+") for name in ("server", "worker")}  # noqa: SIM115
    hook = Webhook()
    server = subprocess.Popen(
        exec_start("prefect-server.service", env),
        cwd=ROOT,
        env=env,
        stdout=logs["server"],
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = None
    clock = Clock()
    try:
        wait_healthy(api_url, server)
        clock("server start")
        run([PREFECT, "work-pool", "create", "chefskartan", "--type", "process"], env)
        deployed = run([PREFECT, "deploy", "--all"], env)
        assert "refresh/nightly-hr-refresh" in deployed
        assert "refresh-survey/survey-window-refresh" in deployed
        clock("pool + deploy")
        env_alert = {**env, "CHEFSKARTAN_ALERT_WEBHOOK_URL": hook.url}
        run([sys.executable, "deploy/notifications.py"], env_alert)
        clock("alert")
        worker = subprocess.Popen(
            exec_start("prefect-worker.service", env),
            cwd=ROOT,
            env=env,
            stdout=logs["worker"],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        out = run(
            [
                PREFECT,
                "deployment",
                "run",
                "refresh/nightly-hr-refresh",
                "--watch",
                "--watch-interval",
                "1",
            ],  # fmt: skip
            env,
        )
        assert "Completed" in out, out
        clock("nightly run")
        published = home / "warehouse" / "published"
        assert sorted(p.name for p in published.glob("*.duckdb")) == [
            "chefskartan.duckdb",
            f"kommun_{KOMMUN}.duckdb",
        ]
        con = duckdb.connect(str(published / "chefskartan.duckdb"), read_only=True)
        loaded = con.execute("SELECT count(*) FROM mart_refresh_log").fetchone()[0]
        con.close()
        assert loaded == 4
        summary = api(
            api_url, "/artifacts/filter", {"artifacts": {"key": {"any_": ["refresh-summary"]}}}
        )
        assert summary[0]["type"] == "table"
        assert summary[0]["description"].startswith("**Publicerat: ")
        rows = json.loads(summary[0]["data"])
        assert {r["kommun"] for r in rows} == {KOMMUN} and len(rows) == 4
        assert {"fil", "period", "rader", "avvisade rader", "varningar"} <= set(rows[0])

        # An expected failure: no manifest. Failed, the Swedish message, no traceback, an alert.
        empty = tmp_path / "tom"
        empty.mkdir()
        failed = subprocess.run(
            [PREFECT, "deployment", "run", "refresh/nightly-hr-refresh", "--watch",
             "--watch-interval", "1", "-p", f'inbox="{empty}"'],  # fmt: skip
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
        )  # fmt: skip
        assert failed.returncode != 0
        clock("failing run")
        [state] = [r["state"] for r in failed_runs(api_url)]
        assert state["message"].startswith("Hittar ingen manifest.yaml")
        alerts = hook.wait(60)
        assert alerts and "Hittar ingen manifest.yaml" in alerts[0]["text"], alerts
        assert "refresh/nightly-hr-refresh misslyckades" in alerts[0]["text"]
        clock("alert received")
    finally:
        stopped = {}
        if worker is not None:
            kill_signal = getattr(signal, unit_setting("prefect-worker.service", "KillSignal"))
            stopped["worker on SIGINT"] = stop(worker, kill_signal, timeout=10)
        stopped["server on SIGTERM"] = stop(server, signal.SIGTERM)
        hook.close()
        clock("stop")
        print(f"production recipe {clock}; stopped by the signal alone: {stopped}")
    assert stopped["server on SIGTERM"]
    logs["worker"].seek(0)
    runs_log = logs["worker"].read()  # the worker's and its flow runs' output
    assert "Traceback" not in runs_log, runs_log[-3000:]
