"""Kolada connector over real HTTP (a local server with recorded v3 answers), into the store and
mart_kolada beside the kommun's own sick leave; a refresh without Kolada keeps the last values."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from pipelines.extract.kolada import KoladaUnavailable, fetch
from pipelines.refresh import run_steps
from tests.conftest import TEST_KEY
from tests.hr.tiny_kommun import TinyKommun, mart

DATA = Path(__file__).resolve().parents[1] / "data" / "kolada"


class KoladaServer:
    """Serves tests/data/kolada/*.json like api.kolada.se/v3/ and records the paths asked for."""

    def __init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.requests.append(self.path)
                if self.path.startswith("/v3/kpi/"):
                    name = "kpi.json"
                elif self.path.startswith("/v3/data/kpi/"):
                    name = "data_page2.json" if "page=2" in self.path else "data_page1.json"
                else:
                    self.send_error(404)
                    return
                body = (DATA / name).read_text(encoding="utf-8").replace("{base}", server.url)
                if server.broken and "data" in self.path:
                    body = '{"values": [{"kpi": "N00090", "values": "nope"}], "next_url": null}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.end_headers()
                self.wfile.write(body.encode("utf-8"))

            def log_message(self, *args: object) -> None:
                pass

        self.requests: list[str] = []
        self.broken = False
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v3/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> KoladaServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def kolada() -> Iterator[KoladaServer]:
    with KoladaServer() as server:
        yield server


def test_fetch_follows_next_url_keeps_genders_and_missing_as_empty(kolada: KoladaServer) -> None:
    frame = fetch(kolada.url, ["N00090", "N00091"], ["1262"])
    assert any("page=2" in path for path in kolada.requests), "the second page was asked for"
    assert len(frame) == 8  # 2 years x T/K/M of N00090, and N00091's two years (T)
    rows = {(r.kpi_id, r.year, r.gender): r for r in frame.itertuples()}
    assert rows[("N00090", 2026, "K")].value == 8.2 and rows[("N00090", 2026, "M")].value == 4.4
    missing = rows[("N00091", 2025, "T")]
    assert missing.value is None or missing.value != missing.value  # empty, never 0
    assert missing.status == "Missing"
    assert rows[("N00091", 2026, "T")].value == 41.5, "from the second page"
    assert rows[("N00090", 2025, "T")].kpi_title.startswith("Sjukfrånvaro totalt")


def test_an_unexpected_answer_is_a_clear_message_not_a_crash(kolada: KoladaServer) -> None:
    kolada.broken = True
    with pytest.raises(KoladaUnavailable, match="Kolada svarade oväntat"):
        fetch(kolada.url, ["N00090"], ["1262"])
    with pytest.raises(KoladaUnavailable, match="kunde inte nås"):
        fetch("http://127.0.0.1:9/v3/", ["N00090"], ["1262"])


def _tiny_with_sick_leave() -> TinyKommun:
    units = [("F1", None, "Förvaltningen", "Förvaltning", "x", 1)]
    staff = [(1, "F1", "Tillsvidare", 100, "C", {})]
    hours = {"Ordinarie arbetstid (tim)": 800, "Sjukfrånvaro (tim)": 40}
    staff += [(10 + i, "F1", "Tillsvidare", 100, "", hours) for i in range(8)]
    return TinyKommun(units, staff)


def test_refresh_puts_kolada_beside_own_figures_and_keeps_them_offline(
    kolada: KoladaServer, tmp_path: Path
) -> None:
    tiny = _tiny_with_sick_leave()  # period 2026-10-01: 40 / 800 hours = 5.0 %
    inbox = tiny.write(tmp_path / "inbox")
    manifest = inbox / "manifest.yaml"
    manifest.write_text(manifest.read_text() + f"kolada:\n  url: {kolada.url}\n")
    warehouse = tmp_path / "warehouse"
    run_steps(inbox, warehouse, TEST_KEY.encode())
    published = warehouse / "published" / "kommun_1262.duckdb"
    sql = "SELECT * FROM mart_kolada ORDER BY kpi_id, year, gender"
    first = mart(published, sql)
    assert len(first) == 8 and set(first.kommun_code) == {"1262"}
    total = first[(first.kpi_id == "N00090") & (first.year == 2026) & (first.gender == "T")].iloc[0]
    assert (total.kolada_value, total.own_value, total.age_days) == (7.1, 5.0, 0)
    assert str(total.own_period_date.date()) == "2026-10-01"
    assert first[first.year == 2025].own_value.isna().all(), "no own period in 2025"

    manifest.write_text(manifest.read_text().replace(kolada.url, "http://127.0.0.1:9/v3/"))
    run_steps(inbox, warehouse, TEST_KEY.encode())  # Kolada unreachable: the refresh goes on
    again = mart(published, sql)
    assert again[["kpi_id", "year", "gender", "kolada_value", "fetched_at"]].equals(
        first[["kpi_id", "year", "gender", "kolada_value", "fetched_at"]]
    ), "the last fetched values, with their fetch time, stay"
    with duckdb.connect(str(warehouse / "store.duckdb"), read_only=True) as store:
        attempts = store.execute(
            "SELECT ok, message FROM kolada_fetch ORDER BY attempted_at"
        ).fetchall()
    assert [ok for ok, _ in attempts] == [True, False]
    assert "kunde inte nås" in attempts[-1][1]
