"""Protection results kept in the store, keyed by a fingerprint of their inputs and of the rule.

Protection is independent per linked table (a kommun and period for sick leave; a kommun,
period, survey and respondent role for surveys): no cell spans two of them (docs/disclosure.md).
So a refresh that changed one survey needs to protect that survey's table only; every other
table's result is read back from the store when its inputs and the rule's code are unchanged.
A result is only ever reused for the very inputs it was audited on, so reuse cannot weaken it.

Each cached output table `cache_<name>` holds the output rows with the table's key and the
fingerprint they were computed for; a new result replaces the key's old rows. The store is the
refresh's private working copy (it becomes the live store only when the refresh publishes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

# The rule's code: any change to it makes every cached result stale.
_RULE_FILES = (
    "audit.py",
    "linked.py",
    "sick_leave.py",
    "sick_leave_rule.py",
    "surveys.py",
    "survey_rule.py",
    "cache.py",
    "kernel.py",
    "releases.py",
    "republication.py",
    "survey_inputs.py",
)
RULE_VERSION = hashlib.sha256(
    b"".join((Path(__file__).parent / name).read_bytes() for name in _RULE_FILES)
).hexdigest()[:16]
CATALOG = "store"  # the build attaches the store under this name


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows in one fixed order (DuckDB returns them in any order), index reset.

    Protection is deterministic for a given row order; sorting first makes it depend on the
    rows alone, so a cached result is exactly what protecting again would give.
    """
    if frame.empty:
        return frame.reset_index(drop=True)
    text = pd.DataFrame({c: frame[c].astype(str).to_numpy() for c in frame.columns})
    order = text.sort_values(list(text.columns), kind="stable").index.to_numpy()
    return frame.iloc[order].reset_index(drop=True)


def fingerprint(frames: Sequence[pd.DataFrame], *extra: object) -> str:
    """A digest of canonical frames (columns and rows) and of `extra` values, with the rule."""
    digest = hashlib.sha256(RULE_VERSION.encode())
    for frame in frames:
        digest.update(repr(list(frame.columns)).encode())
        text = pd.DataFrame({c: frame[c].astype(str) for c in frame.columns})
        digest.update(pd.util.hash_pandas_object(text, index=False).to_numpy().tobytes())
    digest.update(repr(extra).encode())
    return digest.hexdigest()


def writable(con: duckdb.DuckDBPyConnection, catalog: str = CATALOG) -> bool:
    """Whether `catalog` is attached and can hold the cache (a read-only store cannot)."""
    found = con.execute(
        "SELECT readonly FROM duckdb_databases() WHERE database_name = ?", [catalog]
    ).fetchall()
    return bool(found) and not found[0][0]


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> Iterator[None]:
    """`frame` readable as the view `name` inside the block, and gone after it."""
    con.register(name, frame)
    try:
        yield
    finally:
        con.unregister(name)


class ResultCache:
    """Cached output rows per key of one output table, in `catalog`; disabled when None.

    `key` and `columns` map column names to DuckDB types: the table is key + fingerprint +
    columns, and `lookup` and `store` take and give frames of key + columns.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        name: str,
        key: dict[str, str],
        columns: dict[str, str],
        catalog: str | None,
    ) -> None:
        self.con, self.key, self.columns = con, key, columns
        self.table = f"{catalog}.main.cache_{name}" if catalog else None
        self.hits = self.misses = 0

    def lookup(self, wanted: dict[tuple, str]) -> pd.DataFrame:
        """Cached rows of the keys in `wanted` (key -> fingerprint) whose fingerprint matches."""
        names = [*self.key, *self.columns]
        if self.table is None or not wanted or not self._exists():
            return pd.DataFrame(columns=names)
        with registered(self.con, "cache_wanted", self._keys_frame(wanted)):
            return self.con.execute(
                f"SELECT {', '.join('c.' + n for n in names)} FROM {self.table} c "
                f"JOIN ({self._typed('cache_wanted', self.key)}) w "
                f"USING ({', '.join(self.key)}, fingerprint)"
            ).df()

    def copy_hits(self, wanted: dict[tuple, str], into: str) -> set[tuple]:
        """Insert into the table `into` the cached rows of the keys in `wanted` whose fingerprint
        matches (without going through Python); the keys found, as `key_of` gives them."""
        if self.table is None or not wanted or not self._exists():
            return set()
        names = [*self.key, *self.columns]
        with registered(self.con, "cache_wanted", self._keys_frame(wanted)):
            hits = f"FROM {self.table} c JOIN ({self._typed('cache_wanted', self.key)}) w "
            hits += f"USING ({', '.join(self.key)}, fingerprint)"
            self.con.execute(
                f"INSERT INTO {into} BY NAME SELECT {', '.join('c.' + n for n in names)} {hits}"
            )
            found = self.con.execute(f"SELECT DISTINCT {', '.join(self.key)} {hits}").fetchall()
        return {key_of(k) for k in found}

    def store(self, computed: dict[tuple, str], rows: pd.DataFrame) -> None:
        """Replace the cached rows of the `computed` keys (key -> fingerprint) with `rows`."""
        if self.table is None or not computed:
            return
        with registered(self.con, "cache_rows", rows[[*self.key, *self.columns]]):
            self.store_table(computed, "cache_rows")

    def store_table(self, computed: dict[tuple, str], rows: str) -> None:
        """`store` with the rows in the table or view named `rows` (key and columns, any order)."""
        if self.table is None or not computed:
            return
        spec = {**self.key, "fingerprint": "VARCHAR", **self.columns}
        self.con.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            + ", ".join(f"{n} {t}" for n, t in spec.items())
            + ")"
        )
        match = " AND ".join(f"w.{k} IS NOT DISTINCT FROM c.{k}" for k in self.key)
        with registered(self.con, "cache_wanted", self._keys_frame(computed)):
            wanted = self._typed("cache_wanted", self.key)
            self.con.execute(
                f"DELETE FROM {self.table} c WHERE EXISTS (SELECT 1 FROM ({wanted}) w WHERE {match})"
            )
            self.con.execute(
                f"INSERT INTO {self.table} BY NAME SELECT r.*, w.fingerprint "
                f"FROM ({self._typed(rows, {**self.key, **self.columns})}) r "
                f"JOIN ({wanted}) w USING ({', '.join(self.key)})"
            )

    def _typed(self, frame: str, columns: dict[str, str]) -> str:
        casts = [f"CAST({n} AS {t}) AS {n}" for n, t in columns.items()]
        extra = ", fingerprint" if frame == "cache_wanted" else ""
        return f"SELECT {', '.join(casts)}{extra} FROM {frame}"

    def _exists(self) -> bool:
        catalog, schema, name = self.table.split(".")
        found = self.con.execute(
            "SELECT 1 FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
            "AND table_name = ?",
            [catalog, schema, name],
        ).fetchall()
        return bool(found)

    def _keys_frame(self, keys: dict[tuple, str]) -> pd.DataFrame:
        rows = [(*(_plain(v) for v in k), f) for k, f in keys.items()]
        return pd.DataFrame(rows, columns=[*self.key, "fingerprint"])


def with_cached(cached: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Cached rows and newly computed ones as one frame; `new` (typed, maybe empty) when both are
    empty, e.g. a kommun without sick-leave hours."""
    return pd.concat([f for f in (cached, new) if not f.empty] or [new], ignore_index=True)


def key_of(key: tuple) -> tuple:
    """A key as plain values (dates as ISO strings), comparable however it was read."""
    return tuple(_plain(v) for v in key)


def key_set(frame: pd.DataFrame, columns: list[str]) -> set[tuple]:
    """The distinct keys of `frame`'s rows, as `key_of` gives them."""
    unique = frame[columns].drop_duplicates().itertuples(index=False, name=None)
    return {key_of(k) for k in unique}


def _plain(value: object) -> object:
    """Key values as DuckDB casts them back (timestamps of a DATE column as ISO dates)."""
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, dt.date) else value
