"""The production recipe as files: deploy/chefskartan.env and the ExecStart lines of deploy/*.service,
turned into an environment and commands for this checkout (the test runs them as systemd would)."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from pipelines.processes import group, wait_gone

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
INSTALLED = "/opt/chefskartan"  # where the unit files expect the checkout


def env_file(path: Path = DEPLOY / "chefskartan.env") -> dict[str, str]:
    """KEY=VALUE lines, as systemd's EnvironmentFile= reads them (no quotes in ours)."""
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def unit_setting(unit: str, key: str) -> str:
    text = (DEPLOY / unit).read_text(encoding="utf-8")
    found = re.search(rf"^{key}=(.*)$", text, re.MULTILINE)
    assert found, f"{unit} has no {key}="
    return found.group(1)


def exec_start(unit: str, env: dict[str, str]) -> list[str]:
    """The unit's command for this checkout, with ${VAR} expanded as systemd expands it."""
    line = unit_setting(unit, "ExecStart").replace(INSTALLED, str(ROOT))
    return [re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], word) for word in shlex.split(line)]


def wait_healthy(api_url: str, server: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "the Prefect server exited"
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{api_url} not healthy after {timeout} s")


def api(api_url: str, path: str, body: dict | None = None) -> object:
    request = urllib.request.Request(
        f"{api_url}{path}",
        data=json.dumps(body or {}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def stop(proc: subprocess.Popen, signum: int, timeout: float = 30) -> float | None:
    """Stop as systemd does: KillSignal to the main process, then after the stop timeout SIGKILL
    to the whole group (KillMode=mixed). Returns the seconds the signal alone took, None when it
    needed the SIGKILL; either way no process of the group may be left."""
    sent = time.monotonic()
    proc.send_signal(signum)
    try:
        proc.wait(timeout=timeout)
        took = time.monotonic() - sent
    except subprocess.TimeoutExpired:
        took = None
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    left = wait_gone(group(proc.pid), timeout=10)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{proc.args[:3]} left processes behind"
    return took


class Webhook:
    """A local webhook receiver standing in for HR's Teams channel or mail gateway."""

    def __init__(self) -> None:
        received: list[dict] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append(json.loads(body or b"{}"))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.received = received
        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/larm"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, timeout: float = 60) -> list[dict]:
        deadline = time.monotonic() + timeout
        while not self.received and time.monotonic() < deadline:
            time.sleep(0.2)
        return self.received

    def close(self) -> None:
        self.server.shutdown()
