from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from joserfc.jwk import RSAKey
from service_apps import database_urls, running_services

from pdp_kit.auth.tokens import TokenIssuer
from pdp_kit.testing.databases import TestDatabases as Databases

from .live import served_behind_gateway


@pytest.fixture(scope="module")
def service_database_urls(
    test_databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    return database_urls(test_databases, tmp_path_factory.mktemp("services"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def services(
    service_database_urls: dict[str, str], token_issuer: TokenIssuer
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """The five services, called directly (no gateway), shared by one module's tests."""
    async with running_services(service_database_urls, token_issuer) as clients:
        yield clients


@pytest.fixture(scope="module")
def gateway_base(
    service_database_urls: dict[str, str],
    token_issuer: TokenIssuer,
    signing_key: RSAKey,
    test_databases: Databases,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """The real gateway over HTTP, with the five services behind it: its base URL."""
    with served_behind_gateway(
        service_database_urls,
        token_issuer,
        signing_key,
        test_databases,
        tmp_path_factory.mktemp("gateway"),
    ) as base:
        yield base


def problem_of(response: httpx.Response) -> dict[str, object]:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    body = response.json()
    assert body["status"] == response.status_code
    return dict(body)


__all__ = ["Path", "problem_of"]
