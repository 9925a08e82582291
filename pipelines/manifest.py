"""The inbox manifest: which export file is which source, kommun and period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

MANIFEST_NAME = "manifest.yaml"
SOURCE_KINDS = ("hr_roster", "org_units", "support_functions")
DEFAULT_SPAN_THRESHOLD = 30


class ManifestError(Exception):
    """The manifest is missing or says something we cannot act on."""


@dataclass(frozen=True)
class Kommun:
    code: str
    name: str
    span_threshold: int = DEFAULT_SPAN_THRESHOLD


@dataclass(frozen=True)
class InboxFile:
    path: Path
    source: str
    kommun_code: str
    period: dt.date
    columns: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Manifest:
    inbox: Path
    kommuner: dict[str, Kommun]
    files: list[InboxFile]


def load_manifest(inbox: Path) -> Manifest:
    path = inbox / MANIFEST_NAME
    if not path.is_file():
        raise ManifestError(
            f"Hittar ingen {MANIFEST_NAME} i {inbox}: den säger vilken fil som är vad."
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ManifestError(f"{path}: kan inte läsas som YAML ({exc})") from exc
    kommuner = {
        str(code): Kommun(
            str(code),
            str(spec.get("name", code)),
            int(spec.get("span_threshold", DEFAULT_SPAN_THRESHOLD)),
        )
        for code, spec in (data.get("kommuner") or {}).items()
    }
    files = [
        _inbox_file(inbox, i, entry, kommuner) for i, entry in enumerate(data.get("files") or [])
    ]
    if not files:
        raise ManifestError(f"{path}: listan 'files' är tom.")
    return Manifest(inbox, kommuner, files)


def _inbox_file(inbox: Path, index: int, entry: dict, kommuner: dict[str, Kommun]) -> InboxFile:
    where = f"{MANIFEST_NAME}, files[{index}]"
    missing = [k for k in ("file", "source", "kommun", "period") if not entry.get(k)]
    if missing:
        raise ManifestError(f"{where}: saknar {', '.join(missing)}")
    if entry["source"] not in SOURCE_KINDS:
        raise ManifestError(
            f"{where}: okänd source {entry['source']!r} (kända: {', '.join(SOURCE_KINDS)})"
        )
    kommun = str(entry["kommun"])
    if kommun not in kommuner:
        raise ManifestError(f"{where}: kommun {kommun} saknas under 'kommuner'")
    path = inbox / str(entry["file"])
    if not path.is_file():
        raise ManifestError(f"{where}: filen {entry['file']} finns inte i inkorgen")
    period = entry["period"]
    if not isinstance(period, dt.date):
        try:
            period = dt.date.fromisoformat(str(period))
        except ValueError as exc:
            raise ManifestError(
                f"{where}: period {period!r} är inte ett datum (ÅÅÅÅ-MM-DD)"
            ) from exc
    return InboxFile(
        path=path,
        source=entry["source"],
        kommun_code=kommun,
        period=period,
        columns={str(k): str(v) for k, v in (entry.get("columns") or {}).items()},
        encoding=entry.get("encoding"),
        delimiter=entry.get("delimiter"),
        sheet=entry.get("sheet"),
    )
