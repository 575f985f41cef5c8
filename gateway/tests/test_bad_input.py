"""Bad input over a real socket: malformed, oversized and trickled requests, path traversal,
header injection and a disabled client's token get 4xx, and the gateway keeps serving others."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.edge.head_deadline import HeadDeadlineProtocol


@pytest.fixture
def upstream_url(upstream: Any) -> str:
    return str(upstream.url)


@pytest.fixture
def service_settings(service_settings: Any) -> Any:
    """A small pool per service and a short body deadline, so trickling callers could starve it."""
    return service_settings.model_copy(
        update={"proxy_max_connections_per_upstream": 2, "proxy_body_timeout_seconds": 5.0}
    )


async def raw(port: int, request: bytes, *, timeout: float = 5.0) -> bytes:
    """Send bytes as they are (no client library tidies them) and read the whole answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), timeout=timeout)
    finally:
        writer.close()


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def get(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: gw.test", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def still_serving(port: int, headers: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        response = await http.get("/api/catalog/echo/ok", headers=headers)
        assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/catalog/../gateway/clients",
        "/api/catalog/%2e%2e/gateway/clients",
        "/api/catalog/%2E%2e/%2e%2e/etc/passwd",
        "/api/catalog//echo/x",
        "/api/catalog/echo/..%2f..%2fgateway",
        "/api/catalog/echo/%5c..%5cx",
        "/api/catalog/echo/a%00b",
    ],
)
async def test_path_traversal_is_refused_and_never_forwarded(
    app: FastAPI, serve: Any, upstream: Any, as_department: dict[str, str], path: str
) -> None:
    async with serve(app) as port:
        answer = await raw(port, get(path, as_department))
        assert status_of(answer) == 400, answer[:200]
        await still_serving(port, as_department)
    assert upstream.calls == 1  # only the healthy call


@pytest.mark.parametrize(
    "request_bytes",
    [
        pytest.param(b"NOT A REQUEST\r\n\r\n", id="garbage-request-line"),
        pytest.param(
            b"GET /api/catalog/echo/x HTTP/1.1\r\nHost gw\r\n\r\n", id="header-without-colon"
        ),
        pytest.param(
            b"GET /api/catalog/echo/x HTTP/1.1\r\nHost: gw\r\nX-Request-ID: a\rInjected: 1\r\n\r\n",
            id="bare-cr-in-a-header",
        ),
        pytest.param(
            b"GET /api/catalog/echo/x HTTP/1.1\r\nHost: gw\r\nX-A: b\x00c\r\n\r\n",
            id="nul-in-a-header",
        ),
        pytest.param(
            b"POST /api/catalog/echo/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            id="length-and-chunked-smuggling",
        ),
    ],
)
async def test_malformed_requests_get_400_and_others_are_still_served(
    app: FastAPI, serve: Any, upstream: Any, as_department: dict[str, str], request_bytes: bytes
) -> None:
    async with serve(app) as port:
        answer = await raw(port, request_bytes)
        assert 400 <= status_of(answer) < 500, answer[:200]
        await still_serving(port, as_department)
    assert upstream.calls == 1


async def test_an_injected_request_id_is_not_echoed(
    app: FastAPI, serve: Any, as_department: dict[str, str]
) -> None:
    async with serve(app) as port:
        answer = await raw(
            port,
            get("/api/catalog/echo/x", {**as_department, "X-Request-ID": "a<b>%0d%0aSet-Cookie:x"}),
        )
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    assert status_of(answer) == 200
    assert b"set-cookie" not in head
    assert b"a<b>" not in head


async def test_an_oversized_body_is_413_before_it_is_read(
    app: FastAPI, serve: Any, upstream: Any, as_department: dict[str, str]
) -> None:
    async with serve(app) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        head = get("/api/catalog/echo/x", as_department).replace(b"GET", b"POST", 1)
        writer.write(head[:-2] + b"Content-Length: 100000000\r\n\r\n" + b"x" * 1000)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), timeout=5)
        writer.close()
        assert status_of(answer) == 413
        assert b"traceparent" in answer.lower()
        await still_serving(port, as_department)
    assert upstream.calls == 1


async def test_trickling_bodies_cannot_starve_the_upstream_pool(
    app: FastAPI, serve: Any, upstream: Any, as_department: dict[str, str]
) -> None:
    """Five callers trickle bodies into a pool of two connections: the others are served at
    once, and each trickler gets 408 at the body deadline."""
    async with serve(app) as port:
        writers = []
        readers = []
        for _ in range(5):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            head = get("/api/catalog/echo/slow", as_department).replace(b"GET", b"POST", 1)
            writer.write(
                head[:-2] + b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            )
            await writer.drain()
            writers.append(writer)
            readers.append(reader)
        await asyncio.sleep(0.2)
        trickled = [asyncio.ensure_future(asyncio.wait_for(r.read(), timeout=10)) for r in readers]
        await still_serving(port, as_department)
        # served while every trickler still held its connection: it did not wait for their
        # deadline (an order, not a duration, so a loaded machine cannot make it flaky)
        assert not any(answer.done() for answer in trickled)
        answers = await asyncio.gather(*trickled)
        for writer in writers:
            writer.close()
        assert [status_of(a) for a in answers] == [408] * 5
        await still_serving(port, as_department)
    assert upstream.calls == 2


async def test_a_disabled_clients_token_is_401_while_others_are_served(
    app: FastAPI,
    serve: Any,
    gateway: Any,
    as_bureau: dict[str, str],
    as_department: dict[str, str],
) -> None:
    credentials = await gateway.register()
    token = await gateway.bearer(credentials["client_id"], credentials["client_secret"])
    await gateway.client.post(
        f"/api/gateway/clients/{credentials['client_id']}/disable", headers=as_bureau
    )
    async with serve(app) as port:
        assert status_of(await raw(port, get("/api/catalog/echo/x", token))) == 401
        await still_serving(port, as_department)


class QuickHeadDeadline(HeadDeadlineProtocol):
    """The gateway's protocol with a head deadline short enough for a test."""

    head_timeout = 1.0


async def trickle(writers: list[asyncio.StreamWriter]) -> None:
    """A header byte now and then on every connection, never the blank line that ends a head."""
    for _ in range(200):
        for writer in writers:
            if not writer.is_closing():
                writer.write(b"x")
        await asyncio.sleep(0.1)


async def test_trickled_request_heads_get_408_at_the_head_deadline_and_others_are_served(
    app: FastAPI, serve: Any, upstream: Any, as_department: dict[str, str]
) -> None:
    """Slowloris: five callers keep sending header bytes without ever ending the head. Bytes
    arriving do not move the deadline: each gets 408 and its connection closed, and the gateway
    serves others all along. Without the deadline every read here would time out."""
    async with serve(app, http=QuickHeadDeadline) as port:
        connections = [await asyncio.open_connection("127.0.0.1", port) for _ in range(5)]
        writers = [writer for _, writer in connections]
        for writer in writers:
            writer.write(b"GET /api/catalog/echo/x HTTP/1.1\r\nHost: gw.test\r\nX-Slow: ")
        trickling = asyncio.create_task(trickle(writers))
        answers = [
            asyncio.ensure_future(asyncio.wait_for(reader.read(), timeout=15))
            for reader, _ in connections
        ]
        await still_serving(port, as_department)
        try:
            received = await asyncio.gather(*answers)
        finally:
            trickling.cancel()
            for writer in writers:
                writer.close()
        for answer in received:
            head, _, body = answer.partition(b"\r\n\r\n")
            assert status_of(answer) == 408, answer[:200]
            assert b"connection: close" in head.lower()
            assert json.loads(body)["status"] == 408
        await still_serving(port, as_department)
    assert upstream.calls == 2  # the tricklers reached no service


async def test_the_head_deadline_spares_requests_being_served_and_rearms_for_the_next(
    app: FastAPI, serve: Any, upstream: Any, as_department: dict[str, str]
) -> None:
    """A request whose head arrived in time is served however long its answer takes; on a
    kept-alive connection the next request's head has a deadline of its own."""
    async with serve(app, http=QuickHeadDeadline) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        request = get("/api/catalog/slow", as_department).replace(b"Connection: close", b"X: y")
        writer.write(request)
        await writer.drain()
        started = await asyncio.wait_for(reader.readuntil(b"first chunk;"), 10)
        assert status_of(started) == 200
        await asyncio.sleep(QuickHeadDeadline.head_timeout * 2)  # longer than a head may take
        upstream.release.set()
        rest = await asyncio.wait_for(reader.readuntil(b"0\r\n\r\n"), 10)
        assert b"the rest" in rest
        writer.write(b"GET /api/catalog/echo/x HTTP/1.1\r\nHost: gw.test\r\n")  # never ended
        second = await asyncio.wait_for(reader.read(), timeout=15)
        writer.close()
        assert status_of(second) == 408
