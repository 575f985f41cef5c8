"""Revocation: disabling a client or rotating its secret ends its live tokens at once, at the
gateway, for proxied calls and the gateway's own API alike."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI


@pytest.fixture
def upstream_url(upstream: Any) -> str:
    return str(upstream.url)


async def test_a_client_disabled_mid_session_gets_401_on_its_next_call(
    client: httpx.AsyncClient, gateway: Any, as_bureau: dict[str, str], upstream: Any
) -> None:
    credentials = await gateway.register()
    other = await gateway.register(department="D002")
    mine = await gateway.bearer(credentials["client_id"], credentials["client_secret"])
    theirs = await gateway.bearer(other["client_id"], other["client_secret"])
    assert (await client.get("/api/catalog/echo/1", headers=mine)).status_code == 200

    disabled = await client.post(
        f"/api/gateway/clients/{credentials['client_id']}/disable", headers=as_bureau
    )
    assert disabled.status_code == 200

    refused = await client.get("/api/catalog/echo/2", headers=mine)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert upstream.calls == 1  # the refused call never reached the service
    assert (await client.get("/api/catalog/echo/3", headers=theirs)).status_code == 200


async def test_rotating_a_secret_ends_the_tokens_it_obtained(
    client: httpx.AsyncClient, gateway: Any, as_bureau: dict[str, str]
) -> None:
    credentials = await gateway.register()
    old_token = await gateway.bearer(credentials["client_id"], credentials["client_secret"])
    assert (await client.get("/api/catalog/echo/1", headers=old_token)).status_code == 200
    rotated = await client.post(
        f"/api/gateway/clients/{credentials['client_id']}/rotate-secret", headers=as_bureau
    )
    new_secret = rotated.json()["client_secret"]
    assert (await client.get("/api/catalog/echo/2", headers=old_token)).status_code == 401
    # A token obtained with the new secret at once, in the same second, works.
    new_token = await gateway.bearer(credentials["client_id"], new_secret)
    assert (await client.get("/api/catalog/echo/3", headers=new_token)).status_code == 200


async def test_a_disabled_bureau_client_loses_the_gateways_own_api_too(
    client: httpx.AsyncClient, gateway: Any, as_bureau: dict[str, str]
) -> None:
    credentials = await gateway.register(roles=["bureau"], department=None)
    token = await gateway.bearer(credentials["client_id"], credentials["client_secret"])
    assert (await client.get("/api/gateway/clients", headers=token)).status_code == 200
    await client.post(f"/api/gateway/clients/{credentials['client_id']}/disable", headers=as_bureau)
    assert (await client.get("/api/gateway/clients", headers=token)).status_code == 401


async def test_another_replica_learns_of_a_disabled_client_from_the_database(
    app: FastAPI,
    service_app_factory: Any,
    service_settings: Any,
    gateway: Any,
    as_bureau: dict[str, str],
    asgi_client: Any,
) -> None:
    credentials = await gateway.register()
    token = await gateway.bearer(credentials["client_id"], credentials["client_secret"])
    create_app, _ = service_app_factory
    replica = create_app(service_settings.model_copy(update={"revocation_refresh_seconds": 0.1}))
    async with replica.router.lifespan_context(replica), asgi_client(replica) as other:
        assert (await other.get("/api/catalog/echo/1", headers=token)).status_code == 200
        await gateway.client.post(
            f"/api/gateway/clients/{credentials['client_id']}/disable", headers=as_bureau
        )
        for _ in range(50):
            if (await other.get("/api/catalog/echo/2", headers=token)).status_code == 401:
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the other replica kept accepting a disabled client's token")
