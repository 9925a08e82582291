"""The key-figures template: written by the CLI, filled per unit, giving the roster's marts."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipelines.cli import main
from pipelines.refresh import run_steps
from tests.conftest import TEST_KEY
from tests.hr.test_key_figures import HOURS, W
from tests.hr.tiny_kommun import KOMMUN, PERIOD, TinyKommun, mart

COMPARED = [
    "employees_monthly_paid",
    "employees_hourly",
    "fte_monthly_paid",
    "managers",
    "first_line_managers",
    "mean_span_first_line",
    "chefstathet",
    "share_visstid_pct",
    "share_hourly_pct",
    "workplaces",
    "mean_tenure_months",
    "sick_leave_pct",
    "long_term_sick_leave_share_pct",
]


def roster() -> TinyKommun:
    """A tree where nobody works in two units (the template cannot tell such persons apart)."""
    units = [
        ("F1", None, "Förvaltningen", "Förvaltning", "administration", 1),
        ("A1", "F1", "Omsorg", "Avdelning", "äldreomsorg", 2),
        ("E1", "A1", "Hemtjänst", "Enhet", "äldreomsorg", 3),
        ("E2", "A1", "Boende", "Enhet", "äldreomsorg", 3),
        ("E3", "A1", "Natt", "Enhet", "äldreomsorg", None),
    ]
    staff = [
        (1, "F1", "Tillsvidare", 100, "A"),
        (2, "A1", "Tillsvidare", 100, "A"),
        (3, "E1", "Tillsvidare", 100, "C"),
    ]
    staff += [
        (
            10 + i,
            "E1",
            "Visstid" if i == 0 else "Tillsvidare",
            80,
            "",
            {W: f"1111111{i % 2}", **HOURS},
        )
        for i in range(6)
    ]
    staff += [(20, "E1", "Timavlönad", 0, "", {W: "11111110"})]
    staff += [(30 + i, "E2", "Tillsvidare", 100, "") for i in range(3)]
    staff += [(40 + i, "E3", "Tillsvidare", 50, "") for i in range(2)]
    return TinyKommun(units, staff)


def template_rows(tiny: TinyKommun) -> list[dict[str, object]]:
    """Per unit, the figures an analyst would type in, counted from the roster by hand."""
    rows = []
    for unit, parent, name, level, vht, manager in tiny.units:
        staff = [e for e in tiny.employments if e[1] == unit and e[4] == ""]
        monthly = [e for e in staff if e[2] != "Timavlönad"]
        extra = [e[5] for e in monthly if len(e) > 5]
        rows.append(
            {
                "Enhets-id": unit,
                "Enhetens namn": name,
                "Överordnad enhets-id": parent or "",
                "Nivå": level,
                "Verksamhet": vht,
                "Chefens id": f"chef-{manager}" if manager else "",
                "Chefens startdatum": "2020-01-01" if manager else "",
                "Månadsavlönade": len(monthly),
                "Varav visstid": sum(e[2] == "Visstid" for e in monthly),
                "Timavlönade": len(staff) - len(monthly),
                "Årsarbetare": str(sum(e[3] for e in monthly) / 100).replace(".", ","),
                "Arbetsställen": len({e[5][W] for e in staff if len(e) > 5 and W in e[5]}),
                "Ordinarie arbetstid (tim)": sum(
                    x.get("Ordinarie arbetstid (tim)", 0) for x in extra
                ),
                "Sjukfrånvaro (tim)": sum(x.get("Sjukfrånvaro (tim)", 0) for x in extra),
            }
        )
    return rows


def write_template_inbox(inbox: Path, template: Path, rows: list[dict[str, object]]) -> None:
    inbox.mkdir(parents=True)
    header = next(csv.reader(template.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    with open(inbox / "nyckeltal.csv", "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    (inbox / "manifest.yaml").write_text(
        f'kommuner:\n  "{KOMMUN}": {{name: Lomma}}\nfiles:\n'
        f'  - {{file: nyckeltal.csv, source: key_figures, kommun: "{KOMMUN}", period: {PERIOD}}}\n',
        encoding="utf-8",
    )


def test_template_command_writes_xlsx_and_csv(tmp_path: Path) -> None:
    assert main(["template", "key-figures", "--out", str(tmp_path)]) == 0
    book = openpyxl.load_workbook(tmp_path / "nyckeltal_mall.xlsx")
    headers = [c.value for c in book["Nyckeltal"][1]]
    assert headers[:2] == ["Enhets-id", "Enhetens namn"] and "Årsarbetare" in headers
    assert all(c.comment is not None for c in book["Nyckeltal"][1]), "every column described"
    lists = [v.formula1 for v in book["Nyckeltal"].data_validations.dataValidation]
    assert '"Förvaltning,Avdelning,Enhet"' in lists
    csv_header = (tmp_path / "nyckeltal_mall.csv").read_text(encoding="utf-8-sig").split(";")
    assert [h.strip() for h in csv_header] == headers


def test_filled_template_gives_the_same_marts_as_the_roster(tmp_path: Path) -> None:
    tiny = roster()
    from_roster = tiny.refresh(tmp_path / "roster")
    main(["template", "key-figures", "--out", str(tmp_path / "tpl")])
    write_template_inbox(
        tmp_path / "inbox", tmp_path / "tpl" / "nyckeltal_mall.csv", template_rows(tiny)
    )
    run_steps(tmp_path / "inbox", tmp_path / "wh", TEST_KEY.encode())
    from_template = tmp_path / "wh" / "published" / "chefskartan.duckdb"

    sql = f"SELECT scope_id, {', '.join(COMPARED)} FROM mart_span_rollup ORDER BY scope_id"
    expected, actual = mart(from_roster, sql), mart(from_template, sql)
    assert len(actual) == 6  # kommun + five units
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False)


def test_template_with_more_fte_than_people_is_rejected(tmp_path: Path) -> None:
    main(["template", "key-figures", "--out", str(tmp_path / "tpl")])
    rows = template_rows(roster())
    rows[2]["Årsarbetare"] = "99"
    write_template_inbox(tmp_path / "inbox", tmp_path / "tpl" / "nyckeltal_mall.csv", rows)
    with pytest.raises(Exception, match="fler årsarbetare än månadsavlönade personer"):
        run_steps(tmp_path / "inbox", tmp_path / "wh", TEST_KEY.encode())
