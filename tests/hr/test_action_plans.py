"""Action plans: statuses on hand-built cases, baseline from the right period, bad plans rejected."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.refresh import RefreshFailed, run_steps
from tests.conftest import TEST_KEY
from tests.hr.tiny_kommun import KOMMUN, TinyKommun, mart

PLAN_HEADER = (
    "Åtgärds-id;Omfattning;Område;Åtgärd;Ansvarig roll;Beslutsdatum;Startdatum;"
    "Klart senast;Indikator 1;Målvärde 1"
)
FOLLOW_UP_HEADER = (
    "Åtgärds-id;Uppföljningsdatum;Genomförd som planerat;Avsedd effekt;Nästa uppföljning"
)


def kommun(period: str, big_unit_staff: int) -> TinyKommun:
    units = [
        ("F1", None, "Förvaltningen", "Förvaltning", "x", 1),
        ("E1", "F1", "Stora enheten", "Enhet", "äldreomsorg", 2),
        ("E2", "F1", "Lilla enheten", "Enhet", "äldreomsorg", 3),
    ]
    staff = [(m, u[0], "Tillsvidare", 100, "C") for u in units for m in [u[5]]]
    staff += [(100 + i, "E1", "Tillsvidare", 100, "") for i in range(big_unit_staff)]
    staff += [(200 + i, "E2", "Tillsvidare", 100, "") for i in range(10)]
    return TinyKommun(units, staff, period=period)


def plan_inbox(root: Path, plan_rows: list[str], follow_ups: list[str]) -> Path:
    root.mkdir(parents=True)
    (root / "plan.csv").write_text("\n".join([PLAN_HEADER, *plan_rows]) + "\n", "utf-8")
    (root / "uppf.csv").write_text("\n".join([FOLLOW_UP_HEADER, *follow_ups]) + "\n", "utf-8")
    (root / "manifest.yaml").write_text(
        f'kommuner:\n  "{KOMMUN}": {{name: Lomma}}\nfiles:\n'
        f'  - {{file: plan.csv, source: action_plan, kommun: "{KOMMUN}", period: 2026-04-01}}\n'
        f'  - {{file: uppf.csv, source: follow_up, kommun: "{KOMMUN}", period: 2026-10-01}}\n',
        "utf-8",
    )
    return root


def measure(
    mid: str,
    indicator: str,
    target: str,
    due: str = "2027-03-01",
    area: str = "Antal medarbetare per chef",
    start: str = "2026-05-01",
) -> str:
    return (
        f"{mid};Förvaltningen;{area};Dela enheter;Förvaltningschef;2026-04-01;{start};"
        f"{due};{indicator};{target}"
    )


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two periods: the big unit shrinks from 40 to 30 monthly-paid staff."""
    root = tmp_path_factory.mktemp("plans")
    kommun("2026-03-01", 40).refresh(root)
    kommun("2026-10-01", 30).refresh(root)
    return root


def refresh_plan(history: Path, tmp_path: Path, plans: list[str], follow_ups: list[str]) -> Path:
    warehouse = tmp_path / "warehouse"
    shutil.copytree(history / "warehouse", warehouse)
    run_steps(plan_inbox(tmp_path / "inbox", plans, follow_ups), warehouse, TEST_KEY.encode())
    return warehouse / "published" / "chefskartan.duckdb"


def test_statuses(history: Path, tmp_path: Path) -> None:
    plans = [
        measure("M1", "max_span_first_line", "30"),  # 40 → 30: met, reported done → klar
        measure("M2", "max_span_first_line", "20"),  # half way after 55 % of the time → i_fas
        measure("M3", "sick_leave_pct", "4,5"),  # never measured (no hours) → ej_matt
        measure("M4", "max_span_first_line", "20", due="2026-09-01", start="2026-04-15"),
        measure("M5", "chefstathet", "5"),  # 50/3 = 16.7 → 40/3 = 13.3: 29 % of the way
    ]
    follow_ups = ["M1;2026-09-15;ja;ja;2027-01-15", "M2;2026-05-10;delvis;ja;2026-06-01"]
    db = refresh_plan(history, tmp_path, plans, follow_ups)
    rows = mart(
        db,
        "SELECT measure_id, indicator_status, measure_status, baseline_value, "
        "baseline_period_date, latest_value, is_follow_up_overdue "
        "FROM mart_action_plan ORDER BY measure_id",
    ).set_index("measure_id")

    assert rows.loc["M1", "measure_status"] == "klar"
    assert rows.loc["M2", "measure_status"] == "i_fas"
    assert rows.loc["M3", "measure_status"] == "ej_matt"
    assert rows.loc["M4", "measure_status"] == "ur_fas"  # due date passed, target not met
    # Baseline from the period on or before adoption (2026-03-01), not the latest one.
    assert str(rows.loc["M1", "baseline_period_date"])[:10] == "2026-03-01"
    assert (rows.loc["M1", "baseline_value"], rows.loc["M1", "latest_value"]) == (40, 30)
    assert rows.loc["M2", "is_follow_up_overdue"]  # next follow-up 2026-06-01 has passed
    # 29 % of the way after 55 % of the time (less the 15-point margin): behind the path
    assert rows.loc["M5", "measure_status"] == "risk"


def test_indicator_history_and_catalogue(history: Path, tmp_path: Path) -> None:
    db = refresh_plan(history, tmp_path, [measure("M1", "max_span_first_line", "30")], [])
    values = mart(
        db,
        "SELECT period_date, value FROM mart_indicator_history WHERE scope_id = "
        "'F1' AND indicator_id = 'max_span_first_line' ORDER BY period_date",
    )
    assert values["value"].tolist() == [40, 30]
    catalogue = mart(db, "SELECT indicator_id, better FROM mart_indicator_catalogue")
    assert ("max_span_first_line", "lower") in set(
        zip(catalogue.indicator_id, catalogue.better, strict=True)
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            measure("X1", "antal_kaffe", "3"),
            'kolumn "Indikator 1" = "antal_kaffe": okänd indikator',
        ),
        (
            measure("X2", "max_span_first_line", "30", due="2026-04-01"),
            "klart senast ligger före startdatum",
        ),
        (measure("X3", "max_span_first_line", "30", area="Fikapauser"), "okänt område"),
        (measure("X4", "max_span_first_line", "50"), "målvärdet ligger åt fel håll"),
    ],
)
def test_invalid_plans_are_rejected_naming_the_row(
    history: Path, tmp_path: Path, row: str, message: str
) -> None:
    with pytest.raises(RefreshFailed) as failed:
        refresh_plan(history, tmp_path, [measure("OK", "max_span_first_line", "30"), row], [])
    assert "plan.csv" in str(failed.value)
    assert "rad 3" in str(failed.value) and message in str(failed.value)


def test_action_plan_template_has_lists_for_area_status_and_indicator(tmp_path: Path) -> None:
    import openpyxl

    assert main(["template", "action-plan", "--out", str(tmp_path)]) == 0
    book = openpyxl.load_workbook(tmp_path / "handlingsplan_mall.xlsx")
    lists = [v.formula1 for v in book["Handlingsplan"].data_validations.dataValidation]
    assert any("Antal medarbetare per chef" in f for f in lists)
    assert any("pågår" in f for f in lists)
    assert any(f.startswith("Indikatorer!") for f in lists)
    ids = [row[0].value for row in book["Indikatorer"].iter_rows(min_row=2)]
    assert "mean_span_first_line" in ids and "sick_leave_pct" in ids
    assert (tmp_path / "uppfoljning_mall.csv").exists()
