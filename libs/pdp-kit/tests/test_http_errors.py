"""Every failure is problem+json with a stable type; never a stack trace."""

import httpx

from pdp_kit.errors import PROBLEM_JSON


async def test_unknown_route_is_a_problem_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/demo/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"] == "urn:pdp:problem:not-found"


async def test_malformed_json_is_a_400_problem(client: httpx.AsyncClient, as_bureau) -> None:
    response = await client.post(
        "/api/demo/items",
        content=b'{"name": "x", ',
        headers={**as_bureau, "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["type"] == "urn:pdp:problem:malformed-json"


async def test_validation_lists_every_invalid_field_at_once(
    client: httpx.AsyncClient, as_bureau
) -> None:
    response = await client.post(
        "/api/demo/items", json={"name": "", "count": True}, headers=as_bureau
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"name", "count"}


async def test_oversize_body_is_refused_with_413(client: httpx.AsyncClient, as_bureau, app) -> None:
    limit = app.state.settings.max_body_bytes
    response = await client.post(
        "/api/demo/items",
        content=b"x" * (limit + 1),
        headers={**as_bureau, "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON
    # Refused on its Content-Length, before the app ran: still traceable.
    assert response.headers["traceparent"].startswith("00-")
    assert response.headers["x-request-id"]


async def test_domain_error_keeps_its_status_and_code(client: httpx.AsyncClient, as_bureau) -> None:
    response = await client.post("/api/demo/conflict", headers=as_bureau)
    assert response.status_code == 409
    assert response.json() == {
        "type": "urn:pdp:problem:conflict",
        "title": "当前状态不允许此操作",
        "status": 409,
        "detail": "已经处理过",
    }


async def test_unexpected_error_is_a_bare_500_problem_without_trace(
    client: httpx.AsyncClient, as_bureau
) -> None:
    response = await client.post("/api/demo/crash", headers=as_bureau)
    assert response.status_code == 500
    assert "boom" not in response.text
    assert response.json()["type"] == "urn:pdp:problem:internal"


async def test_request_id_is_echoed_and_a_traceparent_returned(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    generated = await client.get("/api/demo/nowhere")
    assert len(generated.headers["x-request-id"]) == 32
    assert generated.headers["traceparent"].startswith("00-")


async def test_a_proxied_answer_carries_one_request_id_and_one_traceparent() -> None:
    """The gateway's answer relays the service's headers: the middleware sets them, once."""
    from starlette.types import Receive, Scope, Send

    from pdp_kit.http import RequestContextMiddleware

    async def upstream_answer(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [
            (b"x-request-id", b"from-the-service"),
            (b"traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            (b"content-length", b"0"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    app = RequestContextMiddleware(upstream_answer, max_body_bytes=1024)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    ) as client:
        response = await client.get("/api/x", headers={"X-Request-ID": "abc-123"})
    assert response.headers.get_list("x-request-id") == ["abc-123"]
    assert response.headers.get_list("traceparent") == [
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    ]
