"""Run reports an operator reads: a headline first, a table per file, Failed without a traceback."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from prefect.exceptions import FailedRun

from pipelines.flows.refresh import ExpectedFailureWithoutTraceback, refresh_flow
from pipelines.refresh import StageResult
from pipelines.report import WARNING, FileReport, Issue
from pipelines.run_report import headline, summary_rows


def result(file: str, errors: int = 0, warnings: int = 0) -> StageResult:
    issues = [Issue(file, 2 + i, "Sysselsättningsgrad", "x", "inte ett tal") for i in range(errors)]
    issues += [Issue(file, 9, None, None, "enhet utan chef", WARNING) for _ in range(warnings)]
    return StageResult(FileReport(file, "hr_roster", "1262", "2026-10-01", 40, 40 - errors, issues))


def test_the_headline_says_in_one_line_what_happened() -> None:
    good = [result("a.csv", warnings=2), result("b.csv")]
    assert headline(good, True) == "Publicerat: 80 rader från 2 filer"
    bad = [result("a.csv"), result("Personal.csv", errors=3)]
    assert headline(bad, False) == (
        "Inget publicerades: 3 fel i Personal.csv. Förra publicerade lagret gäller."
    )


def test_the_table_has_a_row_per_file_with_rejects_and_warnings() -> None:
    rows = summary_rows([result("Personal.csv", errors=3, warnings=1)])
    assert rows == [
        {
            "fil": "Personal.csv",
            "källa": "hr_roster",
            "kommun": "1262",
            "period": "2026-10-01",
            "rader": 40,
            "avvisade rader": 3,
            "fel": 3,
            "varningar": 1,
            "status": "avvisad",
        }
    ]


def test_an_expected_failure_is_logged_with_its_message_and_no_traceback() -> None:
    try:
        raise FailedRun("Hittar ingen manifest.yaml i /srv/inbox")
    except FailedRun:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "prefect.flow_runs", logging.ERROR, __file__, 1, "Engine execution exited", (), exc_info
    )
    assert ExpectedFailureWithoutTraceback().filter(record)
    text = logging.Formatter().format(record)
    assert text == "Körningen misslyckades: Hittar ingen manifest.yaml i /srv/inbox"


def test_a_real_error_keeps_its_traceback() -> None:
    try:
        raise KeyError("oväntat")
    except KeyError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("prefect.flow_runs", logging.ERROR, __file__, 1, "x", (), exc_info)
    assert ExpectedFailureWithoutTraceback().filter(record)
    assert "Traceback" in logging.Formatter().format(record)


@pytest.mark.flow
def test_a_deployment_run_finds_its_paths_under_chefskartan_home(
    prefect_harness: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CHEFSKARTAN_HOME", raising=False)
    state = refresh_flow(return_state=True)
    assert state.is_failed() and "sätt CHEFSKARTAN_HOME" in state.message
    monkeypatch.setenv("CHEFSKARTAN_HOME", str(tmp_path))
    state = refresh_flow(return_state=True)
    assert state.is_failed()
    assert state.message.startswith(f"Hittar ingen manifest.yaml i {tmp_path / 'inbox'}")
