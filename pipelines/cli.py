"""The `chefskartan` command: generate, validate, refresh, serve, wall, demo."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from contextlib import nullcontext
from pathlib import Path

from pipelines.personnummer import KEY_ENV, KEY_FILE_ENV
from pipelines.processes import run_child

REPO_ROOT = Path(__file__).resolve().parent.parent
APP = REPO_ROOT / "dashboards" / "app.py"
PUBLISHED_ENV = "CHEFSKARTAN_PUBLISHED_DB"


# The server services a temporary server (the CLI's, gone when its one run ends) has no use
# for: schedules, late and paused runs, workers' health, cancellations, automations, lease
# cleanup. Each polls the database while the run works (demo refresh through the CLI, 3
# interleaved pairs: tree CPU 44.4/43.5/39.3 -> 41.1/41.2/37.5 s). Kept: the task run recorder
# and the event persister, which record the run, its tasks and artifacts for the Prefect UI, and
# the database vacuum. A configured server (PREFECT_API_URL, deploy/) keeps its own settings.
IDLE_SERVICES = (
    "SCHEDULER",
    "LATE_RUNS",
    "FOREMAN",
    "PAUSE_EXPIRATIONS",
    "REPOSSESSOR",
    "CANCELLATION_CLEANUP",
    "TRIGGERS",
    "CLEANUP_RECONCILER",
)


def _quiet_prefect() -> None:
    """Offline-friendly Prefect defaults, set before prefect is imported."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    for service in IDLE_SERVICES:
        os.environ.setdefault(f"PREFECT_SERVER_SERVICES_{service}_ENABLED", "false")


def cmd_generate(args: argparse.Namespace) -> int:
    from pipelines.generate import generate_inbox

    manifest = generate_inbox(
        Path(args.out),
        seed=args.seed,
        scale=args.scale,
        kommuner=args.kommun or None,
        national=getattr(args, "kommuner", None),
        periods=getattr(args, "periods", None),
        max_employments=getattr(args, "max_employments", None),
    )
    print(f"Demodata skriven: {manifest.parent} (manifest: {manifest.name})")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from pipelines.templates import TEMPLATES

    for path in TEMPLATES[args.name](Path(args.out)):
        print(f"Mall skriven: {path}")
    return 0


def cmd_plan_report(args: argparse.Namespace) -> int:
    """The action plan with current values (Excel) and the summary for elected officials (PDF)."""
    from dashboards.plan_report import PlanReportError, write_plan_report

    published = Path(args.warehouse) / "published" / "chefskartan.duckdb"
    if not published.is_file():
        print(
            f"chefskartan plan-report: inget publicerat lager i {args.warehouse}", file=sys.stderr
        )
        return 1
    try:
        write_plan_report(
            published, args.kommun, Path(args.out), lambda line: print(f"Skrev {line}", flush=True)
        )
    except PlanReportError as exc:
        print(f"chefskartan plan-report: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Dry run: extract and validate every file, print the report, write nothing."""
    from pipelines.extract import extract_file
    from pipelines.manifest import load_manifest
    from pipelines.personnummer import load_key

    manifest = load_manifest(Path(args.inbox))
    key = load_key()
    reports = [extract_file(entry, key) for entry in manifest.files]
    reports = [r if hasattr(r, "ok") else r.report for r in reports]
    for report in reports:
        print(report.text())
    bad = [r for r in reports if not r.ok]
    print(f"{len(reports) - len(bad)} av {len(reports)} filer godkända.")
    return 1 if bad else 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from pipelines.refresh import check_before_refresh

    only = getattr(args, "only", None)
    check_before_refresh(Path(args.inbox), only)  # a broken manifest needs no Prefect server
    if not only and not args.full:  # nothing changed since the last load: no flow needed
        from pipelines.refresh import unchanged_summary

        if (summary := unchanged_summary(Path(args.inbox), Path(args.warehouse))) is not None:
            print(summary)
            return 0
    _quiet_prefect()
    from pipelines.prefect_server import ServerFailed, start_early

    server = start_early()  # starts while the flow's modules are imported below
    if only:
        from pipelines.flows.refresh_survey import refresh_survey_flow as flow

        arguments: tuple = (only, Path(args.inbox), Path(args.warehouse), args.wait)
    else:
        from pipelines.flows.refresh import refresh_flow as flow

        arguments = (Path(args.inbox), Path(args.warehouse), args.wait, args.full)
    try:
        settings = server.ready_for_flow() if server is not None else nullcontext()
    except ServerFailed as exc:
        print(f"chefskartan refresh: {exc}", file=sys.stderr)
        return 1
    with settings:
        state = flow(*arguments, return_state=True)
    outcome = state.result(raise_on_failure=False)
    if hasattr(outcome, "summary"):
        print(outcome.summary)
    else:
        print(state.message, file=sys.stderr)
    return 0 if state.is_completed() else 1


def cmd_watch(args: argparse.Namespace) -> int:
    """Publish each new or changed export in the inbox through the fast path, until stopped."""
    from pipelines.processes import sigterm_as_interrupt
    from pipelines.watch import watch

    with sigterm_as_interrupt():
        watch(Path(args.inbox), Path(args.warehouse), args.wait)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from pipelines.serve import ServeError, prepare

    try:
        command, serve_env = prepare(args, APP)
    except ServeError as exc:
        print(f"chefskartan serve: {exc}", file=sys.stderr)
        return 2
    print(f"Chefskartan: http://{args.address}:{args.port}", flush=True)
    return run_child(command, env={**os.environ, **serve_env})  # SIGTERM/Ctrl-C stop it too


def cmd_wall(args: argparse.Namespace) -> int:
    """Posters per förvaltning, the combined wall (PDF, PNG) and the workbook for one kommun."""
    from dashboards import format as fmt
    from dashboards.printing import PrintingUnavailable
    from dashboards.queries import PublishedDbProblem
    from dashboards.wall import WallError, write_wall

    published = Path(args.warehouse) / "published" / "chefskartan.duckdb"
    try:
        result = write_wall(
            published, args.kommun, Path(args.out), args.size,
            lambda line: print(f"Skrev {line}", flush=True),
        )  # fmt: skip
    except (WallError, PublishedDbProblem, PrintingUnavailable) as exc:
        print(f"chefskartan wall: {exc}", file=sys.stderr)
        return 1
    print(f"{len(result.files)} filer på {fmt.number(result.seconds, 1)} s.")
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    from pipelines.analyst.sql_shell import cli_main

    return cli_main(Path(args.warehouse), args.kommun, args.sql)


def cmd_export(args: argparse.Namespace) -> int:
    from pipelines.analyst.export import cli_main

    out = Path(args.out)
    return cli_main(Path(args.warehouse), args.kommun, args.format, out, args.marts, args.swedish)


def ensure_demo_key(secrets_dir: Path) -> None:
    """The demo's pseudonymisation key lives in its own folder, never in the warehouse."""
    if os.environ.get(KEY_ENV) or os.environ.get(KEY_FILE_ENV):
        return
    key_file = secrets_dir / "pseudonym.key"
    if not key_file.exists():
        secrets_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(
            key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600
        )  # never readable by others
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    os.environ[KEY_FILE_ENV] = str(key_file)


def cmd_demo(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    inbox, warehouse = root / "inbox", root / "warehouse"
    ensure_demo_key(root / "secrets")
    cmd_generate(argparse.Namespace(out=inbox, seed=args.seed, scale=1.0, kommun=None))
    # The refresh runs in a child, so its temporary Prefect server stops when it is done.
    refresh = ["refresh", "--inbox", str(inbox), "--warehouse", str(warehouse), "--wait", "60"]
    status = run_child([sys.executable, "-m", "pipelines.cli", *refresh])
    if status or args.no_serve:
        return status
    return cmd_serve(argparse.Namespace(warehouse=warehouse, port=args.port, address=args.address))


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="chefskartan",
        description="Chefskartan: HR-exporter och enkäter till faktaväggar (Chefoskopet).",
    )
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("generate", help="write deterministic demo exports and a manifest")
    p.add_argument("--out", required=True, help="inbox folder to write")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same files)")
    p.add_argument("--scale", type=float, default=1.0, help="multiply employee counts")
    p.add_argument("--kommun", action="append", help="only this kommun code (repeatable)")
    p.add_argument("--kommuner", type=int, help="that many Swedish kommuner (290: all)")
    p.add_argument("--periods", type=int, help="with --kommuner: periods (default 1, max 3)")
    p.add_argument("--max-employments", type=int, help="with --kommuner: cap per kommun")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("template", help="write a template to fill in (XLSX and CSV)")
    p.add_argument(
        "name",
        choices=["key-figures", "action-plan"],
        help="key-figures: figures per unit; action-plan: plan and follow-up",
    )
    p.add_argument("--out", required=True, help="folder to write the template to")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser(
        "plan-report", help="the action plan with current values (XLSX) and a PDF summary"
    )
    p.add_argument("--kommun", required=True, help="kommun code, e.g. 1261")
    p.add_argument("--out", required=True, help="folder to write to")
    p.add_argument("--warehouse", default="demo/warehouse", help="warehouse folder")
    p.set_defaults(func=cmd_plan_report)

    p = sub.add_parser("validate", help="dry run: report every problem in the inbox, write nothing")
    p.add_argument("--inbox", required=True, help="folder with manifest.yaml and the exports")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("refresh", help="run the refresh flow: validate, load, build, publish")
    p.add_argument("--inbox", required=True, help="folder with manifest.yaml and the exports")
    p.add_argument("--warehouse", required=True, help="warehouse folder (store + published/)")
    p.add_argument(
        "--wait", type=float, default=0.0, help="seconds to wait if another refresh holds the lock"
    )
    p.add_argument(
        "--only",
        metavar="FILE",
        help="fast path: validate and load only this export (e.g. the in-room survey); the rest "
        "of the warehouse stays as it is",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="read every file and rebuild every kommun, also those unchanged since the last load",
    )
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser(
        "watch", help="publish each new or changed inbox export at once (the room's survey)"
    )
    p.add_argument("--inbox", required=True, help="folder with manifest.yaml and the exports")
    p.add_argument("--warehouse", required=True, help="warehouse folder (store + published/)")
    p.add_argument(
        "--wait", type=float, default=60.0, help="seconds to wait if another refresh holds the lock"
    )
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("serve", help="serve the dashboard on the published warehouse")
    p.add_argument("--warehouse", required=True, help="warehouse folder")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="localhost", help="bind address (default localhost)")
    from pipelines.serve import add_arguments

    add_arguments(p)  # --kommun, --access, --secrets, --no-login, --role
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "wall", help="print the fact wall: A3 posters (PDF, PNG) and an Excel workbook"
    )
    p.add_argument("--kommun", required=True, help="kommun code, e.g. 1262")
    p.add_argument("--out", required=True, help="folder to write the posters to")
    p.add_argument(
        "--warehouse", default="demo/warehouse", help="warehouse folder (default demo/warehouse)"
    )
    p.add_argument("--size", choices=["A3", "A2", "A1"], default="A3", help="poster paper size")
    p.set_defaults(func=cmd_wall)

    p = sub.add_parser("sql", help="SQL on the published file, read-only (DuckDB CLI)")
    p.add_argument("--warehouse", default="demo/warehouse", help="warehouse folder")
    p.add_argument("--kommun", help="open only this kommun's own file, e.g. 1262")
    p.add_argument("-c", dest="sql", help='run this SQL and print a table, e.g. "SELECT ..."')
    p.set_defaults(func=cmd_sql)

    p = sub.add_parser("export", help="a kommun's marts as XLSX, CSV or Parquet")
    p.add_argument("--warehouse", default="demo/warehouse", help="warehouse folder")
    p.add_argument("--kommun", required=True, help="kommun code, e.g. 1262")
    p.add_argument("--format", choices=["xlsx", "csv", "parquet"], default="xlsx")
    p.add_argument("--out", required=True, help="folder to write to")
    p.add_argument("--marts", nargs="+", help="only these marts (default: every mart)")
    p.add_argument("--swedish-headers", dest="swedish", action="store_true", help="Swedish headers")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("demo", help="generate demo data, refresh and serve at localhost:8501")
    p.add_argument("--dir", default="demo", help="folder for inbox, warehouse and key")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="localhost")
    p.add_argument("--no-serve", action="store_true", help="stop after the refresh")
    p.set_defaults(func=cmd_demo)
    return root


def main(argv: list[str] | None = None) -> int:
    from pipelines.failures import debugging, describe_failure
    from pipelines.manifest import ManifestError
    from pipelines.personnummer import MissingKey

    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ManifestError, MissingKey) as exc:
        print(f"chefskartan: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # full disk, broken store: a sentence, never a traceback
        if debugging():
            raise
        print(f"chefskartan {args.command}: {describe_failure(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
