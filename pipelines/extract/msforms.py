"""Microsoft Forms XLSX exports: ID, start and completion time, email, name, then one column per question."""

from __future__ import annotations

from pipelines.extract.export import Export
from pipelines.extract.survey import SurveyFormat, extract_survey

# Forms only exports submitted responses; its ID column is the response key.
FORMAT = SurveyFormat(submitted_means_complete=False, required=(("response_ref",),))


def extract(export: Export, key: bytes) -> None:
    extract_survey(export, key, FORMAT)
