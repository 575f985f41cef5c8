"""Records kept before the chains existed are chained by the migration that adds them."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from audit.main import create_app, definition
from audit.settings import AuditSettings
from pdp_kit.db import create_engine, ensure_database
from pdp_kit.migrations import alembic_config, apply_migrations

MOMENT = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
async def empty_url(service_settings: AuditSettings, tmp_path: Path) -> AsyncIterator[str]:
    url = make_url(service_settings.resolved_database_url())
    if url.get_backend_name() == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
        return
    old = url.set(database=f"{url.database}_old")
    await ensure_database(old.render_as_string(hide_password=False))
    yield old.render_as_string(hide_password=False)
    server = create_async_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with server.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{old.database}" WITH (FORCE)'))
    await server.dispose()


async def test_records_from_before_the_chains_are_chained_in_order_and_verify(
    service_settings: AuditSettings, as_bureau: dict[str, str], empty_url: str
) -> None:
    engine = create_engine(empty_url)
    cfg = alembic_config(Path(definition.migrations_dir), empty_url)

    def to_first(connection: Any) -> None:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "audit_0001")

    async with engine.begin() as connection:
        await connection.run_sync(to_first)
        for n in range(1, 4):
            await connection.execute(
                text(
                    "INSERT INTO journal_entry (event_id, type, source, subject, time, data,"
                    " received_at) VALUES (:id, 't', '/pdp/catalog', :subject, :time, '{}', :time)"
                ),
                {"id": f"e{n}", "subject": f"D00{n}", "time": MOMENT},
            )
            await connection.execute(
                text(
                    "INSERT INTO netlog (event_id, request_id, time, method, path, status,"
                    " latency_ms, bytes_in, bytes_out, received_at) VALUES"
                    " (:id, :id, :time, 'GET', '/', 200, 1.5, 0, 10, :time)"
                ),
                {"id": f"n{n}", "time": MOMENT},
            )
        # A gap in the old numbering, as a rolled-back batch leaves.
        await connection.execute(text("DELETE FROM journal_entry WHERE event_id = 'e2'"))
    await apply_migrations(engine, Path(definition.migrations_dir))
    await engine.dispose()

    app = create_app(service_settings.model_copy(update={"database_url": empty_url}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://audit.test") as client:
            integrity = (await client.get("/api/audit/integrity", headers=as_bureau)).json()
            journal = (await client.get("/api/audit/events", headers=as_bureau)).json()["items"]
            netlogs = (await client.get("/api/audit/netlogs", headers=as_bureau)).json()["items"]

    assert integrity == {"ok": True, "checked": 5}
    assert [item["id"] for item in journal] == ["e1", "e3"]
    assert [item["id"] for item in netlogs] == ["n1", "n2", "n3"]
