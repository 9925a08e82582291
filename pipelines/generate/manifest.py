"""Write the inbox manifest.yaml that says which export is which source, kommun and period."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.generate.config import KommunSpec

MANIFEST_NAME = "manifest.yaml"


@dataclass(frozen=True)
class ManifestEntry:
    file: str
    source: str  # a source kind of pipelines/manifest.SOURCE_KINDS
    kommun: str
    period: dt.date
    extra: dict = field(default_factory=dict)  # questionnaire, respondents, columns


def _scalar(value: object) -> str:
    """Plain YAML where that reads the same, else a JSON (= YAML flow) literal."""
    text = str(value)
    plain = text.replace(" ", "").replace(".", "").replace("_", "").replace("-", "")
    return text if plain.isalnum() else json.dumps(value, ensure_ascii=False)


def write_manifest(out_dir: Path, kommuner: list[KommunSpec], entries: list[ManifestEntry]) -> Path:
    """Written by hand, not yaml.dump, to keep the flow-style kommun lines and the comment."""
    lines = ["# Chefskartan inbox manifest: which export is which", "kommuner:"]
    for k in kommuner:
        lines.append(f'  "{k.code}": {{name: {k.name}, span_threshold: {k.span_threshold}}}')
    lines.append("files:")
    for e in entries:
        lines += [
            f"  - file: {_scalar(e.file)}",
            f"    source: {e.source}",
            f'    kommun: "{e.kommun}"',
            f"    period: {e.period.isoformat()}",
        ]
        lines += [f"    {key}: {_scalar(value)}" for key, value in e.extra.items()]
    path = out_dir / MANIFEST_NAME
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
    return path
