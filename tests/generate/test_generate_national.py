"""`chefskartan generate --kommuner 290`: every Swedish kommun with its real code and name, sizes
from Stockholm down to the smallest, the three export shapes mixed, deterministic, refreshable."""

from __future__ import annotations

import collections
import hashlib
from pathlib import Path

import duckdb
import yaml

from pipelines.cli import main
from pipelines.generate.national import LARGEST, SMALLEST, TEMPLATES, employments, pick, profile
from pipelines.generate.surveys import load_survey_plan
from pipelines.refresh import run_steps
from tests.conftest import TEST_KEY

LAN = {"01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19",
       "20", "21", "22", "23", "24", "25"}  # fmt: skip
# Stockholm (Burlöv's shape), Vallentuna (Kävlinge's), Ekerö (Lomma's)
SUBSET = ["0180", "0115", "0125"]


def test_all_290_kommuner_have_real_codes_sizes_and_file_names_of_their_own() -> None:
    codes = pick(290)
    assert len(codes) == len(set(codes)) == 290
    assert all(len(c) == 4 and c.isdigit() and c[:2] in LAN for c in codes)
    profiles = [profile(c) for c in codes]
    assert {p.spec.name for p in profiles} >= {"Stockholm", "Göteborg", "Malmö", "Kiruna"}
    sizes = [employments(c) for c in codes]
    assert max(sizes) == employments("0180") == LARGEST["0180"] == 50_000
    assert min(sizes) >= SMALLEST and sum(s < 1_000 for s in sizes) >= 10
    assert 600_000 <= sum(sizes) <= 1_100_000  # Sweden's kommuner employ ~850 000
    shapes = collections.Counter(p.spec.format for p in profiles)
    assert set(shapes) == {"csv_cp1252", "csv_utf8_bom", "xlsx"} and min(shapes.values()) > 80
    surveys = load_survey_plan()["kommuner"]
    files = [f for p in profiles for f in p.spec.files.values()]
    files += [
        p.rename(s["file"]) for p in profiles for s in surveys[p.template]["surveys"]
    ]  # fmt: skip
    assert len(files) == len(set(files))  # no kommun overwrites another's export
    assert pick(3) == pick(3) and len(pick(3)) == 3


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_national_inbox_is_deterministic_and_refreshes(tmp_path: Path) -> None:
    runs = []
    for run in ("a", "b"):
        args = ["generate", "--out", str(tmp_path / run), "--kommuner", "290"]
        subset = [a for code in SUBSET for a in ("--kommun", code)]
        assert main([*args, *subset, "--max-employments", "80"]) == 0
        runs.append(_digest(tmp_path / run))
    assert runs[0] == runs[1]

    manifest = yaml.safe_load((tmp_path / "a/manifest.yaml").read_text(encoding="utf-8"))
    assert {c: k["name"] for c, k in manifest["kommuner"].items()} == {
        "0180": "Stockholm",
        "0115": "Vallentuna",
        "0125": "Ekerö",
    }
    assert len({f["period"] for f in manifest["files"]}) == 1  # one period by default
    sources = collections.Counter(f["source"] for f in manifest["files"])
    assert sources["hr_roster"] == 3 and sources["manager_groups"] == 3
    assert sum(n for s, n in sources.items() if s.startswith("survey_")) == 3 * 5

    run_steps(tmp_path / "a", tmp_path / "warehouse", TEST_KEY.encode())  # raises on a rejection
    con = duckdb.connect(str(tmp_path / "warehouse/published/chefskartan.duckdb"), read_only=True)
    try:
        rows = con.sql("SELECT DISTINCT kommun_code FROM mart_span_of_control").fetchall()
    finally:
        con.close()
    assert sorted(r[0] for r in rows) == sorted(SUBSET)
    assert {profile(c).template for c in SUBSET} == set(TEMPLATES)
