"""Write the inbox manifest.yaml that says which export is which source, kommun and period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pipelines.generate.config import KommunSpec

MANIFEST_NAME = "manifest.yaml"


@dataclass(frozen=True)
class ManifestEntry:
    file: str
    source: str  # hr_roster | org_units | support_functions | action_plan | follow_up
    kommun: str
    period: dt.date


def write_manifest(out_dir: Path, kommuner: list[KommunSpec], entries: list[ManifestEntry]) -> Path:
    """Written by hand, not yaml.dump, to keep the flow-style kommun lines and the comment."""
    lines = ["# Chefskartan inbox manifest: which export is which", "kommuner:"]
    for k in kommuner:
        lines.append(f'  "{k.code}": {{name: {k.name}, span_threshold: {k.span_threshold}}}')
    lines.append("files:")
    for e in entries:
        lines += [
            f"  - file: {e.file}",
            f"    source: {e.source}",
            f'    kommun: "{e.kommun}"',
            f"    period: {e.period.isoformat()}",
        ]
    path = out_dir / MANIFEST_NAME
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
    return path
