"""The production recipe end to end with a real Prefect server, worker and deployments.

As README "Drift" says, with deploy/'s env file: start the server, create the process pool,
deploy prefect.yaml, declare the failure alert, start the worker, run refresh/nightly-hr-refresh
by name (and beside it a run that must fail); then each process stops on its unit's KillSignal.
The server and the worker run as their units' ExecStart lines; the recipe's one-off steps run
Prefect's own CLI (and deploy/notifications.py) in this process with the env file's environment,
which spares a Python start with Prefect's imports per step.
"""

from __future__ import annotations

import importlib
import json
import os
import runpy
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from pipelines.processes import free_port
from tests.conftest import TEST_KEY
from tests.ops.recipe import (
    ROOT,
    Webhook,
    api,
    env_file,
    exec_start,
    stop,
    unit_setting,
    wait_healthy,
)
from tests.ops.room_inbox import KOMMUN, room_inbox

pytestmark = [pytest.mark.server, pytest.mark.timeout(900)]
NIGHTLY = "refresh/nightly-hr-refresh"
WORKER_STOP_SECONDS = 15  # the worker must stop on its unit's KillSignal within this


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


@contextmanager
def recipe_shell(env: dict[str, str]) -> Iterator[None]:
    """This process as the recipe's shell after `set -a && . chefskartan.env`: that environment,
    and Prefect settings read from it (not the test harness's)."""
    from prefect.context import SettingsContext, get_settings_context
    from prefect.settings import Settings

    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith(("PREFECT_", "CHEFSKARTAN_"))]:
            patch.delenv(name)
        for name, value in env.items():
            if name.startswith(("PREFECT_", "CHEFSKARTAN_")):
                patch.setenv(name, value)
        patch.chdir(ROOT)  # the recipe runs them in /opt/chefskartan
        with SettingsContext(profile=get_settings_context().profile, settings=Settings()):
            yield


def prefect(*args: str, ok: bool = True) -> str:
    """`prefect ARGS` as the recipe types it, through Prefect's CLI in this process."""
    from prefect.testing.cli import CycloptsCliRunner

    done = CycloptsCliRunner().invoke(list(args))
    assert (done.exit_code == 0) == ok, f"prefect {' '.join(args)}: {done.exit_code}\n{done.output}"
    return done.output


def start_unit(unit: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """The unit's ExecStart in its own process group (its cgroup), output to log."""
    with log.open("w") as out:
        return subprocess.Popen(
            exec_start(unit, env),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_final(run_id: object, timeout: float = 300) -> dict:
    """The flow run once it has ended (Completed, Failed, Crashed...)."""
    from prefect import get_client

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            run = client.read_flow_run(run_id)
            if run.state is not None and run.state.is_final():
                return {"type": run.state.type.value, "message": run.state.message or ""}
            time.sleep(0.5)
    raise TimeoutError(f"flow run {run_id} did not end in {timeout} s")


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
    clock = Clock()
    env = recipe_env(tmp_path)
    home = Path(env["CHEFSKARTAN_HOME"])
    api_url = env["PREFECT_API_URL"]
    hook = Webhook()
    server = start_unit("prefect-server.service", env, tmp_path / "server.log")
    worker = None
    stopped: dict[str, float | None] = {}
    try:
        # While the server migrates its new database: the inbox, and the imports the steps need.
        room_inbox(home / "inbox")
        (empty := tmp_path / "tom").mkdir()
        for module in ("prefect.cli.deploy", "prefect.testing.cli", "pipelines.flows.refresh"):
            importlib.import_module(module)

        wait_healthy(api_url, server)
        clock("server start")
        with recipe_shell({**env, "CHEFSKARTAN_ALERT_WEBHOOK_URL": hook.url}):
            from prefect.deployments import run_deployment

            prefect("work-pool", "create", "chefskartan", "--type", "process")
            # The worker's start (its imports) overlaps the deploy; it finds the pool ready.
            worker = start_unit("prefect-worker.service", env, tmp_path / "worker.log")
            deployed = prefect("deploy", "--all")
            assert NIGHTLY in deployed and "refresh-survey/survey-window-refresh" in deployed
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(sys, "argv", ["deploy/notifications.py"])
                runpy.run_path(str(ROOT / "deploy" / "notifications.py"), run_name="__main__")
            clock("pool, deploy, alert")

            # An expected failure beside the nightly run: a run naming an inbox with no manifest.
            failing = run_deployment(NIGHTLY, parameters={"inbox": str(empty)}, timeout=0)
            out = prefect("deployment", "run", NIGHTLY, "--watch")
            assert "Completed" in out, out
            clock("nightly run")
            ended = wait_final(failing.id)
        assert ended["type"] == "FAILED" and ended["message"].startswith(
            "Hittar ingen manifest.yaml"
        ), ended

        published = home / "warehouse" / "published"
        assert sorted(p.name for p in published.glob("*.duckdb")) == [
            "chefskartan.duckdb",
            f"kommun_{KOMMUN}.duckdb",
        ]
        con = duckdb.connect(str(published / "chefskartan.duckdb"), read_only=True)
        loaded = con.execute("SELECT count(*) FROM mart_refresh_log").fetchone()[0]
        con.close()
        assert loaded == 4
        [summary] = api(
            api_url, "/artifacts/filter", {"artifacts": {"key": {"any_": ["refresh-summary"]}}}
        )
        assert summary["type"] == "table"
        assert summary["description"].startswith("**Publicerat: ")
        rows = json.loads(summary["data"])
        assert {r["kommun"] for r in rows} == {KOMMUN} and len(rows) == 4
        assert {"fil", "period", "rader", "avvisade rader", "varningar"} <= set(rows[0])

        alerts = hook.wait(60)
        assert alerts and "Hittar ingen manifest.yaml" in alerts[0]["text"], alerts
        assert f"{NIGHTLY} misslyckades" in alerts[0]["text"]
        clock("failing run, alert")
    finally:
        if worker is not None:
            kill_signal = getattr(signal, unit_setting("prefect-worker.service", "KillSignal"))
            stopped["worker"] = stop(worker, kill_signal, timeout=WORKER_STOP_SECONDS)
        stopped["server"] = stop(server, signal.SIGTERM)
        hook.close()
        clock("stop")
        print(f"production recipe {clock}; seconds to stop on the unit's signal: {stopped}")
    assert stopped["worker"] is not None, f"the worker ignored SIGINT for {WORKER_STOP_SECONDS} s"
    assert stopped["server"] is not None, "the server ignored SIGTERM"
    runs_log = (tmp_path / "worker.log").read_text()  # the worker's and its flow runs' output
    assert "Traceback" not in runs_log, runs_log[-3000:]
