"""What a refresh tells its operator: the report text, its one-line headline, per-file rows."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.report import FileReport
from pipelines.unchanged import Plan, UnchangedReport
from warehouse.build import COMBINED_NAME
from warehouse.disclosure.report import disclosure_summary

if TYPE_CHECKING:
    from pipelines.refresh import StageResult


def summary_text(
    results: list[StageResult], published: list[Path] | None, plan: Plan | None = None
) -> str:
    lines = [r.report.text() for r in results]
    if plan is not None and plan.full is not None and not plan.only:  # why all were read
        lines.append(f"Alla filer lästes: {plan.full}.")
    if published:
        lines.append(headline(results, True) + " → " + ", ".join(str(p) for p in published))
        combined = [p for p in published if p.name == COMBINED_NAME and p.exists()]
        lines += disclosure_summary(combined[0]) if combined else []
    else:
        lines.append(headline(results, False))
    return "\n".join(lines)


def headline(results: list[StageResult], published: bool) -> str:
    """The run in one Swedish line, as the operator sees it first."""
    rows = sum(r.report.rows_valid for r in results)
    same = sum(isinstance(r.report, UnchangedReport) for r in results)
    if published and same:
        return (
            f"Publicerat: {rows} rader från {len(results)} filer, varav {same} oförändrade "
            "som inte lästes om"
        )
    if published:
        return f"Publicerat: {rows} rader från {len(results)} filer"
    errors = sum(len(r.report.errors) for r in results)
    bad = [r.report.file for r in results if not r.report.ok]
    where = f" i {', '.join(bad[:3])}{' …' if len(bad) > 3 else ''}" if bad else ""
    return f"Inget publicerades: {errors} fel{where}. Förra publicerade lagret gäller."


def progress_line(done: int, total: int, report: FileReport) -> str:
    """Per-file progress while a refresh runs (stderr; the report itself comes at the end)."""
    status = "OK" if report.ok else f"{len(report.errors)} fel"
    return f"[{done}/{total}] {report.file}: {report.rows_read} rader, {status}"


def summary_rows(results: list[StageResult]) -> list[dict[str, object]]:
    """One row per file for the run's table: what came in, what was rejected, what to look at."""
    return [
        {
            "fil": r.report.file,
            "källa": r.report.source,
            "kommun": r.report.kommun_code,
            "period": r.report.period,
            "rader": r.report.rows_read,
            "avvisade rader": len({i.row for i in r.report.errors if i.row is not None}),
            "fel": len(r.report.errors),
            "varningar": len(r.report.issues) - len(r.report.errors),
            "status": (
                "avvisad"
                if not r.report.ok
                else "oförändrad"
                if isinstance(r.report, UnchangedReport)
                else "OK"
            ),
        }
        for r in results
    ]


def nothing_changed_text(results: list[StageResult], plan: Plan) -> str:
    """The report of a refresh that found every file as it was last loaded."""
    return "\n".join([*(r.report.text() for r in results), nothing_changed_headline(plan)])


def nothing_changed_headline(plan: Plan) -> str:
    return (
        f"Inget har ändrats sedan {plan.since}: ingen fil lästes om och inget nytt publicerades; "
        "den publicerade versionen gäller."
    )
