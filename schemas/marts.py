"""Published marts: the public SQL API for HR analysts and dashboards, declared once here.

The SQL that fills each mart lives in warehouse/sql/marts/<name>.sql; the build creates every
mart from this declaration (types, comments) and fails if the SQL's columns differ.
"""

from __future__ import annotations

from schemas.action_plan_marts import ACTION_PLAN_MARTS
from schemas.common import SCOPE_ID, SCOPE_NAME, SCOPE_TYPE
from schemas.kolada import MART_KOLADA
from schemas.model import Field, Table
from schemas.survey_marts import SURVEY_MARTS
from schemas.tables import DATA_QUALITY, KOMMUN, KOMMUN_CODE, PERIOD_DATE, REFRESH_LOG

KOMMUN_NAME = Field("kommun_name", "text", "Municipality name.", label="Kommun", unit="text")
SPAN_THRESHOLD = Field(
    "span_threshold",
    "integer",
    "The kommun's threshold for employees per first-line manager (default 30).",
    label="Gräns för medarbetare per chef",
    unit="personer",
)
FORVALTNING_ID = Field(
    "forvaltning_id",
    "code",
    "Unit id of the förvaltning (department).",
    required=False,
    label="Förvaltnings-id",
    unit="kod",
)
FORVALTNING_NAME = Field(
    "forvaltning_name",
    "text",
    "Name of the förvaltning.",
    required=False,
    label="Förvaltning",
    unit="text",
)
EMPLOYEES_MONTHLY_PAID = Field(
    "employees_monthly_paid",
    "integer",
    "Distinct monthly-paid (tillsvidare + visstid) non-manager persons; a person with several "
    "employments counts once.",
    label="Månadsavlönade medarbetare",
    unit="personer",
)
EMPLOYEES_HOURLY = Field(
    "employees_hourly",
    "integer",
    "Distinct hourly-paid (timavlönade) non-manager persons with no "
    "monthly-paid employment in the same scope.",
    label="Timavlönade medarbetare",
    unit="personer",
)
FTE_MONTHLY_PAID = Field(
    "fte_monthly_paid",
    "decimal",
    "Sum of sysselsättningsgrad/100 over the monthly-paid employments (FTE).",
    label="Årsarbetare (månadsavlönade)",
    unit="årsarbetare",
)

SHARE_VISSTID = Field(
    "share_visstid_pct",
    "decimal",
    "Persons whose monthly-paid employment is visstid only, in percent of all persons "
    "(monthly-paid + hourly).",
    required=False,
    label="Andel visstidsanställda",
    unit="%",
)
SHARE_HOURLY = Field(
    "share_hourly_pct",
    "decimal",
    "Hourly-paid persons in percent of all persons (monthly-paid + hourly).",
    required=False,
    label="Andel timavlönade",
    unit="%",
)
SICK_LEAVE_PCT = Field(
    "sick_leave_pct",
    "decimal",
    "SKR sick leave: sick-leave hours / contracted hours of monthly-paid staff, in percent; "
    "empty when hidden by disclosure control (fewer than anonymity_k persons, or derivable).",
    required=False,
    label="Sjukfrånvaro",
    unit="%",
)
LONG_TERM_SHARE = Field(
    "long_term_sick_leave_share_pct",
    "decimal",
    "Share of the sick-leave hours in spells of 60 days or more, in percent; empty when "
    "hidden by disclosure control.",
    required=False,
    label="Andel långtidssjukfrånvaro (60+ dagar)",
    unit="%",
)

MART_KOMMUN = Table(
    name="mart_kommun",
    description="Municipalities in this file and their settings.",
    fields=KOMMUN.fields,
    primary_key=("kommun_code",),
    label="Kommuner och inställningar",
)

MART_SPAN_OF_CONTROL = Table(
    name="mart_span_of_control",
    description="Employees per manager (span of control): one row per manager and period.",
    fields=(
        KOMMUN_CODE,
        KOMMUN_NAME,
        PERIOD_DATE,
        Field(
            "manager_id",
            "text",
            "Pseudonymous manager id (HMAC of the personnummer).",
            label="Chef (pseudonym)",
            unit="kod",
        ),
        FORVALTNING_ID,
        FORVALTNING_NAME,
        Field(
            "unit_ids",
            "text",
            "Units registered to the manager, '; '-separated.",
            label="Enheternas id",
            unit="text",
        ),
        Field(
            "unit_names",
            "text",
            "Names of those units, '; '-separated.",
            label="Enhet(er)",
            unit="text",
        ),
        Field(
            "verksamhet",
            "text",
            "Most common verksamhet of the manager's units.",
            required=False,
            label="Verksamhet",
            unit="text",
        ),
        Field(
            "manager_level",
            "integer",
            "Level in the manager tree: 1 = first line (no manager below), 2 = leads "
            "first-line managers, and so on.",
            label="Chefsnivå",
            unit="kod",
        ),
        Field(
            "is_first_line",
            "boolean",
            "True for first-line managers (manager_level = 1).",
            label="Chef i första linjen",
            unit="ja/nej",
        ),
        EMPLOYEES_MONTHLY_PAID.with_description(
            "Employees per manager: distinct monthly-paid persons, other than the manager, employed "
            "in the units the manager leads (own units plus units below with no manager)."
        ),
        EMPLOYEES_HOURLY,
        FTE_MONTHLY_PAID,
        Field(
            "managers_led",
            "integer",
            "Managers whose nearest manager above is this one.",
            label="Chefer som leds",
            unit="chefer",
        ),
        Field(
            "co_managers",
            "integer",
            "Co-managers in the units this manager leads: others with AID ansvarskod A, B, C "
            "or L there who lead no unit of their own (e.g. a biträdande rektor). Managers, "
            "never counted as staff.",
            label="Biträdande chefer",
            unit="chefer",
        ),
        SPAN_THRESHOLD,
        Field(
            "is_above_threshold",
            "boolean",
            "First-line manager with employees_monthly_paid strictly above span_threshold.",
            label="Över gränsen",
            unit="ja/nej",
        ),
        SHARE_VISSTID,
        SHARE_HOURLY,
        Field(
            "workplaces",
            "integer",
            "Distinct arbetsställen (workplaces) of the staff in the units the manager leads.",
            label="Arbetsställen",
            unit="arbetsställen",
        ),
        Field(
            "tenure_months",
            "integer",
            "Months from the start of the manager's employment in their unit to the period date.",
            required=False,
            label="Tid i chefsrollen",
            unit="månader",
        ),
        Field(
            "admin_support_fte",
            "decimal",
            "Administrative support FTE serving this manager: named support staff (HR, "
            "ekonomi, IT, administration, kommunikation) by their share of time, plus "
            "administrators found in the roster by AID code, split equally over the managers "
            "they serve.",
            label="Administrativt stöd",
            unit="årsarbetare",
        ),
        Field(
            "has_hr_partner",
            "boolean",
            "A named HR partner serves this manager, one of their "
            "units or a unit or manager above them; empty when the kommun sent no "
            "support-function file.",
            required=False,
            label="Har HR-partner",
            unit="ja/nej",
        ),
        Field(
            "has_controller",
            "boolean",
            "As has_hr_partner, for a controller/ekonom.",
            required=False,
            label="Har controller",
            unit="ja/nej",
        ),
        SICK_LEAVE_PCT.with_description(
            "SKR sick leave of everyone with hours in the manager's units and the units below "
            "them, the manager included (the rollup of the manager's unit, so the two never "
            "differ by one person), in percent; empty when hidden by disclosure control."
        ),
        LONG_TERM_SHARE,
    ),
    primary_key=("kommun_code", "period_date", "manager_id"),
    label="Medarbetare per chef (en rad per chef)",
    pages=("Faktavägg",),
)

MART_SPAN_ROLLUP = Table(
    name="mart_span_rollup",
    description="Span of control rolled up per kommun, förvaltning, avdelning and enhet "
    "(each unit together with the units below it), per period.",
    fields=(
        KOMMUN_CODE,
        KOMMUN_NAME,
        PERIOD_DATE,
        SCOPE_TYPE,
        SCOPE_ID,
        SCOPE_NAME,
        FORVALTNING_ID,
        FORVALTNING_NAME,
        EMPLOYEES_MONTHLY_PAID,
        EMPLOYEES_HOURLY,
        FTE_MONTHLY_PAID,
        Field(
            "managers",
            "integer",
            "Managers with at least one registered unit in the scope.",
            label="Antal chefer",
            unit="chefer",
        ),
        Field(
            "first_line_managers",
            "integer",
            "Of those, first-line managers.",
            label="Första linjens chefer",
            unit="chefer",
        ),
        Field(
            "mean_span_first_line",
            "decimal",
            "Mean employees_monthly_paid of the first-line managers.",
            required=False,
            label="Medarbetare per chef i första linjen, medel",
            unit="personer",
        ),
        Field(
            "median_span_first_line",
            "decimal",
            "Median employees_monthly_paid of the first-line managers.",
            required=False,
            label="Medarbetare per chef i första linjen, median",
            unit="personer",
        ),
        Field(
            "max_span_first_line",
            "integer",
            "Largest employees_monthly_paid of a first-line manager.",
            required=False,
            label="Största antal medarbetare hos en chef",
            unit="personer",
        ),
        Field(
            "first_line_above_threshold",
            "integer",
            "First-line managers with more employees than span_threshold.",
            label="Chefer över gränsen",
            unit="chefer",
        ),
        Field(
            "share_first_line_above_threshold_pct",
            "decimal",
            "first_line_above_threshold / first_line_managers, in percent.",
            required=False,
            label="Andel chefer över gränsen",
            unit="%",
        ),
        Field(
            "chefstathet",
            "decimal",
            "Chefstäthet: monthly-paid non-manager employees per manager in the scope.",
            required=False,
            label="Chefstäthet (medarbetare per chef)",
            unit="personer",
        ),
        SPAN_THRESHOLD,
        SHARE_VISSTID,
        SHARE_HOURLY,
        Field(
            "workplaces",
            "integer",
            "Distinct arbetsställen of the staff in the scope.",
            label="Arbetsställen",
            unit="arbetsställen",
        ),
        Field(
            "workplaces_per_manager",
            "decimal",
            "workplaces / managers; empty when fewer than half the staff have a known workplace.",
            required=False,
            label="Arbetsställen per chef",
            unit="arbetsställen",
        ),
        Field(
            "admin_support_fte",
            "decimal",
            "Sum of admin_support_fte over the scope's managers.",
            label="Administrativt stöd",
            unit="årsarbetare",
        ),
        Field(
            "admin_support_fte_per_manager",
            "decimal",
            "admin_support_fte / managers.",
            required=False,
            label="Administrativt stöd per chef",
            unit="årsarbetare",
        ),
        Field(
            "managers_without_hr_partner",
            "integer",
            "Managers with no named HR partner "
            "(empty when the kommun sent no support-function file).",
            required=False,
            label="Chefer utan HR-partner",
            unit="chefer",
        ),
        Field(
            "managers_without_controller",
            "integer",
            "Managers with no named controller/ekonom (empty when unknown).",
            required=False,
            label="Chefer utan controller",
            unit="chefer",
        ),
        Field(
            "mean_tenure_months",
            "decimal",
            "Mean tenure_months of the scope's managers.",
            required=False,
            label="Chefernas tid i rollen, medel",
            unit="månader",
        ),
        Field(
            "previous_period_date",
            "date",
            "The kommun's previous period, if any.",
            required=False,
            label="Föregående period",
            unit="datum",
        ),
        Field(
            "managers_left",
            "integer",
            "Managers of the scope in the previous period who are no longer managers in the "
            "kommun.",
            required=False,
            label="Chefer som slutat",
            unit="chefer",
        ),
        Field(
            "manager_turnover_pct",
            "decimal",
            "managers_left / mean of the managers then and now, in percent.",
            required=False,
            label="Chefsomsättning",
            unit="%",
        ),
        SICK_LEAVE_PCT.with_description(
            "SKR sick leave of the scope's monthly-paid staff (managers included): sick-leave "
            "hours / contracted hours, in percent; empty for fewer than anonymity_k persons."
        ),
        LONG_TERM_SHARE,
    ),
    primary_key=("kommun_code", "period_date", "scope_type", "scope_id"),
    label="Nyckeltal per organisationsdel",
    pages=(
        "Faktavägg",
        "Jämförelse",
    ),
)

# What action plans can track (schemas/indicators.py): which way is better; label and unit
# are the field's own.
MART_SPAN_ROLLUP = MART_SPAN_ROLLUP.with_indicators(
    {
        "mean_span_first_line": "lower",
        "median_span_first_line": "lower",
        "max_span_first_line": "lower",
        "share_first_line_above_threshold_pct": "lower",
        "first_line_above_threshold": "lower",
        "chefstathet": "lower",
        "share_visstid_pct": "lower",
        "share_hourly_pct": "lower",
        "workplaces_per_manager": "lower",
        "admin_support_fte_per_manager": "higher",
        "managers_without_hr_partner": "lower",
        "managers_without_controller": "lower",
        "mean_tenure_months": "higher",
        "manager_turnover_pct": "lower",
        "sick_leave_pct": "lower",
        "long_term_sick_leave_share_pct": "lower",
    }
)

MART_SICK_LEAVE = Table(
    name="mart_sick_leave",
    description="SKR's sick-leave figures per scope and period, for all monthly-paid staff, "
    "by sex and by age band; small groups suppressed.",
    fields=(
        KOMMUN_CODE,
        PERIOD_DATE,
        SCOPE_TYPE,
        SCOPE_ID,
        SCOPE_NAME,
        Field(
            "breakdown",
            "code",
            "alla, kön or ålder.",
            allowed=("alla", "kön", "ålder"),
            label="Uppdelning",
            unit="kod",
        ),
        Field(
            "breakdown_group", "code", "alla; K or M; -29, 30-49 or 50-.", label="Grupp", unit="kod"
        ),
        Field(
            "is_shown",
            "boolean",
            "False when the group has fewer than anonymity_k persons, or is hidden so that "
            "a small group cannot be derived from the total.",
            label="Visas",
            unit="ja/nej",
        ),
        Field(
            "persons",
            "integer",
            "Persons with contracted hours (empty when hidden).",
            required=False,
            label="Personer",
            unit="personer",
        ),
        SICK_LEAVE_PCT.with_description(
            "Sick-leave hours / contracted hours, in percent (empty when hidden)."
        ),
        LONG_TERM_SHARE.with_description(
            "Share of sick-leave hours in spells of 60+ days, in percent (empty when hidden)."
        ),
    ),
    primary_key=(
        "kommun_code",
        "period_date",
        "scope_type",
        "scope_id",
        "breakdown",
        "breakdown_group",
    ),
    label="Sjukfrånvaro",
    pages=("Faktavägg",),
)

MART_REFRESH_LOG = Table(
    name="mart_refresh_log",
    description="The files behind this publication, with row counts and rejects.",
    fields=tuple(f for f in REFRESH_LOG.fields if f.name not in ("source_sha256", "status")),
    label="Inlästa filer",
    pages=(
        "Datakvalitet",
        "Workshop",
    ),
)

MART_DATA_QUALITY = Table(
    name="mart_data_quality",
    description="Findings of the org-tree and roster checks for the data behind this "
    "publication: warnings that loaded (errors stop a refresh and are never published); and "
    "manager groups not published for a survey (check disclosure_group_cut).",
    fields=tuple(f for f in DATA_QUALITY.fields if f.name != "refresh_id"),
    label="Datakvalitet",
    pages=("Datakvalitet",),
)

MART_STRENGTHS_CHALLENGES = Table(
    name="mart_strengths_challenges",
    description="Styrkor och utmaningar: each reference-point metric per förvaltning and period, "
    "with the kommun's value and the median of its förvaltningar; a figure is a challenge or a "
    "strength when it crosses a reference point (warehouse/reference_points.yaml), otherwise "
    "when it differs markedly from that median.",
    fields=(
        KOMMUN_CODE,
        KOMMUN_NAME,
        PERIOD_DATE,
        FORVALTNING_ID.with_description("Unit id of the förvaltning."),
        FORVALTNING_NAME.with_description("Name of the förvaltning."),
        Field(
            "metric_position",
            "integer",
            "Order of the metric in the reference points file.",
            label="Ordning",
            unit="kod",
        ),
        Field(
            "metric",
            "code",
            "The figure: a column of mart_span_rollup (or a share from it).",
            label="Måttets kolumn",
            unit="kod",
        ),
        Field("metric_label", "text", "Swedish name of the figure.", label="Mått", unit="text"),
        Field(
            "unit",
            "code",
            "antal, pct, fte or manader.",
            allowed=("antal", "pct", "fte", "manader"),
            label="Måttenhet",
            unit="kod",
        ),
        Field("decimals", "integer", "Decimals to show.", label="Decimaler", unit="antal"),
        Field(
            "worse",
            "code",
            "higher or lower: which direction means worse conditions.",
            allowed=("higher", "lower"),
            label="Sämre åt",
            unit="kod",
        ),
        Field(
            "value",
            "decimal",
            "The förvaltning's figure; empty when missing or suppressed.",
            required=False,
            label="Förvaltningens värde",
            unit="varierar",
        ),
        Field(
            "is_suppressed",
            "boolean",
            "True when the figure is hidden because fewer than anonymity_k persons are behind it.",
            label="Dolt",
            unit="ja/nej",
        ),
        Field(
            "kommun_value",
            "decimal",
            "The same figure for the whole kommun.",
            required=False,
            label="Kommunens värde",
            unit="varierar",
        ),
        Field(
            "kommun_median",
            "decimal",
            "Median of the figure over the kommun's förvaltningar.",
            required=False,
            label="Förvaltningarnas median",
            unit="varierar",
        ),
        Field(
            "median_diff",
            "decimal",
            "Difference from kommun_median (same unit) counted as markedly different.",
            label="Markant skillnad från medianen",
            unit="varierar",
        ),
        Field(
            "reference_value",
            "decimal",
            "The reference point the figure crossed, when basis is referenspunkt.",
            required=False,
            label="Referenspunkt",
            unit="varierar",
        ),
        Field(
            "assessment",
            "code",
            "utmaning (challenge), styrka (strength) or empty (neither).",
            required=False,
            allowed=("utmaning", "styrka"),
            label="Bedömning",
            unit="kod",
        ),
        Field(
            "basis",
            "code",
            "referenspunkt (a research or practice reference point) or kommunens median.",
            required=False,
            allowed=("referenspunkt", "kommunens median"),
            label="Grund",
            unit="kod",
        ),
        Field(
            "reason",
            "text",
            "Why, in one Swedish sentence.",
            required=False,
            label="Motivering",
            unit="text",
        ),
    ),
    primary_key=("kommun_code", "period_date", "forvaltning_id", "metric"),
    label="Styrkor och utmaningar",
    pages=(
        "Faktavägg",
        "Styrkor och utmaningar",
        "Workshop",
    ),
)

MART_DICTIONARY = Table(
    name="mart_dictionary",
    description="Every published mart column with its Swedish label, unit and English "
    "description, and the dashboard pages that show the mart (schemas/dictionary.py).",
    fields=(
        Field("mart_name", "code", "The mart (table).", label="Tabell", unit="kod"),
        Field(
            "mart_label", "text", "Swedish name of the mart.", label="Tabellens namn", unit="text"
        ),
        Field(
            "column_position",
            "integer",
            "Order of the column in the mart.",
            label="Ordning",
            unit="kod",
        ),
        Field("column_name", "code", "The column.", label="Kolumn", unit="kod"),
        Field(
            "label",
            "text",
            "Swedish name, as the dashboards show it.",
            label="Benämning",
            unit="text",
        ),
        Field(
            "unit",
            "text",
            "Unit of the values (varierar: the row names its own unit).",
            label="Måttenhet",
            unit="text",
        ),
        Field("data_type", "code", "DuckDB type.", label="Datatyp", unit="kod"),
        Field("description", "text", "What the column means.", label="Beskrivning", unit="text"),
        Field(
            "pages",
            "text",
            "Dashboard pages that show the mart, '; '-separated; empty when "
            "only SQL and exports read it.",
            required=False,
            label="Visas på sidorna",
            unit="text",
        ),
    ),
    primary_key=("mart_name", "column_name"),
    label="Dataordlista",
)


def _cells(name: str, label: str, description: str) -> Field:
    return Field(name, "integer", description, label=label, unit="antal")


MART_DISCLOSURE_REPORT = Table(
    name="mart_disclosure_report",
    label="Röjandeskydd",
    description="What disclosure control cost, per kommun, period, mart and survey: cells "
    "(groups a figure is published for; for items those of mart_survey_item, one per group and "
    "item, whose shown ones mart_survey_distribution details per answer option) shown and "
    "hidden, and why (warehouse/disclosure, docs/disclosure.md).",
    fields=(
        KOMMUN_CODE,
        PERIOD_DATE,
        Field("mart", "code", "The mart whose figures these are.", label="Tabell", unit="kod"),
        Field(
            "survey_id",
            "code",
            "The survey (empty for sick leave).",
            required=False,
            label="Enkät",
            unit="kod",
        ),
        Field(
            "respondent_role",
            "code",
            "manager or top_management (empty for sick leave).",
            required=False,
            label="Svarande",
            unit="kod",
        ),
        _cells("cells", "Celler", "Groups x figures in the mart for this kommun and period."),
        _cells("cells_shown", "Visade celler", "Cells published with their figures."),
        _cells(
            "cells_empty",
            "Tomma celler",
            "Cells nobody is in (hidden, read like any hidden cell).",
        ),
        _cells(
            "cells_primary",
            "Dolda, färre än k",
            "Cells hidden because 1 to k-1 people are in them (primary).",
        ),
        _cells(
            "cells_secondary",
            "Dolda som skydd",
            "Cells of k or more people hidden so that no small group can be derived "
            "(secondary: the price of protection).",
        ),
        _cells(
            "cells_held_back",
            "Visade som vid tidigare publicering",
            "Survey cells republished with fewer than k new or changed answers since an earlier "
            "publication: they show the figures of that publication (republication rule).",
        ),
        _cells(
            "cells_group_cut",
            "Utelämnade chefsgruppsceller",
            "Manager-group cells not published because protecting them would hide most of "
            "the org tree (group-cut rule).",
        ),
        Field(
            "dropped_groups",
            "text",
            "The manager groups not published for the survey.",
            required=False,
            label="Utelämnade chefsgrupper",
            unit="text",
        ),
    ),
)

# In build order: a mart may read the marts before it.
MARTS = (
    MART_KOMMUN,
    MART_SPAN_OF_CONTROL,
    MART_SPAN_ROLLUP,
    MART_SICK_LEAVE,
    MART_REFRESH_LOG,
    MART_DATA_QUALITY,
    *ACTION_PLAN_MARTS,
    *SURVEY_MARTS,
    MART_STRENGTHS_CHALLENGES,
    MART_DISCLOSURE_REPORT,
    MART_KOLADA,
    MART_DICTIONARY,
)
