"""PostgreSQL restarted while catalog takes writes and audit journals them: real processes.

Catalog and audit run as ``make run`` runs them (uvicorn, API and worker in one process) on
PostgreSQL and the embedded broker. The test restarts the server with ``pg_ctlcluster``: it runs
in ``make test``'s serial phase only, since every other test's databases live on that server.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from resilience_kit import Summary, eventually
from sqlalchemy import text
from sqlalchemy.engine import make_url

from pdp_kit.auth.principal import Role
from pdp_kit.broker import EmbeddedBroker, free_port
from pdp_kit.db import create_async_engine
from pdp_kit.testing.databases import postgres_server_url
from pdp_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, Auth, require_postgres

pytestmark = [pytest.mark.timeout(420), pytest.mark.broker, pytest.mark.postgres]

CLUSTERS = Path("/etc/postgresql")
JOURNALED = (
    "SELECT count(*) FROM journal_entry WHERE type LIKE '%department.created%' "
    "AND subject LIKE 'PG%'"
)


def _cluster_version() -> str | None:
    if shutil.which("pg_ctlcluster") is None or os.geteuid() != 0 or not CLUSTERS.is_dir():
        return None
    versions = sorted(p.name for p in CLUSTERS.iterdir())
    return versions[0] if versions else None


def restart_postgres(version: str) -> float:
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return time.monotonic() - started


@contextmanager
def service(name: str, port: int, env: dict[str, str], log: Path) -> Iterator[str]:
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                f"{name}.main:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
async def platform_database(_postgres_ok: bool) -> AsyncIterator[str]:
    """A database-name prefix; each service creates ``<prefix>_<service>`` itself."""
    require_postgres(_postgres_ok)
    prefix = f"pdp_restart_{uuid.uuid4().hex[:8]}"
    yield prefix
    engine = create_async_engine(postgres_server_url(), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            for name in ("catalog", "audit"):
                await connection.execute(
                    text(f'DROP DATABASE IF EXISTS "{prefix}_{name}" WITH (FORCE)')
                )
    finally:
        await engine.dispose()


async def _scalar(url: str, statement: str) -> int:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(text(statement))).scalar() or 0)
    finally:
        await engine.dispose()


async def test_services_recover_by_themselves_from_a_postgres_restart_with_no_change_unpublished(
    own_broker: EmbeddedBroker, platform_database: str, auth: Auth, tmp_path: Path
) -> None:
    version = _cluster_version()
    if version is None:
        pytest.skip("needs root and pg_ctlcluster to restart the local PostgreSQL")
    summary = Summary("postgres restart")
    server = make_url(postgres_server_url())
    env = {
        **os.environ,
        "PDP_ENV": "dev",
        "PDP_ROLE": "all",
        "PDP_DATA_DIR": str(tmp_path / "data"),
        "PDP_DATABASE_URL": server.set(database=platform_database).render_as_string(
            hide_password=False
        ),
        "PDP_KAFKA_BOOTSTRAP": own_broker.bootstrap,
        "PDP_KAFKA_IDEMPOTENCE": "false",
        "PDP_KAFKA_REBALANCE_TIMEOUT_MS": "1000",
        "PDP_RELAY_IDLE_SECONDS": "0.05",
        "PDP_JWKS": json.dumps(auth.issuer.jwks()),
        "PDP_TOKEN_ISSUER": TEST_ISSUER,
        "PDP_TOKEN_AUDIENCE": TEST_AUDIENCE,
        "PDP_LOG_JSON": "false",
    }
    catalog_db = server.set(database=f"{platform_database}_catalog").render_as_string(
        hide_password=False
    )
    audit_db = server.set(database=f"{platform_database}_audit").render_as_string(
        hide_password=False
    )
    bureau = auth.headers(Role.BUREAU)
    with (
        service("catalog", free_port(), env, tmp_path / "catalog.log") as catalog,
        service("audit", free_port(), env, tmp_path / "audit.log"),
    ):
        async with httpx.AsyncClient(base_url=catalog, timeout=10) as client:

            async def ready() -> bool:
                try:
                    return (await client.get("/readyz")).status_code == 200
                except httpx.HTTPError:
                    return False

            await eventually(ready, timeout=120, what="catalog ready", every=0.5)
            created: list[str] = []
            refused = 0
            readiness: list[int] = []
            writing = True

            async def write() -> None:
                nonlocal refused
                n = 0
                while writing:
                    code = f"PG{n:05d}"
                    n += 1
                    try:
                        response = await client.post(
                            "/api/catalog/departments",
                            json={"code": code, "name": f"部门{code}"},
                            headers=bureau,
                        )
                    except httpx.HTTPError:
                        refused += 1
                        await asyncio.sleep(0.05)
                        continue
                    if response.status_code == 201:
                        created.append(code)
                    else:
                        assert response.status_code >= 500, response.text
                        refused += 1
                        await asyncio.sleep(0.05)

            async def watch() -> None:
                while writing:
                    try:
                        readiness.append((await client.get("/readyz")).status_code)
                    except httpx.HTTPError:
                        readiness.append(0)
                    await asyncio.sleep(0.05)

            tasks = [asyncio.create_task(write()), asyncio.create_task(watch())]
            try:
                await eventually(lambda: _at_least(created, 20), timeout=60, what="writes before")
                before = len(created)
                restart_seconds = await asyncio.to_thread(restart_postgres, version)
                # The services reconnect by themselves: writes succeed again, readiness is back.
                await eventually(
                    lambda: _at_least(created, before + 20), timeout=90, what="writes after"
                )
                await eventually(lambda: _back(readiness), timeout=60, what="readiness 200 again")
            finally:
                writing = False
                await asyncio.gather(*tasks)
            assert 503 in readiness, "readiness never reported the database down"
            departments = await _scalar(
                catalog_db, "SELECT count(*) FROM department WHERE code LIKE 'PG%'"
            )
            events = await _scalar(
                catalog_db, "SELECT count(*) FROM pdp_outbox WHERE key LIKE 'PG%'"
            )
            assert departments >= len(created)
            assert events == departments, "a state change without its event, or the reverse"

            async def journaled() -> bool:
                return await _scalar(audit_db, JOURNALED) >= departments

            await eventually(journaled, timeout=90, what=f"{departments} changes journaled")
            assert await _scalar(audit_db, JOURNALED) == departments

    summary.print(
        changes=departments,
        refused_during_restart=refused,
        restart_seconds=f"{restart_seconds:.1f}",
        readiness_503s=readiness.count(503),
    )


async def _at_least(items: list[str], n: int) -> bool:
    return len(items) >= n


async def _back(readiness: list[int]) -> bool:
    return 503 in readiness and readiness[-1] == 200
