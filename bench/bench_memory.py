"""Resident memory of the whole platform under ``make run``, idle and after work.

Starts the platform as ``make run`` does (``pdp-devstack``: broker, six services, gateway,
municipal simulator; SQLite) on free ports, then sums the resident set (``VmRSS``) of every
process in its tree: once ready, and again after a resource of 10,000 records has been published
and walked through a sharing grant (the data-call benchmark's set-up and one walk). The baseline
is the same platform's first figure. Goal (issue 6): under 1.5 GiB after the work.
Run: ``.venv/bin/python bench/bench_memory.py [RECORDS]`` (default 10,000).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx
from _support import report, size_argument, verdict
from bench_sharing_data_calls import RECORDS, running_platform, set_up, walk

GOAL_BYTES = 1.5 * 1024**3


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found.extend(int(child) for child in children)
    return found


def tree_rss(root: int) -> tuple[int, int]:
    """Bytes resident in ``root`` and every descendant, and how many processes that is."""
    total, count, pending = 0, 0, [root]
    while pending:
        pid = pending.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            pending.extend(_children(pid))
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended in between
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
                count += 1
    return total, count


def main() -> None:
    records = size_argument(RECORDS)
    with tempfile.TemporaryDirectory() as tmp, running_platform(Path(tmp)) as platform:
        url, pid = platform.url, platform.pid
        idle, processes = tree_rss(pid)
        with httpx.Client(base_url=url, timeout=60) as gateway:
            print(f"publishing {records:,} records and walking them through a grant …", flush=True)
            _, grant, holder = set_up(gateway, records)
            walk(gateway, f"/api/sharing/grants/{grant}/data", holder, None, records)
        worked, _ = tree_rss(pid)
    report(
        f"Resident memory of make run's {processes} processes (SQLite, embedded broker)",
        [
            ("ready, idle (baseline)", idle / 1024**2, "MiB"),
            (f"after {records:,} records published and walked", worked / 1024**2, "MiB"),
        ],
        baseline="ready, idle (baseline)",
    )
    verdict(
        f"after the work: {worked / 1024**3:.2f} GiB",
        f"< {GOAL_BYTES / 1024**3:.1f} GiB",
        worked < GOAL_BYTES,
    )


if __name__ == "__main__":
    main()
