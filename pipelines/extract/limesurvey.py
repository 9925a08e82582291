"""LimeSurvey CSV exports: code or full-text headers, answer codes or texts, empty submitdate = unfinished."""

from __future__ import annotations

from pipelines.extract.export import Export
from pipelines.extract.survey import SurveyFormat, extract_survey

# LimeSurvey writes `submitdate` only when the respondent pressed Submit.
FORMAT = SurveyFormat(submitted_means_complete=True, required=(("submitted_text",),))


def extract(export: Export, key: bytes) -> None:
    extract_survey(export, key, FORMAT)
