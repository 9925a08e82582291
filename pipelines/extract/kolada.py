"""Kolada (RKA) v3: the configured KPIs for the manifest's kommuner, fetched into the store.

The source kind `kolada` is declared in the manifest as a top-level section, not a file:

    kolada:
      url: https://api.kolada.se/v3/     # optional; the default

A refresh fetches `data/kpi/<ids>/municipality/<codes>` page by page (following `next_url`)
and the KPIs' titles (`kpi/<ids>`). Values come per gender (T, K, M); a value Kolada marks
`Missing` (or gives no number for) is stored as empty, never 0. When Kolada cannot be reached the
refresh goes on with the values last fetched, and mart_kolada shows how old they are.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import duckdb
import pandas as pd

from schemas.kolada import GENDERS, configured_kpis

TIMEOUT_SECONDS = 5  # a refresh without network (or the survey fast path) waits at most this
MAX_PAGES = 200  # a guard against a next_url that never ends
PER_PAGE = 5000
MAX_PAGE_BYTES = 50 * 2**20  # a page of 5000 values is well under 2 MB


class KoladaUnavailable(Exception):
    """Kolada could not be reached or answered something unreadable (message in Swedish)."""


def _get(url: str) -> dict:
    import urllib.error  # here: http.client's import is ~0.1 s of every refresh that fetches nothing
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(MAX_PAGE_BYTES + 1)
    except (urllib.error.URLError, OSError) as exc:
        raise KoladaUnavailable(f"Kolada kunde inte nås ({url}): {exc}") from exc
    if len(body) > MAX_PAGE_BYTES:
        raise KoladaUnavailable(f"Kolada svarade med mer än {MAX_PAGE_BYTES // 2**20} MB ({url}).")
    try:
        return json.loads(body.decode("utf-8"))
    except ValueError as exc:
        raise KoladaUnavailable(f"Kolada svarade med något som inte är JSON ({url}).") from exc


def pages(url: str) -> Iterator[dict]:
    """Every page of a paged v3 answer, following next_url."""
    for _ in range(MAX_PAGES):
        page = _get(url)
        yield page
        url = page.get("next_url") or ""
        if not url:
            return
    raise KoladaUnavailable(f"Kolada gav fler än {MAX_PAGES} sidor; avbröt.")


def _number(value: object, status: object) -> float | None:
    if status == "Missing" or value in (None, "", "Missing"):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def fetch(base_url: str, kpi_ids: list[str], kommun_codes: list[str]) -> pd.DataFrame:
    """Values per kommun, KPI, year and gender (columns of the store's kolada_value)."""
    try:
        return _fetch(base_url, kpi_ids, kommun_codes)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise KoladaUnavailable(f"Kolada svarade oväntat ({type(exc).__name__}: {exc}).") from exc


def _fetch(base_url: str, kpi_ids: list[str], kommun_codes: list[str]) -> pd.DataFrame:
    kpis, codes = ",".join(kpi_ids), ",".join(kommun_codes)
    titles = {
        kpi["id"]: kpi.get("title")
        for page in pages(f"{base_url}kpi/{kpis}")
        for kpi in page["values"]
    }
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = []
    data_url = f"{base_url}data/kpi/{kpis}/municipality/{codes}?per_page={PER_PAGE}"
    for page in pages(data_url):
        for item in page.get("values") or []:
            for v in item.get("values") or []:
                if v.get("gender") not in GENDERS or item.get("municipality") not in kommun_codes:
                    continue
                rows.append(
                    {
                        "kommun_code": item["municipality"],
                        "kpi_id": item["kpi"],
                        "kpi_title": titles.get(item["kpi"]) or item["kpi"],
                        "year": int(item["period"]),
                        "gender": v["gender"],
                        "value": _number(v.get("value"), v.get("status")),
                        "status": v.get("status") or None,
                        "fetched_at": now,
                    }
                )
    return pd.DataFrame(
        rows,
        columns=[
            "kommun_code",
            "kpi_id",
            "kpi_title",
            "year",
            "gender",
            "value",
            "status",
            "fetched_at",
        ],
    )


def refresh_kolada(
    con: duckdb.DuckDBPyConnection, url: str | None, kommun_codes: list[str]
) -> str | None:
    """Fetch into the store (open on `con`); offline, keep the last values. Returns a report line.

    `url` is the manifest's checked `kolada` section (None: not configured, nothing fetched)."""
    if url is None:
        return None
    try:
        frame = fetch(url, [k.kpi_id for k in configured_kpis()], kommun_codes)
    except KoladaUnavailable as exc:
        _log(con, False, 0, str(exc))
        last = con.execute("SELECT max(fetched_at) FROM kolada_value").fetchone()[0]
        since = (
            f"senast hämtade värden från {last:%Y-%m-%d} används" if last else "inga värden ännu"
        )
        return f"Kolada: {exc} – {since}."
    con.register("kolada_frame", frame)
    try:
        con.execute(
            "DELETE FROM kolada_value WHERE (kommun_code, kpi_id) IN "
            "(SELECT DISTINCT kommun_code, kpi_id FROM kolada_frame)"
        )
        con.execute("INSERT INTO kolada_value BY NAME SELECT * FROM kolada_frame")
    finally:
        con.unregister("kolada_frame")
    _log(con, True, len(frame), None)
    return f"Kolada: {len(frame)} värden hämtade."


def _log(con: duckdb.DuckDBPyConnection, ok: bool, n: int, message: str | None) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute("INSERT INTO kolada_fetch VALUES (?, ?, ?, ?)", [now, ok, n, message])
