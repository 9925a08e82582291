"""The refresh as plain steps: discover, extract and stage, load, build, publish, summarise.

Prefect flows (pipelines/flows) wrap these; tests and `validate` call them directly.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import unchanged
from pipelines.extract.kolada import refresh_kolada
from pipelines.extract.pool import extraction_pool
from pipelines.failures import RefreshFailed
from pipelines.faults import fault_point
from pipelines.manifest import InboxFile, Manifest
from pipelines.private_files import private_dir, write_private
from pipelines.report import WARNING, Issue, issues_frame
from pipelines.run_report import nothing_changed_text, summary_text
from pipelines.shrink import check_shrink
from pipelines.stage import StageResult, stage_batch
from pipelines.stage import extract_all as extract_all  # as benchmarks and tests call them
from pipelines.stage import extract_and_stage as extract_and_stage
from pipelines.unchanged import Plan, UnchangedReport
from schemas.survey_tables import SURVEY_TABLES
from warehouse import build as builder
from warehouse import intermediate, publication
from warehouse.checks import run_checks
from warehouse.intermediate import INTERMEDIATE_NAME, duckdb_config, recorded_scope
from warehouse.kommun_files import (
    cached_template,
    note_store,
    patch_combined,
    write_kommun_files,
)
from warehouse.store import (
    STORE_NAME,
    StoreUnreadable,
    checkpoint_store,
    copy_store,
    ensure_schema,
    load_history,
    replace_store,
    upsert_rows,
)

MEMORY_ENV = "CHEFSKARTAN_DUCKDB_MEMORY"


def out_of_memory(exc: BaseException) -> bool:
    """DuckDB ran out of its memory limit (at a commit it says so in a FatalException)."""
    text = str(exc)
    return isinstance(exc, duckdb.OutOfMemoryException) or (
        isinstance(exc, duckdb.Error) and ("Out of Memory" in text or "could not allocate" in text)
    )


@contextmanager
def memory_as_failure() -> Iterator[None]:
    """DuckDB out of memory anywhere in the steps: a readable failure naming the setting."""
    try:
        yield
    except duckdb.Error as exc:
        if not out_of_memory(exc):
            raise
        raise RefreshFailed(
            f"Inget publicerades: DuckDB fick slut på minne (gränsen är {intermediate.MEMORY_LIMIT}"
            f" per anslutning). Höj den med {MEMORY_ENV}, t.ex. {MEMORY_ENV}=2GB, om datorn har "
            "minne till det. Förra publicerade lagret gäller."
        ) from exc


@dataclass(frozen=True)
class WarehousePaths:
    root: Path

    @property
    def store(self) -> Path:
        return self.root / STORE_NAME

    @property
    def published(self) -> Path:
        return self.root / "published"

    @property
    def combined(self) -> Path:
        return self.published / builder.COMBINED_NAME

    def work(self, refresh_id: str) -> Path:
        return self.root / "work" / refresh_id

    def spill(self, refresh_id: str) -> Path:
        """Where DuckDB spills what does not fit its memory limit (removed with the work)."""
        return self.work(refresh_id) / "spill"

    def version(self, refresh_id: str) -> Path:
        return publication.version_dir(self.root, refresh_id)

    def report(self, refresh_id: str) -> Path:
        return self.root / "reports" / f"{refresh_id}.txt"

    def archive(self, sha256: str, name: str) -> Path:
        return self.root / "archive" / sha256 / name


def new_refresh_id() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def write_report(paths: WarehousePaths, refresh_id: str, summary: str) -> Path:
    path = paths.report(refresh_id)
    write_private(path, summary + "\n")
    return path


def clean_leftovers(paths: WarehousePaths) -> None:
    """What crashed refreshes left (work copies, unswitched versions); call holding the lock."""
    shutil.rmtree(paths.root / "work", ignore_errors=True)
    if publication.versions_dir(paths.root).exists():
        publication.prune(paths.root)
    for tmp in paths.root.glob("published/.*"):  # from releases before versioned publication
        if tmp.is_file() and not tmp.is_symlink():
            tmp.unlink(missing_ok=True)


def working_store(paths: WarehousePaths, refresh_id: str) -> tuple[Path, str | None]:
    """A private copy of the store to write (the live one is only ever replaced whole)."""
    work_store = private_dir(paths.work(refresh_id), depth=2) / STORE_NAME
    note = checkpoint_store(paths.store, refresh_id)
    copy_store(paths.store, work_store)
    return work_store, note


def refresh_log_frame(refresh_id: str, results: list[StageResult]) -> pd.DataFrame:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = []
    for r in (r for r in results if not isinstance(r.report, UnchangedReport)):
        rejected = len({i.row for i in r.report.errors if i.row is not None})
        rows.append(
            {
                "refresh_id": refresh_id,
                "refreshed_at": now,
                "kommun_code": r.report.kommun_code,
                "period_date": dt.date.fromisoformat(r.report.period),
                "source": r.report.source,
                "file_name": r.report.file,
                "source_sha256": r.sha256,
                "rows_read": r.report.rows_read,
                "rows_loaded": r.report.rows_valid,
                "rows_rejected": rejected,
                "status": "loaded" if r.report.ok else "rejected",
            }
        )
    return pd.DataFrame(rows)


def record_outcome(
    con: duckdb.DuckDBPyConnection, refresh_id: str, results: list[StageResult]
) -> None:
    """Quarantine every issue and log every file, loaded or rejected."""
    ensure_schema(con)
    issues = issues_frame([r.report for r in results])
    issues.insert(0, "refresh_id", refresh_id)
    upsert_rows(con, "quarantine", issues)
    upsert_rows(con, "refresh_log", refresh_log_frame(refresh_id, results))


def record_failure(paths: WarehousePaths, refresh_id: str, results: list[StageResult]) -> None:
    """A failed refresh keeps its report in the store; history and published files stay as they were.

    Written to a copy that replaces the store whole, so a crash here leaves the old store. If
    even that fails (full disk, unreadable store), the report file alone records the refresh.
    """
    try:
        work_store, _ = working_store(paths, refresh_id)
        con = duckdb.connect(str(work_store))
        try:
            record_outcome(con, refresh_id, results)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        fault_point("failed-logging")
        replace_store(work_store, paths.store)
    except (OSError, duckdb.Error, StoreUnreadable) as exc:
        logging.getLogger(__name__).warning(
            "Karantänen kunde inte sparas i lagret (%s); rapportfilen gäller.", type(exc).__name__
        )


def archive_inputs(paths: WarehousePaths, manifest: Manifest, results: list[StageResult]) -> None:
    """Raw files are kept by content hash, so any period can be rebuilt from what was sent.

    Owner-only from the start: raw exports hold personnummer and names.
    """
    for entry, result in zip(manifest.files, results, strict=True):
        target = paths.archive(result.sha256, entry.name)
        if not target.exists():
            private_dir(target.parent, depth=2)
            tmp = target.with_name(f".{target.name}.part")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out, open(entry.path, "rb") as src:
                shutil.copyfileobj(src, out)
            os.replace(tmp, target)


def load(
    paths: WarehousePaths,
    manifest: Manifest,
    results: list[StageResult],
    refresh_id: str,
    plan: Plan | None = None,
) -> tuple[Path, list[StageResult]]:
    """Load all staged tables into a working copy of the store and check it.

    With a `plan` (pipelines/unchanged.py) only the kommuner whose files were read are checked
    (and later built), and the files loaded are recorded for the next refresh's comparison.
    Returns that copy's path and the results, their reports now holding the checks' findings.
    """
    work_store, note = working_store(paths, refresh_id)
    if note and results:
        results[0].report.issues.append(
            Issue(results[0].report.file, None, None, None, note, WARNING)
        )
    con = duckdb.connect(str(work_store), config=duckdb_config(paths.spill(refresh_id)))
    con.execute("SET enable_progress_bar = false")  # a bar per long query would litter logs
    with template_meanwhile(paths.root), closing(con):
        ensure_schema(con)
        kommuner = pd.DataFrame([asdict(k) for k in manifest.kommuner.values()])
        upsert_rows(con, "kommun", kommuner, key=("kommun_code",))
        check_shrink(con, manifest.files, results)  # before history replaces the period
        kolada_line = refresh_kolada(con, manifest.kolada_url, list(manifest.kommuner))
        if kolada_line:  # public benchmarks: offline, the last fetched values stay
            print(kolada_line)
        staged = [s for r in results for s in r.staged]
        load_history(con, staged)
        if plan is not None:
            read = {
                i: r for i, r in enumerate(results) if not isinstance(r.report, UnchangedReport)
            }
            loaded = {i: (r.report, r.sha256, r.staged) for i, r in read.items()}
            unchanged.record(con, manifest, plan, loaded, refresh_id)
        # the fast path (--only) checks and rebuilds only the kommuner of its file; a refresh
        # with unchanged files only the kommuner of the files it read
        scope = {s.kommun_code for s in staged} if manifest.only else None
        if plan is not None and not manifest.only:
            scope = plan.scope(manifest)
        inter = paths.work(refresh_id) / INTERMEDIATE_NAME
        periods = {(s.kommun_code, s.period) for s in staged}
        check_history(con, refresh_id, results, periods, inter, scope)
        record_outcome(con, refresh_id, results)
        fault_point("load")
        con.execute("CHECKPOINT")
    return work_store, results


@contextmanager
def template_meanwhile(root: Path) -> Iterator[None]:
    """The build's empty published file (`cached_template`) written in a thread while the block
    runs: its ~330 statements run in DuckDB, which releases the GIL, beside the load's own SQL
    (~0.25 s off a cold refresh). A failure there is left to the build, which writes it again."""
    thread = threading.Thread(target=_try_template, args=(root,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()


def _try_template(root: Path) -> None:
    with suppress(Exception):
        cached_template(root)


def check_history(
    con: duckdb.DuckDBPyConnection,
    refresh_id: str,
    results: list[StageResult],
    periods: set[tuple[str, str]],
    intermediate: Path | None = None,
    kommuner: set[str] | None = None,
) -> None:
    """Run the cross-table checks; findings join their file's report and the data_quality table.

    An error ('fel') makes that file's report fail, so the refresh publishes nothing. The
    intermediates the checks compute go to `intermediate` (for `kommuner`), for the build.
    """
    findings = attach_findings(run_checks(con, periods, intermediate, kommuner), results)
    for kommun, period in periods:
        con.execute(
            "DELETE FROM data_quality WHERE kommun_code = ? AND period_date = ?", [kommun, period]
        )
    findings["refresh_id"] = refresh_id
    upsert_rows(
        con,
        "data_quality",
        findings.rename(columns={"source_row": "row_number"}).drop(columns=["source_sha256"]),
    )


def attach_findings(findings: pd.DataFrame, results: list[StageResult]) -> pd.DataFrame:
    """Add each finding to the report of the file it came from; name that file in the frame."""
    file_of = {r.sha256: r for r in results if r.sha256}
    findings["file_name"] = findings["source_sha256"].map(
        lambda sha: file_of[sha].report.file if sha in file_of else None
    )
    fields = findings.pop("field") if "field" in findings.columns else None
    for n, f in enumerate(findings.itertuples(index=False)):
        owner = file_of.get(f.source_sha256)
        column = None
        if fields is not None and isinstance(fields.iloc[n], str):
            # a check about one column names it as the file does, in the report and the mart
            column = owner.report.columns.get(fields.iloc[n]) if owner else None
            column = column or fields.iloc[n]
            findings.loc[findings.index[n], "detail"] = f'kolumn "{column}" = {f.detail}'
        if owner is not None:
            owner.report.issues.append(
                Issue(owner.report.file, int(f.source_row), column, f.detail, f.rule, f.severity)
            )
    return findings


def build(
    paths: WarehousePaths, work_store: Path, refresh_id: str, results: list[StageResult]
) -> tuple[dict[Path, Path], list[StageResult]]:
    """Build the combined file and one file per kommun in the refresh's own version folder.

    Checks that need the marts run here; their findings join the files' reports, and the
    caller must not publish when a report then fails. Returns each built file with the path
    readers will open it by once published.
    """
    folder = publication.new_version(paths.root, refresh_id)
    work = paths.work(refresh_id)
    inter = work / INTERMEDIATE_NAME
    _, scope = recorded_scope(inter)  # what the load step checked: None is every kommun
    previous = publication.current_version(paths.root)
    tmp_combined = folder / builder.COMBINED_NAME
    spill = paths.spill(refresh_id)
    template = cached_template(paths.root)  # the empty published file every file copies
    if scope is not None and unchanged.live_from_store(paths.root, paths.store):
        live = previous / builder.COMBINED_NAME
        surveys_only = all(s.table in SURVEY_TABLES for r in results for s in r.staged)
        scoped = work / "scoped.duckdb"
        findings = builder.build_marts(
            work_store,
            scoped,
            kommuner=scope,
            intermediate=inter,
            spill=spill,
            carry=live if surveys_only else None,  # HR marts stay as published
            template=template,
        )
        patch_combined(live, scoped, tmp_combined, scope)
    else:
        findings = builder.build_marts(
            work_store, tmp_combined, intermediate=inter, spill=spill, template=template
        )
    attach_findings(findings, results)
    fault_point("build")
    built = {tmp_combined: paths.combined}
    for code in write_kommun_files(tmp_combined, folder, work, previous, template):
        name = builder.kommun_file_name(code)
        built[folder / name] = paths.published / name
    return built, results


def publish(paths: WarehousePaths, work_store: Path, built: dict[Path, Path]) -> None:
    """Seal the version, swap in the new store, then switch readers to the version at once.

    A crash before the switch leaves readers on the previous version (the store may already
    be the new one; the next refresh rebuilds from it and converges).
    """
    folder = next(iter(built)).parent
    note_store(folder, work_store)  # becomes the store: a later fast path may patch this version
    publication.seal(folder)
    fault_point("publish-seal")
    replace_store(work_store, paths.store)
    fault_point("publish-store")
    publication.switch(paths.root, folder.name)
    fault_point("publish-switch")
    publication.prune(paths.root)


def discard(paths: WarehousePaths, refresh_id: str) -> None:
    """Remove the refresh's working files and its version folder unless it was published."""
    shutil.rmtree(paths.work(refresh_id), ignore_errors=True)
    folder = paths.version(refresh_id)
    if folder.exists() and publication.current_version(paths.root) != folder.resolve():
        publication.remove_version(folder)


def only_file(manifest: Manifest, file_name: str) -> Manifest:
    """The manifest narrowed to one export (the fast path): only its history is replaced.

    `file_name` is the export's name or the manifest's pattern for it (`Utforska Lomma*.xlsx`).
    """
    from pipelines.manifest import ManifestError

    chosen = [e for e in manifest.files if file_name in (e.name, e.pattern)]
    if not chosen:
        raise ManifestError(
            f"{file_name} finns inte under 'files' i manifestet (kända: "
            + ", ".join(e.name for e in manifest.files)
            + ")"
        )
    return replace(manifest, files=chosen, only=True)


def check_before_refresh(inbox: Path, only: str | None = None) -> Manifest:
    """The manifest (and the --only file) as the refresh will read them; ManifestError if not."""
    from pipelines.extract.pool import check_settings
    from pipelines.manifest import load_manifest
    from pipelines.personnummer import load_key

    manifest = load_manifest(inbox)
    load_key()
    check_settings()
    return only_file(manifest, only) if only else manifest


def read_changed(
    manifest: Manifest,
    plan: Plan,
    extract: Callable[[list[tuple[int, InboxFile]]], list[StageResult]],
) -> list[StageResult]:
    """Extract the files the plan reads (and any unchanged file that shares a history partition
    with one of them); every result in the manifest's order, unchanged files reported as such."""
    jobs = plan.to_read(manifest.files)
    read = dict(zip((i for i, _ in jobs), extract(jobs), strict=True))
    while again := unchanged.rereads(plan, {i: r.staged for i, r in read.items()}):
        jobs = [(i, manifest.files[i]) for i in again]
        read.update(zip(again, extract(jobs), strict=True))
    return [
        read[i] if i in read else unchanged_result(entry, plan.unchanged[i])
        for i, entry in enumerate(manifest.files)
    ]


def unchanged_result(entry: InboxFile, record: unchanged.Loaded) -> StageResult:
    return StageResult(unchanged.unchanged_report(entry, record), record.source_sha256)


def unchanged_summary(inbox: Path, warehouse: Path) -> str | None:
    """The report of a refresh that would read nothing (written to reports/ like any refresh's),
    decided without starting the flow and its Prefect server; None when there is work to do
    (or another refresh holds the lock: the flow then waits or says so)."""
    from pipelines.manifest import load_manifest
    from pipelines.personnummer import load_key
    from warehouse.lock import WarehouseLocked, refresh_lock

    paths = WarehousePaths(warehouse)
    if not paths.store.exists():
        return None
    manifest = load_manifest(inbox)
    try:
        with refresh_lock(paths.root):
            plan = unchanged.decide(paths.store, paths.root, manifest, load_key())
            if not plan.nothing_changed(manifest.files):
                return None
            results = [unchanged_result(f, plan.unchanged[i]) for i, f in enumerate(manifest.files)]
            text = nothing_changed_text(results, plan)
            write_report(paths, new_refresh_id(), text)
    except WarehouseLocked:
        return None
    return text


def run_steps(
    inbox: Path, warehouse: Path, key: bytes, only: str | None = None, full: bool = False
) -> list[StageResult]:
    """The refresh's steps in one process without Prefect (benchmarks, fault-injection tests).

    Raises RefreshFailed when a file is rejected; publishes only when every step succeeded.
    With `only`, just that export is validated and loaded (the survey fast path). Files
    unchanged since their last load are not read again (pipelines/unchanged.py) unless `full`;
    when nothing changed, nothing is published (the live version stays).
    """
    from pipelines.manifest import load_manifest

    paths = WarehousePaths(warehouse)
    manifest = load_manifest(inbox)
    if only:
        manifest = only_file(manifest, only)
    refresh_id = new_refresh_id()
    clean_leftovers(paths)
    plan = unchanged.decide(paths.store, paths.root, manifest, key, full)
    work = paths.work(refresh_id)
    try:
        with memory_as_failure():
            reading = [f for _, f in plan.to_read(manifest.files)]
            with extraction_pool(reading, key) as extractors:
                results = read_changed(
                    manifest, plan, lambda jobs: stage_batch(jobs, work, key, extractors)
                )
            if plan.nothing_changed(manifest.files):
                return results
            if not all(r.report.ok for r in results):
                record_failure(paths, refresh_id, results)
                raise RefreshFailed(summary_text(results, None, plan))
            archive_inputs(paths, manifest, results)
            work_store, results = load(paths, manifest, results, refresh_id, plan)
            if all(r.report.ok for r in results):
                built, results = build(paths, work_store, refresh_id, results)
            if not all(r.report.ok for r in results):
                record_failure(paths, refresh_id, results)
                raise RefreshFailed(summary_text(results, None, plan))
            publish(paths, work_store, built)
    finally:
        discard(paths, refresh_id)
    return results
