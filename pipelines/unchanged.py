"""Which inbox files are unchanged since their last load, and so what a refresh must redo.

A scheduled refresh mostly sees the files it saw last time. A file is not read again when its
bytes (SHA-256), its manifest entry, the pseudonymisation key (a fingerprint, never the key)
and everything global the load depends on (the manifest outside its files, the code and its
libraries) are the same as when it was last loaded by a published refresh: the store's
`loaded_input` table says so. Anything global that changed means a full refresh; otherwise the
checks and the build are scoped to the kommuner whose files changed (the survey fast path's
scoped build and patch). Both `run_steps` and the Prefect flow decide here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass, field, fields, replace
from importlib import metadata
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.manifest import InboxFile, Manifest, sha256_of
from pipelines.report import FileReport
from warehouse import publication
from warehouse.build import COMBINED_NAME
from warehouse.kommun_files import can_patch, declarations_digest, read_fingerprints
from warehouse.store import StagedTable, history_table, upsert_rows

FULL_ENV = "CHEFSKARTAN_FULL_REFRESH"  # 1: every file read and every kommun built
ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("pipelines", "schemas", "warehouse")
CODE_SUFFIXES = {".py", ".sql", ".csv", ".yaml", ".yml", ".json"}
LIBRARIES = ("duckdb", "pandas", "pandera", "pyarrow", "python-calamine", "openpyxl", "highspy")


@dataclass(frozen=True)
class Loaded:
    """A row of loaded_input: how a file was last loaded."""

    entry_sha256: str
    file_name: str
    kommun_code: str
    period_date: dt.date
    source: str
    source_sha256: str
    key_fingerprint: str
    settings_sha256: str
    replaced_keys: str | None
    rows_read: int
    rows_loaded: int
    refresh_id: str
    loaded_at: dt.datetime


@dataclass
class UnchangedReport(FileReport):
    """The report of a file not read again: the rows it had, and since when."""

    loaded_at: str = ""

    def text(self, max_issues: int = 50) -> str:
        lines = super().text(max_issues).splitlines()
        status = "" if self.ok else f", {len(self.errors)} fel"
        lines[0] = (
            f"{self.file} ({self.source}, {self.kommun_code}, {self.period}): {self.rows_read} "
            f"rader, oförändrad sedan {self.loaded_at}, lästes inte om{status}"
        )
        return "\n".join(lines)


@dataclass
class Plan:
    """What this refresh reads and builds. `full` says why everything is redone (None: only the
    changed files are read and only their kommuner built)."""

    entries: list[str]  # per manifest position: the entry's digest
    sources: list[str]  # per manifest position: the file's SHA-256
    key_fingerprint: str
    settings: str
    full: str | None
    unchanged: dict[int, Loaded] = field(default_factory=dict)
    since: str = ""  # when the last refresh loaded files (for "nothing changed")
    only: bool = False  # the fast path: one file, read whatever it holds

    def to_read(self, files: list[InboxFile]) -> list[tuple[int, InboxFile]]:
        return [(i, f) for i, f in enumerate(files) if i not in self.unchanged]

    def nothing_changed(self, files: list[InboxFile]) -> bool:
        return self.full is None and not self.to_read(files)

    def scope(self, manifest: Manifest) -> set[str] | None:
        """The kommuner to check and build: those with a file read; None is every kommun."""
        if self.full is not None:
            return None
        scope = {f.kommun_code for _, f in self.to_read(manifest.files)}
        return None if scope >= set(manifest.kommuner) else scope


def decide(store: Path, root: Path, manifest: Manifest, key: bytes, full: bool = False) -> Plan:
    """The plan for refreshing `root`'s store from the manifest (`full`: read everything)."""
    plan = Plan(
        [entry_digest(f) for f in manifest.files],
        [sha256_of(f.path) for f in manifest.files],
        key_fingerprint(key),
        settings_digest(manifest),
        None,
        only=manifest.only,
    )
    try:
        plan.full = why_full(store, root, manifest, full)
        if plan.full is not None:
            return plan
        records, has_plans = read_loaded(store)
    except duckdb.Error:  # e.g. a stale log beside it: the load sets that aside and says so
        plan.full = "lagret kunde inte läsas för jämförelse"
        return plan
    loaded = {r.entry_sha256: r for r in records}
    if has_plans and published_before_today(root):
        # mart_action_plan reads the clock (is a follow-up overdue?): built again each day
        plan.full = "handlingsplanernas uppföljningsdatum räknas om varje dag"
        return plan
    if not loaded or {r.settings_sha256 for r in loaded.values()} != {plan.settings}:
        plan.full = (
            "första körningen med jämförelse"
            if not loaded
            else "manifestets inställningar (kommuner, anonymitetsgräns, Kolada) eller "
            "programversionen har ändrats sedan förra laddningen"
        )
        return plan
    for i, entry in enumerate(plan.entries):
        record = loaded.get(entry)
        if (
            record is not None
            and record.source_sha256 == plan.sources[i]
            and record.key_fingerprint == plan.key_fingerprint
        ):
            plan.unchanged[i] = record
    if loaded and all(r.key_fingerprint != plan.key_fingerprint for r in loaded.values()):
        plan.full, plan.unchanged = "pseudonymiseringsnyckeln har bytts", {}
        return plan
    plan.since = max(r.loaded_at for r in loaded.values()).strftime("%Y-%m-%d %H:%M")
    return plan


def why_full(store: Path, root: Path, manifest: Manifest, full: bool) -> str | None:
    """A reason every file must be read and every kommun built, or None."""
    if full or os.environ.get(FULL_ENV, "") not in ("", "0"):
        return f"hela inkorgen lästes om (--full eller {FULL_ENV})"
    if manifest.only:
        return "en enskild fil (--only)"
    if manifest.kolada_url:
        return "Kolada-jämförelser hämtas vid varje körning"
    if not store.exists():
        return "första körningen"
    if not live_from_store(root, store):
        # e.g. a crash between the store swap and the switch
        return "den publicerade versionen är inte byggd från lagret som det är nu"
    return None


def live_from_store(root: Path, store: Path) -> bool:
    """The live version was built from the store's history as it is now (so it may be patched).

    As kommun_files.can_patch, or: the refresh that last loaded files is the one published.
    A refresh that failed since changed only the store's logs (can_patch then says no), not
    its history: the next refresh still reads only what changed and patches the live version.
    """
    live = publication.current_version(root)
    if can_patch(live, COMBINED_NAME, store):
        return True
    if live is None or not (live / COMBINED_NAME).is_file():
        return False
    if read_fingerprints(live).get("declarations") != declarations_digest():
        return False
    con = duckdb.connect(str(store), read_only=True)
    try:
        tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "loaded_input" not in tables:
            return False
        latest = con.execute("SELECT max(refresh_id) FROM loaded_input").fetchone()[0]
    finally:
        con.close()
    return latest == live.name


def read_loaded(store: Path) -> tuple[list[Loaded], bool]:
    """The store's loaded_input rows, and whether it holds action plans."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "loaded_input" not in tables:
            return [], False
        columns = [f.name for f in fields(Loaded)]
        rows = con.execute(f"SELECT {', '.join(columns)} FROM loaded_input").fetchall()
        plans = con.execute("SELECT count(*) > 0 FROM hist_action_measure").fetchone()[0]
    finally:
        con.close()
    return [Loaded(*row) for row in rows], bool(plans)


def published_before_today(root: Path) -> bool:
    """Whether the live version was built on an earlier day (local time, as DuckDB's clock)."""
    live = publication.current_version(root)
    return live is None or dt.date.fromtimestamp(live.stat().st_mtime) < dt.date.today()


def entry_digest(entry: InboxFile) -> str:
    """The manifest entry as the extraction reads it (the inbox's own place left out)."""
    own = entry.questionnaire_file
    spec = {
        **{k: v for k, v in asdict(entry).items() if k not in ("path", "questionnaire_file")},
        "name": entry.name,
        "period": entry.period.isoformat(),
        "questionnaire_file": [own.name, sha256_of(own)] if own else None,
    }
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()


def key_fingerprint(key: bytes) -> str:
    """Tells two pseudonymisation keys apart without revealing either (an HMAC of a constant)."""
    return hmac.new(key, b"chefskartan: loaded_input key fingerprint", "sha256").hexdigest()


def settings_digest(manifest: Manifest) -> str:
    """Everything global a load depends on: kommun settings (thresholds, k), Kolada, the code."""
    kommuner = [asdict(k) for _, k in sorted(manifest.kommuner.items())]
    spec = {"kommuner": kommuner, "kolada": manifest.kolada_url, "code": code_digest()}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def code_digest() -> str:
    """The refresh's code and data files, and the libraries that read and compute."""
    digest = hashlib.sha256()
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    for library in LIBRARIES:
        try:
            digest.update(f"{library}=={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} missing".encode())
    return digest.hexdigest()


def unchanged_report(entry: InboxFile, record: Loaded) -> UnchangedReport:
    return UnchangedReport(
        entry.name,
        entry.source,
        entry.kommun_code,
        entry.period.isoformat(),
        rows_read=record.rows_read,
        rows_valid=record.rows_loaded,
        loaded_at=record.loaded_at.strftime("%Y-%m-%d"),
    )


def replaced_keys(staged: list[StagedTable]) -> set[str]:
    """The history partitions staged rows replace: table, kommun, period, partition values."""
    return {
        "|".join([history_table(s.table), s.kommun_code, s.period, *(v for _, v in s.partition)])
        for s in staged
    }


def rereads(plan: Plan, staged: dict[int, list[StagedTable]]) -> list[int]:
    """Unchanged files that share a history partition with a file read now (parts of one
    export): loading the new file replaces their rows too, so they must be read again."""
    replaced = set().union(*(replaced_keys(s) for s in staged.values())) if staged else set()
    again = [
        i
        for i, record in plan.unchanged.items()
        if replaced & set((record.replaced_keys or "").splitlines())
    ]
    for i in again:
        del plan.unchanged[i]
    return again


def record(
    con: duckdb.DuckDBPyConnection,
    manifest: Manifest,
    plan: Plan,
    staged: dict[int, tuple[FileReport, str, list[StagedTable]]],
    refresh_id: str,
) -> None:
    """Write what this refresh loaded into loaded_input (in its working store, which becomes
    the store only when the refresh is published). Files no longer in the manifest are
    forgotten, so one that comes back is read again; the fast path touches its file only."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = []
    for i, (report, sha, tables) in staged.items():
        entry = manifest.files[i]
        rows.append(
            Loaded(
                plan.entries[i],
                entry.name,
                entry.kommun_code,
                entry.period,
                entry.source,
                sha,
                plan.key_fingerprint,
                plan.settings,
                "\n".join(sorted(replaced_keys(tables))),
                report.rows_read,
                report.rows_valid,
                refresh_id,
                now,
            )
        )
    rows += [replace(r, settings_sha256=plan.settings) for r in plan.unchanged.values()]
    frame = pd.DataFrame([asdict(r) for r in rows])
    if manifest.only:
        con.execute("DELETE FROM loaded_input WHERE entry_sha256 = ?", [plan.entries[0]])
    else:
        con.execute("DELETE FROM loaded_input")
    upsert_rows(con, "loaded_input", frame)
