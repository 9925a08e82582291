"""Each survey reader on a small file in its tool's format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from pipelines.extract.export import Export
from pipelines.personnummer import canonical, pseudonym
from tests.surveys.inbox import KEY, PNR, extract, write_csv, write_xlsx

KR_TEXT = "Jag har rimliga förutsättningar att klara mitt chefsuppdrag"


def test_limesurvey_code_headers_answer_codes_and_unsubmitted(tmp_path: Path) -> None:
    rows = [
        ["id", "submitdate", "lastpage", "attribute_1", "ipaddr", "KR[KR01]", "KR[KR09]", "KR99"],
        ["1", "2026-10-05 10:12:33", "3", PNR, "10.0.0.1", "A1", "A2", "Min chef heter Eva"],
        ["2", "", "1", "", "10.0.0.2", "A8", "", ""],
    ]
    write_csv(tmp_path / "results.csv", rows, quote_all=True)
    export = extract(
        tmp_path,
        "results.csv",
        "survey_limesurvey",
        questionnaire="krav_resurser",
        columns={"attribute_1": "personnummer"},
    )
    assert isinstance(export, Export) and export.report.ok, export.report.text()
    responses = export.tables["survey_response"].set_index("response_id")
    assert list(responses["is_complete"]) == [True, False]
    assert responses.at["1", "submitted_at"] == dt.datetime(2026, 10, 5, 10, 12, 33)
    assert responses.at["1", "person_id"] == pseudonym(canonical(PNR, dt.date(2026, 10, 1)), KEY)
    answers = export.tables["survey_answer"].set_index(["response_id", "question_id"])
    # KR01 is a demand item: "Stämmer helt" (4) is reverse-scored to 1; KR09 "ganska bra" is 3.
    assert answers.at[("1", "KR01"), "answer_label"] == "Stämmer helt"
    assert answers.at[("1", "KR01"), "score"] == 1
    assert answers.at[("1", "KR09"), "score"] == 3
    assert answers.at[("2", "KR01"), "answer_label"] == "Vet ej"
    assert pd.isna(answers.at[("2", "KR01"), "score"])  # Vet ej is missing, not a score
    dump = " ".join(str(f.to_dict()) for f in export.tables.values())
    assert "10.0.0.1" not in dump and "Eva" not in dump and PNR not in dump
    assert "KR99 (fritext publiceras aldrig)" in export.report.ignored_columns


def test_limesurvey_full_text_headers_and_answers(tmp_path: Path) -> None:
    rows = [
        [
            "Svars-ID",
            "Datum skickat",
            "Personnummer",
            f"Krav och resurser [{KR_TEXT}]",
            "Krav och resurser [Min arbetsbelastning är hållbar på lång sikt]",
        ],
        ["7", "2026-10-05 10:12:33", "", "Stämmer inte alls", "stämmer ganska  dåligt"],
    ]
    write_csv(tmp_path / "text.csv", rows, quote_all=True)
    export = extract(tmp_path, "text.csv", "survey_limesurvey", questionnaire="krav_resurser")
    assert isinstance(export, Export) and export.report.ok, export.report.text()
    scores = export.tables["survey_answer"].set_index("question_id")["score"]
    assert scores.to_dict() == {"KR09": 1.0, "KR11": 2.0}


def test_msforms_english_headers_drop_email_and_name(tmp_path: Path) -> None:
    header = [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "Vilken förvaltning arbetar du i?",
        "Vilken chefsnivå har du?",
        "Hur mår cheferna i din förvaltning just nu?",
        "Vad är det viktigaste att förändra?",
    ]
    rows = [
        header,
        [
            1,
            dt.datetime(2026, 10, 5, 9),
            dt.datetime(2026, 10, 5, 9, 4),
            "anna@x.se",
            "Anna Ek",
            "Vård- och omsorgsförvaltningen",
            "Första linjens chef",
            "Ganska dåligt",
            "Mer tid",
        ],
    ]
    write_xlsx(tmp_path / "forms.xlsx", rows)
    export = extract(tmp_path, "forms.xlsx", "survey_msforms", questionnaire="rummet")
    assert isinstance(export, Export) and export.report.ok, export.report.text()
    response = export.tables["survey_response"].iloc[0]
    assert response["forvaltning_name"] == "Vård- och omsorgsförvaltningen"
    assert response["manager_level"] == 1
    assert export.tables["survey_answer"]["score"].tolist() == [2.0]
    dump = " ".join(str(f.to_dict()) for f in export.tables.values())
    assert "anna@x.se" not in dump and "Anna Ek" not in dump and "Mer tid" not in dump


def test_msforms_swedish_headers(tmp_path: Path) -> None:
    rows = [
        ["ID", "Starttid", "Sluttid", "E-post", "Namn", KR_TEXT],
        [3, "2026-10-05 09:00:00", "2026-10-05 09:03:00", "anonymous", None, "Stämmer helt"],
    ]
    write_xlsx(tmp_path / "sv.xlsx", rows)
    export = extract(tmp_path, "sv.xlsx", "survey_msforms", questionnaire="krav_resurser")
    assert isinstance(export, Export) and export.report.ok, export.report.text()
    assert export.tables["survey_response"]["response_id"].tolist() == ["3"]
    assert export.tables["survey_answer"]["score"].tolist() == [4.0]


def test_google_forms_grid_rows_and_decimal_comma(tmp_path: Path) -> None:
    rows = [
        [
            "Tidstämpel",
            "E-postadress",
            "Personnummer",
            "Dag 1: timmar på administration (rapporter, system, schema, dokumentation)",
            "Ungefär hur stor andel av arbetstiden dessa fem dagar satt du i möten (procent)?",
        ],
        ["2026-10-05 10:12:33", "a@x.se", PNR, "2,5", "40"],
    ]
    write_csv(tmp_path / "g.csv", rows, delimiter=",", encoding="utf-8")
    export = extract(tmp_path, "g.csv", "survey_googleforms", questionnaire="tidsdagbok")
    assert isinstance(export, Export) and export.report.ok, export.report.text()
    scores = export.tables["survey_answer"].set_index("question_id")["score"].to_dict()
    assert scores == {"T1_ADM": 2.5, "A_MOTE": 40.0}
    assert export.tables["survey_response"]["response_id"].tolist() == ["rad 2"]


def test_google_forms_grid_header_in_brackets(tmp_path: Path) -> None:
    rows = [
        ["Timestamp", f"Hur väl stämmer följande? [{KR_TEXT}]"],
        ["2026-10-05 10:12:33", "Stämmer ganska bra"],
    ]
    write_csv(tmp_path / "grid.csv", rows, delimiter=",", encoding="utf-8")
    export = extract(tmp_path, "grid.csv", "survey_googleforms", questionnaire="krav_resurser")
    assert isinstance(export, Export) and export.report.ok, export.report.text()
    assert export.tables["survey_answer"]["question_id"].tolist() == ["KR09"]


def test_wide_file_with_manifest_mapping_and_own_questionnaire(tmp_path: Path) -> None:
    (tmp_path / "egen.yaml").write_text(
        "id: egen\nversion: 2\ntitle: Egen enkät\nquestions:\n"
        "  - {id: E1, construct: stod, scale: instammer5, text: Jag får stöd}\n",
        encoding="utf-8",
    )
    rows = [["Respondent-id", "Enhetskod", "Fråga ett"], ["x1", "B1201", "Instämmer delvis"]]
    write_csv(tmp_path / "wide.csv", rows)
    export = extract(
        tmp_path,
        "wide.csv",
        "survey_wide",
        questionnaire_file="egen.yaml",
        columns={"Fråga ett": "E1"},
        respondents="top_management",
    )
    assert isinstance(export, Export) and export.report.ok, export.report.text()
    response = export.tables["survey_response"].iloc[0]
    assert (response["survey_id"], response["respondent_role"]) == ("egen", "top_management")
    assert (response["response_id"], response["unit_id"]) == ("x1", "B1201")
    assert export.tables["survey_question"]["questionnaire_version"].tolist() == [2]
    assert export.partition == (("survey_id", "egen"), ("respondent_role", "top_management"))


def test_manager_groups_by_person_or_unit(tmp_path: Path) -> None:
    rows = [
        ["Personnummer", "Förnamn", "Enhetskod", "Grupp"],
        [PNR, "Anna", "", "Äldreomsorg"],
        ["", "", "B1201", "Skola"],
    ]
    write_csv(tmp_path / "grupper.csv", rows)
    export = extract(tmp_path, "grupper.csv", "manager_groups")
    assert isinstance(export, Export) and export.report.ok, export.report.text()
    groups = export.tables["manager_group"]
    assert groups["group_name"].tolist() == ["Äldreomsorg", "Skola"]
    assert groups["person_id"].notna().tolist() == [True, False]
    assert "Anna" not in str(groups.to_dict())
