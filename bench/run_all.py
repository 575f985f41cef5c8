"""Every benchmark, one after another, then one table of all their figures (``make bench``).

Each script measures its figures beside a baseline in the same run and records them through
``_support.report`` / ``verdict``; this runner collects those records, prints them as one table
and writes them as JSON under ``bench/results/`` (a file per run and ``latest.json``), with the
machine they ran on. Scripts that take a data size run at 1× and at 10×, so the table shows how
each figure grows; ``--quick`` runs everything small, to check the benchmarks still work.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _support import RESULTS_ENV

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"


@dataclass(frozen=True)
class Run:
    script: str
    #: The arguments at each scale; one entry when the script has no data size to vary.
    sizes: dict[str, list[str]]


#: The full runs (about an hour on two cores) and the quick ones (a few minutes).
FULL = (
    Run("bench_request_instructions.py", {"1×": ["200"]}),
    Run("bench_request_path.py", {"1×": ["5"]}),
    Run("bench_gateway.py", {"1×": ["4"]}),
    Run("bench_events_to_journal.py", {"1×": ["20000"], "10×": ["200000"]}),
    Run(
        "bench_audit.py",
        {"1×": ["2000", "100000", "20000"], "10×": ["20000", "1000000", "200000"]},
    ),
    Run("bench_catalog_ingest.py", {"1×": ["20000"], "10×": ["200000"]}),
    Run("bench_catalog_search.py", {"1× and 10×": ["--base", "50000", "--scales", "1", "10"]}),
    Run("bench_sharing_data_calls.py", {"1×": ["10000"], "10×": ["100000"]}),
    Run("bench_opening_data.py", {"1×": ["10000"], "10×": ["100000"]}),
    Run("bench_memory.py", {"1×": ["10000"], "10×": ["100000"]}),
)
QUICK = (
    Run("bench_request_instructions.py", {"1×": ["30"]}),
    Run("bench_request_path.py", {"1×": ["1"]}),
    Run("bench_gateway.py", {"1×": ["1"]}),
    Run("bench_events_to_journal.py", {"1×": ["300"], "10×": ["3000"]}),
    Run("bench_audit.py", {"1×": ["300", "3000", "300"], "10×": ["3000", "30000", "3000"]}),
    Run("bench_catalog_search.py", {"1× and 10×": ["--base", "300", "--scales", "1", "10"]}),
    Run("bench_catalog_ingest.py", {"1×": ["500"], "10×": ["5000"]}),
    Run("bench_sharing_data_calls.py", {"1×": ["200"], "10×": ["2000"]}),
)


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory / 1024**3, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from the PATH
            capture_output=True,
            text=True,
            check=True,
            cwd=BENCH_DIR,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run_one(run: Run, scale: str, args: list[str], scratch: Path) -> dict[str, Any]:
    """Run a script (its own output goes straight through, progress lines included) and return
    what it recorded."""
    records = scratch / f"{Path(run.script).stem}-{len(list(scratch.iterdir()))}.jsonl"
    print(f"\n== {run.script} {' '.join(args)} ({scale})", flush=True)
    started = time.monotonic()
    code = subprocess.call(
        [sys.executable, str(BENCH_DIR / run.script), *args],
        env={**os.environ, RESULTS_ENV: str(records)},
    )
    entries = (
        [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
        if records.exists()
        else []
    )
    return {
        "script": run.script,
        "scale": scale,
        "args": args,
        "exit_code": code,
        "seconds": round(time.monotonic() - started, 1),
        "tables": [e for e in entries if "table" in e],
        "verdicts": [e for e in entries if "verdict" in e],
    }


def print_summary(results: dict[str, Any]) -> None:
    print("\n" + "=" * 100)
    info = results["machine"]
    print(
        f"All figures, commit {results['commit']}, {info['cpus']} × {info['cpu']}, "
        f"{info['memory_gib']} GiB, Python {info['python']}, {results['started']}"
    )
    for run in results["runs"]:
        failed = f"  (exit code {run['exit_code']})" if run["exit_code"] else ""
        print(f"\n{run['script']} at {run['scale']}, {run['seconds']:.0f} s{failed}")
        for table in run["tables"]:
            print(f"  {table['table']}")
            for row in table["rows"]:
                latency = "".join(
                    f"  {key[:3]} {row[key]:7.2f} ms"
                    for key in ("p50_ms", "p99_ms")
                    if row.get(key) is not None
                )
                print(
                    f"    {row['name']:<52} {row['value']:>12,.1f} {row['unit']:<12}"
                    f" {row['ratio']:>6.2f}×{latency}"
                )
        for verdict in run["verdicts"]:
            print(
                f"  goal {verdict['goal']:<22} {verdict['verdict']:<56} "
                f"{'MET' if verdict['met'] else 'NOT MET'}"
            )
    met = sum(v["met"] for run in results["runs"] for v in run["verdicts"])
    goals = sum(len(run["verdicts"]) for run in results["runs"])
    print(
        f"\n{met} of {goals} goals met; {len(results['runs'])} runs in {results['seconds']:.0f} s"
    )


def markdown(results: dict[str, Any]) -> str:
    """The table as Markdown, for the README (``bench/results/latest.md``)."""
    info = results["machine"]
    lines = [
        f"`make bench` at commit `{results['commit']}`, {results['started']}, on "
        f"{info['cpus']} × {info['cpu']}, {info['memory_gib']} GiB, {info['system']}, "
        f"Python {info['python']} (load average at the start "
        f"{', '.join(str(x) for x in info['load_average_at_start'])}), "
        f"{results['seconds'] / 60:.0f} minutes.",
        "",
        "| benchmark | size | figure | value | × baseline | p50 / p99 |",
        "|---|---|---|---|---|---|",
    ]
    for run in results["runs"]:
        name = run["script"].removeprefix("bench_").removesuffix(".py")
        for table in run["tables"]:
            for row in table["rows"]:
                latency = (
                    f"{row['p50_ms']:.2f} / {row['p99_ms']:.2f} ms"
                    if row.get("p50_ms") is not None and row.get("p99_ms") is not None
                    else ""
                )
                lines.append(
                    f"| {name} | {run['scale']} | {row['name']} | "
                    f"{row['value']:,.1f} {row['unit']} | {row['ratio']:.2f}× | {latency} |"
                )
        if run["exit_code"]:
            lines.append(
                f"| {name} | {run['scale']} | (failed, exit code {run['exit_code']}) | | | |"
            )
    lines += ["", "| benchmark | size | goal | figure | met |", "|---|---|---|---|---|"]
    for run in results["runs"]:
        name = run["script"].removeprefix("bench_").removesuffix(".py")
        for verdict in run["verdicts"]:
            lines.append(
                f"| {name} | {run['scale']} | {verdict['goal']} | {verdict['verdict']} | "
                f"{'MET' if verdict['met'] else 'NOT MET'} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: does it all still run")
    parser.add_argument("--only", nargs="*", default=[], help="run only these scripts")
    options = parser.parse_args()
    plan = [
        r
        for r in (QUICK if options.quick else FULL)
        if not options.only or r.script in options.only
    ]
    began = time.monotonic()
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "quick": options.quick,
        "machine": machine(),
        "runs": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for run in plan:
            for scale, args in run.sizes.items():
                results["runs"].append(run_one(run, scale, args, Path(tmp)))
    results["seconds"] = round(time.monotonic() - began, 1)
    print_summary(results)
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = results["started"].replace(":", "").replace("-", "")
    name = f"{stamp}{'-quick' if options.quick else ''}.json"
    for target in (
        RESULTS_DIR / name,
        RESULTS_DIR / ("latest-quick.json" if options.quick else "latest.json"),
    ):
        target.write_text(
            json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    if not options.quick:
        (RESULTS_DIR / "latest.md").write_text(markdown(results), encoding="utf-8")
    print(f"written: bench/results/{name}")
    if any(run["exit_code"] for run in results["runs"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
