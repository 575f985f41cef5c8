"""Fresh, migrated databases for tests: SQLite files, and PostgreSQL databases from a template.

Each service's migrations run once per test session into a template; every test then gets its
own copy (a file copy, or ``CREATE DATABASE ... TEMPLATE``), so tests never see each other's rows.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from pdp_kit.db import create_engine
from pdp_kit.migrations import apply_migrations

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def postgres_server_url() -> str:
    return os.environ.get("PDP_TEST_POSTGRES_URL", DEFAULT_POSTGRES)


async def postgres_available() -> bool:
    engine = create_async_engine(postgres_server_url())
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - unreachable for any reason means unavailable
        return False
    finally:
        await engine.dispose()


async def _migrate(url: str, migrations: Path) -> None:
    engine = create_engine(url)
    try:
        await apply_migrations(engine, migrations)
    finally:
        await engine.dispose()


async def _admin(statements: list[str]) -> None:
    engine = create_async_engine(postgres_server_url(), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


class TestDatabases:
    """Per-session templates and per-test copies, for one test run."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.run_id = uuid.uuid4().hex[:8]
        self._sqlite_templates: dict[Path, Path] = {}
        self._pg_templates: dict[Path, str] = {}
        self._pg_databases: list[str] = []

    def sqlite(self, migrations: Path, target_dir: Path) -> str:
        template = self._sqlite_templates.get(migrations)
        if template is None:
            template = self.workdir / f"template-{len(self._sqlite_templates)}.db"
            asyncio.run(_migrate(f"sqlite+aiosqlite:///{template}", migrations))
            self._sqlite_templates[migrations] = template
        target = target_dir / f"{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(template, target)
        return f"sqlite+aiosqlite:///{target}"

    def postgres(self, migrations: Path) -> str:
        template = self._pg_templates.get(migrations)
        if template is None:
            template = f"pdp_test_{self.run_id}_tpl{len(self._pg_templates)}"
            asyncio.run(_admin([f'CREATE DATABASE "{template}"']))
            self._pg_databases.append(template)
            asyncio.run(_migrate(self._url(template), migrations))
            self._pg_templates[migrations] = template
        name = f"pdp_test_{self.run_id}_{uuid.uuid4().hex[:8]}"
        asyncio.run(_admin([f'CREATE DATABASE "{name}" TEMPLATE "{template}"']))
        self._pg_databases.append(name)
        return self._url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        if name in self._pg_databases:
            asyncio.run(_admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)']))
            self._pg_databases.remove(name)

    def close(self) -> None:
        if self._pg_databases:
            asyncio.run(
                _admin(
                    [
                        f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)'
                        for n in reversed(self._pg_databases)
                    ]
                )
            )
            self._pg_databases.clear()

    def _url(self, database: str) -> str:
        return (
            make_url(postgres_server_url())
            .set(database=database)
            .render_as_string(hide_password=False)
        )
