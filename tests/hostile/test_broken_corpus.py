"""Every broken or hostile inbox ends in exit 1, a message naming the file or entry, no traceback,
the published files byte-identical, store history unchanged, and no secret in any output."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from tests.hostile.corpus import CASES, LEAKED_PNR, SECRET, write_base

pytestmark = pytest.mark.flow


@pytest.fixture(scope="module")
def base(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One tiny valid inbox and the warehouse refreshed from it."""
    root = tmp_path_factory.mktemp("hostile")
    inbox, warehouse = write_base(root / "inbox"), root / "warehouse"
    assert main(["refresh", "--inbox", str(inbox), "--warehouse", str(warehouse)]) == 0
    return inbox, warehouse


def published_state(warehouse: Path) -> dict[str, str]:
    published = warehouse / "published"
    state = {"->": str(published.resolve())}
    for path in sorted(published.iterdir()):
        state[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def store_dump(warehouse: Path) -> tuple[dict[str, list], str]:
    """History tables row by row, and the quarantine as text (to look for leaks)."""
    con = duckdb.connect(str(warehouse / "store.duckdb"), read_only=True)
    try:
        tables = [t for (t,) in con.execute("SHOW TABLES").fetchall() if t.startswith("hist_")]
        history = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
        quarantine = str(con.execute("SELECT * FROM quarantine").fetchall())
    finally:
        con.close()
    return history, quarantine


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_rejected_cleanly(
    case: tuple, base: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, breaks, expected = case
    base_inbox, warehouse = base
    inbox = tmp_path / "inbox"
    shutil.copytree(base_inbox, inbox)
    breaks(inbox)
    published, (history, _) = published_state(warehouse), store_dump(warehouse)

    status = main(["refresh", "--inbox", str(inbox), "--warehouse", str(warehouse)])

    out = capsys.readouterr()
    text = out.out + out.err
    assert status == 1, text
    assert "Traceback" not in text
    assert expected in text
    assert "manifest.yaml" in text or any(p.name in text for p in inbox.iterdir()), text
    assert published_state(warehouse) == published
    after, quarantine = store_dump(warehouse)
    assert after == history
    reports = " ".join(p.read_text("utf-8") for p in (warehouse / "reports").glob("*.txt"))
    for leak in (LEAKED_PNR, LEAKED_PNR[2:], SECRET, SECRET[:20]):
        assert leak not in text + quarantine + reports, f"{name}: {leak} leaked"


def test_a_full_disk_ends_in_a_sentence(
    base: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno

    from pipelines.flows import refresh as flow

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(flow, "refresh_flow", disk_full)
    inbox, warehouse = base
    published = published_state(warehouse)

    # --full: the same inbox again would be found unchanged without starting the flow
    status = main(["refresh", "--inbox", str(inbox), "--warehouse", str(warehouse), "--full"])

    err = capsys.readouterr().err
    assert status == 1 and "disken är full" in err and "Traceback" not in err
    assert published_state(warehouse) == published
