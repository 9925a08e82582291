"""The CLI starts its own early temporary server (pipelines/prefect_server.py) only where Prefect
would start one: no API URL, in the environment, a .env or prefect.toml, or the active profile,
and Prefect's temporary servers on. Elsewhere a configured server is Prefect's to use, as ever.
The profile rules are checked against Prefect's own reading of them (a fresh process each)."""

from __future__ import annotations

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
ASK = """
import os
from pipelines.prefect_server import prefects_own_settings, wants_temporary_server
early = wants_temporary_server()  # before Prefect is imported, as the CLI asks
if early:  # the CLI starts its server and names it (start_early), then asks Prefect
    os.environ["PREFECT_API_URL"] = "http://127.0.0.1:1/api"
    url, ephemeral = prefects_own_settings()
else:
    from prefect.settings import Settings
    url, ephemeral = Settings().api.url, Settings().server.ephemeral.enabled
print(early, url is None and ephemeral)
"""


def answers(home: Path, profiles: str | None, **env: str) -> tuple[str, str]:
    """(ours before Prefect is imported, Prefect's own) in a fresh process with `home` as
    PREFECT_HOME holding `profiles` (none if None)."""
    if profiles is not None:
        (home / "profiles.toml").write_text(profiles, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    done = subprocess.run(
        [sys.executable, "-c", ASK], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=clean | {"PREFECT_HOME": str(home), "PYTHONPATH": str(ROOT)} | env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    ours, prefects = done.stdout.split()
    return ours, prefects


@pytest.mark.parametrize(
    ("profiles", "env", "expected"),
    [
        (None, {}, "True"),  # a fresh home: Prefect's default profile, temporary servers on
        (PROFILES.format(active="ephemeral"), {}, "True"),
        (PROFILES.format(active="nightly"), {}, "False"),  # the profile names a server
        (PROFILES.format(active="ephemeral"), {"PREFECT_PROFILE": "nightly"}, "False"),
        (PROFILES.format(active="local"), {}, "True"),  # not in the file: Prefect's default
        (PROFILES.format(active="quiet"), {}, "False"),  # no temporary servers: Prefect refuses
        (PROFILES.format(active="ephemeral"), {"PREFECT_API_URL": "http://x:4200/api"}, "False"),
        (None, {"PREFECT_SERVER_EPHEMERAL_ENABLED": "false"}, "False"),
    ],
)
def test_the_early_server_starts_where_prefect_would_start_one(
    tmp_path: Path, profiles: str | None, env: dict[str, str], expected: str
) -> None:
    assert answers(tmp_path, profiles, **env) == (expected, expected)


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
