"""Streamlit entry point: `streamlit run dashboards/app.py` (reads CHEFSKARTAN_PUBLISHED_DB)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

# Streamlit runs this file as a script, not as part of the package: put the repository
# root on sys.path so `dashboards` imports the same way as in tests and the CLI.
_REPO_ROOT = Path(__file__).resolve().parent.parent
if str(_REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(_REPO_ROOT))

import streamlit as st  # noqa: E402
from streamlit import config  # noqa: E402

from dashboards import login, queries, state, warm, widgets  # noqa: E402
from dashboards.views import (  # noqa: E402
    action_plan,
    comparison,
    data_quality,
    fact_wall,
    follow_up,
    projector,
    shared_world,
    strengths,
)

# Add a page here: its module in dashboards/views/ with a render() function, and its url_path
# to the roles that see it (dashboards/access.py PAGES_BY_ROLE). Every page keeps its own URL
# (/faktavagg, /jamforelse…): the default page is a hidden "start" page that forwards to the
# role's first page with the query string, since st.navigation serves its default page at "/"
# only and would answer its own url_path with "Page not found".
PAGES = [
    st.Page(fact_wall.render, title=fact_wall.TITLE, url_path="faktavagg"),
    st.Page(strengths.render, title=strengths.TITLE, url_path="styrkor-och-utmaningar"),
    st.Page(shared_world.render, title=shared_world.TITLE, url_path="dela-varld"),
    st.Page(comparison.render, title=comparison.TITLE, url_path="jamforelse"),
    st.Page(projector.render, title=projector.TITLE, url_path="workshop"),
    st.Page(data_quality.render, title=data_quality.TITLE, url_path="datakvalitet"),
    st.Page(action_plan.render, title=action_plan.TITLE, url_path="handlingsplan"),
    st.Page(follow_up.render, title=follow_up.TITLE, url_path="uppfoljning"),
]
_ALLOWED = "_chefskartan_sidor"  # session_state: the url_paths of this session's pages


def start() -> None:
    """The role's first page, with the URL's selection (kommun, period…) kept."""
    first = next(p for p in PAGES if p.url_path in st.session_state[_ALLOWED])
    st.switch_page(first, query_params=st.query_params.to_dict())


START = st.Page(start, title="Chefskartan", url_path="start", default=True)


def main() -> None:
    st.set_page_config(layout="wide", page_title="Chefskartan")
    st.set_option("client.toolbarMode", "viewer")  # no "Deploy" button on a projected wall
    # A server, not a test's AppTest run (AppTest patches config.get_option, not st.get_option).
    if not config.get_option("global.appTest"):
        warm.start()  # builds the views opened lately again when a new version is published
    grant = login.session_grant()  # draws the login page or the refusal when None
    if grant is None:
        # Declared, never run: a shared link (/faktavagg?…) shows the login, not "Page not found".
        st.navigation([START, *PAGES], position="hidden")
        return
    # Only the role's pages are in the menu and have a URL; the queries check the grant again.
    allowed = [p for p in PAGES if p.url_path in grant.pages()]
    st.session_state[_ALLOWED] = [p.url_path for p in allowed]
    # Another page's address (a link from an HR colleague) forwards to the first page too.
    elsewhere = [
        st.Page(start, title=p.title, url_path=p.url_path) for p in PAGES if p not in allowed
    ]
    page = st.navigation([START, *allowed, *elsewhere], position="hidden")
    menu = st.sidebar.empty()  # first in the sidebar: drawn now, again once the page has run
    draw_menu(menu, allowed, {})
    login.sidebar(grant)
    try:
        page.run()
    except queries.AccessDenied as exc:
        login.record_denied(grant, page.url_path, str(exc))
        st.warning(str(exc))
    except queries.PublishedDbMissing as exc:
        st.info(str(exc))
    except queries.PublishedDbUnreadable as exc:
        st.error(str(exc))
    finally:
        draw_menu(menu, allowed, state.remembered())
    login.record_page(grant, page.url_path)


def draw_menu(menu: Any, allowed: list[st.Page], selection: dict[str, str]) -> None:
    """The sidebar menu: the session's pages, each link carrying the selection (kommun,
    period…) once the page has made it, so a link opened in a new tab shows the same view."""
    keep = {k: v for k, v in selection.items() if v}
    with menu.container():
        for p in allowed:
            st.page_link(p, label=p.title, query_params=keep, width="stretch")
        widgets.page_setup()


main()
