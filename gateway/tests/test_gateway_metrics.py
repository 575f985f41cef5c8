"""The gateway's own metrics: calls per client and status class, its refusals by reason (a
service's answer relayed is not one), and network-log entries dropped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.netlog.buffer import LoggedRequest, NetworkLog
from pdp_kit.testing.plugin import Auth

REJECTIONS = "pdp_gateway_rejections_total"
CLIENTS = "pdp_gateway_client_requests_total"


@pytest.fixture
def upstream_url(upstream: Any) -> str:
    return str(upstream.url)


def value_in(text: str, name: str, **labels: str) -> float:
    """A sample's value in a Prometheus exposition (0 when it is not there yet)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


async def scrape(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return response.text


async def test_a_rate_limited_client_is_counted_by_client_and_as_a_rejection(
    service_app_factory: Any, service_settings: Any, asgi_client: Any, auth: Auth, upstream: Any
) -> None:
    create_app, _ = service_app_factory
    app = create_app(service_settings.model_copy(update={"rate_per_second": 0.5, "rate_burst": 2}))
    noisy = auth.department("D001")
    client_id = "test-department-D001"
    async with app.router.lifespan_context(app), asgi_client(app) as client:
        before = await scrape(client)
        codes = [
            (await client.get("/api/catalog/echo/x", headers=noisy)).status_code for _ in range(3)
        ]
        assert codes == [200, 200, 429]
        after = await scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value_in(after, name, **labels) - value_in(before, name, **labels)

    assert grew(CLIENTS, client_id=client_id, status_class="2xx") == 2
    assert grew(CLIENTS, client_id=client_id, status_class="4xx") == 1
    assert grew(REJECTIONS, reason="rate_limited") == 1
    # Every family is named from the first scrape, whether or not anything happened yet.
    assert "# TYPE pdp_gateway_netlog_dropped_total counter" in before


async def test_a_bad_token_is_an_unauthenticated_rejection_of_no_client(
    client: httpx.AsyncClient,
) -> None:
    before = await scrape(client)
    refused = await client.get(
        "/api/catalog/echo/x", headers={"Authorization": "Bearer not-a-token"}
    )
    assert refused.status_code == 401
    after = await scrape(client)
    assert value_in(after, REJECTIONS, reason="unauthenticated") == (
        value_in(before, REJECTIONS, reason="unauthenticated") + 1
    )
    assert value_in(after, CLIENTS, client_id="anonymous", status_class="4xx") == (
        value_in(before, CLIENTS, client_id="anonymous", status_class="4xx") + 1
    )
    # The token a caller sent is never a label value.
    assert "not-a-token" not in after


async def test_a_services_own_refusal_relayed_is_not_a_gateway_rejection(
    client: httpx.AsyncClient, as_bureau: dict[str, str]
) -> None:
    before = await scrape(client)
    missing = await client.get("/api/catalog/no-such-thing", headers=as_bureau)
    assert missing.status_code == 404  # the stand-in service's answer
    gateway_404 = await client.get("/api/nowhere/x", headers=as_bureau)
    assert gateway_404.status_code == 404  # the gateway's own: no such service
    after = await scrape(client)
    assert value_in(after, REJECTIONS, reason="not_found") == (
        value_in(before, REJECTIONS, reason="not_found") + 1
    )
    assert "/api/catalog/no-such-thing" not in after


async def test_entries_a_full_buffer_drops_are_counted(client: httpx.AsyncClient) -> None:
    before = value_in(await scrape(client), "pdp_gateway_netlog_dropped_total")
    netlog = NetworkLog(None, max_pending=2)  # type: ignore[arg-type]  # no spill file
    for n in range(5):
        netlog.record(
            LoggedRequest(
                request_id=f"r{n}",
                time=datetime.now(UTC),
                client_id=None,
                source_address="127.0.0.1",
                method="GET",
                path="/api/catalog/resources",
                status=200,
                latency_ms=1.0,
                bytes_in=0,
                bytes_out=10,
            )
        )
    assert netlog.dropped == 3
    after = value_in(await scrape(client), "pdp_gateway_netlog_dropped_total")
    assert after == before + 3
