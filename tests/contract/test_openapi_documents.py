"""Every service's OpenAPI document is valid OpenAPI, and every path it lists is one the gateway
sends to that service: nothing in it (least of all the probes, which the gateway answers itself)
is a route the gateway would send elsewhere."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from joserfc.jwk import RSAKey
from openapi_spec_validator import validate
from service_apps import SERVICES, gateway_settings, openapi_of

from gateway.main import create_app as create_gateway
from gateway.settings import GatewaySettings
from pdp_kit.auth.tokens import TokenIssuer
from pdp_kit.testing.databases import TestDatabases as Databases

pytestmark = pytest.mark.asyncio(loop_scope="module")

PROBES = ("/healthz", "/readyz", "/metrics")


class SpyProxy:
    """Stands in for the gateway's upstream pool: records which service a request went to."""

    def __init__(self) -> None:
        self.sent_to: list[str] = []

    async def forward(self, service: str, scope: Any, receive: Any, send: Any) -> None:
        self.sent_to.append(service)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@pytest.fixture(scope="module")
def edge_settings(
    test_databases: Databases,
    token_issuer: TokenIssuer,
    signing_key: RSAKey,
    tmp_path_factory: pytest.TempPathFactory,
) -> GatewaySettings:
    settings = gateway_settings(
        test_databases, token_issuer, signing_key, tmp_path_factory.mktemp("gateway")
    )
    # Every path of every document in a burst: no client's rate limit may answer for the spy.
    return settings.model_copy(update={"rate_per_second": 100_000.0, "rate_burst": 100_000})


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def edge(edge_settings: GatewaySettings) -> AsyncIterator[tuple[httpx.AsyncClient, SpyProxy]]:
    app = create_gateway(edge_settings)
    async with app.router.lifespan_context(app):
        spy = SpyProxy()
        app.state.proxy = spy
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as c:
            yield c, spy


async def destination(
    edge: tuple[httpx.AsyncClient, SpyProxy], headers: dict[str, str], method: str, path: str
) -> str:
    """Where the gateway sends this request: a service's name, or ``gateway`` (answered itself)."""
    client, spy = edge
    before = len(spy.sent_to)
    concrete = re.sub(r"\{[^}]+\}", "X1", path)
    response = await client.request(method.upper(), concrete, headers=headers)
    assert response.status_code != 429, "rate-limited: the answer says nothing of routing"
    return spy.sent_to[-1] if len(spy.sent_to) > before else "gateway"


@pytest.mark.parametrize("service", list(SERVICES))
def test_the_openapi_document_is_valid(service: str) -> None:
    validate(openapi_of(service))


@pytest.mark.parametrize("service", list(SERVICES))
async def test_every_listed_path_is_routed_by_the_gateway_to_that_service(
    service: str, edge: tuple[httpx.AsyncClient, SpyProxy], as_ops: dict[str, str]
) -> None:
    """Internal paths are for service-to-service calls on the service's own URL: the gateway
    never routes them (CONTRACT), which the second half checks."""
    document = openapi_of(service)
    elsewhere = {}
    for path, operations in document["paths"].items():
        for method in operations:
            if method not in {"get", "put", "post", "delete", "patch"}:
                continue
            where = await destination(edge, as_ops, method, path)
            expected = "gateway" if "/internal/" in path else service
            if where != expected:
                elsewhere[f"{method.upper()} {path}"] = where
    assert elsewhere == {}


@pytest.mark.parametrize("service", list(SERVICES))
async def test_the_probes_are_not_listed_where_the_gateway_answers_them_itself(
    service: str, edge: tuple[httpx.AsyncClient, SpyProxy], as_ops: dict[str, str]
) -> None:
    document = openapi_of(service)
    for probe in PROBES:
        assert await destination(edge, as_ops, "get", probe) == "gateway"
        assert probe not in document["paths"]
        assert f"/api/{service}{probe}" not in document["paths"]


async def test_the_routing_check_tells_forwarded_from_answered(
    edge: tuple[httpx.AsyncClient, SpyProxy], as_ops: dict[str, str]
) -> None:
    assert await destination(edge, as_ops, "get", "/api/catalog/resources") == "catalog"
    assert await destination(edge, as_ops, "get", "/healthz") == "gateway"
