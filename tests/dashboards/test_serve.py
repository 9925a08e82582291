"""`chefskartan serve`: safe binding without login, the rule file checked at start, one kommun."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from dashboards import queries
from pipelines.cli import APP, main
from pipelines.serve import ServeError, prepare

AUTH = """\
[auth]
redirect_uri = "https://chefskartan.lomma.se/oauth2callback"
cookie_secret = "not-a-secret-but-long-enough-for-a-test"
client_id = "id"
client_secret = "secret"
server_metadata_url = "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration"
"""
RULES = 'rules:\n  - {role: hr, kommuner: ["1262"], users: [hr@lomma.se]}\n'


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    published = tmp_path / "warehouse" / "published"
    published.mkdir(parents=True)
    for name in ("chefskartan.duckdb", "kommun_1231.duckdb", "kommun_1262.duckdb"):
        (published / name).touch()  # serve only looks at the names; the app opens them
    return tmp_path / "warehouse"


def args(warehouse: Path, **given: object) -> argparse.Namespace:
    defaults = dict(port=8501, address="localhost", kommun=None, access=None, secrets=None)
    return argparse.Namespace(warehouse=str(warehouse), **{**defaults, **given})


def secrets(tmp_path: Path, text: str = AUTH) -> str:
    path = tmp_path / "secrets.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_without_login_localhost_serves_the_combined_file(warehouse: Path, tmp_path: Path) -> None:
    command, env = prepare(args(warehouse), APP, cwd=tmp_path)
    assert command[command.index("--server.address") + 1] == "localhost"
    assert env[queries.ENV_VAR] == str(warehouse / "published" / "chefskartan.duckdb")
    assert "CHEFSKARTAN_NO_LOGIN" not in env and "CHEFSKARTAN_ACCESS_FILE" not in env
    assert env["CHEFSKARTAN_AUDIT_LOG"] == str(warehouse / "logs" / "access.log")
    assert (warehouse / "logs").stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("address", ["0.0.0.0", "10.1.2.3", "::", "chefskartan.lomma.se"])
def test_without_login_another_address_is_refused(
    warehouse: Path, tmp_path: Path, address: str
) -> None:
    with pytest.raises(ServeError, match="--no-login"):
        prepare(args(warehouse, address=address), APP, cwd=tmp_path)


def test_no_login_beyond_localhost_starts_with_the_banner(warehouse: Path, tmp_path: Path) -> None:
    given = args(warehouse, address="0.0.0.0", no_login=True, role="workshop")
    _, env = prepare(given, APP, cwd=tmp_path)
    assert env["CHEFSKARTAN_NO_LOGIN"] == "1" and env[queries.LOCAL_ROLE_ENV] == "workshop"


def test_with_login_the_rule_file_is_checked_before_start(warehouse: Path, tmp_path: Path) -> None:
    given = args(warehouse, address="0.0.0.0", secrets=secrets(tmp_path))
    with pytest.raises(ServeError, match="finns inte"):
        prepare(given, APP, cwd=tmp_path)
    (warehouse / "access.yaml").write_text(RULES.replace("1262", "1261"))
    with pytest.raises(ServeError, match="okänd kommun 1261"):
        prepare(given, APP, cwd=tmp_path)
    (warehouse / "access.yaml").write_text(RULES)
    command, env = prepare(given, APP, cwd=tmp_path)
    assert env["CHEFSKARTAN_ACCESS_FILE"] == str((warehouse / "access.yaml").resolve())
    assert command[-2:] == ["--secrets.files", given.secrets]


def test_secrets_in_the_working_directory_turn_login_on(warehouse: Path, tmp_path: Path) -> None:
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(AUTH)
    with pytest.raises(ServeError, match="access.yaml finns inte"):
        prepare(args(warehouse), APP, cwd=tmp_path)


def test_incomplete_auth_and_login_with_no_login_are_refused(
    warehouse: Path, tmp_path: Path
) -> None:
    partial = secrets(tmp_path, AUTH.replace('cookie_secret = "not', 'x = "not'))
    with pytest.raises(ServeError, match="saknar cookie_secret"):
        prepare(args(warehouse, secrets=partial), APP, cwd=tmp_path)
    (warehouse / "access.yaml").write_text(RULES)
    given = args(warehouse, secrets=secrets(tmp_path), no_login=True)
    with pytest.raises(ServeError, match="ta bort det ena"):
        prepare(given, APP, cwd=tmp_path)


def test_one_kommun_serves_only_its_own_file(warehouse: Path, tmp_path: Path) -> None:
    _, env = prepare(args(warehouse, kommun="1262"), APP, cwd=tmp_path)
    assert env[queries.ENV_VAR] == str(warehouse / "published" / "kommun_1262.duckdb")
    with pytest.raises(ServeError, match="1261 är inte publicerad"):
        prepare(args(warehouse, kommun="1261"), APP, cwd=tmp_path)
    with pytest.raises(ServeError, match="fyra siffror"):
        prepare(args(warehouse, kommun="../x"), APP, cwd=tmp_path)


def test_cli_refuses_with_a_message_and_exit_2(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--warehouse", str(warehouse), "--address", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("chefskartan serve: Ingen inloggning är konfigurerad")
    assert "Traceback" not in err


def test_the_demo_serves_with_no_set_up(warehouse: Path, tmp_path: Path) -> None:
    """`chefskartan demo` calls serve with only warehouse, port and address."""
    given = argparse.Namespace(warehouse=str(warehouse), port=8501, address="localhost")
    command, env = prepare(given, APP, cwd=tmp_path)
    assert env[queries.LOCAL_ROLE_ENV] == "hr" and "CHEFSKARTAN_NO_LOGIN" not in env
    assert "--secrets.files" not in command
