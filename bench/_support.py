"""What the benchmarks share: a database to run on, and how figures are printed.

Figures are ratios against a baseline measured in the same process and the same run, so a noisy
machine still gives a true comparison.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from pdp_kit.db import create_engine
from pdp_kit.migrations import apply_migrations

#: Where ``report`` and ``verdict`` append their results as JSON lines, when set (run_all.py).
RESULTS_ENV = "PDP_BENCH_RESULTS"
POSTGRES = os.environ.get(
    "PDP_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


async def postgres_reachable() -> bool:
    engine = create_async_engine(POSTGRES)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means we fall back to SQLite
        return False
    finally:
        await engine.dispose()


@asynccontextmanager
async def scratch_database(name: str, workdir: Path) -> AsyncIterator[str]:
    """A fresh database URL on PostgreSQL if reachable (dropped afterwards), else a SQLite file."""
    if await postgres_reachable():
        database = f"pdp_bench_{name}_{uuid.uuid4().hex[:8]}"
        admin = create_async_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{database}"'))
        try:
            yield make_url(POSTGRES).set(database=database).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            await admin.dispose()
    else:
        yield f"sqlite+aiosqlite:///{workdir / f'{name}.db'}"


@asynccontextmanager
async def migrated_database(name: str, migrations: Path) -> AsyncIterator[tuple[AsyncEngine, str]]:
    """A scratch database with a service's migrations applied: its engine and backend name."""
    with tempfile.TemporaryDirectory() as tmp:
        async with scratch_database(name, Path(tmp)) as url:
            engine = create_engine(url)
            try:
                await apply_migrations(engine, migrations)
                yield engine, backend_of(url)
            finally:
                await engine.dispose()


def size_argument(default: int) -> int:
    """The data size given as the script's first argument (``make bench`` runs 1× and 10×)."""
    if len(sys.argv) < 2:
        return default
    try:
        size = int(sys.argv[1].replace("_", ""))
    except ValueError:
        sys.exit(f"usage: {Path(sys.argv[0]).name} [RECORDS]  (a whole number, e.g. {default})")
    if size < 1:
        sys.exit("RECORDS must be at least 1")
    return size


def backend_of(url: str) -> str:
    return make_url(url).get_backend_name()


class Stopwatch:
    def __enter__(self) -> Stopwatch:
        self.started = time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = time.perf_counter() - self.started


@dataclass(frozen=True)
class Figure:
    """One measured line of a table: a value and, where a load was run, its latencies."""

    name: str
    value: float
    unit: str
    p50_ms: float | None = None
    p99_ms: float | None = None


def report(
    title: str, rows: list[tuple[str, float, str] | Figure], *, baseline: str
) -> list[Figure]:
    """Print ``name  value unit  ratio-to-baseline`` lines (and p50/p99 where measured), and
    record the table for ``run_all.py`` when it asked for results (``PDP_BENCH_RESULTS``)."""
    figures = [row if isinstance(row, Figure) else Figure(*row) for row in rows]
    base = {figure.name: figure.value for figure in figures}[baseline] or float("nan")
    print(f"\n{title}")
    for figure in figures:
        latency = ""
        if figure.p50_ms is not None:
            latency = f"  p50 {figure.p50_ms:7.2f} ms"
        if figure.p99_ms is not None:
            latency += f"  p99 {figure.p99_ms:7.2f} ms"
        print(
            f"  {figure.name:<44} {figure.value:>12,.1f} {figure.unit:<12} "
            f"{figure.value / base:>6.2f}× baseline{latency}"
        )
    _record(
        {
            "table": title,
            "baseline": baseline,
            "rows": [{**asdict(f), "ratio": f.value / base} for f in figures],
        }
    )
    return figures


async def wait_until(check, *, timeout: float, every: float = 0.05) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark condition not met in time")
        await asyncio.sleep(every)


def verdict(figure: str, goal: str, met: bool) -> None:
    """One line per goal: the figure, the goal, and whether this run met it."""
    print(f"  {figure:<58} goal {goal:<28} {'MET' if met else 'NOT MET'}")
    _record({"verdict": figure, "goal": goal, "met": met})


def _record(entry: dict[str, Any]) -> None:
    """Append ``entry`` to the JSON-lines file ``run_all.py`` reads, with the script's name."""
    target = os.environ.get(RESULTS_ENV)
    if target:
        script = Path(sys.argv[0]).stem
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps({"script": script, **entry}, ensure_ascii=False) + "\n")
