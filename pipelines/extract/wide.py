"""Generic wide survey files (CSV or XLSX): one row per respondent, columns mapped in the manifest."""

from __future__ import annotations

from pipelines.extract.export import Export
from pipelines.extract.survey import SurveyFormat, extract_survey

# Headers are question ids or texts, or mapped under `columns:` in the manifest. An optional
# submitted column ("Inskickad") marks unfinished responses when it is empty.
FORMAT = SurveyFormat(submitted_means_complete=True)


def extract(export: Export, key: bytes) -> None:
    extract_survey(export, key, FORMAT)
