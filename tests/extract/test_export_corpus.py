"""The corpus of real export shapes (tests/data/exports/corpus, written by tests/extract/corpus.py):
all files in one inbox, one kommun per HR system, checked through `chefskartan validate` and one
in-process refresh, then figure by figure in the published marts."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from pipelines.cli import main
from pipelines.refresh import run_steps
from pipelines.run_report import summary_text
from tests.conftest import TEST_KEY
from tests.extract.corpus import CORPUS, EXPECTED_SPAN, NORR, SODER

ROOM = {"questionnaire": "rummet"}
# file, source, kommun, extra manifest fields, what the file tests
FILES = [
    ("heroma_personal.csv", "hr_roster", "2021", {}, "Heroma: levels, '75,00', empty FTE"),
    ("heroma_rapport.xlsx", "hr_roster", "2023", {}, "title rows, merged header, Summa"),
    ("excel_seriedatum.xlsx", "hr_roster", "2034", {}, "Excel serials, FÖRV./AVD. folded"),
    ("personec_p_anstallda.csv", "hr_roster", "2026", {}, "cp1252, '75 %', AID-etikett code"),
    ("personec_p_organisation.csv", "org_units", "2026", {}, "registered managers"),
    ("visma_lon_personal.csv", "hr_roster", "2029", {}, "share 0,75, '00:00:00' dates"),
    ("visma_lon_organisation.csv", "org_units", "2029", {}, "no manager: by ansvarskod"),
    ("hogia_anstallda.txt", "hr_roster", "2031", {}, "tab, title lines, Summa row"),
    ("hogia_enheter.txt", "org_units", "2031", {}, "levels as 1/2/3"),
    ("limesurvey_koder.csv", "survey_limesurvey", "2021", ROOM, "ASCII codes, unit names"),
    ("limesurvey_fulltext.csv", "survey_limesurvey", "2026", ROOM, "full-text headers"),
    ("googleforms_svar.csv", "survey_googleforms", "2023", ROOM, "grid 'Fråga [rad]'"),
    ("msforms_svenska.xlsx", "survey_msforms", "2029", ROOM, "Swedish, förvaltning only"),
    ("msforms_english.xlsx", "survey_msforms", "2031", ROOM, "English, Department"),
    ("limesurvey_kodformer.csv", "survey_limesurvey", "2034", {}, "KR1_SQ001, KR1SQ002"),
    ("enkat_utan_bakgrund.csv", "survey_wide", "2034", ROOM, "no background column"),
]
OWN_QUESTIONNAIRE = {"limesurvey_kodformer.csv": {"questionnaire_file": "egen_enkat.yaml"}}
HR_KOMMUNER = sorted({k for f, s, k, *_ in FILES if s == "hr_roster"})
# Surveys naming units by name (7 complete answers; two name "Hemtjänst Väst", unknown).
BY_UNIT_NAME = {"2021": "limesurvey_koder.csv", "2023": "googleforms_svar.csv",
                "2026": "limesurvey_fulltext.csv"}  # fmt: skip


def write_inbox(inbox: Path) -> Path:
    shutil.copytree(CORPUS, inbox)
    manifest = {
        "kommuner": {k: {"name": f"Korpus {k}", "anonymity_k": 2} for k in HR_KOMMUNER},
        "files": [
            {
                "file": f,
                "source": s,
                "kommun": k,
                "period": "2026-10-01",
                **extra,
                **OWN_QUESTIONNAIRE.get(f, {}),
            }
            for f, s, k, extra, _ in FILES
        ],  # fmt: skip
    }
    (inbox / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), "utf-8")
    return inbox


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """The corpus inbox validated (its printed report) and refreshed once (the published file)."""
    root = tmp_path_factory.mktemp("corpus")
    inbox = write_inbox(root / "inbox")
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["validate", "--inbox", str(inbox)])
    assert status == 0, out.getvalue()
    results = run_steps(inbox, root / "warehouse", TEST_KEY.encode())
    return (
        root / "warehouse" / "published" / "chefskartan.duckdb",
        out.getvalue(),
        (summary_text(results, [Path("published")])),
    )


def query(db: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def test_every_corpus_file_is_in_the_inbox() -> None:
    on_disk = {p.name for p in CORPUS.iterdir()} - {"egen_enkat.yaml"}
    assert on_disk == {f for f, *_ in FILES}
    assert len(on_disk) + len(list(CORPUS.parent.glob("*.*"))) >= 20


@pytest.mark.parametrize("kommun", HR_KOMMUNER)
def test_roster_gives_the_same_figures_in_every_shape(corpus, kommun: str) -> None:
    """Headcount, hourly, FTE (hourly FTE empty = unknown, not 0), admin support and tenure."""
    rows = query(
        corpus[0],
        "SELECT unit_names, employees_monthly_paid, employees_hourly, fte_monthly_paid, "
        "admin_support_fte, tenure_months, co_managers FROM mart_span_of_control "
        "WHERE kommun_code = ? AND unit_names IN (?, ?)",
        [kommun, NORR, SODER],
    ).set_index("unit_names")
    for unit, (monthly, hourly, fte, admin, tenure) in EXPECTED_SPAN.items():
        got = rows.loc[unit]
        assert (got.employees_monthly_paid, got.employees_hourly) == (monthly, hourly), unit
        assert got.fte_monthly_paid == pytest.approx(fte) and got.co_managers == 0
        assert got.admin_support_fte == pytest.approx(admin)
        assert got.tenure_months == tenure, unit
    levels = query(
        corpus[0],
        "SELECT manager_level, count(*) AS n FROM mart_span_of_control WHERE kommun_code = ? "
        "GROUP BY ALL ORDER BY 1",
        [kommun],
    )
    assert levels.to_dict("list") == {"manager_level": [1, 2, 3], "n": [2, 1, 1]}


def test_what_was_read_past_or_set_aside_is_reported(corpus) -> None:
    report = corpus[1]
    assert "rader som inte är data hoppades över" in report  # title and Summa rows
    assert "summeringsrad (Summa)" in report
    assert "sysselsättningsgraden är skriven som andel" in report  # Visma's 0,75
    assert "ignorerade kolumner: Anst.nr" in report  # Personec: nothing silently dropped


@pytest.mark.parametrize("kommun", sorted(BY_UNIT_NAME))
def test_survey_unit_names_match_the_roster_units(corpus, kommun: str) -> None:
    counts = query(
        corpus[0],
        "SELECT scope_type, scope_name, respondents FROM mart_survey_responses "
        "WHERE kommun_code = ? AND survey_id = 'rummet' AND scope_type <> 'manager_group'",
        [kommun],
    )
    got = {(r.scope_type, r.scope_name): r.respondents for r in counts.itertuples()}
    assert got[("kommun", f"Korpus {kommun}")] == 7
    assert got[("forvaltning", "Vård och omsorg")] == 7
    assert got[("enhet", NORR)] == 3 and got[("enhet", SODER)] == 2
    index = query(
        corpus[0],
        "SELECT mean_score FROM mart_survey_index WHERE kommun_code = ? AND scope_type = "
        "'forvaltning' AND construct = 'hur_mar_cheferna'",
        [kommun],
    )
    assert index.mean_score.iloc[0] == pytest.approx((3 * 4 + 2 * 2 + 2 * 3) / 7, abs=0.005)


@pytest.mark.parametrize("kommun", sorted(BY_UNIT_NAME))
def test_unknown_unit_name_is_a_warning_naming_column_value_and_respondents(
    corpus, kommun: str
) -> None:
    found = query(
        corpus[0],
        "SELECT file_name, row_number, detail, rule FROM mart_data_quality "
        "WHERE kommun_code = ? AND check_name = 'survey_unmatched'",
        [kommun],
    )
    assert len(found) == 1, found
    assert found.file_name.iloc[0] == BY_UNIT_NAME[kommun]
    assert found.detail.iloc[0].endswith('= "Hemtjänst Väst", 2 svarande')
    assert found.rule.iloc[0] == "enhetsnamnet matchar ingen enhet i förvaltningen"


@pytest.mark.parametrize("kommun", ["2029", "2031"])
def test_ms_forms_forvaltning_in_swedish_or_english(corpus, kommun: str) -> None:
    counts = query(
        corpus[0],
        "SELECT scope_type, respondents FROM mart_survey_responses WHERE kommun_code = ? "
        "AND survey_id = 'rummet' AND scope_type IN ('kommun', 'forvaltning')",
        [kommun],
    )
    assert dict(zip(counts.scope_type, counts.respondents, strict=True)) == {
        "kommun": 7,
        "forvaltning": 5,
    }
    detail = query(
        corpus[0],
        "SELECT detail FROM mart_data_quality WHERE kommun_code = ? "
        "AND check_name = 'survey_unmatched' ORDER BY detail",
        [kommun],
    ).detail.tolist()
    header = "Förvaltning" if kommun == "2029" else "Department"
    assert f'kolumn "{header}" = "Socialförvaltningen", 2 svarande' in detail
    assert "2 av 7 svarande" in detail


def test_limesurvey_code_forms_and_a_survey_with_no_background(corpus) -> None:
    own = query(
        corpus[0],
        "SELECT construct, mean_score, respondents FROM mart_survey_index "
        "WHERE kommun_code = '2034' AND survey_id = 'egen_krav' AND scope_type = 'forvaltning' "
        "ORDER BY construct",
    )
    # KR1[SQ001] 'Stämmer helt' reversed -> 1, KR1[SQ002] 'ganska bra' reversed -> 2; resurser A4
    assert own.mean_score.tolist() == [pytest.approx(1.5), pytest.approx(1.0)]
    assert "ingen kolumn för enhet, förvaltning eller personnummer" in corpus[1]
    untied = query(
        corpus[0],
        "SELECT detail FROM mart_data_quality WHERE kommun_code = '2034' "
        "AND check_name = 'survey_unmatched'",
    ).detail.tolist()
    assert untied == ["3 av 3 svarande"]


def test_ambiguous_question_header_is_an_error_naming_both(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(
        "id: dubbel\nversion: 1\ntitle: T\nquestions:\n"
        '  - {id: "KR1[SQ001]", construct: a, scale: stammer4, text: "Jag har tid"}\n'
        '  - {id: "KR2[SQ001]", construct: b, scale: stammer4, text: "Jag har tid"}\n',
        encoding="utf-8",
    )
    (tmp_path / "s.csv").write_text(
        "id;submitdate;Jag har tid\n1;2026-10-05 09:00:00;A1\n", encoding="utf-8"
    )
    (tmp_path / "manifest.yaml").write_text(
        'kommuner: {"2021": {name: X}}\nfiles:\n  - {file: s.csv, source: survey_limesurvey, '
        'kommun: "2021", period: 2026-10-01, questionnaire_file: q.yaml}\n',
        encoding="utf-8",
    )
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["validate", "--inbox", str(tmp_path)]) == 1
    assert 'kolumnen "Jag har tid" passar flera frågor: KR1[SQ001]' in out.getvalue()
    assert "eller KR2[SQ001]" in out.getvalue()


def test_tree_warning_names_the_unit_and_the_first_row_naming_it(tmp_path: Path) -> None:
    """A unit built from level columns has no row of its own: the warning points at the first
    row that names it (here row 4, not row 2) and says which unit it is."""
    from tests.extract.corpus import pnr

    rows = [
        "Personnummer;Förvaltning;Avdelning;Enhet;Ansvarskod;Anställningsform;Sysselsättningsgrad",
        f"{pnr(30)};Kultur;;;A;Tillsvidare;100",
        f"{pnr(31)};Kultur;;Biblioteket;;Tillsvidare;100",
        f"{pnr(32)};Vård och omsorg;Hemtjänst;Hemtjänst Norr;C;Tillsvidare;100",
        f"{pnr(33)};Vård och omsorg;Hemtjänst;Hemtjänst Norr;;Timavlönad;",
        f"{pnr(34)};Vård och omsorg;;;A;Tillsvidare;100",
    ]
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "manifest.yaml").write_text(
        'kommuner: {"2021": {name: X}}\nfiles:\n'
        '  - {file: r.csv, source: hr_roster, kommun: "2021", period: 2026-10-01}\n',
        encoding="utf-8",
    )
    results = run_steps(tmp_path, tmp_path / "warehouse", TEST_KEY.encode())
    text = results[0].report.text()
    assert "enheten saknar egen chef" in text and "rad 4 (Hemtjänst)" in text, text
    assert "rad 3 (Biblioteket)" in text


@pytest.mark.parametrize(
    ("header", "question"),
    [
        ("KR1[SQ001]", "KR1[SQ001]"),
        ("KR1_SQ001", "KR1[SQ001]"),
        ("KR1SQ002", "KR1[SQ002]"),
        ("KR1[SQ001]. Jag har för mycket att göra", "KR1[SQ001]"),  # code & text headings
        ("Krav och resurser [Jag får stöd av min chef]", "KR2[SQ001]"),
        ("Krav [SQ002]", "KR1[SQ002]"),  # only one group has SQ002
        ("Lön", None),
    ],
)
def test_limesurvey_code_forms_match_one_question(header: str, question: str | None) -> None:
    from schemas.questionnaire import load_questionnaire

    own = load_questionnaire(CORPUS / "egen_enkat.yaml")
    assert getattr(own.match(header), "id", None) == question


def test_a_sub_question_code_two_groups_share_is_ambiguous() -> None:
    from schemas.questionnaire import AmbiguousQuestion, load_questionnaire

    with pytest.raises(AmbiguousQuestion, match=r"KR1\[SQ001\].* eller KR2\[SQ001\]"):
        load_questionnaire(CORPUS / "egen_enkat.yaml").match("Krav [SQ001]")


def test_empty_fte_is_missing_for_hourly_and_an_error_for_monthly_paid(tmp_path: Path) -> None:
    from pipelines.extract import extract_file
    from pipelines.manifest import load_manifest
    from tests.extract.corpus import pnr

    (tmp_path / "r.csv").write_text(
        "Personnummer;Org.enhet;Anställningsform;Sysselsättningsgrad\n"
        f"{pnr(40)};1110;Timavlönad;\n{pnr(41)};1110;Tillsvidare;\n{pnr(42)};1110;Visstid;75\n",
        encoding="utf-8",
    )
    (tmp_path / "manifest.yaml").write_text(
        'kommuner: {"2021": {name: X}}\nfiles:\n'
        '  - {file: r.csv, source: hr_roster, kommun: "2021", period: 2026-10-01}\n',
        encoding="utf-8",
    )
    report = extract_file(load_manifest(tmp_path).files[0], b"k").report
    assert [(i.row, i.column) for i in report.errors] == [(3, "Sysselsättningsgrad")]
    assert report.errors[0].rule == (
        "värde saknas (får vara tomt bara när Anställningsform är timavlonad)"
    )
    # Columns figures need are missing here: said, not left to show as empty figures.
    warned = " ".join(i.rule for i in report.issues if i.severity == "varning")
    assert "anställningsdatum saknas" in warned and "AID-kod saknas" in warned
    assert "ansvarskod saknas" in warned
