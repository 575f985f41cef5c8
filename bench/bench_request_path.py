"""The request path: a DB-backed GET on a service against a bare FastAPI + SQLModel app.

1. PostgreSQL: ``GET /departments/{code}`` on the bare app (``_bare_app.py``, the baseline) and on
   the catalog service (``PDP_ROLE=api``, token, middleware, telemetry on), each in its own uvicorn
   process like ``make run`` starts them. Goal: ≥ 0.85× the baseline's requests/s at 16
   connections, and ≤ 0.5 ms more at p50 with one connection.
2. SQLite as under ``make run`` (``PDP_ROLE=all``: relay, consumers, sweeps in the process, the
   embedded broker): the same GET at 16 connections while a writer creates departments (each write
   takes the write lock and publishes an event the relay marks sent). Goal: p99 under 50 ms.
   Baseline: the same GET with no writer.
Run: ``.venv/bin/python bench/bench_request_path.py [seconds]``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

import httpx
from _load import Load, cpu_seconds, free_port, hammer, serve
from _support import (
    POSTGRES,
    Figure,
    postgres_reachable,
    report,
    scratch_database,
    verdict,
)
from sqlalchemy import text

from catalog.main import definition
from pdp_kit.auth.tokens import TokenIssuer, generate_signing_key
from pdp_kit.broker import EmbeddedBroker
from pdp_kit.db import create_engine
from pdp_kit.migrations import apply_migrations

PATH = "/departments/D001"
RATE_GOAL = 0.85
P50_GOAL_MS = 0.5
P99_GOAL_MS = 50.0


def signing() -> tuple[str, str]:
    """An inline JWKS for the service and a bureau token it accepts."""
    key = generate_signing_key()
    issuer = TokenIssuer(key, issuer="http://127.0.0.1:8000", audience="pdp")
    token = issuer.issue(client_id="bench", roles=["bureau"]).access_token
    return json.dumps(issuer.jwks()), token


def service_env(url: str, jwks: str, *, role: str, bootstrap: str) -> dict[str, str]:
    return {
        "PDP_ENV": "test",
        "PDP_ROLE": role,
        "PDP_CATALOG_DATABASE_URL": url,
        "PDP_JWKS": jwks,
        "PDP_KAFKA_BOOTSTRAP": bootstrap,
        "PDP_KAFKA_IDEMPOTENCE": "false",
        "PDP_KAFKA_REBALANCE_TIMEOUT_MS": "1000",
        "PDP_LOG_LEVEL": "WARNING",
        "PDP_RELAY_IDLE_SECONDS": "0.05",
    }


async def prepare(url: str) -> None:
    engine = create_engine(url)
    try:
        await apply_migrations(engine, definition.migrations_dir)
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO department (code, name, created_at) "
                    "VALUES ('D001', '区大数据中心', CURRENT_TIMESTAMP)"
                )
            )
    finally:
        await engine.dispose()


async def measure(port: int, path: str, headers: dict[str, str], seconds: float) -> Load:
    await hammer(port, path, headers=headers, connections=4, seconds=1.0)  # warm up
    return await hammer(port, path, headers=headers, connections=16, seconds=seconds)


async def measure_server(
    pid: int, port: int, path: str, headers: dict[str, str], seconds: float
) -> tuple[Load, Load, float]:
    """16 connections, then 1 connection; and the server's CPU milliseconds per request."""
    await hammer(port, path, headers=headers, connections=4, seconds=1.0)  # warm up
    before = cpu_seconds(pid)
    many = await hammer(port, path, headers=headers, connections=16, seconds=seconds)
    cpu_ms = (cpu_seconds(pid) - before) * 1000 / many.requests
    one = await hammer(port, path, headers=headers, connections=1, seconds=seconds)
    return many, one, cpu_ms


async def request_path(seconds: float) -> None:
    jwks, token = signing()
    auth = {"Authorization": f"Bearer {token}"}
    with tempfile.TemporaryDirectory() as tmp:
        async with scratch_database("request", Path(tmp)) as url:
            await prepare(url)
            results: dict[str, tuple[Load, Load, float]] = {}
            bare_port, service_port = free_port(), free_port()
            env = service_env(url, jwks, role="api", bootstrap="127.0.0.1:1")
            service_path = f"/api/catalog{PATH}"
            for _ in range(2):  # alternate, so drift on a shared machine hits both sides
                with serve("_bare_app:create", {"BENCH_DATABASE_URL": url}, port=bare_port) as c:
                    run = await measure_server(c.pid, bare_port, PATH, {}, seconds)
                    _keep_best(results, "bare", run)
                with serve("catalog.main:create_app", env, port=service_port) as c:
                    _keep_best(
                        results,
                        "service",
                        await measure_server(c.pid, service_port, service_path, auth, seconds),
                    )
    (bare, bare_one, bare_cpu) = results["bare"]
    (service, service_one, service_cpu) = results["service"]
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    report(
        f"GET one department by code ({backend}, uvicorn; 16 connections, p50 at 1)",
        [
            Figure(
                "bare FastAPI + SQLModel (baseline)",
                bare.rate,
                "req/s",
                bare_one.p50,
                bare.percentile(99),
            ),
            Figure(
                "catalog service", service.rate, "req/s", service_one.p50, service.percentile(99)
            ),
        ],
        baseline="bare FastAPI + SQLModel (baseline)",
    )
    ratio, extra = service.rate / bare.rate, service_one.p50 - bare_one.p50
    verdict(f"service / bare requests/s: {ratio:.2f}×", f"≥ {RATE_GOAL}×", ratio >= RATE_GOAL)
    verdict(f"p50 at 1 connection: {extra:+.2f} ms", f"≤ +{P50_GOAL_MS} ms", extra <= P50_GOAL_MS)
    print(f"  (server CPU per request: bare {bare_cpu:.2f} ms, service {service_cpu:.2f} ms)")


def _keep_best(
    results: dict[str, tuple[Load, Load, float]], name: str, run: tuple[Load, Load, float]
) -> None:
    """The better of two rounds for each figure: noise on a shared machine only ever slows."""
    best = results.get(name)
    if best is None:
        results[name] = run
    else:
        results[name] = (
            max(best[0], run[0], key=lambda x: x.rate),
            min(best[1], run[1], key=lambda x: x.p50),
            min(best[2], run[2]),
        )


async def writer(port: int, token: str, stop: asyncio.Event) -> int:
    """Create departments one after another until told to stop; each is a write and an event."""
    written = 0
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}
    ) as client:
        while not stop.is_set():
            response = await client.post(
                "/api/catalog/departments", json={"code": f"W{written:05d}", "name": "写入部门"}
            )
            response.raise_for_status()
            written += 1
    return written


async def sqlite_under_make_run(seconds: float) -> None:
    jwks, token = signing()
    auth = {"Authorization": f"Bearer {token}"}
    path = f"/api/catalog{PATH}"
    with tempfile.TemporaryDirectory() as tmp, EmbeddedBroker(log_path=Path(tmp) / "b.log") as b:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'catalog.db'}"
        await prepare(url)
        port = free_port()
        with serve(
            "catalog.main:create_app",
            service_env(url, jwks, role="all", bootstrap=b.bootstrap),
            port=port,
        ):
            quiet = await measure(port, path, auth, seconds)
            stop = asyncio.Event()
            writing = asyncio.create_task(writer(port, token, stop))
            busy = await hammer(port, path, headers=auth, connections=16, seconds=seconds)
            stop.set()
            written = await writing
    report(
        "The same GET on SQLite, make run's process layout (relay, consumers, sweeps on)",
        [
            Figure("no writer (baseline)", quiet.rate, "req/s", p99_ms=quiet.percentile(99)),
            Figure(
                f"a writer beside it ({written / seconds:,.0f} writes/s)",
                busy.rate,
                "req/s",
                p99_ms=busy.percentile(99),
            ),
        ],
        baseline="no writer (baseline)",
    )
    p99 = busy.percentile(99)
    verdict(f"p99 beside the writer: {p99:.1f} ms", f"< {P99_GOAL_MS:.0f} ms", p99 < P99_GOAL_MS)


async def main_async(seconds: float) -> None:
    if not await postgres_reachable():
        print(f"PostgreSQL at {POSTGRES} is not reachable: the request-path ratio runs on SQLite")
    await request_path(seconds)
    await sqlite_under_make_run(seconds)


def main() -> None:
    asyncio.run(main_async(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0))


if __name__ == "__main__":
    main()
