"""The restore drill (Art. 32): a backup restored into a fresh database verifies."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from audit.main import create_app
from audit.settings import AuditSettings
from audit.subscriptions import when_any_event_is_published_journal_it as journal_it
from audit.subscriptions import when_data_is_called_keep_a_usage_record as keep_usage
from audit.subscriptions import when_request_is_logged_keep_it as keep_netlog
from pdp_kit.backup import backup_database, restore_database


@pytest.fixture
async def fresh_url(service_settings: AuditSettings, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database beside the test's own."""
    url = make_url(service_settings.resolved_database_url())
    if url.get_backend_name() == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}"
        return
    restored = url.set(database=f"{url.database}_restored")
    yield restored.render_as_string(hide_password=False)
    server = create_async_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with server.connect() as connection:
        await connection.execute(
            text(f'DROP DATABASE IF EXISTS "{restored.database}" WITH (FORCE)')
        )
    await server.dispose()


async def test_a_backup_restored_into_a_fresh_database_verifies_and_has_every_record(
    app: FastAPI,
    client: httpx.AsyncClient,
    as_bureau: dict[str, str],
    service_settings: AuditSettings,
    events: Any,
    deliver: Any,
    sweep: Any,
    fresh_url: str,
    tmp_path: Path,
) -> None:
    await deliver(journal_it, *(events.department_created(f"D00{n}") for n in range(1, 4)))
    await deliver(keep_usage, events.data_called("G1"), events.data_called("G2"))
    await deliver(keep_netlog, events.request_logged(time="2026-03-01T08:00:00"))
    await sweep("2026-03-10")  # checkpoints signed
    before = (await client.get("/api/audit/integrity", headers=as_bureau)).json()
    journal = (await client.get("/api/audit/events", headers=as_bureau)).json()["items"]

    backup = backup_database(
        service_settings.resolved_database_url(), tmp_path / "backup" / "audit"
    )
    await restore_database(backup, fresh_url)

    restored = create_app(service_settings.model_copy(update={"database_url": fresh_url}))
    async with restored.router.lifespan_context(restored):
        transport = httpx.ASGITransport(app=restored)
        async with httpx.AsyncClient(transport=transport, base_url="http://audit.test") as other:
            after = (await other.get("/api/audit/integrity", headers=as_bureau)).json()
            copied = (await other.get("/api/audit/events", headers=as_bureau)).json()["items"]
    assert before == {"ok": True, "checked": 6}
    assert after == before
    assert copied == journal
