"""What the test-side attacker (tests/attack/) finds on the demo data, and how long it takes.

Builds the demo warehouse (seed 1) without Prefect, or reads an existing one (--warehouse), runs
every attack exhaustively on the combined published file and prints, per kommun, the
derivations (combinations of up to four published cells leaving 1..k-1 persons), how many
isolate a single person, the LP and other findings, the attack's reach and CPU seconds.
Usage: python benchmarks/bench_attack.py [--warehouse DIR] [--show 10] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def demo_warehouse(tmp: Path) -> Path:
    from pipelines.generate import generate_inbox
    from pipelines.refresh import run_steps

    inbox = generate_inbox(tmp / "inbox", seed=1).parent
    run_steps(inbox, tmp / "warehouse", b"benchmark-key")
    return tmp / "warehouse"


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--warehouse", type=Path, help="an existing warehouse folder")
    args.add_argument("--show", type=int, default=5, help="examples to print per attack")
    args.add_argument("--json", action="store_true", help="print the summary as JSON")
    opts = args.parse_args()
    from tests.attack.attacker import attack
    from tests.attack.knowledge import Knowledge

    with tempfile.TemporaryDirectory() as tmp:
        warehouse = opts.warehouse or demo_warehouse(Path(tmp))
        start = time.process_time(), time.perf_counter()
        know = Knowledge.from_store(warehouse / "store.duckdb")
        report = attack(warehouse / "published" / "chefskartan.duckdb", know)
        cpu, wall = time.process_time() - start[0], time.perf_counter() - start[1]
    summary = {
        "per_kommun": {k: dict(v) for k, v in sorted(report.summary().items())},
        "reach": dict(report.reach),
        "cpu_seconds": {k: round(v, 2) for k, v in report.seconds.items()},
        "total_cpu_seconds": round(cpu, 2),
        "total_wall_seconds": round(wall, 2),
        "broken_models": [list(s) for s in report.broken_models],
    }
    if opts.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False, default=str))
        return 0
    for key, value in summary.items():
        print(f"{key}: {value}")
    shown = sorted(report.derivations, key=lambda d: (d.system[0], d.value, len(d.terms)))
    for title, lines in [
        ("survey derivations", [d.text() for d in shown if d.system[0] == "survey"]),
        ("sick-leave derivations", [d.text() for d in shown if d.system[0] == "sick"]),
        ("LP bounds", [b.text() for b in report.bounds]),
        ("other findings", [f.text() for f in report.findings]),
    ]:
        print(f"\n{title} ({len(lines)}):")
        print("\n".join(f"  {line}" for line in lines[: opts.show]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
