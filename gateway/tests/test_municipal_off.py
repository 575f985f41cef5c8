"""Without ``PDP_MUNICIPAL_URL`` and its client the adapters are off, cleanly: the gateway serves,
and chaining requests wait in its database until the link is configured."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from gateway.settings import GatewaySettings
from pdp_kit.auth import Role

from .municipal.events import deliver, resource_request


def test_the_adapters_need_the_url_the_client_id_and_its_secret() -> None:
    given = {"municipal_url": "http://city", "municipal_client_id": "pdp-changning"}
    assert not GatewaySettings(env="test", **given).municipal_enabled
    assert GatewaySettings(env="test", municipal_client_secret="s", **given).municipal_enabled


async def test_with_the_link_unset_chain_requests_wait_in_the_gateway(
    app: FastAPI, client: httpx.AsyncClient, auth: Any
) -> None:
    assert app.state.municipal is None
    await deliver(app, resource_request())
    response = await client.get(
        "/api/gateway/municipal/chain-pushes", headers=auth.headers(Role.BUREAU)
    )
    assert response.status_code == 200, response.text
    [push] = response.json()["items"]
    assert (push["entry_id"], push["status"], push["attempts"]) == ("RES001", "pending", 0)
