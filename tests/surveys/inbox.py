"""Tiny survey inboxes for reader tests: write a file and a manifest, extract it, return the result."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml
from openpyxl import Workbook

from pipelines.extract import extract_file
from pipelines.extract.export import Export
from pipelines.manifest import load_manifest
from pipelines.report import FileReport

KEY = b"test-key"
PNR = "19850312-2387"  # valid check digit


def write_csv(
    path: Path, rows: list[list[str]], *, delimiter=";", encoding="utf-8-sig", quote_all=False
) -> None:
    with open(path, "w", encoding=encoding, newline="") as f:
        quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
        csv.writer(f, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerows(rows)


def write_xlsx(path: Path, rows: list[list]) -> None:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)


def extract(inbox: Path, file: str, source: str, **fields) -> Export | FileReport:
    """Manifest with one kommun (k = 5) and this one file; the extracted export or its report."""
    manifest = {
        "kommuner": {"1231": {"name": "Burlöv"}},
        "files": [
            {"file": file, "source": source, "kommun": "1231", "period": "2026-10-01", **fields}
        ],
    }
    (inbox / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), "utf-8")
    return extract_file(load_manifest(inbox).files[0], KEY)


def report_lines(result: Export | FileReport) -> str:
    report = result if isinstance(result, FileReport) else result.report
    return report.text()
