import httpx


async def test_the_service_is_alive(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readiness_reports_the_database_up_and_the_broker_down(
    client: httpx.AsyncClient,
) -> None:
    # The test settings point the broker at a closed port. Writes would wait in the outbox, so the
    # kit keeps the process in service (200) and says it is degraded; only a dead database is a 503.
    response = await client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] == "down"
