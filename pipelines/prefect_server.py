"""The CLI's temporary Prefect server, started as soon as the CLI knows a flow will run.

With no server configured, Prefect starts a temporary one on the flow's first API call and waits
for it: a process importing Prefect's server (~6 s here) after the CLI's own imports (~4 s), one
after the other while the second core idles, and the CLI's process imports the server's modules
too (~2.4 CPU s) only to start it. Started here, before the CLI imports Prefect, the server starts
while the CLI imports the refresh, and the CLI talks to it over HTTP like any client (demo through
the CLI: see README, *The command line*).

It is the server Prefect would start: the same uvicorn command and app factory
(`prefect.server.api.server.create_app`), with Prefect's flags for a temporary server (no UI, only
the services such a server runs), on the same database (PREFECT_HOME). Where a server is
configured (PREFECT_API_URL, in the environment or the active Prefect profile) or temporary
servers are off (PREFECT_SERVER_EPHEMERAL_ENABLED), or Prefect is already imported (its settings
already read), nothing is started here and Prefect does as ever.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from pipelines.processes import free_port

API_URL_ENV = "PREFECT_API_URL"
TIMEOUT_ENV = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
EPHEMERAL_ENV = "PREFECT_SERVER_EPHEMERAL_ENABLED"
TRUE = ("true", "1", "yes", "on", "t", "y")  # what Prefect's settings read as a true bool
# What prefect.server.api.server.SubprocessASGIServer sets for its temporary server.
SERVER_FLAGS = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                "PREFECT__SERVER_FINAL": "1"}  # fmt: skip
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends
# A traceback's last line names the exception: 'sqlalchemy.exc.OperationalError: ...'
EXCEPTION_LINE = re.compile(r"[A-Za-z_][\w.]*(Error|Exception): ")


class ServerFailed(RuntimeError):
    """The temporary server did not answer in time, or stopped before it did."""


class TemporaryServer:
    """A Prefect API server process on a free local port, started at once, waited for later."""

    def __init__(self) -> None:
        port = free_port()
        command = [
            sys.executable, "-m", "uvicorn", "--app-dir", str(_prefect_package().parent),
            "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
            "--port", str(port), "--log-level", "error", "--lifespan", "on",
        ]  # fmt: skip
        # its output kept aside: a server that fails is one line of the CLI's message, not its log
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (open while the server runs)
        self.process = subprocess.Popen(
            command, env={**os.environ, **SERVER_FLAGS}, stdout=self.log,
            stderr=subprocess.STDOUT, preexec_fn=_dies_with(os.getpid()),
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{port}/api"

    def wait_ready(self) -> None:
        """Return once the server answers its health check; ServerFailed if it does not in time.

        A server that stopped is not started again on another port, as Prefect's own would be:
        the flow's modules, imported meanwhile, have read the URL already."""
        deadline = time.monotonic() + float(os.environ.get(TIMEOUT_ENV) or 120)
        while time.monotonic() < deadline:
            if (status := self.process.poll()) is not None:
                raise ServerFailed(
                    f"Prefects tillfälliga server avslutades (status {status}): {self.reason()}"
                )
            if _healthy(self.url):
                return
            time.sleep(0.1)
        raise ServerFailed("Prefects tillfälliga server svarade inte i tid.")

    def ready_for_flow(self) -> AbstractContextManager:
        """The settings the flow runs with, once Prefect is imported: this server, answering
        (`wait_ready`), where Prefect's own reading of its settings would start a temporary server
        too; else this server stops and the flow gets the URL Prefect reads (or none, as Prefect
        would have it), so a server configured where only Prefect looks (.env, prefect.toml) is
        used as ever."""
        from prefect.settings import PREFECT_API_URL, temporary_settings

        url, ephemeral = prefects_own_settings()
        if url is None and ephemeral:
            self.wait_ready()
            return nullcontext()
        self.stop()
        if url is None:
            return temporary_settings(restore_defaults={PREFECT_API_URL})
        return temporary_settings(updates={PREFECT_API_URL: url})

    def reason(self) -> str:
        """Why the server stopped, from its output: the last exception it raised (its last
        unindented 'Module.Error: ...' line), else its last line."""
        self.log.seek(0)
        lines = self.log.read().decode("utf-8", "replace").strip().splitlines()
        errors = [line for line in lines if EXCEPTION_LINE.match(line)]
        return (errors or lines or ["inget meddelande"])[-1].strip()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _dies_with(parent: int) -> Callable[[], None] | None:
    """What the server's process runs before the server (Linux): it is sent SIGTERM when the
    CLI's process ends however it ends. Prefect's engine answers SIGTERM by ending the process
    with the signal, and SIGKILL runs nothing: the exit handler that stops the server never
    runs, and the server would outlive the CLI (as Prefect's own temporary server did).
    It runs in the forked child, where the CLI's other threads (jemalloc's, Arrow's: no Python
    thread yet) are gone but their locks may not be: so prctl is looked up here, in the parent,
    and the child only calls it and getppid."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl

    def set_parent_death_signal() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the CLI ended before the signal was asked for
            os._exit(1)

    return set_parent_death_signal


def start_early() -> TemporaryServer | None:
    """A temporary server starting, named by PREFECT_API_URL for the flow to come (the caller
    runs the flow in its `ready_for_flow`); None, and nothing started, unless Prefect would start one
    itself (`wants_temporary_server`) and has not been imported yet. It stops when the process
    exits, after Prefect's own exit handlers (registered later, so run first) have sent the
    run's last events to it."""
    if "prefect" in sys.modules or not wants_temporary_server():
        return None
    server = TemporaryServer()
    os.environ[API_URL_ENV] = server.url
    atexit.register(server.stop)
    return server


def wants_temporary_server() -> bool:
    """Whether Prefect would start a temporary server for a flow, as far as the environment and
    the profiles file tell before Prefect is imported: no API URL and temporary servers on
    (Prefect's default profile, 'ephemeral', turns them on). `TemporaryServer.ready_for_flow`
    asks Prefect itself once it is imported."""
    if os.environ.get(API_URL_ENV):
        return False
    profile = active_profile()
    enabled = os.environ.get(EPHEMERAL_ENV) or profile.get(EPHEMERAL_ENV) or ""
    return not profile.get(API_URL_ENV) and str(enabled).strip().lower() in TRUE


def active_profile() -> dict:
    """The active Prefect profile's settings, read as Prefect's profile loader reads them: the
    profiles file (PREFECT_PROFILES_PATH, else PREFECT_HOME/profiles.toml) if there is one, its
    profile PREFECT_PROFILE or `active`; Prefect's own default profile where the file has no
    such profile or there is no file; none where the file cannot be read."""
    defaults = _read_toml(_prefect_package() / "settings" / "profiles.toml") or {}
    default = (defaults.get("profiles") or {}).get(defaults.get("active") or "ephemeral") or {}
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    if not path.exists():
        return default
    found = _read_toml(path)
    if found is None:
        return {}
    active = os.environ.get("PREFECT_PROFILE") or found.get("active")
    profile = (found.get("profiles") or {}).get(active)
    return profile if isinstance(profile, dict) else default


def prefects_own_settings() -> tuple[str | None, bool]:
    """(API URL, temporary servers on) as Prefect itself reads its settings (environment, .env,
    prefect.toml, profiles) without the URL set here; Prefect must be importable."""
    from prefect.settings import Settings

    ours = os.environ.pop(API_URL_ENV, None)
    try:
        own = Settings()
    finally:
        if ours is not None:
            os.environ[API_URL_ENV] = ours
    return own.api.url, own.server.ephemeral.enabled


def _read_toml(path: Path) -> dict | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _prefect_package() -> Path:
    """The prefect package's folder, found without importing it."""
    from importlib.util import find_spec

    spec = find_spec("prefect")
    if spec is None or spec.origin is None:
        raise ServerFailed("Prefect är inte installerat.")
    return Path(spec.origin).parent


# A local address: no proxy from the environment applies.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _healthy(url: str) -> bool:
    try:
        with _DIRECT.open(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False
