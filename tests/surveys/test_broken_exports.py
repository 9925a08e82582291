"""One broken survey export per failure kind: each is rejected with a message naming what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.manifest import ManifestError
from tests.surveys.inbox import extract, report_lines, write_csv

KR09 = "KR[KR09]"


def lime(tmp_path: Path, header: list[str], row: list[str], **fields) -> str:
    write_csv(tmp_path / "lime.csv", [header, row], quote_all=True)
    fields.setdefault("questionnaire", "krav_resurser")
    return report_lines(extract(tmp_path, "lime.csv", "survey_limesurvey", **fields))


def test_unknown_answer_label_names_file_row_column_and_label(tmp_path: Path) -> None:
    text = lime(
        tmp_path, ["id", "submitdate", KR09], ["1", "2026-10-05 10:00:00", "Stämmer nästan"]
    )
    assert "lime.csv (survey_limesurvey, 1231, 2026-10-01): 1 rader, 1 fel" in text
    assert 'rad 2, kolumn "KR[KR09]" = "Stämmer nästan": okänt svarsalternativ för KR09' in text
    assert "Stämmer helt, Stämmer ganska bra" in text


def test_number_out_of_range(tmp_path: Path) -> None:
    text = lime(
        tmp_path,
        ["id", "submitdate", "T1[T1_ADM]"],
        ["1", "2026-10-05 10:00:00", "30"],
        questionnaire="tidsdagbok",
    )
    assert 'rad 2, kolumn "T1[T1_ADM]" = "30": ska vara mellan 0 och 24 för T1_ADM' in text


def test_text_in_a_number_question(tmp_path: Path) -> None:
    text = lime(
        tmp_path,
        ["id", "submitdate", "T1[T1_ADM]"],
        ["1", "2026-10-05 10:00:00", "två"],
        questionnaire="tidsdagbok",
    )
    assert '= "två": inte ett tal för T1_ADM' in text


def test_no_question_recognised(tmp_path: Path) -> None:
    text = lime(tmp_path, ["id", "submitdate", "Q1"], ["1", "2026-10-05 10:00:00", "A1"])
    assert "inga frågor ur krav_resurser.yaml känns igen bland rubrikerna" in text


def test_limesurvey_without_submitdate(tmp_path: Path) -> None:
    text = lime(tmp_path, ["id", KR09], ["1", "A1"])
    assert "obligatorisk kolumn saknas: submitted_text" in text


def test_bad_timestamp(tmp_path: Path) -> None:
    text = lime(tmp_path, ["id", "submitdate", KR09], ["1", "igår", "A1"])
    assert 'rad 2, kolumn "submitdate" = "igår": inte en tidpunkt' in text


def test_invalid_personnummer_is_never_echoed(tmp_path: Path) -> None:
    text = lime(
        tmp_path,
        ["id", "submitdate", "Personnummer", KR09],
        ["1", "2026-10-05 10:00:00", "19850312-2384", "A1"],
    )
    assert 'rad 2, kolumn "Personnummer" = "(dolt)": ogiltigt personnummer' in text
    assert "19850312-2384" not in text


def test_unknown_manager_level(tmp_path: Path) -> None:
    text = lime(
        tmp_path,
        ["id", "submitdate", "Chefsnivå", KR09],
        ["1", "2026-10-05 10:00:00", "Överchef", "A1"],
    )
    assert 'rad 2, kolumn "Chefsnivå" = "Överchef": okänd chefsnivå' in text


def test_duplicate_response_id(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "lime.csv",
        [
            ["id", "submitdate", KR09],
            ["1", "2026-10-05 10:00:00", "A1"],
            ["1", "2026-10-05 10:01:00", "A2"],
        ],
        quote_all=True,
    )
    text = report_lines(
        extract(tmp_path, "lime.csv", "survey_limesurvey", questionnaire="krav_resurser")
    )
    assert "dubblett" in text


def test_unknown_questionnaire(tmp_path: Path) -> None:
    text = lime(
        tmp_path,
        ["id", "submitdate", KR09],
        ["1", "2026-10-05 10:00:00", "A1"],
        questionnaire="okand",
    )
    assert "okänt frågeformulär 'okand' (inbyggda: kommunikation_stod, krav_resurser" in text


def test_survey_without_questionnaire_is_a_manifest_error(tmp_path: Path) -> None:
    write_csv(tmp_path / "lime.csv", [["id"], ["1"]])
    with pytest.raises(ManifestError, match="behöver 'questionnaire' eller 'questionnaire_file'"):
        extract(tmp_path, "lime.csv", "survey_limesurvey")


def test_manager_group_row_without_person_or_unit(tmp_path: Path) -> None:
    write_csv(tmp_path / "g.csv", [["Personnummer", "Enhetskod", "Grupp"], ["", "", "Skola"]])
    text = report_lines(extract(tmp_path, "g.csv", "manager_groups"))
    assert "rad 2: personnummer eller enhet krävs" in text
