"""`chefskartan serve`: which published file, which address, and whether login is on.

Safe defaults: without an [auth] section in secrets.toml the dashboard is a single-user local
one and binds to localhost only; another address without login needs --no-login (the page
then shows a banner). With login, the rule file is checked before the server starts.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
import tomllib
from pathlib import Path

from dashboards import access  # light (yaml only): the parser imports this module

AUDIT_LOG = Path("logs") / "access.log"  # inside the warehouse, outside published/


class ServeError(Exception):
    """serve cannot start as asked; str(exc) is a Swedish message saying what to do."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """serve's options beyond --warehouse, --port and --address."""
    p.add_argument(
        "--kommun",
        help="serve only this kommun's file, published/kommun_<code>.duckdb (e.g. 1262)",
    )
    p.add_argument(
        "--access", help="the access rule file (default WAREHOUSE/access.yaml; used with login)"
    )
    p.add_argument(
        "--secrets",
        help="secrets.toml with the [auth] login settings (default: .streamlit/secrets.toml "
        "here, then ~/.streamlit/secrets.toml, as Streamlit reads them)",
    )
    p.add_argument(
        "--no-login",
        action="store_true",
        help="serve beyond localhost without login (a closed workshop laptop); the page "
        "shows a banner",
    )
    p.add_argument(
        "--role",
        choices=access.ROLES,
        default="hr",
        help="without login: what everyone sees (default hr; workshop hides per-manager tables)",
    )


def is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def secrets_files(explicit: str | None, cwd: Path) -> list[Path]:
    """The secrets files Streamlit will read, in its order (later ones win)."""
    if explicit:
        path = Path(explicit).expanduser().resolve()
        if not path.is_file():
            raise ServeError(f"--secrets {explicit}: filen finns inte.")
        return [path]
    candidates = [Path.home() / ".streamlit" / "secrets.toml", cwd / ".streamlit" / "secrets.toml"]
    return [p for p in candidates if p.is_file()]


def auth_section(files: list[Path]) -> dict | None:
    """The [auth] section Streamlit will use, or None; ServeError if it is incomplete."""
    merged: dict = {}
    for path in files:
        try:
            merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ServeError(f"{path}: ogiltig TOML ({exc}).") from None
    auth = merged.get("auth")
    if not auth:
        return None
    missing = [k for k in ("redirect_uri", "cookie_secret") if not auth.get(k)]
    providers = [v for v in auth.values() if isinstance(v, dict)]
    if "client_id" not in auth and not providers:
        missing.append("client_id, client_secret, server_metadata_url")
    if missing:
        raise ServeError(f"[auth] i secrets.toml saknar {', '.join(missing)}.")
    return auth


def published_file(warehouse: Path, kommun: str | None) -> Path:
    from dashboards.queries import COMBINED_FILE

    published = warehouse / "published"
    if kommun is None:
        return published / COMBINED_FILE
    if not access.KOMMUN_CODE.fullmatch(kommun):
        raise ServeError(f"--kommun {kommun}: en kommunkod är fyra siffror, t.ex. 1262.")
    path = published / f"kommun_{kommun}.duckdb"
    if (published / COMBINED_FILE).is_file() and not path.is_file():
        known = ", ".join(sorted(access.published_kommuner(published))) or "inga"
        raise ServeError(
            f"Kommun {kommun} är inte publicerad i {published} (publicerade: {known})."
        )
    return path


def prepare(args: argparse.Namespace, app: Path, cwd: Path | None = None) -> tuple[list[str], dict]:
    """The streamlit command and its environment; ServeError when it must not start."""
    from dashboards.audit import AUDIT_ENV
    from dashboards.queries import ENV_VAR, LOCAL_ROLE_ENV

    warehouse = Path(args.warehouse).resolve()
    role = getattr(args, "role", None) or "hr"
    files = secrets_files(getattr(args, "secrets", None), cwd or Path.cwd())
    db = published_file(warehouse, getattr(args, "kommun", None))
    env = {ENV_VAR: str(db), LOCAL_ROLE_ENV: role, AUDIT_ENV: str(warehouse / AUDIT_LOG)}
    env |= login_env(args, warehouse, auth_section(files), role)
    (warehouse / AUDIT_LOG.parent).mkdir(mode=0o700, parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(args.port),
        "--server.address",
        args.address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",  # no "Deploy" button in front of a leadership group
    ]
    if getattr(args, "secrets", None):
        command += ["--secrets.files", str(files[0])]
    return command, env


def login_env(args: argparse.Namespace, warehouse: Path, auth: dict | None, role: str) -> dict:
    """With login: the checked rule file. Without: localhost, or --no-login and its banner."""
    from dashboards.login import ACCESS_ENV, NO_LOGIN_ENV

    address, no_login = args.address, getattr(args, "no_login", False)
    if auth and no_login:
        raise ServeError(
            "--no-login, men inloggning är konfigurerad i secrets.toml: ta bort det ena."
        )
    if auth:
        rules_file = Path(getattr(args, "access", None) or warehouse / access.ACCESS_FILE_NAME)
        known = access.published_kommuner(warehouse / "published") or None
        try:
            rules = access.load_rules(rules_file, known)
        except access.AccessRulesError as exc:
            raise ServeError(str(exc)) from None
        print(f"Inloggning: OIDC. Behörigheter: {rules_file} ({len(rules.rules)} regler).")
        return {ACCESS_ENV: str(rules_file.resolve())}
    if is_loopback(address):
        print(f"Ingen inloggning konfigurerad: lyssnar bara på localhost, rollen {role}.")
        return {}
    if not no_login:
        raise ServeError(
            f"Ingen inloggning är konfigurerad (se README, Drift och behörighet), så servern "
            f"lyssnar bara på localhost. --address {address} kräver inloggning, eller "
            "--no-login för en sluten workshopdator."
        )
    print(
        f"VARNING: ingen inloggning på {address}. Alla som når adressen ser allt som "
        f"rollen {role} ser.",
        file=sys.stderr,
    )
    return {NO_LOGIN_ENV: "1"}
