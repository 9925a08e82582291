"""Google Forms CSV exports: Tidstämpel/Timestamp, optional e-mail, one column per question."""

from __future__ import annotations

from pipelines.extract.export import Export
from pipelines.extract.survey import SurveyFormat, extract_survey

# Google Forms only exports submitted responses; the row is the response key.
FORMAT = SurveyFormat(submitted_means_complete=False, required=(("submitted_text",),))


def extract(export: Export, key: bytes) -> None:
    extract_survey(export, key, FORMAT)
