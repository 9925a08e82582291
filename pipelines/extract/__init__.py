"""Readers per source kind: from an export file to validated, pseudonymised canonical tables."""

from __future__ import annotations

from pipelines.extract import (
    action_plans,
    googleforms,
    hr_roster,
    key_figures,
    limesurvey,
    manager_groups,
    msforms,
    org_units,
    support_functions,
    wide,
)
from pipelines.extract.export import Export, open_export
from pipelines.extract.files import UnreadableFile
from pipelines.extract.limits import check_file_size
from pipelines.extract.survey import open_survey
from pipelines.manifest import ONE_PER_PERIOD, InboxFile, sha256_of
from pipelines.report import FileReport, Issue

EXTRACTORS = {
    "hr_roster": hr_roster.extract,
    "org_units": org_units.extract,
    "support_functions": support_functions.extract,
    "key_figures": key_figures.extract,
    "action_plan": action_plans.extract_plan,
    "follow_up": action_plans.extract_follow_up,
    "manager_groups": manager_groups.extract,
    "survey_limesurvey": limesurvey.extract,
    "survey_msforms": msforms.extract,
    "survey_googleforms": googleforms.extract,
    "survey_wide": wide.extract,
}
UNFORESEEN = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)
# Survey exports are opened against their questionnaire; other sources through the alias table.
OPENERS = {kind: open_survey for kind in EXTRACTORS if kind.startswith("survey_")}


def file_sha256(entry: InboxFile) -> str:
    return sha256_of(entry.path)


def extract_file(entry: InboxFile, key: bytes) -> Export | FileReport:
    """The export with its validated tables, or only a report when the file cannot be read."""
    try:
        check_file_size(entry.path)
        export = OPENERS.get(entry.source, open_export)(entry, file_sha256(entry))
        if not len(export.raw) and entry.source in ONE_PER_PERIOD:
            export.issue(None, None, None, "filen har inga rader; den skulle tömma perioden")
            return export
        EXTRACTORS[entry.source](export, key)
    except UnreadableFile as exc:
        return _unreadable(entry, str(exc))
    except UNFORESEEN as exc:
        # A shape no rule foresaw: reject the file rather than crash (never echo its values).
        return _unreadable(entry, f"{entry.name}: kan inte tolkas ({type(exc).__name__})")
    if export.report.ok:
        export.report.rows_valid = sum(len(t) for t in export.tables.values())
    else:
        export.tables.clear()  # a file with errors loads nothing
    return export


def _unreadable(entry: InboxFile, message: str) -> FileReport:
    report = FileReport(entry.name, entry.source, entry.kommun_code, entry.period.isoformat())
    report.issues.append(Issue(entry.name, None, None, None, message))
    return report
