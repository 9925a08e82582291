"""Validation issues and the readable report an HR analyst gets for each file."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

from pipelines.masking import mask

ROW_COLUMN = (
    "_row"  # row number as the analyst sees it in the file (header = 1), as reports name it
)

ERROR = "fel"
WARNING = "varning"


@dataclass(frozen=True)
class Issue:
    """One broken value (or a broken file when row is None): where, what, and which rule."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    severity: str = ERROR

    def __post_init__(self) -> None:
        # A value from a file is shown, and quarantined, only in its masked form.
        object.__setattr__(self, "value", mask(self.value))

    def describe(self) -> str:
        where = f"rad {self.row}" if self.row is not None else "filen"
        if self.column:
            where += f', kolumn "{self.column}"'
        if self.value is not None:
            where += f' = "{self.value}"'
        return f"{where}: {self.rule}"


@dataclass
class FileReport:
    """Outcome of extracting and validating one file."""

    file: str
    source: str
    kommun_code: str
    period: str
    rows_read: int = 0
    rows_valid: int = 0
    issues: list[Issue] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> the file's own header

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def text(self, max_issues: int = 50) -> str:
        """Errors one per line; warnings summarised per rule (all of them are in the store)."""
        status = "OK" if self.ok else f"{len(self.errors)} fel – filen laddas inte"
        lines = [
            f"{self.file} ({self.source}, {self.kommun_code}, {self.period}): "
            f"{self.rows_read} rader, {status}"
        ]
        lines += [f"  {ERROR}: {i.describe()}" for i in self.errors[:max_issues]]
        if len(self.errors) > max_issues:
            lines.append(f"  … och {len(self.errors) - max_issues} fel till (se karantäntabellen)")
        warnings: dict[str, list[Issue]] = {}
        for issue in self.issues:
            if issue.severity == WARNING:
                warnings.setdefault(issue.rule, []).append(issue)
        for rule, found in warnings.items():
            if len(found) <= 5 and all(i.column for i in found):  # name each column and value
                lines += [f"  {WARNING}: {i.describe()}" for i in found]
                continue
            # the row, and what is there (a unit's name), so the analyst can find it
            named = [i for i in found[:5] if i.row is not None and i.value and not i.column]
            rows = ", ".join(str(i.row) for i in found[:5] if i.row is not None)
            if named:
                rows = ", rad ".join(f"{i.row} ({i.value})" for i in named)
            more = " …" if len(found) > 5 else ""
            where = f"; rad {rows}{more}" if rows else ""
            lines.append(f"  {WARNING}: {rule} ({len(found)} st{where})")
        if self.ignored_columns:
            shown = [mask(h) or "" for h in self.ignored_columns[:20]]
            more = (
                f" … och {len(self.ignored_columns) - 20} till"
                if len(self.ignored_columns) > 20
                else ""
            )
            lines.append("  ignorerade kolumner: " + ", ".join(shown) + more)
        return "\n".join(lines)


def issues_frame(reports: list[FileReport]) -> pd.DataFrame:
    """Issues as rows of the quarantine table."""
    rows = [asdict(i) for r in reports for i in r.issues]
    frame = pd.DataFrame(rows, columns=["file", "row", "column", "value", "rule", "severity"])
    frame = frame.rename(
        columns={"file": "file_name", "row": "row_number", "column": "column_name"}
    )
    return frame.astype({"row_number": "Int64"})
