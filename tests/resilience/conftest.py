"""Fixtures of the fault tests: a broker of the test's own, and real PostgreSQL databases."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from resilience_kit import SUMMARIES, Database

from pdp_kit.broker import EmbeddedBroker
from pdp_kit.testing.databases import TestDatabases
from pdp_kit.testing.plugin import require_postgres

REPO = Path(__file__).resolve().parents[2]
#: The services whose changes the tests make (each its own database and outbox).
PRODUCERS = ("catalog", "sharing", "opening", "registry", "gateway")


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[EmbeddedBroker]:
    """A broker only this test uses: a new consumer group sees no other test's records."""
    with EmbeddedBroker(log_path=tmp_path / "tansu.log") as broker:
        yield broker


def _migrated(test_databases: TestDatabases, postgres_ok: bool, service: str) -> str:
    require_postgres(postgres_ok)
    home = REPO / "gateway" if service == "gateway" else REPO / "services" / service
    return test_databases.postgres(home / "migrations")


@pytest.fixture
def _audit_url(test_databases: TestDatabases, _postgres_ok: bool) -> str:
    return _migrated(test_databases, _postgres_ok, "audit")


@pytest.fixture
def _producer_urls(test_databases: TestDatabases, _postgres_ok: bool) -> dict[str, str]:
    return {name: _migrated(test_databases, _postgres_ok, name) for name in PRODUCERS}


@pytest.fixture
async def audit_db(_audit_url: str) -> AsyncIterator[Database]:
    """Audit's database (PostgreSQL, its real migrations): journal, usage records, network log."""
    database = Database.open(_audit_url)
    yield database
    await database.engine.dispose()


@pytest.fixture
async def producer_dbs(_producer_urls: dict[str, str]) -> AsyncIterator[dict[str, Database]]:
    """Catalog's, sharing's, opening's, registry's and the gateway's, each with its outbox."""
    databases = {name: Database.open(url) for name, url in _producer_urls.items()}
    yield databases
    for database in databases.values():
        await database.engine.dispose()


@pytest.fixture
def _redelivery_urls(
    test_databases: TestDatabases, _postgres_ok: bool, service: str
) -> tuple[str, str]:
    return (
        _migrated(test_databases, _postgres_ok, service),
        _migrated(test_databases, _postgres_ok, service),
    )


@pytest.fixture
async def redelivery_dbs(
    _redelivery_urls: tuple[str, str],
) -> AsyncIterator[tuple[Database, Database]]:
    """Two fresh databases of the test's ``service``: one delivery in order, three shuffled."""
    databases = tuple(Database.open(url) for url in _redelivery_urls)
    yield databases[0], databases[1]
    for database in databases:
        await database.engine.dispose()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Each fault test's one line, shown in CI's log even when output is captured."""
    if SUMMARIES:
        terminalreporter.section("resilience")
        for line in SUMMARIES:
            terminalreporter.write_line(line)
