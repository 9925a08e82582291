"""Survey input tables: manager groups, responses, answers and the questionnaire they answered."""

from __future__ import annotations

from schemas.common import KOMMUN_CODE, PERIOD_DATE, PERSON_ID, SOURCE_ROW, SOURCE_SHA256
from schemas.model import Field, Table

OPTIONAL_PERSON_ID = PERSON_ID.optional().with_description(
    "Pseudonymous person key (HMAC-SHA256 of the personnummer), where the export carries one."
)
SURVEY_ID = Field(
    "survey_id", "code", "Questionnaire id, e.g. krav_resurser, rummet.", label="Enkät", unit="kod"
)
RESPONDENT_ROLE = Field(
    "respondent_role",
    "code",
    "Who answered: manager, or top_management (the Dela värld comparison).",
    allowed=("manager", "top_management"),
    label="Svarandegrupp",
    unit="kod",
)
RESPONSE_ID = Field(
    "response_id", "text", "Response key within the file: the tool's response id, else the row."
)
QUESTION_ID = Field(
    "question_id",
    "code",
    "Question id in the questionnaire, e.g. KR01, T3_ADM.",
    label="Fråge-id",
    unit="kod",
)
SURVEY_KEY = (KOMMUN_CODE, PERIOD_DATE, SURVEY_ID, RESPONDENT_ROLE)

MANAGER_GROUP = Table(
    name="manager_group",
    description="Manager groups (managers with similar conditions), kept through all surveys: "
    "one manager (by person or unit) per row.",
    fields=(
        KOMMUN_CODE,
        PERIOD_DATE,
        OPTIONAL_PERSON_ID.with_description("Pseudonymous id of the manager, when given."),
        Field("unit_id", "code", "Unit the manager leads, when given.", required=False),
        Field("group_name", "text", "Name of the manager group."),
        SOURCE_SHA256,
        SOURCE_ROW,
    ),
)

SURVEY_RESPONSE = Table(
    name="survey_response",
    description="One response (one respondent) to a survey export, with what ties it to the org.",
    fields=(
        *SURVEY_KEY,
        RESPONSE_ID,
        Field("questionnaire_version", "integer", "Version of the questionnaire file."),
        OPTIONAL_PERSON_ID,
        Field("unit_id", "code", "Unit given in the export (else taken from HR).", required=False),
        Field(
            "unit_name",
            "text",
            "Unit name given in the export; matched to the org units by name within the "
            "förvaltning (case, spaces and dashes ignored).",
            required=False,
        ),
        Field(
            "forvaltning_name",
            "text",
            "Förvaltning named in the export (the in-room survey asks for it).",
            required=False,
        ),
        Field(
            "manager_level",
            "integer",
            "Manager level given in the export (1 = first line); else taken from HR.",
            required=False,
            min_value=1,
        ),
        Field(
            "is_complete",
            "boolean",
            "False for a response the respondent never submitted (LimeSurvey: empty submitdate).",
        ),
        Field("submitted_at", "timestamp", "When the response was submitted.", required=False),
        SOURCE_SHA256,
        SOURCE_ROW,
    ),
    primary_key=("kommun_code", "period_date", "survey_id", "respondent_role", "response_id"),
)

SURVEY_ANSWER = Table(
    name="survey_answer",
    description="One answer per response and question (free text is never stored).",
    fields=(
        *SURVEY_KEY,
        RESPONSE_ID,
        QUESTION_ID,
        Field(
            "answer_label",
            "text",
            "The answer option as the scale writes it; empty for number answers.",
            required=False,
        ),
        Field(
            "score",
            "decimal",
            "Score on the question's scale (reverse-scored items already flipped so higher is "
            "better; hours or percent for number questions); empty for Vet ej / Ej aktuellt.",
            required=False,
        ),
        SOURCE_SHA256,
        SOURCE_ROW,
    ),
    primary_key=(
        "kommun_code",
        "period_date",
        "survey_id",
        "respondent_role",
        "response_id",
        "question_id",
    ),  # fmt: skip
)

SURVEY_QUESTION = Table(
    name="survey_question",
    description="The questions of the questionnaire a survey export answered, per kommun and period.",
    fields=(
        *SURVEY_KEY,
        Field("questionnaire_version", "integer", "Version of the questionnaire file."),
        Field("questionnaire_title", "text", "Title of the questionnaire."),
        QUESTION_ID,
        Field("question_text", "text", "The question as asked (Swedish)."),
        Field("construct", "code", "Construct the question measures, e.g. krav, stod."),
        Field("scale_id", "code", "Answer scale, e.g. stammer4, timmar."),
        Field(
            "scale_kind", "code", "ordinal, number or text.", allowed=("ordinal", "number", "text")
        ),
        Field("scale_min", "decimal", "Lowest score on the scale.", required=False),
        Field("scale_max", "decimal", "Highest score on the scale.", required=False),
        Field("is_reversed", "boolean", "True when agreement means worse conditions (flipped)."),
        Field("position", "integer", "Order of the question in the questionnaire."),
        Field(
            "logbook_day",
            "integer",
            "Time-use logbook: the day (1-5) the hours were logged; empty for other questions.",
            required=False,
        ),
    ),
)

SURVEY_OPTION = Table(
    name="survey_option",
    description="Answer options of the ordinal scales a survey export used, with their scores.",
    fields=(
        *SURVEY_KEY,
        Field("scale_id", "code", "Answer scale."),
        Field("answer_label", "text", "The option's label (Swedish)."),
        Field("answer_score", "decimal", "Its score; empty for a missing answer.", required=False),
        Field("position", "integer", "Order of the option on the scale."),
    ),
)

SURVEY_TABLES = {
    "manager_group": MANAGER_GROUP,
    "survey_response": SURVEY_RESPONSE,
    "survey_answer": SURVEY_ANSWER,
    "survey_question": SURVEY_QUESTION,
    "survey_option": SURVEY_OPTION,
}
