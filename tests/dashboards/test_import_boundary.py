"""dashboards/ reads only the published marts: it never imports the pipeline or warehouse code,
and only dashboards/queries.py talks to DuckDB."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import dashboards

DASHBOARDS = Path(dashboards.__file__).parent
MODULES = sorted(DASHBOARDS.rglob("*.py"))
FORBIDDEN = {"pipelines", "warehouse"}


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every absolute import in the file (also inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and ast.unparse(node.func) in {"importlib.import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value).split(".")[0])
    return names


def test_the_package_has_modules() -> None:
    names = {str(p.relative_to(DASHBOARDS)) for p in MODULES}
    assert {"app.py", "queries.py", "format.py", "views/fact_wall.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(DASHBOARDS)))
def test_no_pipeline_or_warehouse_imports(path: Path) -> None:
    assert imported_modules(path).isdisjoint(FORBIDDEN)


def test_only_queries_touches_duckdb() -> None:
    users = sorted(
        str(p.relative_to(DASHBOARDS)) for p in MODULES if "duckdb" in imported_modules(p)
    )
    assert users == ["queries.py"]


def test_the_checker_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n"
        "def f():\n"
        "    from warehouse.build import publish\n"
        "    import pipelines.cli as cli\n"
        "    return importlib.import_module('duckdb')\n",
        encoding="utf-8",
    )
    assert {"warehouse", "pipelines", "duckdb", "os"} <= imported_modules(sample)
