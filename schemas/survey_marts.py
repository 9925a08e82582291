"""Published survey marts: every figure already suppressed for groups under the kommun's k."""

from __future__ import annotations

from schemas.model import Field, Table
from schemas.survey_tables import KOMMUN_CODE, PERIOD_DATE, RESPONDENT_ROLE, SURVEY_ID

SUPPRESSED = (
    "True when the figure is hidden: nobody or fewer than anonymity_k respondents, or hidden "
    "so that no small group can be derived from published figures (secondary; "
    "docs/disclosure.md). Every figure and count of the row is then empty."
)
KOMMUN_NAME = Field("kommun_name", "text", "Municipality name.", label="Kommun", unit="text")
SURVEY_TITLE = Field(
    "survey_title", "text", "Title of the questionnaire.", label="Enkätens titel", unit="text"
)
SCOPE = (
    Field(
        "scope_type",
        "code",
        "The group the figure is for: kommun, forvaltning, avdelning, enhet (each with the units "
        "below it) or manager_group.",
        allowed=("kommun", "forvaltning", "avdelning", "enhet", "manager_group"),
        label="Organisationsnivå eller chefsgrupp",
        unit="kod",
    ),
    Field(
        "scope_id",
        "text",
        "Unit id, manager group name, or the kommun code.",
        label="Gruppens id",
        unit="kod",
    ),
    Field(
        "scope_name",
        "text",
        "Name of the unit, group or kommun.",
        required=False,
        label="Grupp",
        unit="text",
    ),
    Field(
        "forvaltning_id",
        "code",
        "Förvaltning of a unit scope.",
        required=False,
        label="Förvaltnings-id",
        unit="kod",
    ),
    Field(
        "forvaltning_name",
        "text",
        "Name of that förvaltning.",
        required=False,
        label="Förvaltning",
        unit="text",
    ),
)
KEY = (KOMMUN_CODE, KOMMUN_NAME, PERIOD_DATE, SURVEY_ID, SURVEY_TITLE, RESPONDENT_ROLE)
RESPONDENTS = Field(
    "respondents",
    "integer",
    "Respondents behind the figure (complete responses with an answer); empty when suppressed.",
    required=False,
    label="Svarande",
    unit="personer",
)
IS_SUPPRESSED = Field("is_suppressed", "boolean", SUPPRESSED, label="Dolt", unit="ja/nej")
IS_HELD_BACK = Field(
    "is_held_back",
    "boolean",
    "True when the group's figures are as at an earlier publication of the survey: fewer than k "
    "answers came or changed since, so new figures would tell those few apart (every survey mart "
    "shows this group's figures as at that publication).",
    label="Som vid tidigare publicering",
    unit="ja/nej",
)
ANONYMITY_K = Field(
    "anonymity_k",
    "integer",
    "The kommun's anonymity threshold k.",
    label="Anonymitetsgräns (k)",
    unit="personer",
)
CONSTRUCT = Field(
    "construct", "code", "Construct (area), e.g. krav, resurser, stod.", label="Område", unit="kod"
)
MEAN_SCORE = Field(
    "mean_score",
    "decimal",
    "Mean score on the scale (higher = better conditions); empty when suppressed.",
    required=False,
    label="Medelvärde",
    unit="poäng",
)
INDEX_0_100 = Field(
    "index_0_100",
    "decimal",
    "The mean as 0-100: (mean - scale_min) / (scale_max - scale_min) x 100.",
    required=False,
    label="Index 0–100",
    unit="index 0–100",
)
SCALE_MIN = Field(
    "scale_min", "decimal", "Lowest score on the scale.", label="Skalans lägsta poäng", unit="poäng"
)
SCALE_MAX = Field(
    "scale_max",
    "decimal",
    "Highest score on the scale.",
    label="Skalans högsta poäng",
    unit="poäng",
)
KEY_NAMES = ("kommun_code", "period_date", "survey_id", "respondent_role")
QUESTION_ID = Field("question_id", "code", "Question id.", label="Fråge-id", unit="kod")
QUESTION_TEXT = Field("question_text", "text", "The question as asked.", label="Fråga", unit="text")

MART_SURVEY_QUESTION = Table(
    name="mart_survey_question",
    description="The questionnaires behind the survey marts: questions, constructs and scales "
    "(free-text questions are listed but their answers are never published).",
    fields=(
        KOMMUN_CODE,
        PERIOD_DATE,
        SURVEY_ID,
        SURVEY_TITLE,
        RESPONDENT_ROLE,
        Field(
            "questionnaire_version",
            "integer",
            "Version of the questionnaire file.",
            label="Enkätversion",
            unit="kod",
        ),
        QUESTION_ID,
        QUESTION_TEXT,
        CONSTRUCT,
        Field("scale_id", "code", "Answer scale.", label="Svarsskala", unit="kod"),
        Field("scale_kind", "code", "ordinal, number or text.", label="Skaltyp", unit="kod"),
        Field(
            "scale_min",
            "decimal",
            "Lowest score.",
            required=False,
            label="Skalans lägsta poäng",
            unit="poäng",
        ),
        Field(
            "scale_max",
            "decimal",
            "Highest score.",
            required=False,
            label="Skalans högsta poäng",
            unit="poäng",
        ),
        Field(
            "is_reversed",
            "boolean",
            "True when agreement means worse conditions (flipped).",
            label="Omvänd skala",
            unit="ja/nej",
        ),
        Field("position", "integer", "Order in the questionnaire.", label="Ordning", unit="kod"),
    ),
    primary_key=(*KEY_NAMES, "question_id"),
    label="Enkätfrågor",
)

MART_SURVEY_RESPONSES = Table(
    name="mart_survey_responses",
    description="Complete responses per survey and group (response counts), suppressed below k.",
    fields=(*KEY, *SCOPE, RESPONDENTS, IS_SUPPRESSED, IS_HELD_BACK, ANONYMITY_K),
    primary_key=(*KEY_NAMES, "scope_type", "scope_id"),
    label="Enkätsvar per grupp",
    pages=("Workshop",),
)

# A mean on the scale and as 0-100, for the respondents behind it, hidden below k.
MEAN_FIGURES = (
    RESPONDENTS,
    MEAN_SCORE,
    INDEX_0_100,
    SCALE_MIN,
    SCALE_MAX,
    IS_SUPPRESSED,
    ANONYMITY_K,
)

MART_SURVEY_INDEX = Table(
    name="mart_survey_index",
    description="Construct indices per survey, group and period: the mean of respondents' "
    "construct means on the scale, and as 0-100; suppressed below k.",
    fields=(
        *KEY,
        *SCOPE,
        CONSTRUCT,
        *MEAN_FIGURES,
    ),
    primary_key=(*KEY_NAMES, "scope_type", "scope_id", "construct"),
    label="Enkätindex",
    pages=(
        "Faktavägg",
        "Jämförelse",
        "Workshop",
    ),
)

MART_SURVEY_ITEM = Table(
    name="mart_survey_item",
    description="Item means per survey, group and item: the mean score of the respondents who "
    "answered the item, on the scale and as 0-100. Every group has a row for every ordinal item, "
    "whether few, many or nobody answered: a hidden item of a group is marked here "
    "(is_suppressed), once per group and item; its answers per option are in "
    "mart_survey_distribution only when shown.",
    fields=(
        *KEY,
        *SCOPE,
        QUESTION_ID,
        QUESTION_TEXT,
        CONSTRUCT,
        *MEAN_FIGURES,
    ),
    primary_key=(*KEY_NAMES, "scope_type", "scope_id", "question_id"),
    label="Medelvärde per fråga",
)

MART_SURVEY_DISTRIBUTION = Table(
    name="mart_survey_distribution",
    description="Answer distributions per item and group, for the groups whose item is shown: "
    "answers per scored option (Vet ej and Ej aktuellt are missing, not part of the "
    "distribution). A group whose item is hidden (below k, or so that no small group can be "
    "derived) has no rows here; mart_survey_item marks it hidden, once per group and item.",
    fields=(
        *KEY,
        *SCOPE,
        QUESTION_ID,
        QUESTION_TEXT,
        CONSTRUCT,
        Field("answer_label", "text", "Answer option.", label="Svarsalternativ", unit="text"),
        Field(
            "answer_score",
            "decimal",
            "Its score (before reverse-scoring).",
            label="Alternativets poäng",
            unit="poäng",
        ),
        Field(
            "option_position",
            "integer",
            "Order of the option on the scale.",
            label="Alternativets ordning",
            unit="kod",
        ),
        RESPONDENTS,
        Field(
            "answers",
            "integer",
            "Respondents who chose this option.",
            required=False,
            label="Antal svar",
            unit="personer",
        ),
        Field(
            "answers_pct",
            "decimal",
            "answers / respondents, in percent.",
            required=False,
            label="Andel svar",
            unit="%",
        ),
        Field(
            "is_suppressed",
            "boolean",
            "Always false: only shown groups have rows (kept so that queries filtering on it "
            "still run; mart_survey_item marks the hidden ones).",
            label="Dolt",
            unit="ja/nej",
        ),
        ANONYMITY_K,
    ),
    primary_key=(*KEY_NAMES, "scope_type", "scope_id", "question_id", "answer_label"),
    label="Svarsfördelning",
)

MART_SURVEY_TIME_USE = Table(
    name="mart_survey_time_use",
    description="Time use from the logbook: each activity category's share of logged hours per "
    "manager, and the reported shares in meetings, at the computer and travelling, averaged over "
    "the managers of a group; suppressed below k.",
    fields=(
        *KEY,
        *SCOPE,
        Field(
            "category",
            "code",
            "tid_* (activity category) or andel_* (reported share).",
            label="Kategori",
            unit="kod",
        ),
        Field(
            "category_kind",
            "code",
            "logged_share (share of logged hours) or reported_share (percent the manager gave).",
            allowed=("logged_share", "reported_share"),
            label="Typ av andel",
            unit="kod",
        ),
        RESPONDENTS,
        Field(
            "mean_share_pct",
            "decimal",
            "Mean over managers of their share, in percent; empty when suppressed.",
            required=False,
            label="Andel, medel",
            unit="%",
        ),
        IS_SUPPRESSED,
        ANONYMITY_K,
    ),
    primary_key=(*KEY_NAMES, "scope_type", "scope_id", "category"),
    label="Tidsanvändning",
    pages=("Faktavägg",),
)

MART_SURVEY_DELA_VARLD = Table(
    name="mart_survey_dela_varld",
    description="Dela värld: managers' and top management's view per item and construct in the "
    "kommun, with the gap (top management minus managers, 0-100 points); each side suppressed "
    "below k, the gap shown only when both are.",
    fields=(
        KOMMUN_CODE,
        KOMMUN_NAME,
        PERIOD_DATE,
        SURVEY_ID,
        SURVEY_TITLE,
        Field(
            "measure_type",
            "code",
            "item or construct.",
            allowed=("item", "construct"),
            label="Typ av mått",
            unit="kod",
        ),
        Field(
            "measure_id",
            "code",
            "Question id or construct name.",
            label="Fråga eller område (id)",
            unit="kod",
        ),
        Field(
            "measure_text",
            "text",
            "Question text, or the construct name.",
            required=False,
            label="Fråga eller område",
            unit="text",
        ),
        CONSTRUCT,
        Field(
            "managers_respondents",
            "integer",
            "Managers behind the managers' figure; empty when suppressed.",
            required=False,
            label="Svarande chefer",
            unit="personer",
        ),
        Field(
            "managers_index_0_100",
            "decimal",
            "Managers' mean as 0-100.",
            required=False,
            label="Chefernas index",
            unit="index 0–100",
        ),
        Field(
            "managers_suppressed",
            "boolean",
            SUPPRESSED,
            label="Chefernas svar dolda",
            unit="ja/nej",
        ),
        Field(
            "top_management_respondents",
            "integer",
            "Top managers behind their figure; empty when suppressed.",
            required=False,
            label="Svarande i ledningen",
            unit="personer",
        ),
        Field(
            "top_management_index_0_100",
            "decimal",
            "Top management's mean as 0-100.",
            required=False,
            label="Ledningens index",
            unit="index 0–100",
        ),
        Field(
            "top_management_suppressed",
            "boolean",
            SUPPRESSED,
            label="Ledningens svar dolda",
            unit="ja/nej",
        ),
        Field(
            "gap_0_100",
            "decimal",
            "top_management_index_0_100 - managers_index_0_100: positive when top management sees "
            "the managers' conditions as better than the managers do.",
            required=False,
            label="Skillnad ledningen − cheferna",
            unit="index 0–100",
        ),
        ANONYMITY_K,
    ),
    primary_key=("kommun_code", "period_date", "survey_id", "measure_type", "measure_id"),
    label="Dela värld",
    pages=("Dela värld",),
)

SURVEY_MARTS = (
    MART_SURVEY_QUESTION,
    MART_SURVEY_RESPONSES,
    MART_SURVEY_INDEX,
    MART_SURVEY_ITEM,
    MART_SURVEY_DISTRIBUTION,
    MART_SURVEY_TIME_USE,
    MART_SURVEY_DELA_VARLD,
)
