"""The CLI starts its own early temporary server (pipelines/prefect_server.py) only where Prefect
would start one: no API URL, in the environment, a .env or prefect.toml, or the active profile,
and Prefect's temporary servers on. Elsewhere a configured server is Prefect's to use, as ever.
The profile rules are checked against Prefect's own reading of them, in a process of their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.prefect_server import prefects_own_settings, wants_temporary_server

ROOT = Path(__file__).resolve().parents[2]
PROFILES = """
active = "{active}"

[profiles.ephemeral]
PREFECT_SERVER_EPHEMERAL_ENABLED = "true"

[profiles.nightly]
PREFECT_API_URL = "http://hr-server:4200/api"

[profiles.quiet]
PREFECT_LOGGING_LEVEL = "ERROR"
"""
CASES = {  # name: (profiles file or None, environment, whether a temporary server starts)
    "fresh home: Prefect's default profile": (None, {}, True),
    "ephemeral profile": (PROFILES.format(active="ephemeral"), {}, True),
    "the profile names a server": (PROFILES.format(active="nightly"), {}, False),
    "PREFECT_PROFILE chooses it": (
        PROFILES.format(active="ephemeral"),
        {"PREFECT_PROFILE": "nightly"},
        False,
    ),
    "a profile not in the file: Prefect's default": (PROFILES.format(active="local"), {}, True),
    "no temporary servers: Prefect refuses": (PROFILES.format(active="quiet"), {}, False),
    "an API URL in the environment": (
        PROFILES.format(active="ephemeral"),
        {"PREFECT_API_URL": "http://x:4200/api"},
        False,
    ),
    "temporary servers off": (None, {"PREFECT_SERVER_EPHEMERAL_ENABLED": "false"}, False),
    "an unreadable profiles file": ("active = [", {}, False),
}
# Each case in one process (one import of Prefect for all): our answer before Prefect reads its
# settings, as the CLI asks, then Prefect's own from a fresh Settings() in that case's environment.
ASK = """
import json, os, sys
from pipelines.prefect_server import prefects_own_settings, wants_temporary_server
cases, base, answers = json.loads(sys.argv[1]), dict(os.environ), {}
for name, env in cases.items():
    os.environ.clear(); os.environ.update(base | env)
    early = wants_temporary_server()
    if early:  # the CLI starts its server and names it (start_early), then asks Prefect
        os.environ["PREFECT_API_URL"] = "http://127.0.0.1:1/api"
        url, ephemeral = prefects_own_settings()
    else:
        from prefect.settings import Settings
        url, ephemeral = Settings().api.url, Settings().server.ephemeral.enabled
    answers[name] = [early, url is None and ephemeral]
print(json.dumps(answers))
"""


def test_the_early_server_starts_exactly_where_prefect_would_start_one(tmp_path: Path) -> None:
    envs = {}
    for i, (name, (profiles, env, _)) in enumerate(CASES.items()):
        home = tmp_path / str(i)
        home.mkdir()
        if profiles is not None:
            (home / "profiles.toml").write_text(profiles, encoding="utf-8")
        envs[name] = {"PREFECT_HOME": str(home), **env}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    done = subprocess.run(
        [sys.executable, "-c", ASK, json.dumps(envs)], cwd=tmp_path, capture_output=True,
        text=True, timeout=120, env=clean | {"PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout.splitlines()[-1])
    assert answers == {name: [starts, starts] for name, (_, _, starts) in CASES.items()}


def test_a_server_named_where_only_prefect_looks_is_prefects_to_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A .env in the working folder: the early check cannot see it, Prefect's own reading does,
    and the CLI then stops its server and runs the flow with that URL (ready_for_flow)."""
    for name in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("PREFECT_API_URL=http://hr-server:4200/api\n", encoding="utf-8")
    assert wants_temporary_server()
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:1/api")  # as the CLI sets it
    assert prefects_own_settings()[0] == "http://hr-server:4200/api"
    assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:1/api"  # put back
