"""A disabled client's token, through the gateway, for every service.

How the design revokes (ARCHITECTURE "Auth", gateway/src/gateway/oauth/keys.py): services trust
the signature and the claims only, and tokens live at most 15 minutes (MAX_LIFETIME_SECONDS caps
them at an hour whatever the gateway issues). Revocation is the gateway's: disabling a client or
rotating its secret sets a not-before time that the gateway checks on every request, so the very
next call through the edge is a 401 and never reaches the service. A service called directly
would still accept that token until it expires; that path is closed to outside callers by the
network (the k8s NetworkPolicy admits only the gateway and the named internal callers).
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc.jwk import RSAKey
from service_apps import SERVICES, gateway_settings

from gateway.main import create_app
from gateway.settings import GatewaySettings
from pdp_kit.auth.tokens import TokenIssuer
from pdp_kit.settings import DEV_ADMIN_ID, DEV_ADMIN_SECRET
from pdp_kit.testing.databases import TestDatabases as Databases

from .conftest import problem_of


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


@pytest.fixture
def edge_settings(
    test_databases: Databases, token_issuer: TokenIssuer, signing_key: RSAKey, tmp_path: Path
) -> GatewaySettings:
    return gateway_settings(test_databases, token_issuer, signing_key, tmp_path)


@pytest.fixture
async def edge(edge_settings: GatewaySettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(edge_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as c:
            yield c


async def bearer(edge: httpx.AsyncClient, client_id: str, secret: str) -> dict[str, str]:
    response = await edge.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(client_id, secret),
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.mark.parametrize("service", list(SERVICES))
async def test_a_disabled_clients_live_token_is_refused_at_the_gateway_for_every_service(
    edge: httpx.AsyncClient, service: str
) -> None:
    admin = await bearer(edge, DEV_ADMIN_ID, DEV_ADMIN_SECRET)
    created = await edge.post(
        "/api/gateway/clients",
        json={"name": "区教育局数据系统", "roles": ["department"], "department": "D001"},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    credentials: dict[str, Any] = created.json()
    token = await bearer(edge, credentials["client_id"], credentials["client_secret"])
    path = f"/api/{service}/anything"
    before = await edge.get(path, headers=token)
    assert before.status_code != 401  # let through (the upstream is down: 502/503)

    disabled = await edge.post(
        f"/api/gateway/clients/{credentials['client_id']}/disable", headers=admin
    )
    assert disabled.status_code == 200, disabled.text

    after = await edge.get(path, headers=token)
    assert after.status_code == 401
    problem_of(after)
