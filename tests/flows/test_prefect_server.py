"""Where Prefect is configured, the CLI starts no server of its own (pipelines/prefect_server.py):
an API URL in the environment or in the active Prefect profile is Prefect's to use, as ever."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.prefect_server import configured_api_url

PROFILES = """
active = "{active}"

[profiles.ephemeral]

[profiles.nightly]
PREFECT_API_URL = "http://hr-server:4200/api"
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    return tmp_path


def test_no_profile_and_no_environment_means_no_server_is_configured(home: Path) -> None:
    assert configured_api_url() is None


def test_the_environment_names_the_server(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://elsewhere:4200/api")
    assert configured_api_url() == "http://elsewhere:4200/api"


def test_the_active_profile_names_the_server(home: Path) -> None:
    (home / "profiles.toml").write_text(PROFILES.format(active="nightly"), encoding="utf-8")
    assert configured_api_url() == "http://hr-server:4200/api"


def test_an_inactive_profile_does_not(home: Path) -> None:
    (home / "profiles.toml").write_text(PROFILES.format(active="ephemeral"), encoding="utf-8")
    assert configured_api_url() is None


def test_prefect_profile_chooses_the_profile(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / "profiles.toml").write_text(PROFILES.format(active="ephemeral"), encoding="utf-8")
    monkeypatch.setenv("PREFECT_PROFILE", "nightly")
    assert configured_api_url() == "http://hr-server:4200/api"


def test_a_broken_profiles_file_configures_nothing(home: Path) -> None:
    (home / "profiles.toml").write_text("active = [", encoding="utf-8")
    assert configured_api_url() is None
