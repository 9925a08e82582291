"""Per-kommun published files: one transaction each, and rewritten only when the kommun's rows changed.

Each version folder holds fingerprints.json: per kommun a digest of its rows in every mart (row
count and a sum of row hashes), of the shared marts and of the marts' declarations, with the size
and mtime its file had when written. A kommun whose digest is unchanged, and whose file in the
live version is as written, has that file hard-linked into the new version (copied where links
are impossible): published files are read-only, and the new folder is still switched in whole.
A new file is a copy of an empty template (tables and comments made once) filled in one commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from schemas.marts import MARTS
from schemas.model import sql_literal
from warehouse.build import (
    PUBLISHED_STORAGE_VERSION,
    fill_kommun_file,
    kommun_file_name,
    write_template,
)
from warehouse.intermediate import duckdb_config

FINGERPRINTS = "fingerprints.json"
TEMPLATE_NAME = "published_template.duckdb"
# Each kommun file is written once and never changed: its commit checkpoints at once instead of
# writing a log first and checkpointing on detach (the data written once, not twice), and FSST,
# whose analysis cost most of the checkpoint, is skipped (dictionary and the rest still apply;
# files of a few 256 KiB blocks come out the same size).
WRITE_ONCE = {
    "checkpoint_threshold": "0b",
    "auto_checkpoint_skip_wal_threshold": "0",
    "disabled_compression_methods": "fsst",
}


def write_once(con: duckdb.DuckDBPyConnection) -> None:
    """WRITE_ONCE on the connection (a SET: as connect() config, DuckDB drops some of these)."""
    for name, value in WRITE_ONCE.items():
        con.execute(f"SET {name} = {sql_literal(value)}")


# Kommun files are written by this many threads (each its own DuckDB instance): the cores we have.
WORKERS = max(1, min(2, len(os.sched_getaffinity(0))))
KOMMUN_MARTS = [m for m in MARTS if "kommun_code" in m.column_names]
SHARED_MARTS = [m for m in MARTS if "kommun_code" not in m.column_names]


def declarations_digest() -> str:
    """Changes when a mart's columns, types or comments (or the file format) change."""
    digest = hashlib.sha256(PUBLISHED_STORAGE_VERSION.encode())
    for mart in MARTS:
        digest.update(mart.ddl(with_primary_key=False).encode())
        digest.update("\n".join(mart.comment_statements()).encode())
    return digest.hexdigest()


def fingerprints(con: duckdb.DuckDBPyConnection, codes: Iterable[str], db: str = "src") -> dict:
    """Per kommun code, a digest of everything its file would hold (marts of `db`)."""
    parts: dict[str, list[str]] = defaultdict(list)
    shared = [declarations_digest()]
    for mart in KOMMUN_MARTS:
        for code, n, total in con.execute(
            f"SELECT kommun_code, count(*), sum(hash(t)::HUGEINT) FROM {db}.{mart.name} t "
            "GROUP BY kommun_code"
        ).fetchall():
            parts[code].append(f"{mart.name}:{n}:{total}")
    for mart in SHARED_MARTS:
        n, total = con.execute(
            f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {db}.{mart.name} t"
        ).fetchone()
        shared.append(f"{mart.name}:{n}:{total}")
    return {
        code: hashlib.sha256("\n".join(shared + sorted(parts[code])).encode()).hexdigest()
        for code in codes
    }


def read_fingerprints(folder: Path | None) -> dict:
    """What a version folder recorded ({} for none, or one from before fingerprints)."""
    try:
        return json.loads((folder / FINGERPRINTS).read_text(encoding="utf-8")) if folder else {}
    except (OSError, ValueError):
        return {}


def carry(previous: Path | None, recorded: dict | None, fingerprint: str, out: Path) -> bool:
    """Link the live version's file for the kommun into `out` when nothing in it changed."""
    if previous is None or not recorded or recorded.get("fingerprint") != fingerprint:
        return False
    old = previous / out.name
    try:
        stat = old.stat()
    except OSError:
        return False
    if (stat.st_size, stat.st_mtime_ns) != (recorded.get("size"), recorded.get("mtime_ns")):
        return False  # changed since it was published (a read-write client): write it anew
    try:
        os.link(old, out)
    except OSError:  # another file system, or links not allowed: a copy does as well
        shutil.copy2(old, out)
    return True


def cached_template(root: Path) -> Path:
    """The empty published file for today's mart declarations, kept in WAREHOUSE/templates
    between refreshes: written when the declarations change, not by every refresh."""
    folder = root / "templates"
    path = folder / f"published_{declarations_digest()[:16]}.duckdb"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("published_*.duckdb"):  # older declarations'
            old.unlink(missing_ok=True)
        tmp = folder / f".{path.name}.{os.getpid()}"  # complete before it takes the name
        tmp.unlink(missing_ok=True)
        write_template(tmp)
        os.replace(tmp, path)
    return path


def write_kommun_files(
    combined: Path, folder: Path, work: Path, previous: Path | None, template: Path | None = None
) -> list:
    """Every kommun's file in `folder`, from the combined file; returns the kommun codes.

    `previous` is the live version's folder (None before the first publication); `template`
    the empty published file to copy (written to `work` when not given).
    """
    con = duckdb.connect(config=duckdb_config(work))
    try:
        con.execute(f"ATTACH {sql_literal(str(combined))} AS src (READ_ONLY)")
        codes = [c for (c,) in con.execute("SELECT kommun_code FROM src.mart_kommun").fetchall()]
        prints = fingerprints(con, codes)
    finally:
        con.close()
    old = read_fingerprints(previous).get("kommuner", {})
    changed = [
        code
        for code in sorted(codes)
        if not carry(previous, old.get(code), prints[code], folder / kommun_file_name(code))
    ]
    if changed:
        template = template or work / TEMPLATE_NAME  # the combined file's, when it wrote it
        if not template.exists():
            write_template(template)
        workers = min(WORKERS, len(changed))
        with ThreadPoolExecutor(workers) as pool:
            # round robin over the codes; each worker spills to its own folder
            args = [(changed[i::workers], work / f"spill-{i}") for i in range(workers)]
            jobs = [pool.submit(write_files, combined, template, c, folder, s) for c, s in args]
            for job in jobs:
                job.result()
    record = {}
    for code in sorted(codes):
        stat = (folder / kommun_file_name(code)).stat()
        record[code] = {"fingerprint": prints[code], "size": stat.st_size}
        record[code]["mtime_ns"] = stat.st_mtime_ns
    summary = {"declarations": declarations_digest(), "kommuner": record}
    (folder / FINGERPRINTS).write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return codes


def write_files(combined: Path, template: Path, codes: list, folder: Path, spill: Path) -> None:
    """The files of `codes`: each a copy of the template, filled from `combined` in one commit.

    One DuckDB instance per worker thread (DuckDB runs without the GIL), with one thread and
    its share of the memory limit.
    """
    con = duckdb.connect(config=duckdb_config(spill, share=WORKERS))
    try:
        write_once(con)
        con.execute(f"ATTACH {sql_literal(str(combined))} AS src (READ_ONLY)")
        for code in codes:
            out = folder / kommun_file_name(code)
            shutil.copyfile(template, out)
            con.execute(f"ATTACH {sql_literal(str(out))} AS k")
            con.execute("BEGIN TRANSACTION")
            fill_kommun_file(con, code, into="k")
            con.execute("COMMIT")
            con.execute("DETACH k")
    finally:
        con.close()


def patch_combined(previous: Path, scoped: Path, out: Path, kommuner: Iterable[str]) -> None:
    """The live combined file with `kommuner`' rows and the shared marts taken from `scoped`.

    The survey fast path: every other kommun's rows stay as published, in one commit.
    """
    shutil.copyfile(previous, out)  # a new inode: the live file is never written
    out.chmod(0o600)
    codes = ", ".join(sql_literal(k) for k in sorted(kommuner))
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {sql_literal(str(out))} AS pub")
        con.execute(f"ATTACH {sql_literal(str(scoped))} AS src (READ_ONLY)")
        con.execute("BEGIN TRANSACTION")
        for mart in MARTS:
            where = f" WHERE kommun_code IN ({codes})" if mart in KOMMUN_MARTS else ""
            con.execute(f"DELETE FROM pub.{mart.name}{where}")
            con.execute(f"INSERT INTO pub.{mart.name} BY NAME SELECT * FROM src.{mart.name}")
        con.execute("COMMIT")
    finally:
        con.close()


def store_mark(store: Path) -> list[str]:
    """What tells one store from the next: every refresh, published or failed, logs its files
    (a copy of the warehouse keeps its mark; a crash after the store swap changes it)."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        count, latest = con.execute(
            "SELECT count(*), max(refreshed_at) FROM refresh_log"
        ).fetchone()
    finally:
        con.close()
    return [str(count), str(latest)]


def note_store(folder: Path, store: Path) -> None:
    """Record which store file the version was built from (before it is sealed)."""
    summary = read_fingerprints(folder)
    summary["store"] = store_mark(store)
    (folder / FINGERPRINTS).write_text(json.dumps(summary, indent=1), encoding="utf-8")


def can_patch(previous: Path | None, combined_name: str, store: Path) -> bool:
    """The live version has a combined file made from today's mart declarations and from the
    store as it is now (not one a crash swapped in without switching readers to its version)."""
    if previous is None or not (previous / combined_name).is_file() or not store.exists():
        return False
    recorded = read_fingerprints(previous)
    same_marts = recorded.get("declarations") == declarations_digest()
    return same_marts and recorded.get("store") == store_mark(store)
