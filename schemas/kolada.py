"""Public benchmarks from Kolada (RKA): the fetched values in the store and the comparison mart.

Which KPIs are fetched, and which own figure each is compared with, is data:
schemas/codes/kolada_kpis.csv. Kolada's own title is fetched with each KPI and shown beside it,
so a wrong id shows at once.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from schemas.codes import CODES_DIR
from schemas.common import KOMMUN_CODE
from schemas.model import Field, Table

GENDERS = ("T", "K", "M")  # Kolada: total, kvinnor, män
KPI_ID = Field(
    "kpi_id", "code", "Kolada KPI id, e.g. N00090.", label="Kolada-nyckeltal", unit="kod"
)
KPI_TITLE = Field(
    "kpi_title",
    "text",
    "The KPI's title as Kolada gives it.",
    label="Nyckeltalets namn i Kolada",
    unit="text",
)
YEAR = Field("year", "integer", "The year the value is for.", label="År", unit="kod")
GENDER = Field(
    "gender",
    "code",
    "T (total), K (kvinnor) or M (män).",
    allowed=GENDERS,
    label="Kön",
    unit="kod",
)
FETCHED_AT = Field(
    "fetched_at",
    "timestamp",
    "When the value was fetched from Kolada (UTC).",
    label="Hämtad från Kolada",
    unit="datum",
)

KOLADA_VALUE = Table(
    name="kolada_value",
    description="Kolada values as last fetched, per kommun, KPI, year and gender; a failed "
    "fetch (offline) keeps them.",
    fields=(
        KOMMUN_CODE,
        KPI_ID,
        KPI_TITLE,
        YEAR,
        GENDER,
        Field(
            "value",
            "decimal",
            "The value; empty when Kolada has none (status Missing).",
            required=False,
            label="Värde i Kolada",
            unit="varierar",
        ),
        Field(
            "status",
            "text",
            "Kolada's status for the value, if any.",
            required=False,
            label="Status i Kolada",
            unit="text",
        ),
        FETCHED_AT,
    ),
    primary_key=("kommun_code", "kpi_id", "year", "gender"),
)

KOLADA_FETCH = Table(
    name="kolada_fetch",
    description="Every attempt to fetch from Kolada: when, whether it worked, and why not.",
    fields=(
        Field("attempted_at", "timestamp", "When (UTC).", label="Försök", unit="datum"),
        Field(
            "ok", "boolean", "True when the values were fetched.", label="Lyckades", unit="ja/nej"
        ),
        Field("values_fetched", "integer", "Values fetched.", label="Hämtade värden", unit="antal"),
        Field(
            "message",
            "text",
            "Why it failed, in Swedish.",
            required=False,
            label="Meddelande",
            unit="text",
        ),
    ),
)


@dataclass(frozen=True)
class KoladaKpi:
    kpi_id: str
    own_metric: str  # a column of mart_sick_leave
    own_breakdown: str  # alla, or kön: Kolada's K/M rows go beside our K/M groups
    why: str


def configured_kpis() -> list[KoladaKpi]:
    with open(CODES_DIR / "kolada_kpis.csv", encoding="utf-8", newline="") as f:
        return [
            KoladaKpi(r["kpi_id"], r["own_metric"], r["own_breakdown"], r["why"])
            for r in csv.DictReader(f)
        ]


MART_KOLADA = Table(
    name="mart_kolada",
    description="Kolada's figures for the kommun beside its own where the definitions match "
    "(SKR's sick-leave key figures): per KPI, year and gender, with how old the fetched value "
    "is. Kolada's values are for the whole year; the own value is the kommun's latest period "
    "in that year.",
    fields=(
        KOMMUN_CODE,
        Field("kommun_name", "text", "Municipality name.", label="Kommun", unit="text"),
        KPI_ID,
        KPI_TITLE,
        YEAR,
        GENDER,
        Field(
            "kolada_value",
            "decimal",
            "Kolada's value; empty when Kolada has none.",
            required=False,
            label="Kolada",
            unit="%",
        ),
        Field(
            "kolada_status",
            "text",
            "Kolada's status for the value.",
            required=False,
            label="Status i Kolada",
            unit="text",
        ),
        FETCHED_AT,
        Field(
            "age_days",
            "integer",
            "Days from the fetch to the publication: how old the "
            "Kolada value is (a refresh without network keeps the last fetched values).",
            label="Ålder på Kolada-värdet",
            unit="dagar",
        ),
        Field(
            "own_metric",
            "code",
            "The column of mart_sick_leave compared with.",
            label="Eget mått",
            unit="kod",
        ),
        Field(
            "own_period_date",
            "date",
            "The kommun's latest period in that year, if any.",
            required=False,
            label="Egen period",
            unit="datum",
        ),
        Field(
            "own_value",
            "decimal",
            "The kommun's own figure for the whole kommun at that "
            "period (same sex); empty when hidden or missing.",
            required=False,
            label="Eget värde",
            unit="%",
        ),
    ),
    primary_key=("kommun_code", "kpi_id", "year", "gender"),
    label="Kolada bredvid egna siffror",
)
