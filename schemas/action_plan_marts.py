"""Published marts for action plans: the indicator catalogue and history, plans, follow-ups."""

from __future__ import annotations

from schemas.action_plans import ACTION_MEASURE, FOLLOW_UP
from schemas.common import KOMMUN_CODE, PERIOD_DATE, SCOPE_ID, SCOPE_NAME, SCOPE_TYPE
from schemas.model import Field, Table

STATUSES = ("klar", "i_fas", "risk", "ur_fas", "ej_matt")
SCOPE_FIELDS = (SCOPE_TYPE, SCOPE_ID)


def _from(table: Table, *names: str) -> tuple[Field, ...]:
    return tuple(table.field(n) for n in names)


MART_INDICATOR_CATALOGUE = Table(
    name="mart_indicator_catalogue",
    description="Every figure an action plan can track, generated from the mart declarations.",
    fields=(
        Field(
            "indicator_id",
            "code",
            "The column name in source_mart; what plans link to.",
            label="Indikator-id",
            unit="kod",
        ),
        Field("label", "text", "Swedish name.", label="Benämning", unit="text"),
        Field("unit", "text", "Unit of the value.", label="Måttenhet", unit="text"),
        Field(
            "better",
            "code",
            "lower or higher: which way is better.",
            allowed=("lower", "higher"),
            label="Bättre åt",
            unit="kod",
        ),
        Field(
            "description",
            "text",
            "What the figure means (the mart column's comment).",
            label="Beskrivning",
            unit="text",
        ),
        Field(
            "source_mart", "text", "The mart the values come from.", label="Källtabell", unit="kod"
        ),
    ),
    primary_key=("indicator_id",),
    label="Indikatorer",
)

MART_INDICATOR_HISTORY = Table(
    name="mart_indicator_history",
    description="Indicator values per scope and period (one row per value).",
    fields=(
        KOMMUN_CODE,
        PERIOD_DATE,
        *SCOPE_FIELDS,
        SCOPE_NAME,
        Field(
            "indicator_id",
            "code",
            "Indicator (mart_indicator_catalogue).",
            label="Indikator-id",
            unit="kod",
        ),
        Field("value", "decimal", "The published value.", label="Värde", unit="varierar"),
    ),
    primary_key=("kommun_code", "period_date", "scope_type", "scope_id", "indicator_id"),
    label="Indikatorvärden över tid",
    pages=("Handlingsplan",),
)

MART_ACTION_PLAN = Table(
    name="mart_action_plan",
    description="The action plan in force per kommun: one row per measure and linked indicator, "
    "with baseline, latest value, the straight path to the target and a status.",
    fields=(
        KOMMUN_CODE,
        PERIOD_DATE.with_description("The plan's adoption period.")
        .renamed("plan_period_date")
        .labelled("Planens period"),
        *_from(ACTION_MEASURE, "measure_id", "scope_name"),
        *SCOPE_FIELDS,
        *_from(
            ACTION_MEASURE,
            "area",
            "development_area",
            "measure",
            "goal",
            "owner_role",
            "mandate_confirmed",
            "risk_assessed",
            "staff_and_unions_involved",
        ),
        ACTION_MEASURE.field("status").renamed("owner_status"),
        *_from(ACTION_MEASURE, "adopted_date", "start_date", "due_date"),
        Field(
            "indicator_id",
            "code",
            "Linked indicator; empty for a measure without one.",
            required=False,
            label="Indikator-id",
            unit="kod",
        ),
        Field(
            "indicator_label",
            "text",
            "Its Swedish name.",
            required=False,
            label="Indikator",
            unit="text",
        ),
        Field(
            "indicator_unit", "text", "Its unit.", required=False, label="Måttenhet", unit="text"
        ),
        Field(
            "target_value",
            "decimal",
            "Target at the due date.",
            required=False,
            label="Målvärde",
            unit="varierar",
        ),
        Field(
            "baseline_period_date",
            "date",
            "Latest period on or before adoption.",
            required=False,
            label="Utgångsperiod",
            unit="datum",
        ),
        Field(
            "baseline_value",
            "decimal",
            "The published value then.",
            required=False,
            label="Utgångsvärde",
            unit="varierar",
        ),
        Field(
            "latest_period_date",
            "date",
            "The kommun's latest period.",
            required=False,
            label="Senaste period",
            unit="datum",
        ),
        Field(
            "latest_value",
            "decimal",
            "The value in the latest period.",
            required=False,
            label="Senaste värde",
            unit="varierar",
        ),
        Field(
            "path_value_now",
            "decimal",
            "Where the straight path from baseline (at adoption) "
            "to target (at the due date) stands at the latest period.",
            required=False,
            label="Planerat värde nu",
            unit="varierar",
        ),
        Field(
            "progress_pct",
            "decimal",
            "(latest − baseline) / (target − baseline), in percent.",
            required=False,
            label="Framsteg mot målet",
            unit="%",
        ),
        Field(
            "indicator_status",
            "code",
            "klar, i_fas, risk, ur_fas or ej_matt for this "
            "indicator (rules in warehouse/sql/marts/mart_action_plan.sql).",
            allowed=STATUSES,
            label="Indikatorns status",
            unit="kod",
        ),
        Field(
            "measure_status",
            "code",
            "The measure's status: its worst indicator status.",
            allowed=STATUSES,
            label="Åtgärdens status",
            unit="kod",
        ),
        Field(
            "follow_ups",
            "integer",
            "Follow-ups made.",
            required=False,
            label="Uppföljningar",
            unit="antal",
        ),
        Field(
            "last_follow_up_date",
            "date",
            "Latest follow-up.",
            required=False,
            label="Senaste uppföljning",
            unit="datum",
        ),
        *(
            f.with_description(f"Latest follow-up: {f.description}").optional()
            for f in _from(
                FOLLOW_UP,
                "done_as_planned",
                "intended_effect",
                "helped_reach_goal",
                "next_follow_up_date",
            )
        ),
        Field(
            "is_follow_up_overdue",
            "boolean",
            "The next follow-up date has passed (as of publication) with no newer follow-up.",
            label="Uppföljning försenad",
            unit="ja/nej",
        ),
        Field(
            "is_target_wrong_direction",
            "boolean",
            "The target lies on the wrong side of the baseline (such plans are rejected).",
            required=False,
            label="Mål åt fel håll",
            unit="ja/nej",
        ),
    ),
    label="Handlingsplan",
    pages=("Handlingsplan",),
)

MART_FOLLOW_UP = Table(
    name="mart_follow_up",
    description="Every follow-up of the measures in force.",
    fields=(
        KOMMUN_CODE,
        *_from(ACTION_MEASURE, "measure_id", "scope_name", "measure"),
        *_from(
            FOLLOW_UP,
            "follow_up_date",
            "done_as_planned",
            "intended_effect",
            "helped_reach_goal",
            "new_insights",
            "side_effects",
            "next_follow_up_date",
        ),
    ),
    label="Uppföljningar",
    pages=("Uppföljning",),
)

ACTION_PLAN_MARTS = (
    MART_INDICATOR_CATALOGUE,
    MART_INDICATOR_HISTORY,
    MART_ACTION_PLAN,
    MART_FOLLOW_UP,
)
