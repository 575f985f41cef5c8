"""The pool without pre-ping: a connection the server dropped while idle is replaced before use."""

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

import pdp_kit.db


async def test_a_request_after_the_server_dropped_idle_connections_still_succeeds(
    app, client: httpx.AsyncClient, as_bureau, backend, monkeypatch
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no server to drop connections")
    assert (await client.get("/api/demo/years", headers=as_bureau)).status_code == 200
    url = app.state.engine.url
    killer = create_async_engine(url, poolclass=NullPool)
    async with killer.connect() as conn:
        dropped = await conn.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :db AND pid <> pg_backend_pid()"
            ),
            {"db": url.database},
        )
    await killer.dispose()
    assert dropped >= 1
    monkeypatch.setattr(pdp_kit.db, "PING_AFTER_IDLE_SECONDS", 0.0)  # every pooled one is "idle"
    response = await client.get("/api/demo/years", headers=as_bureau)
    assert response.status_code == 200


async def test_the_platforms_postgresql_connections_do_not_jit_compile_statements(
    app, backend
) -> None:
    if backend != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    async with app.state.engine.connect() as conn:
        assert await conn.scalar(text("SHOW jit")) == "off"
