"""Action plans and follow-ups (Åtgärda och följ upp): measures, their indicators, follow-ups."""

from __future__ import annotations

from schemas.common import KOMMUN_CODE, PERIOD_DATE, SOURCE_ROW, SOURCE_SHA256
from schemas.model import Field, Table, TableCheck

# The six areas from practice; a kommun may also name its own, written "Eget: ...".
AREAS = ("chefsuppdrag", "stod", "medarbetare_per_chef", "ledarutveckling", "dialog", "processer")
OWN_AREA_PREFIX = "Eget:"
YES_NO = ("ja", "nej")
ANSWERS = ("ja", "delvis", "nej", "vet_ej")
MEASURE_ID = Field(
    "measure_id",
    "code",
    "The kommun's id of the measure, e.g. K-01.",
    label="Åtgärds-id",
    unit="kod",
)


def _yes_no(name: str, description: str, label: str) -> Field:
    return Field(
        name,
        "code",
        description,
        required=False,
        allowed=YES_NO,
        codes="yes_no",
        label=label,
        unit="ja/nej",
    )


def _answer(name: str, description: str, label: str) -> Field:
    return Field(
        name,
        "code",
        description,
        required=False,
        allowed=ANSWERS,
        codes="follow_up_answer",
        label=label,
        unit="kod",
    )


ACTION_MEASURE = Table(
    name="action_measure",
    description="One measure of a kommun's action plan; the period is the plan's adoption period.",
    fields=(
        KOMMUN_CODE,
        PERIOD_DATE,
        MEASURE_ID,
        Field(
            "scope_name",
            "text",
            "Förvaltning or unit the measure concerns (as named in the "
            "org data), or 'Hela kommunen'.",
            label="Förvaltning eller enhet",
            unit="text",
        ),
        Field(
            "area",
            "code",
            "One of the six areas (chefsuppdrag, stod, medarbetare_per_chef, "
            "ledarutveckling, dialog, processer), or the kommun's own written 'Eget: ...'.",
            label="Område",
            unit="kod",
        ),
        Field(
            "development_area",
            "text",
            "Utvecklingsområde.",
            required=False,
            label="Utvecklingsområde",
            unit="text",
        ),
        Field("measure", "text", "Åtgärd: what will be done.", label="Åtgärd", unit="text"),
        Field(
            "goal",
            "text",
            "Mål och förväntad nytta.",
            required=False,
            label="Mål och förväntad nytta",
            unit="text",
        ),
        Field(
            "owner_role",
            "text",
            "Ansvarig roll (a role with mandate, never a name).",
            label="Ansvarig roll",
            unit="text",
        ),
        _yes_no(
            "mandate_confirmed",
            "Mandate and resources confirmed.",
            label="Mandat och resurser bekräftade",
        ),
        _yes_no("risk_assessed", "Risk assessment done.", label="Riskbedömning gjord"),
        _yes_no(
            "staff_and_unions_involved",
            "Employees and unions involved.",
            label="Medarbetare och fack involverade",
        ),
        Field(
            "status",
            "code",
            "The owner's own status: planerad, pagar, genomford, avbruten.",
            required=False,
            allowed=("planerad", "pagar", "genomford", "avbruten"),
            codes="plan_status",
            label="Ansvarigs status",
            unit="kod",
        ),
        Field(
            "adopted_date",
            "date",
            "When the plan was adopted; the baseline is the published "
            "value for the latest period on or before it.",
            label="Antagen",
            unit="datum",
        ),
        Field("start_date", "date", "Start of the measure.", label="Start", unit="datum"),
        Field(
            "due_date",
            "date",
            "When the measure should have reached its target.",
            label="Klart senast",
            unit="datum",
        ),
        SOURCE_SHA256,
        SOURCE_ROW,
    ),
    primary_key=("kommun_code", "period_date", "measure_id"),
    extra_checks=(
        TableCheck(
            lambda df: df["due_date"] >= df["start_date"],
            error="klart senast ligger före startdatum",
        ),
        TableCheck(
            lambda df: df["area"].isin(AREAS) | df["area"].str.startswith(OWN_AREA_PREFIX),
            error="okänt område: välj ett av de sex områdena eller skriv 'Eget: ...'",
        ),
    ),
)

ACTION_INDICATOR = Table(
    name="action_indicator",
    description="An indicator linked to a measure, with its target value.",
    fields=(
        KOMMUN_CODE,
        PERIOD_DATE,
        MEASURE_ID,
        Field(
            "indicator_id",
            "code",
            "Indicator id from the catalogue (mart_indicator_catalogue).",
            label="Indikator-id",
            unit="kod",
        ),
        Field(
            "target_value",
            "decimal",
            "Target value at the due date.",
            label="Målvärde",
            unit="varierar",
        ),
        SOURCE_SHA256,
        SOURCE_ROW,
    ),
    primary_key=("kommun_code", "period_date", "measure_id", "indicator_id"),
)

FOLLOW_UP = Table(
    name="follow_up",
    description="A follow-up of a measure: what was done, its effect, and the next follow-up.",
    fields=(
        KOMMUN_CODE,
        PERIOD_DATE,
        MEASURE_ID,
        Field(
            "follow_up_date",
            "date",
            "When the follow-up was made.",
            label="Uppföljningsdatum",
            unit="datum",
        ),
        _answer("done_as_planned", "Genomförd som planerat?", label="Genomförd som planerat?"),
        _answer("intended_effect", "Avsedd effekt?", label="Avsedd effekt?"),
        _answer("helped_reach_goal", "Bidragit till målet?", label="Bidragit till målet?"),
        Field(
            "new_insights",
            "text",
            "Nya insikter.",
            required=False,
            label="Nya insikter",
            unit="text",
        ),
        Field(
            "side_effects",
            "text",
            "Sidoeffekter.",
            required=False,
            label="Sidoeffekter",
            unit="text",
        ),
        Field(
            "next_follow_up_date",
            "date",
            "Nästa uppföljning.",
            required=False,
            label="Nästa uppföljning",
            unit="datum",
        ),
        SOURCE_SHA256,
        SOURCE_ROW,
    ),
    primary_key=("kommun_code", "period_date", "measure_id", "follow_up_date"),
)

ACTION_TABLES = {
    "action_measure": ACTION_MEASURE,
    "action_indicator": ACTION_INDICATOR,
    "follow_up": FOLLOW_UP,
}
