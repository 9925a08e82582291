"""Readers per source kind: from an export file to validated, pseudonymised canonical tables."""

from __future__ import annotations

import hashlib

from pipelines.extract import (
    action_plans,
    hr_roster,
    key_figures,
    org_units,
    support_functions,
)
from pipelines.extract.export import Export, open_export
from pipelines.extract.files import UnreadableFile
from pipelines.manifest import InboxFile
from pipelines.report import FileReport, Issue

EXTRACTORS = {
    "hr_roster": hr_roster.extract,
    "org_units": org_units.extract,
    "support_functions": support_functions.extract,
    "key_figures": key_figures.extract,
    "action_plan": action_plans.extract_plan,
    "follow_up": action_plans.extract_follow_up,
}


def file_sha256(entry: InboxFile) -> str:
    return hashlib.sha256(entry.path.read_bytes()).hexdigest()


def extract_file(entry: InboxFile, key: bytes) -> Export | FileReport:
    """The export with its validated tables, or only a report when the file cannot be read."""
    sha = file_sha256(entry)
    try:
        export = open_export(entry, sha)
    except UnreadableFile as exc:
        report = FileReport(entry.name, entry.source, entry.kommun_code, entry.period.isoformat())
        report.issues.append(Issue(entry.name, None, None, None, str(exc)))
        return report
    EXTRACTORS[entry.source](export, key)
    if export.report.ok:
        export.report.rows_valid = sum(len(t) for t in export.tables.values())
    else:
        export.tables.clear()  # a file with errors loads nothing
    return export
