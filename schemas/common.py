"""Fields many tables share: tenant, period, lineage and the pseudonymous person key."""

from __future__ import annotations

from schemas.model import Field

KOMMUN_CODE = Field(
    "kommun_code",
    "code",
    "SCB municipality code, e.g. 1231 (Burlöv).",
    pattern=r"^\d{4}$",
    label="Kommunkod",
    unit="kod",
)
PERIOD_DATE = Field(
    "period_date", "date", "Snapshot date of the export (the period).", label="Period", unit="datum"
)
SOURCE_SHA256 = Field(
    "source_sha256",
    "text",
    "SHA-256 of the archived raw file the row came from (lineage).",
    label="Källfilens SHA-256",
    unit="kod",
)
SOURCE_ROW = Field(
    "source_row",
    "integer",
    "Row number in the raw file (header = row 1).",
    min_value=2,
    label="Rad i källfilen",
    unit="kod",
)
PERSON_ID = Field(
    "person_id",
    "text",
    "Pseudonymous person key: HMAC-SHA256 of the personnummer with the kommun's secret key.",
    pattern=r"^[0-9a-f]{64}$",
    label="Person (pseudonym)",
    unit="kod",
)

# The org scopes figures roll up to (survey marts add manager groups, so they declare their own).
SCOPE_TYPE = Field(
    "scope_type",
    "code",
    "kommun, forvaltning, avdelning or enhet.",
    allowed=("kommun", "forvaltning", "avdelning", "enhet"),
    label="Organisationsnivå",
    unit="kod",
)
SCOPE_ID = Field(
    "scope_id",
    "code",
    "Unit id of the scope (the kommun code for scope_type kommun).",
    label="Organisationsdelens id",
    unit="kod",
)
SCOPE_NAME = Field(
    "scope_name", "text", "Name of the scope.", label="Organisationsdel", unit="text"
)
