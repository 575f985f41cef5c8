"""The pytest plugin every service's tests use (registered as the ``pdp`` entry point).

A service's ``conftest.py`` provides one fixture, ``service_app_factory``, returning its
``create_app`` and settings class. The plugin then gives:

- ``backend``: ``sqlite`` and ``postgresql`` (tests using a database run on both);
- ``database_url``: a fresh, migrated database for the test;
- ``app`` / ``client``: the service with its lifespan run, and an httpx client for it;
- ``auth`` and a headers fixture per role (``as_bureau``, ``as_department`` …);
- ``outbox``: a spy over the events the test's requests committed;
- ``broker``: the embedded Kafka-protocol broker, one per session;
- ``platform``: the whole platform as ``make run`` starts it (``pdp_kit.testing.platform``), one
  per session and backend, for ``tests/e2e`` and ``tests/browser``.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pdp_kit.auth.principal import Role
from pdp_kit.auth.tokens import TokenIssuer, generate_signing_key
from pdp_kit.broker import EmbeddedBroker
from pdp_kit.settings import ServiceSettings
from pdp_kit.testing.databases import TestDatabases, postgres_available
from pdp_kit.testing.platform import RunningPlatform, started_platform
from pdp_kit.testing.spies import OutboxSpy

TEST_ISSUER = "http://gateway.pdp.test"
TEST_AUDIENCE = "pdp"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backends",
        default=os.environ.get("PDP_TEST_BACKENDS", "sqlite,postgresql"),
        help="database backends for database tests (comma separated)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: the test needs PostgreSQL itself")
    config.addinivalue_line("markers", "broker: the test needs the embedded Kafka broker")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = [
            b.strip() for b in metafunc.config.getoption("--backends").split(",") if b.strip()
        ]
        metafunc.parametrize("backend", backends)


@pytest.fixture(scope="session")
def _postgres_ok() -> bool:
    return asyncio.run(postgres_available())


@pytest.fixture(scope="session")
def test_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabases]:
    databases = TestDatabases(tmp_path_factory.mktemp("pdp-db"))
    yield databases
    databases.close()


def require_postgres(available: bool) -> None:
    if available:
        return
    message = "PostgreSQL is not reachable (PDP_TEST_POSTGRES_URL)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def signing_key() -> Any:
    return generate_signing_key()


@pytest.fixture(scope="session")
def token_issuer(signing_key: Any) -> TokenIssuer:
    return TokenIssuer(signing_key, issuer=TEST_ISSUER, audience=TEST_AUDIENCE)


class Auth:
    """Headers carrying a real RS256 token for a role, as the gateway would issue it."""

    def __init__(self, issuer: TokenIssuer) -> None:
        self.issuer = issuer

    def headers(
        self,
        *roles: Role | str,
        department: str | None = None,
        operator: str | None = None,
        client_id: str | None = None,
    ) -> dict[str, str]:
        names = [str(r) for r in roles]
        token = self.issuer.issue(
            client_id=client_id or f"test-{'-'.join(names)}-{department or operator or 'x'}",
            roles=names,
            department=department,
            operator=operator,
        )
        return {"Authorization": f"Bearer {token.access_token}"}

    def department(self, code: str) -> dict[str, str]:
        return self.headers(Role.DEPARTMENT, department=code)

    def operator(self, operator_id: str) -> dict[str, str]:
        return self.headers(Role.OPERATOR, operator=operator_id)


@pytest.fixture
def auth(token_issuer: TokenIssuer) -> Auth:
    return Auth(token_issuer)


def _role_fixture(role: Role) -> Callable[[Auth], dict[str, str]]:
    def fixture(auth: Auth) -> dict[str, str]:
        return auth.headers(role)

    fixture.__doc__ = f"Authorization headers of a ``{role}`` client."
    return fixture


as_bureau = pytest.fixture(_role_fixture(Role.BUREAU), name="as_bureau")
as_datacenter = pytest.fixture(_role_fixture(Role.DATACENTER), name="as_datacenter")
as_cyberspace = pytest.fixture(_role_fixture(Role.CYBERSPACE), name="as_cyberspace")
as_assessor = pytest.fixture(_role_fixture(Role.ASSESSOR), name="as_assessor")
as_municipal = pytest.fixture(_role_fixture(Role.MUNICIPAL), name="as_municipal")
as_public = pytest.fixture(_role_fixture(Role.PUBLIC), name="as_public")
as_ops = pytest.fixture(_role_fixture(Role.OPS), name="as_ops")


@pytest.fixture
def as_service(auth: Auth) -> dict[str, str]:
    """Headers of the sharing service's own client ``pdp-sharing`` (role ``service``);
    ``auth.headers(Role.SERVICE, client_id="pdp-audit")`` for another service."""
    return auth.headers(Role.SERVICE, client_id="pdp-sharing")


@pytest.fixture
def as_department(auth: Auth) -> dict[str, str]:
    """Headers of department ``D001``; ``auth.department("D002")`` for another one."""
    return auth.department("D001")


@pytest.fixture
def as_operator(auth: Auth) -> dict[str, str]:
    return auth.operator("OP001")


@pytest.fixture
def database_url(
    backend: str,
    request: pytest.FixtureRequest,
    test_databases: TestDatabases,
    tmp_path: Path,
    _postgres_ok: bool,
) -> Iterator[str]:
    migrations = request.getfixturevalue("service_migrations")
    if backend == "postgresql":
        require_postgres(_postgres_ok)
        url = test_databases.postgres(migrations)
        yield url
        test_databases.drop(url)
    else:
        yield test_databases.sqlite(migrations, tmp_path)


@pytest.fixture
def service_migrations(service_app_factory: Any) -> Path:
    create_app, settings_class = service_app_factory
    app = create_app(settings_class(env="test", role="api", jwks='{"keys": []}', log_json=False))
    return Path(app.state.definition.migrations_dir)


def settings_for_test(
    settings_class: type[ServiceSettings], database_url: str, token_issuer: TokenIssuer
) -> ServiceSettings:
    """A service's settings for a test: the given database, the test issuer's keys, no broker."""
    return settings_class(
        env="test",
        role="api",
        database_url=database_url,
        create_database=False,
        jwks=json.dumps(token_issuer.jwks()),
        token_issuer=TEST_ISSUER,
        token_audience=TEST_AUDIENCE,
        kafka_bootstrap="127.0.0.1:9",
        kafka_idempotence=False,
        kafka_rebalance_timeout_ms=1000,
        log_json=False,
    )


@pytest.fixture
def service_settings(
    service_app_factory: Any, database_url: str, token_issuer: TokenIssuer
) -> ServiceSettings:
    _, settings_class = service_app_factory
    return settings_for_test(settings_class, database_url, token_issuer)


@pytest.fixture
async def app(
    service_app_factory: Any, service_settings: ServiceSettings
) -> AsyncIterator[FastAPI]:
    create_app, _ = service_app_factory
    application: FastAPI = create_app(service_settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://service.pdp.test") as c:
        yield c


@pytest.fixture
def outbox(app: FastAPI) -> OutboxSpy:
    return OutboxSpy(app.state.sessionmaker)


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    log = tmp_path_factory.mktemp("broker") / "tansu.log"
    with EmbeddedBroker(log_path=log) as running:
        yield running


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, _postgres_ok: bool
) -> Iterator[RunningPlatform]:
    """The running platform on each backend (``sqlite`` is exactly ``make run``); a test module
    that needs one backend only narrows it with
    ``pytest.mark.parametrize("platform", ["sqlite"], indirect=True)``."""
    backend: str = request.param
    if backend == "postgresql":
        require_postgres(_postgres_ok)
    with started_platform(backend, tmp_path_factory.mktemp(f"platform-{backend}")) as running:
        yield running
