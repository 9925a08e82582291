"""Who is at the page: Streamlit's OIDC login, the session's grant, the no-login banner, audit.

With an [auth] section in .streamlit/secrets.toml, every session logs in (st.login) and gets
the grant its ID-token claims earn in the rule file; without one the server is a single-user
local one (`chefskartan serve` binds it to localhost unless --no-login) with one role.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import streamlit as st

from dashboards import access, audit, queries

ACCESS_ENV = "CHEFSKARTAN_ACCESS_FILE"
NO_LOGIN_ENV = "CHEFSKARTAN_NO_LOGIN"  # "1": served beyond localhost without login (banner)
_AUDITED = "_chefskartan_audited"  # session_state: events already written for this session


def login_configured() -> bool:
    """Streamlit adds is_logged_in to st.user exactly when secrets.toml has an [auth] section."""
    return "is_logged_in" in st.user


def session_grant() -> access.Grant | None:
    """This session's grant, stored for queries.py; None after drawing the login or refusal."""
    st.session_state.pop(queries.GRANT_KEY, None)
    if not login_configured():
        grant = access.local_grant(os.environ.get(queries.LOCAL_ROLE_ENV) or "hr")
        _once("login", grant.user, role=grant.describe(), login="ingen")
    elif not st.user.is_logged_in:
        _login_page()
        return None
    else:
        claims: dict[str, Any] = st.user.to_dict()
        try:
            rules = _rules(_rules_path())
        except access.AccessRulesError as exc:
            audit.record("rules_error", _user(claims))
            st.error(f"Behörighetsreglerna kunde inte läsas: {exc}")
            return None
        grant = rules.grant_for(claims, within=_served_kommuner())
        if grant.is_empty:
            _once("refused", grant.user)
            _refusal(grant.user)
            return None
        _once("login", grant.user, role=grant.describe())
    st.session_state[queries.GRANT_KEY] = grant
    return grant


def sidebar(grant: access.Grant) -> None:
    """Who is logged in, in which role, the logout button, and the banner without login."""
    if not login_configured():
        if os.environ.get(NO_LOGIN_ENV) == "1":
            st.warning(
                "**Ingen inloggning.** Alla som når den här adressen ser allt som rollen "
                f"{access.ROLE_LABEL[_local_role()]} ser. Bara för en sluten workshopdator.",
                icon="⚠️",
            )
        st.sidebar.caption(
            f"Lokal visning utan inloggning · roll: {access.ROLE_LABEL[_local_role()]}"
        )
        return
    st.sidebar.caption(f"Inloggad som {grant.user} · {grant.describe()}")
    st.sidebar.button("Logga ut", on_click=_logout, args=(grant.user,), key="logga_ut")


def record_page(grant: access.Grant, page: str) -> None:
    """Audit the page and kommun this session opened, once per change."""
    kommun = st.session_state.get("kommun")
    seen = st.session_state.setdefault(_AUDITED, set())
    key = ("page", page, kommun)
    if key not in seen:
        seen.add(key)
        audit.record("page", grant.user, page=page, kommun=kommun, session=_session_id())


def record_denied(grant: access.Grant, page: str, reason: str) -> None:
    audit.record("denied", grant.user, page=page, reason=reason, session=_session_id())


# --------------------------------------------------------------------------- internals


def _local_role() -> str:
    return os.environ.get(queries.LOCAL_ROLE_ENV) or "hr"


def _user(claims: dict[str, Any]) -> str:
    return next((str(claims[c]) for c in access.USER_CLAIMS if claims.get(c)), "")


def _session_id() -> str:
    return st.session_state.setdefault("_chefskartan_session", secrets.token_hex(4))


def _once(event: str, user: str, **fields: Any) -> None:
    seen = st.session_state.setdefault(_AUDITED, set())
    if (event, user) not in seen:
        seen.add((event, user))
        audit.record(event, user, session=_session_id(), **fields)


def _rules_path() -> Path:
    configured = os.environ.get(ACCESS_ENV, "").strip()
    if configured:
        return Path(configured)
    # Beside the warehouse: WAREHOUSE/published/<file> -> WAREHOUSE/access.yaml (not resolved,
    # so a `published` symlink to a versioned folder still points back to the warehouse).
    return Path(os.environ.get(queries.ENV_VAR, "")).parent.parent / access.ACCESS_FILE_NAME


def _rules(path: Path) -> access.AccessRules:
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _cached_rules(str(path), mtime)


@st.cache_resource(show_spinner=False, max_entries=2)
def _cached_rules(path: str, mtime_ns: int) -> access.AccessRules:
    """The rule file, read again whenever it changes (mtime_ns is the cache key)."""
    published = Path(os.environ.get(queries.ENV_VAR, "")).parent
    known = access.published_kommuner(published) or None
    return access.load_rules(Path(path), known)


def _served_kommuner() -> set[str] | None:
    """{code} on a server of one kommun's file; None on a server of the combined file."""
    name = Path(os.environ.get(queries.ENV_VAR, "")).name
    if name.startswith("kommun_") and name.endswith(".duckdb"):
        return {name[len("kommun_") : -len(".duckdb")]}
    return None


def _provider() -> str | None:
    """None for a provider configured directly in [auth]; else the first [auth.<name>]."""
    section = st.secrets.get("auth", {})
    if "client_id" in section:
        return None
    return next((k for k, v in section.items() if hasattr(v, "keys")), None)


def _login_page() -> None:
    st.title("Chefskartan")
    st.write("Logga in med ditt konto i kommunen för att se faktaväggen.")
    provider = _provider()
    st.button("Logga in", type="primary", on_click=st.login, args=(provider,) if provider else ())


def _refusal(user: str) -> None:
    st.title("Chefskartan")
    st.error(
        f"Du är inloggad som {user or 'okänd användare'} men har ingen behörighet i "
        "Chefskartan för den här kommunen. Kontakta kommunens HR-avdelning om du behöver "
        "tillgång."
    )
    st.button("Logga ut", on_click=_logout, args=(user,), key="logga_ut")


def _logout(user: str) -> None:
    audit.record("logout", user, session=_session_id())
    st.logout()
