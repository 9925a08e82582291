"""Streamlit entry point: `streamlit run dashboards/app.py` (reads CHEFSKARTAN_PUBLISHED_DB)."""

from __future__ import annotations

import sys
from pathlib import Path

# Streamlit runs this file as a script, not as part of the package: put the repository
# root on sys.path so `dashboards` imports the same way as in tests and the CLI.
_REPO_ROOT = Path(__file__).resolve().parent.parent
if str(_REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(_REPO_ROOT))

import streamlit as st  # noqa: E402

from dashboards import login, queries  # noqa: E402
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
# to the roles that see it (dashboards/access.py PAGES_BY_ROLE). The first page a role sees is
# its start page (no default=True: that would blank the url_path the menu is filtered on).
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


def main() -> None:
    st.set_page_config(layout="wide", page_title="Chefskartan")
    st.set_option("client.toolbarMode", "viewer")  # no "Deploy" button on a projected wall
    grant = login.session_grant()  # draws the login page or the refusal when None
    if grant is None:
        return
    # Only the role's pages are in the menu; the queries check the grant again (queries.py).
    allowed = [p for p in PAGES if p.url_path in grant.pages()]
    path = {p.title: p.url_path for p in allowed}  # before st.navigation blanks the start page's
    page = st.navigation(allowed)
    login.sidebar(grant)
    try:
        page.run()
    except queries.AccessDenied as exc:
        login.record_denied(grant, path[page.title], str(exc))
        st.warning(str(exc))
    except queries.PublishedDbMissing as exc:
        st.info(str(exc))
    except queries.PublishedDbUnreadable as exc:
        st.error(str(exc))
    login.record_page(grant, path[page.title])


main()
