"""The view's selection in the URL: kommun, period, förvaltning and drill-down survive page changes,
and a copied link (…/handlingsplan?kommun=1262&period=2026-10-01) opens the same view.

Streamlit forgets a widget's value when the page that drew it is left, and bound query
parameters of another page are dropped on a page change. So each choice is kept twice: in a
plain session-state dict (survives page changes) and in st.query_params (survives a copied
link). A page seeds its selectbox from the URL first, then from the remembered choice, and
writes the choice back to both after drawing it. Values are codes (kommun code, ISO date, ids),
never shown to users: the selectbox shows names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")
REMEMBERED = "_chefskartan_urval"  # session_state key of the remembered choices


def remembered() -> dict[str, str]:
    return st.session_state.setdefault(REMEMBERED, {})


def select(
    key: str,
    label: str,
    options: Sequence[T],
    format_func: Callable[[T], Any] = str,
    container: Any = None,
    help: str | None = None,
) -> T:
    """A selectbox whose choice is the query parameter `key` (its str()), kept across pages.

    An unknown or stale value in the URL (another kommun's förvaltning) is ignored: the first
    option is chosen, as without a URL."""
    restore_params()
    by_text = {str(option): option for option in options}
    state = st.session_state
    if key in state and str(state[key]) not in by_text:
        del state[key]  # the options changed under it (another kommun or period)
    if key not in state:
        for wanted in (st.query_params.get(key), remembered().get(key)):
            if wanted in by_text:
                state[key] = by_text[wanted]
                break
    box = (container or st.sidebar).selectbox(
        label, list(options), format_func=format_func, key=key, help=help
    )
    set_param(key, "" if box is None else str(box))
    return box


def set_param(key: str, value: str) -> None:
    """Remember `value` for `key` and show it in the URL (only when it changed)."""
    remembered()[key] = value
    if value == "":
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


def restore_params() -> None:
    """Put every remembered choice back in the URL: a page change clears the query string,
    and the new page may not draw every selector (Handlingsplan has no period)."""
    for key, value in remembered().items():
        if value and key not in st.query_params:
            st.query_params[key] = value
