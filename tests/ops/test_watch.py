"""`chefskartan watch`: a new Forms download under the manifest's pattern is published alone."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.refresh import run_steps
from pipelines.watch import watch
from tests.conftest import TEST_KEY
from tests.ops.room_inbox import KOMMUN, room_inbox, write_room_export

ROOM_COUNT = (
    "SELECT respondents FROM mart_survey_responses WHERE survey_id = 'rummet' "
    "AND scope_type = 'kommun' AND kommun_code = ?"
)


def published(warehouse: Path, sql: str, params: list) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "published" / "chefskartan.duckdb"), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def said_watching(capsys: pytest.CaptureFixture[str], timeout: float = 60) -> str:
    """What the watcher printed until it said it is watching: by then it has read the inbox as
    it was before, so a file written after this is new to it (written sooner, it was the
    baseline and the test waited in vain)."""
    said, deadline = "", time.monotonic() + timeout
    while "Bevakar" not in said:
        assert time.monotonic() < deadline, "the watcher never said it was watching"
        time.sleep(0.05)
        said += capsys.readouterr().out
    return said


def test_a_new_download_is_published_and_a_broken_one_keeps_the_last(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox, warehouse = room_inbox(tmp_path / "inbox"), tmp_path / "warehouse"
    run_steps(inbox, warehouse, TEST_KEY.encode())
    stop, outcomes = threading.Event(), queue.Queue()
    watcher = threading.Thread(
        target=watch, args=(inbox, warehouse), kwargs={"stop": stop, "on_publish": outcomes.put}
    )
    watcher.start()
    try:
        said = said_watching(capsys)  # the new export must land after the watcher's baseline
        count = write_room_export(inbox, seed=11)
        assert outcomes.get(timeout=120) is True
        assert published(warehouse, ROOM_COUNT, [KOMMUN]) == [(count,)]
        hr = published(warehouse, "SELECT * FROM mart_span_of_control ORDER BY ALL", [])

        (inbox / "Utforska Burlöv(1-99).xlsx").write_bytes(b"inte en xlsx")  # newest, broken
        assert outcomes.get(timeout=120) is False
        assert published(warehouse, ROOM_COUNT, [KOMMUN]) == [(count,)]
        assert published(warehouse, "SELECT * FROM mart_span_of_control ORDER BY ALL", []) == hr
    finally:
        stop.set()
        watcher.join(timeout=30)
    assert not watcher.is_alive()
    out = said + capsys.readouterr().out
    assert f"Utforska Burlöv*.xlsx → Utforska Burlöv(1-{count}).xlsx; publicerar." in out
    assert f"Utforska Burlöv(1-{count}).xlsx (survey_msforms, {KOMMUN}, 2026-10-01)" in out
    assert "Utforska Burlöv(1-99).xlsx" in out and "Inget publicerades" in out
    assert "Traceback" not in out
