"""Warm-up after a publication: the views sessions opened lately are built again in the background.

A page's first visit after a new published version builds its tables' HTML and its charts'
Vega-Lite specs anew (widgets.table, charts.show_built: cached on the rows they are built from, so
a new version's rows miss) and opens the new file; at national scale that is most of a cold
Faktavägg. The morning's first click in a workshop is such a visit, to a view someone opened
before (preparing the workshop). So each page remembers the views it draws (its prepare
function, the selection's codes and the session's grant), and a watcher thread, on seeing a new
published version, runs those prepare functions again, newest first (Faktavägg also remembers
the kommun, whose other förvaltningar follow):

- under the grant of the session that opened the view (queries.acting_as), so the warm-up
  reads nothing that session could not read, and fills only caches keyed on the very rows a
  session reads under its own grant: another role or kommun never finds them;
- never on the page's path: a page that asks before the warm-up got to it builds its own (or
  waits for that one entry, as Streamlit's cache does for two sessions asking at once);
- never with a previous version's figures: every entry is keyed on rows read from the new
  file (query results on its version), so what the old version built is not found any more.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from streamlit.logger import get_logger

from dashboards import access, queries

RECENT = 32  # views kept; a workshop day has a handful (a kommun, its förvaltningar)
POLL_S = 2.0  # how often the watcher looks at the published file (a stat)

log = get_logger(__name__)  # at the server's --logger.level (info by default)

_lock = threading.Lock()
_views: OrderedDict[tuple[Any, ...], tuple[Callable[..., Any], tuple[Any, ...], access.Grant]] = (
    OrderedDict()
)
_watcher: threading.Thread | None = None


def remember(prepare: Callable[..., Any], *args: Any) -> None:
    """A page drew the view `prepare(*args)` builds, for this session: keep it (newest last)."""
    grant = queries.current_grant()
    if grant.is_empty:
        return
    who = (grant.user, tuple(sorted(grant.roles.items())), tuple(sorted(grant.network)))
    key = (prepare.__module__, prepare.__qualname__, args, who)
    with _lock:
        _views.pop(key, None)
        _views[key] = (prepare, args, grant)
        while len(_views) > RECENT:
            _views.popitem(last=False)


def recent() -> list[tuple[Callable[..., Any], tuple[Any, ...], access.Grant]]:
    """The remembered views, newest first."""
    with _lock:
        return list(reversed(_views.values()))


def forget() -> None:
    """Drop every remembered view (a benchmark or test starting afresh)."""
    with _lock:
        _views.clear()


def warm_up(stale: Callable[[], bool] = lambda: False) -> int:
    """Build every remembered view on the published version now, newest first, until `stale()`
    (a newer version is out: the watcher starts over); how many were built."""
    built = 0
    for prepare, args, grant in recent():
        if stale():
            break
        try:
            with queries.acting_as(grant):
                prepare(*args)
            built += 1
        except Exception:  # noqa: BLE001 - a view gone or refused now: its page will say so
            log.debug("warm-up of %s%r failed", prepare.__qualname__, args, exc_info=True)
    return built


def start(poll_s: float = POLL_S) -> None:
    """The watcher thread, once per server process (app.py; never under AppTest)."""
    global _watcher
    with _lock:
        if _watcher is not None:
            return
        _stop.clear()
        _watcher = threading.Thread(
            target=_watch, args=(poll_s,), name="chefskartan-warm-up", daemon=True
        )
    _watcher.start()


def stop() -> None:
    """Stop the watcher (tests; a server's daemon thread ends with the process)."""
    global _watcher
    with _lock:
        watcher, _watcher = _watcher, None
    if watcher is not None:
        _stop.set()
        watcher.join()


def running() -> bool:
    """Whether this process has a watcher (a server has; AppTest runs and the CLI have none)."""
    return _watcher is not None


def warmed_version() -> tuple[str, int, int] | None:
    """The published version the watcher last warmed up for."""
    return _warmed[0]


_stop = threading.Event()
_warmed: list[tuple[str, int, int] | None] = [None]


def _watch(poll_s: float) -> None:
    seen = queries.published_version()
    prime()
    while not _stop.wait(poll_s):
        try:
            now = queries.published_version()
            if now is not None and now != seen:
                seen = now
                _warm_up_for(now)
        except Exception:  # noqa: BLE001 - the pages work without it; keep watching
            log.warning("warm-up failed", exc_info=True)


def _warm_up_for(version: tuple[str, int, int]) -> None:
    started = time.perf_counter()
    queries.open_published()
    built, views = warm_up(lambda: queries.published_version() != version), len(_views)
    _warmed[0] = version
    seconds = time.perf_counter() - started
    log.info("warm-up for %s: %d of %d views in %.1f s", version[0], built, views, seconds)


def prime() -> None:
    """At the server's start: what the first page would otherwise pay once, on a user's click
    (the published file opened, great-tables' and Altair's first table and chart)."""
    import altair as alt
    import pandas as pd
    from great_tables import GT

    from dashboards import charts

    queries.open_published()
    try:
        GT(pd.DataFrame({"a": ["1"]}), locale="sv").as_raw_html()
        charts.screen_spec(alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().encode(x=alt.X("x:Q")))
    except Exception:  # noqa: BLE001 - only a head start; the pages build their own anyway
        log.debug("priming failed", exc_info=True)
