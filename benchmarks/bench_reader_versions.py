"""Which DuckDB versions open a published file: every mart read, with its comments.

The published files are written with STORAGE_VERSION 'v1.0.0'; this checks what that means in
practice for the analysts' tools (the ODBC driver and DBeaver embed the DuckDB of their version).
Install the versions to try into folders first (any PyPI client), e.g.
    .tools/bin/uv pip install --target /tmp/duckdb-1.1.3 duckdb==1.1.3
then: python benchmarks/bench_reader_versions.py WAREHOUSE/published/kommun_1262.duckdb \
        /tmp/duckdb-1.0.0 /tmp/duckdb-1.1.3 ...
The environment's own duckdb (Python) and .venv/bin/duckdb (CLI) are always tried.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from schemas.marts import MARTS  # noqa: E402

PROBE = """
import duckdb, sys
try:
    con = duckdb.connect(sys.argv[1], read_only=True)
    rows = sum(con.execute(f"SELECT count(*) FROM {m}").fetchone()[0] for m in sys.argv[2:])
    comments = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE comment IS NOT NULL AND comment <> ''"
    ).fetchone()[0]
    print(duckdb.__version__, "opens", rows, "rows,", comments, "column comments")
except Exception as exc:
    print(duckdb.__version__, "FAILS:", str(exc).splitlines()[0][:120])
"""


def try_python(published: Path, package_dir: str | None) -> str:
    env = {"PYTHONPATH": package_dir} if package_dir else None
    marts = [m.name for m in MARTS]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(published), *marts],
        capture_output=True,
        text=True,
        env=env,
    )
    return (done.stdout or done.stderr).strip()


def try_cli(published: Path) -> str:
    cli = Path(sys.executable).parent / "duckdb"
    version = subprocess.run([cli, "-version"], capture_output=True, text=True).stdout.split()[0]
    done = subprocess.run(
        [
            cli,
            "-readonly",
            "-noheader",
            "-list",
            str(published),
            "-c",
            "SELECT count(*) FROM mart_kommun",
        ],
        capture_output=True,
        text=True,
    )
    ok = done.returncode == 0
    return f"CLI {version} " + ("opens" if ok else "FAILS: " + done.stderr.strip()[:120])


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    published = Path(argv[0])
    print(f"{published} (written by the refresh with STORAGE_VERSION 'v1.0.0')")
    for package_dir in argv[1:]:
        print(" ", try_python(published, package_dir))
    print(" ", try_python(published, None), "(this environment)")
    print(" ", try_cli(published))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
