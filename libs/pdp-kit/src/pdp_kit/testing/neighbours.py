"""Another platform service running in process beside the one under test, for a test that needs
its real endpoint (sharing and opening reading the catalog's internal records endpoint): its own
migrated SQLite database, and tokens from the same test issuer.

``catalog_app = neighbour_fixture(create_catalog_app, CatalogSettings, migrations_dir)`` in a
test module gives it a ``catalog_app`` fixture (the app with its lifespan run).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from pdp_kit.auth.tokens import TokenIssuer
from pdp_kit.settings import ServiceSettings
from pdp_kit.testing.databases import TestDatabases
from pdp_kit.testing.plugin import settings_for_test


def neighbour_fixture(
    create_app: Callable[[Any], FastAPI],
    settings_class: type[ServiceSettings],
    migrations: Path | str,
) -> Any:
    @pytest.fixture
    async def fixture(
        test_databases: TestDatabases, tmp_path: Path, token_issuer: TokenIssuer
    ) -> AsyncIterator[FastAPI]:
        folder = tmp_path / f"neighbour-{settings_class.__name__}"
        folder.mkdir()
        # The template database is migrated with asyncio.run: off the test's running loop.
        url = await asyncio.to_thread(test_databases.sqlite, Path(migrations), folder)
        application = create_app(settings_for_test(settings_class, str(url), token_issuer))
        async with application.router.lifespan_context(application):
            yield application

    return fixture
