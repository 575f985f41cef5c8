"""Token buckets per client: a burst from one client gets 429 with Retry-After while the others
keep going; the bureau sets a client's own limit; with Redis every replica shares the buckets."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from pdp_contracts.gateway import ClientRateLimitSet
from pdp_kit.testing.plugin import Auth

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def upstream_url(upstream: Any) -> str:
    return str(upstream.url)


async def statuses(client: httpx.AsyncClient, headers: dict[str, str], n: int) -> list[int]:
    return [
        (await client.get("/api/catalog/echo/x", headers=headers)).status_code for _ in range(n)
    ]


async def test_the_default_limit_applies_to_every_client_and_to_each_alone(
    service_app_factory: Any, service_settings: Any, asgi_client: Any, auth: Auth, upstream: Any
) -> None:
    create_app, _ = service_app_factory
    settings = service_settings.model_copy(update={"rate_per_second": 0.5, "rate_burst": 3})
    app = create_app(settings)
    noisy, quiet = auth.department("D001"), auth.department("D002")
    async with app.router.lifespan_context(app), asgi_client(app) as client:
        assert await statuses(client, noisy, 5) == [200, 200, 200, 429, 429]
        refused = await client.get("/api/catalog/echo/x", headers=noisy)
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["type"] == "urn:pdp:problem:too-many-requests"
        assert await statuses(client, quiet, 3) == [200, 200, 200]
    assert upstream.calls == 6


def test_the_platform_default_is_50_per_second_with_a_burst_of_100() -> None:
    from gateway.settings import GatewaySettings

    settings = GatewaySettings(env="test")
    assert (settings.rate_per_second, settings.rate_burst) == (50.0, 100)


async def test_the_bureau_sets_a_clients_own_limit_and_the_change_is_journaled(
    client: httpx.AsyncClient, gateway: Any, as_bureau: dict[str, str], outbox: Any
) -> None:
    credentials = await gateway.register()
    token = await gateway.bearer(credentials["client_id"], credentials["client_secret"])
    path = f"/api/gateway/clients/{credentials['client_id']}/rate-limit"
    response = await client.put(path, json={"per_second": 0.5, "burst": 2}, headers=as_bureau)
    assert response.status_code == 200, response.text
    assert (response.json()["rate_per_second"], response.json()["rate_burst"]) == (0.5, 2)
    assert await statuses(client, token, 3) == [200, 200, 429]
    [event] = await outbox.events(ClientRateLimitSet.event_type)
    assert event.data == {"client_id": credentials["client_id"], "per_second": 0.5, "burst": 2}

    restored = await client.put(path, json={}, headers=as_bureau)
    assert restored.json()["rate_per_second"] is None
    await asyncio.sleep(0.1)  # the bucket refills at the default 50/s again
    assert await statuses(client, token, 3) == [200, 200, 200]


async def test_only_the_bureau_sets_limits_and_an_unknown_client_is_404(
    client: httpx.AsyncClient,
    as_bureau: dict[str, str],
    as_department: dict[str, str],
    as_datacenter: dict[str, str],
) -> None:
    body = {"per_second": 5, "burst": 10}
    for headers in (as_department, as_datacenter):
        response = await client.put(
            "/api/gateway/clients/bureau-admin/rate-limit", json=body, headers=headers
        )
        assert response.status_code == 403
    missing = await client.put(
        "/api/gateway/clients/nobody/rate-limit", json=body, headers=as_bureau
    )
    assert missing.status_code == 404
    bad = await client.put(
        "/api/gateway/clients/bureau-admin/rate-limit", json={"per_second": -1}, headers=as_bureau
    )
    assert bad.status_code == 422


async def test_with_redis_two_replicas_share_one_bucket(
    service_app_factory: Any, service_settings: Any, asgi_client: Any, auth: Auth
) -> None:
    create_app, _ = service_app_factory
    settings = service_settings.model_copy(
        update={"redis_url": REDIS, "rate_per_second": 0.2, "rate_burst": 4}
    )
    first, second = create_app(settings), create_app(settings)
    caller = auth.headers("department", department="D001", client_id=f"c-{uuid.uuid4().hex}")
    async with (
        first.router.lifespan_context(first),
        second.router.lifespan_context(second),
        asgi_client(first) as one,
        asgi_client(second) as two,
    ):
        assert await statuses(one, caller, 3) == [200, 200, 200]
        assert await statuses(two, caller, 2) == [200, 429]


async def test_a_redis_that_does_not_answer_falls_back_to_memory_buckets(
    service_app_factory: Any, service_settings: Any, asgi_client: Any, auth: Auth
) -> None:
    create_app, _ = service_app_factory
    settings = service_settings.model_copy(
        update={"redis_url": "redis://127.0.0.1:9/0", "rate_per_second": 0.2, "rate_burst": 2}
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app), asgi_client(app) as client:
        caller = auth.department("D001")
        assert await asyncio.wait_for(statuses(client, caller, 3), timeout=10) == [200, 200, 429]
