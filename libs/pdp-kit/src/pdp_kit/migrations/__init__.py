"""Alembic plumbing shared by every service.

Each service keeps its own migrations in ``services/<name>/migrations``; the kit's tables live in a
separate Alembic branch (``pdp_kit``, in ``pdp_kit/migrations/versions``) that every service
applies too, so a change to the outbox is written once. ``alembic upgrade heads`` runs both.
"""

from __future__ import annotations

import asyncio
import zlib
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from pdp_kit.models import KitModel

KIT_VERSIONS = Path(__file__).parent / "versions"


def locate(package_file: str) -> Path:
    """A service's migrations: ``<package>/migrations`` in a wheel, ``services/<name>/migrations``
    in the source tree (editable installs)."""
    package_dir = Path(package_file).resolve().parent
    for candidate in (package_dir / "migrations", package_dir.parents[1] / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise FileNotFoundError(f"no migrations next to {package_dir}")


def alembic_config(migrations_dir: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", f"{migrations_dir / 'versions'}:{KIT_VERSIONS}")
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def apply_migrations(engine: AsyncEngine, migrations_dir: Path) -> None:
    """Bring the database to the newest revision of the service and of the kit.

    On PostgreSQL an advisory lock keeps replicas that start together from racing.
    """
    cfg = alembic_config(migrations_dir, engine.url.render_as_string(hide_password=False))
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            key = zlib.crc32(str(migrations_dir).encode()) & 0x7FFFFFFF
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
        await conn.run_sync(_upgrade, cfg)


def _upgrade(connection: Connection, cfg: Config) -> None:
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "heads")


def run_env(service_metadata: MetaData) -> None:
    """The body of every service's ``migrations/env.py``."""
    targets = [service_metadata, KitModel.metadata]
    kit_tables = set(KitModel.metadata.tables)

    def include_object(obj: Any, name: str | None, type_: str, *_: Any) -> bool:
        # Autogenerate in a service never writes the kit's tables: the kit branch owns them.
        return not (type_ == "table" and name in kit_tables)

    def configure(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=targets,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    connection = context.config.attributes.get("connection")
    if connection is not None:
        configure(connection)
        return
    if context.is_offline_mode():
        context.configure(
            url=context.config.get_main_option("sqlalchemy.url"),
            target_metadata=targets,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    async def online() -> None:
        engine = create_async_engine(context.config.get_main_option("sqlalchemy.url") or "")
        async with engine.begin() as conn:
            await conn.run_sync(configure)
        await engine.dispose()

    asyncio.run(online())
