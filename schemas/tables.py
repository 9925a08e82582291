"""The warehouse's input tables, declared once: fields, keys and meaning."""

from __future__ import annotations

from schemas.action_plans import ACTION_TABLES
from schemas.common import KOMMUN_CODE, PERIOD_DATE, PERSON_ID, SOURCE_ROW, SOURCE_SHA256
from schemas.kolada import KOLADA_FETCH, KOLADA_VALUE
from schemas.model import Field, Table, TableCheck
from schemas.survey_tables import SURVEY_TABLES

# Long-term sick leave (spells of 60+ days) is part of the sick leave, never more.
LONG_TERM_WITHIN_SICK_LEAVE = TableCheck(
    lambda df: (
        df["long_term_sick_leave_hours"].isna()
        | df["sick_leave_hours"].isna()
        | (df["long_term_sick_leave_hours"] <= df["sick_leave_hours"])
    ),
    error="långtidssjukfrånvaro större än total sjukfrånvaro",
)
# An error, not a warning: such a row would publish sick leave above 100 %.
SICK_WITHIN_CONTRACTED = TableCheck(
    lambda df: (
        df["sick_leave_hours"].isna()
        | df["contracted_hours"].isna()
        | (df["sick_leave_hours"] <= df["contracted_hours"])
    ),
    error="sjukfrånvarotimmar större än avtalad arbetstid",
)

EMPLOYMENT = Table(
    name="employment",
    description="One employment per row in an HR roster export, per kommun and period.",
    fields=(
        KOMMUN_CODE,
        PERIOD_DATE,
        PERSON_ID,
        Field(
            "unit_id", "code", "Org unit the employment belongs to.", label="Enhets-id", unit="kod"
        ),
        Field(
            "aid_code",
            "code",
            "AID code (six digits) of the role.",
            required=False,
            pattern=r"^\d{6}$",
        ),
        Field("aid_label", "text", "AID etikett: the role's label text.", required=False),
        Field(
            "responsibility_code",
            "code",
            "AID ansvarskod; A, B or C (L for physicians) marks a manager.",
            required=False,
            pattern=r"^[A-Z]$",
        ),
        Field(
            "employment_form",
            "code",
            "Anställningsform: tillsvidare, visstid (both monthly-paid) or timavlonad (hourly).",
            allowed=("tillsvidare", "visstid", "timavlonad"),
            codes="employment_form",
        ),
        Field(
            "fte_pct",
            "decimal",
            "Sysselsättningsgrad in percent of full time (0-100). HR systems leave it empty "
            "for hourly employments: their FTE is then unknown (NULL), never 0.",
            min_value=0,
            max_value=100,
            may_be_empty_when=("employment_form", ("timavlonad",)),
        ),
        Field("start_date", "date", "Start date of the employment.", required=False),
        Field(
            "workplace_id", "code", "Arbetsställenummer: the SCB workplace number.", required=False
        ),
        Field(
            "sex",
            "code",
            "Legal sex from the personnummer (K = woman, M = man), derived "
            "before pseudonymisation for SKR's sick-leave breakdown.",
            required=False,
            allowed=("K", "M"),
        ),
        Field(
            "age_band",
            "code",
            "SKR age band at the period date: -29, 30-49 or 50-.",
            required=False,
            allowed=("-29", "30-49", "50-"),
        ),
        Field(
            "contracted_hours",
            "decimal",
            "Contracted (ordinarie) working hours in the 12 months up to the period date.",
            required=False,
            min_value=0,
        ),
        Field(
            "sick_leave_hours",
            "decimal",
            "Sick-leave hours in the same 12 months.",
            required=False,
            min_value=0,
        ),
        Field(
            "long_term_sick_leave_hours",
            "decimal",
            "Of sick_leave_hours, those in sick-leave "
            "spells of 60 days or more (SKR's long-term sick leave).",
            required=False,
            min_value=0,
        ),
        SOURCE_SHA256,
        SOURCE_ROW,
    ),
    extra_checks=(LONG_TERM_WITHIN_SICK_LEAVE, SICK_WITHIN_CONTRACTED),
)


ORG_UNIT = Table(
    name="org_unit",
    description="One org unit per row: the tree förvaltning -> avdelning -> enhet, per kommun and period.",
    fields=(
        KOMMUN_CODE,
        PERIOD_DATE,
        Field(
            "unit_id",
            "code",
            "Unit id as the kommun's HR system writes it.",
            label="Enhets-id",
            unit="kod",
        ),
        Field("parent_unit_id", "code", "Parent unit; empty for a förvaltning.", required=False),
        Field("unit_name", "text", "Unit name."),
        Field(
            "unit_level",
            "code",
            "forvaltning, avdelning or enhet.",
            required=False,
            allowed=("forvaltning", "avdelning", "enhet"),
            codes="unit_level",
        ),
        Field(
            "verksamhet",
            "text",
            "Operation, e.g. äldreomsorg, förskola, grundskola.",
            required=False,
        ),
        Field(
            "manager_person_id",
            "text",
            "Pseudonymous id of the unit's registered manager.",
            required=False,
            pattern=r"^[0-9a-f]{64}$",
        ),
        SOURCE_SHA256,
        SOURCE_ROW,
    ),
    primary_key=("kommun_code", "period_date", "unit_id"),
)


def _count(name: str, description: str, required: bool = False) -> Field:
    return Field(name, "integer", description, required=required, min_value=0)


def _yes_no(name: str, description: str) -> Field:
    return Field(name, "code", description, required=False, allowed=("ja", "nej"), codes="yes_no")


KEY_FIGURES = Table(
    name="key_figures",
    description="The key-figures template: figures per unit from a kommun that cannot send a "
    "roster. Expanded into anonymous employments so the same marts apply; not stored as is.",
    fields=(
        KOMMUN_CODE,
        PERIOD_DATE,
        *(
            ORG_UNIT.field(n)
            for n in ("unit_id", "unit_name", "parent_unit_id", "unit_level", "verksamhet")
        ),
        Field("manager_key", "text", "The kommun's own id for the unit's manager.", required=False),
        Field(
            "manager_start_date", "date", "When the manager started in the role.", required=False
        ),
        _count(
            "employees_monthly_paid",
            "Monthly-paid persons in the unit, manager excluded.",
            required=True,
        ),
        _count("employees_visstid", "Of those, persons with visstid only."),
        _count("employees_hourly", "Hourly-paid persons in the unit."),
        Field("fte_monthly_paid", "decimal", "FTE of the monthly-paid persons.", min_value=0),
        _count("workplaces", "Arbetsställen the unit's staff work at."),
        *(
            EMPLOYMENT.field(n).with_description(f"Sum over the unit's monthly-paid staff: {d}")
            for n, d in (
                ("contracted_hours", "contracted hours, 12 months."),
                ("sick_leave_hours", "sick-leave hours, same 12 months."),
                ("long_term_sick_leave_hours", "of those, hours in spells of 60+ days."),
            )
        ),
        Field(
            "admin_support_fte",
            "decimal",
            "Administrative support FTE for the unit's manager.",
            required=False,
            min_value=0,
        ),
        _yes_no("has_hr_partner", "A named HR partner serves the unit's manager (ja/nej)."),
        _yes_no("has_controller", "A named controller serves the unit's manager (ja/nej)."),
        SOURCE_SHA256,
        SOURCE_ROW,
    ),
    primary_key=("kommun_code", "period_date", "unit_id"),
    extra_checks=(
        TableCheck(
            lambda df: (
                df["employees_visstid"].isna()
                | (df["employees_visstid"] <= df["employees_monthly_paid"])
            ),
            error="fler visstidsanställda än månadsavlönade",
        ),
        TableCheck(
            lambda df: df["fte_monthly_paid"] <= df["employees_monthly_paid"],
            error="fler årsarbetare än månadsavlönade personer",
        ),
        LONG_TERM_WITHIN_SICK_LEAVE,
    ),
)

SUPPORT_FUNCTIONS = ("hr", "ekonomi", "it", "administration", "kommunikation")

SUPPORT_ASSIGNMENT = Table(
    name="support_assignment",
    description="Support staff and whom they serve: one row per support person and served unit "
    "or manager, per kommun and period (from a support-function file).",
    fields=(
        KOMMUN_CODE,
        PERIOD_DATE,
        Field(
            "support_person_id",
            "text",
            "Pseudonymous id of the support person.",
            pattern=r"^[0-9a-f]{64}$",
        ),
        Field(
            "support_function",
            "code",
            "hr, ekonomi, it, administration or kommunikation.",
            allowed=SUPPORT_FUNCTIONS,
            codes="support_function",
        ),
        Field(
            "served_unit_id",
            "code",
            "Unit served; its leading manager gets the support.",
            required=False,
        ),
        Field(
            "served_manager_id",
            "text",
            "Pseudonymous id of the manager served.",
            required=False,
            pattern=r"^[0-9a-f]{64}$",
        ),
        Field(
            "share_pct",
            "decimal",
            "Share of the support person's time for this unit or manager, in percent.",
            min_value=0,
            max_value=100,
        ),
        Field(
            "fte_pct",
            "decimal",
            "The support person's sysselsättningsgrad, when the file "
            "gives it; otherwise taken from the roster.",
            required=False,
            min_value=0,
            max_value=100,
        ),
        SOURCE_SHA256,
        SOURCE_ROW,
    ),
    extra_checks=(
        TableCheck(
            lambda df: df["served_unit_id"].notna() | df["served_manager_id"].notna(),
            error="varken betjänad enhet eller chef angiven",
        ),
    ),
)

KOMMUN = Table(
    name="kommun",
    description="Municipalities (tenants) and their settings, from the inbox manifest.",
    fields=(
        KOMMUN_CODE,
        Field("kommun_name", "text", "Municipality name.", label="Kommun", unit="text"),
        Field(
            "span_threshold",
            "integer",
            "Employees per manager above which a first-line manager is flagged (default 30).",
            min_value=1,
            label="Gräns för medarbetare per chef",
            unit="personer",
        ),
        Field(
            "anonymity_k",
            "integer",
            "Anonymity threshold: no survey figure, and no sick-leave figure, is published for "
            "fewer people (default 5).",
            min_value=2,
            label="Anonymitetsgräns (k)",
            unit="personer",
        ),
        Field(
            "support_aid_prefixes",
            "text",
            "AID code prefixes counted as administrative support staff in the roster, "
            "comma-separated (default from schemas/codes/support_aid_codes.csv).",
            label="AID-koder för administrativt stöd",
            unit="text",
        ),
    ),
    primary_key=("kommun_code",),
)

# Tables loaded from exports, by source kind; the store keeps their history per period.
HISTORY_TABLES = {
    "employment": EMPLOYMENT,
    "org_unit": ORG_UNIT,
    "support_assignment": SUPPORT_ASSIGNMENT,
    **ACTION_TABLES,
    **SURVEY_TABLES,
}

REFRESH_LOG = Table(
    name="refresh_log",
    description="One row per file and refresh: what was read, loaded and rejected (lineage).",
    fields=(
        Field(
            "refresh_id",
            "text",
            "Id of the refresh run (UTC timestamp).",
            label="Uppdaterings-id",
            unit="kod",
        ),
        Field(
            "refreshed_at",
            "timestamp",
            "When the refresh ran (UTC).",
            label="Uppdaterad",
            unit="datum",
        ),
        KOMMUN_CODE,
        PERIOD_DATE,
        Field(
            "source",
            "code",
            "Source kind from the manifest, e.g. hr_roster, org_units.",
            label="Källa",
            unit="kod",
        ),
        Field(
            "file_name",
            "text",
            "The export's file name as the kommun sent it.",
            label="Filnamn",
            unit="text",
        ),
        SOURCE_SHA256,
        Field("rows_read", "integer", "Data rows in the file.", label="Lästa rader", unit="antal"),
        Field(
            "rows_loaded",
            "integer",
            "Rows loaded into history.",
            label="Inlästa rader",
            unit="antal",
        ),
        Field(
            "rows_rejected",
            "integer",
            "Rows with at least one error.",
            label="Avvisade rader",
            unit="antal",
        ),
        Field(
            "status",
            "code",
            "loaded or rejected.",
            allowed=("loaded", "rejected"),
            label="Status",
            unit="kod",
        ),
    ),
)

QUARANTINE = Table(
    name="quarantine",
    description="Every validation issue of every refresh: file, row, column, value and rule.",
    fields=(
        Field("refresh_id", "text", "Id of the refresh run.", label="Uppdaterings-id", unit="kod"),
        Field("file_name", "text", "The export's file name.", label="Filnamn", unit="text"),
        Field(
            "row_number",
            "integer",
            "Row number in the file (header = 1); empty for file-level issues.",
            required=False,
            label="Radnummer",
            unit="kod",
        ),
        Field("column_name", "text", "The file's own column header.", required=False),
        Field(
            "value",
            "text",
            "The offending value as written (personnummer never shown).",
            required=False,
        ),
        Field("rule", "text", "The rule the value broke, in Swedish.", label="Regel", unit="text"),
        Field(
            "severity",
            "code",
            "fel (file not loaded) or varning.",
            allowed=("fel", "varning"),
            label="Allvarlighetsgrad",
            unit="kod",
        ),
    ),
)

DATA_QUALITY = Table(
    name="data_quality",
    description="Findings of the cross-table checks (org tree, units, employments) for each "
    "kommun and period as last loaded: errors stop a refresh, warnings load and are listed.",
    fields=(
        KOMMUN_CODE,
        PERIOD_DATE,
        Field(
            "refresh_id", "text", "The refresh that found it.", label="Uppdaterings-id", unit="kod"
        ),
        Field(
            "check_name",
            "code",
            "Which check (warehouse/sql/checks/<check_name>.sql).",
            label="Kontroll",
            unit="kod",
        ),
        Field(
            "severity",
            "code",
            "fel or varning.",
            allowed=("fel", "varning"),
            label="Allvarlighetsgrad",
            unit="kod",
        ),
        Field("rule", "text", "What is wrong, in Swedish.", label="Regel", unit="text"),
        Field(
            "file_name",
            "text",
            "The export the row came from.",
            required=False,
            label="Filnamn",
            unit="text",
        ),
        Field(
            "row_number",
            "integer",
            "Row in that file.",
            required=False,
            label="Radnummer",
            unit="kod",
        ),
        Field(
            "unit_id", "code", "The unit concerned.", required=False, label="Enhets-id", unit="kod"
        ),
        Field(
            "detail",
            "text",
            "Details: a unit name, a parent id, row numbers.",
            required=False,
            label="Detaljer",
            unit="text",
        ),
    ),
)

LOADED_INPUT = Table(
    name="loaded_input",
    description="Each inbox file as it was last loaded: a file with the same fingerprints is "
    "not read again (pipelines/unchanged.py).",
    fields=(
        Field(
            "entry_sha256",
            "text",
            "SHA-256 of the file's manifest entry (name, source, "
            "kommun, period, reading settings, own questionnaire).",
            unit="kod",
        ),
        Field("file_name", "text", "The export's file name.", label="Filnamn", unit="text"),
        KOMMUN_CODE,
        PERIOD_DATE,
        Field("source", "code", "Source kind from the manifest.", label="Källa", unit="kod"),
        SOURCE_SHA256.with_description("SHA-256 of the file's bytes when it was loaded."),
        Field(
            "key_fingerprint",
            "text",
            "HMAC of a fixed text under the pseudonymisation "
            "key: tells two keys apart, never reveals one.",
            unit="kod",
        ),
        Field(
            "settings_sha256",
            "text",
            "SHA-256 of what every file's load depends on: the "
            "manifest outside its files, the code and its libraries.",
            unit="kod",
        ),
        Field(
            "replaced_keys",
            "text",
            "The history partitions the file's rows replaced, "
            "one per line (table, kommun, period, partition).",
            required=False,
            unit="text",
        ),
        Field("rows_read", "integer", "Data rows in the file.", label="Lästa rader", unit="antal"),
        Field("rows_loaded", "integer", "Rows loaded into history.", unit="antal"),
        Field("refresh_id", "text", "The refresh that loaded it.", unit="kod"),
        Field("loaded_at", "timestamp", "When it was loaded (UTC).", unit="datum"),
    ),
    primary_key=("entry_sha256",),
)

STORE_TABLES = {
    "kommun": KOMMUN,
    "refresh_log": REFRESH_LOG,
    "quarantine": QUARANTINE,
    "data_quality": DATA_QUALITY,
    "kolada_value": KOLADA_VALUE,
    "kolada_fetch": KOLADA_FETCH,
    "loaded_input": LOADED_INPUT,
}
