"""The proxy against a real HTTP upstream (aiohttp on a free port), as the services will be."""

import asyncio
import hashlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

BIG = 8 * 1024 * 1024  # what the stand-in serves at /api/catalog/big (conftest)
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@pytest.fixture
def upstream_url(upstream: Any) -> str:
    return upstream.url


async def test_a_call_reaches_the_service_with_its_path_query_body_and_headers(
    client: httpx.AsyncClient, as_department: dict[str, str]
) -> None:
    payload = b'{"code": "D001", "name": "\xe5\x8c\xba"}'
    response = await client.post(
        "/api/catalog/echo/departments/a%2Fb?q=%E6%95%99%E8%82%B2&limit=5",
        content=payload,
        headers={
            **as_department,
            "Content-Type": "application/json",
            "X-Request-ID": "req-123",
            "traceparent": TRACEPARENT,
            "Connection": "keep-alive, X-Hop",
            "X-Hop": "must not pass",
            "X-Forwarded-For": "203.0.113.9",
        },
    )
    assert response.status_code == 201, response.text
    seen = response.json()
    assert seen["method"] == "POST"
    assert seen["path"] == "/api/catalog/echo/departments/a%2Fb"
    assert seen["query"] == "q=%E6%95%99%E8%82%B2&limit=5"
    assert seen["body_sha256"] == hashlib.sha256(payload).hexdigest()
    headers = seen["headers"]
    assert headers["authorization"] == as_department["Authorization"]
    assert headers["content-type"] == "application/json"
    assert headers["x-request-id"] == "req-123"
    assert headers["traceparent"].split("-")[1] == TRACE_ID
    assert headers["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"
    assert headers["x-forwarded-proto"] == "http"
    assert headers["x-forwarded-host"] == "service.pdp.test"
    assert "x-hop" not in headers
    assert response.headers["x-request-id"] == "req-123"
    assert response.headers["x-upstream"] == "catalog"


async def test_the_console_session_cookie_never_reaches_a_service(
    client: httpx.AsyncClient, as_department: dict[str, str]
) -> None:
    response = await client.get(
        "/api/catalog/echo/departments",
        headers={**as_department, "Cookie": "pdp_console=staff-session-token; other=1"},
    )
    assert response.status_code == 200, response.text
    assert "cookie" not in response.json()["headers"]


async def test_a_call_without_a_request_id_gets_one_that_the_service_sees_too(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/catalog/echo/x")
    assert response.status_code == 200
    assert response.json()["headers"]["x-request-id"] == response.headers["x-request-id"]


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
async def test_every_method_is_forwarded(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, "/api/catalog/echo/resources/1")
    assert response.status_code == 200
    assert response.json()["method"] == method


async def test_a_streamed_upload_and_a_large_download_pass_through_intact(
    client: httpx.AsyncClient,
) -> None:
    chunks = [bytes([n]) * 100_000 for n in range(15)]  # 1.5 MB without a Content-Length

    async def upload() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    sent = await client.post("/api/catalog/echo/records", content=upload())
    assert sent.status_code == 201, sent.text
    assert sent.json()["body_length"] == 1_500_000
    assert sent.json()["body_sha256"] == hashlib.sha256(b"".join(chunks)).hexdigest()

    received = await client.get("/api/catalog/big")
    assert received.status_code == 200
    expected = b"".join(bytes([n % 256]) * 65536 for n in range(BIG // 65536))
    assert received.content == expected


async def test_an_upload_over_the_body_limit_is_refused_with_413(
    client: httpx.AsyncClient,
) -> None:
    async def upload() -> AsyncIterator[bytes]:
        for _ in range(30):
            yield b"x" * 100_000  # 3 MB, over the 2 MiB default

    response = await client.post("/api/catalog/echo/records", content=upload())
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_the_response_is_streamed_before_the_service_has_finished(
    app: FastAPI, upstream: Any
) -> None:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
            await asyncio.sleep(0.01)
        async with (
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http,
            http.stream("GET", "/api/catalog/slow") as response,
        ):
            chunks = response.aiter_raw()
            first = await asyncio.wait_for(anext(chunks), timeout=5)
            assert first == b"first chunk;"  # while the service still holds the rest back
            upstream.release.set()
            rest = b"".join([chunk async for chunk in chunks])
            assert rest == b"the rest"
    finally:
        server.should_exit = True
        await serving


async def test_a_service_that_is_down_gives_a_502_problem(
    client: httpx.AsyncClient, as_bureau: dict[str, str]
) -> None:
    response = await client.get("/api/sharing/requests/1", headers=as_bureau)
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:pdp:problem:upstream-unreachable"
    assert "Traceback" not in response.text


@pytest.mark.parametrize("path", ["/api/nosuch/things", "/api/gateway/nosuch"])
async def test_an_unknown_service_or_path_is_a_404_problem(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_bad_token_is_refused_at_the_edge_and_never_reaches_the_service(
    client: httpx.AsyncClient, upstream: Any
) -> None:
    response = await client.get(
        "/api/catalog/echo/x", headers={"Authorization": "Bearer not-a-jwt"}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"
    assert upstream.calls == 0


async def test_readiness_reports_each_service(client: httpx.AsyncClient) -> None:
    checks = (await client.get("/readyz")).json()["checks"]
    assert checks["catalog"] == "ok"
    assert {checks[name] for name in ("sharing", "opening", "registry", "audit")} == {"down"}
