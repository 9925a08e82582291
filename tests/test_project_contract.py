"""The public contract: every prefect.yaml entrypoint imports, every CLI command has --help and docs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from prefect.flows import Flow, load_flow_from_entrypoint

from pipelines.cli import main, parser
from schemas.marts import MARTS

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(parser()._subparsers._group_actions[0].choices)  # noqa: SLF001


def test_every_prefect_entrypoint_imports_a_flow() -> None:
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    assert spec["deployments"]
    for deployment in spec["deployments"]:
        flow = load_flow_from_entrypoint(str(ROOT / deployment["entrypoint"]))
        assert isinstance(flow, Flow), deployment["name"]
        schedules = deployment.get("schedules", [])
        assert all(s["timezone"] == "Europe/Stockholm" for s in schedules)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert f"chefskartan {command}" in capsys.readouterr().out


def test_readme_documents_every_command_and_mart() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"chefskartan {command}" in readme, command
    for mart in MARTS:
        assert mart.name in readme, mart.name


def test_data_dictionary_is_generated_from_the_schemas() -> None:
    from schemas.dictionary import dictionary_markdown

    committed = (ROOT / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    assert committed == dictionary_markdown(), (
        "run: python -m schemas.dictionary > docs/data_dictionary.md"
    )
