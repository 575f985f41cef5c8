"""``/api/<service>/...`` for the five services, the pooled client behind it, and readiness.

``/api/gateway/...`` is the gateway's own API and never matches these routes; any other
``/api/<x>/...`` matches nothing and gets the platform's problem+json 404.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from fastapi import APIRouter, FastAPI
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from gateway.edge.guard import Refusal
from gateway.proxy.forward import Proxy, problem
from gateway.settings import UPSTREAM_SERVICES, GatewaySettings


class _Forward:
    """A raw ASGI endpoint (Starlette serves a non-function endpoint as an ASGI app)."""

    def __init__(self, service: str) -> None:
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope["app"].state
        try:
            await state.edge.admit(scope)
        except Refusal as refusal:
            await problem(send, refusal.error, refusal.headers)
            return
        proxy: Proxy = state.proxy
        await proxy.forward(self.service, scope, receive, send)


router = APIRouter()
router.routes.extend(
    Route(
        f"/api/{service}/{{path:path}}",
        _Forward(service),
        include_in_schema=False,
        name=f"proxy_{service}",
    )
    for service in UPSTREAM_SERVICES
)


@asynccontextmanager
async def upstream_session(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension: one keep-alive connection pool for every upstream."""
    settings: GatewaySettings = app.state.settings
    connector = aiohttp.TCPConnector(
        limit=settings.proxy_max_connections,
        limit_per_host=settings.proxy_max_connections_per_upstream,
        keepalive_timeout=settings.proxy_keepalive_seconds,
        ttl_dns_cache=60,
    )
    session = aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(
            total=settings.proxy_total_timeout_seconds,
            connect=settings.proxy_connect_timeout_seconds,
            sock_read=settings.proxy_read_timeout_seconds,
        ),
        # Pass bodies through byte for byte: Content-Encoding and Content-Length stay true.
        auto_decompress=False,
        # One caller's cookies must never reach the upstream with another caller's request.
        cookie_jar=aiohttp.DummyCookieJar(),
        # Send only what the caller sent: no Accept-Encoding the caller cannot decode.
        skip_auto_headers=("Accept-Encoding", "User-Agent", "Content-Type"),
        raise_for_status=False,
    )
    app.state.proxy = Proxy(
        session,
        settings.upstreams,
        trusted=app.state.trusted_proxies,
        body_timeout=settings.proxy_body_timeout_seconds,
    )
    try:
        yield
    finally:
        await session.close()


async def upstream_readiness(app: FastAPI) -> dict[str, str]:
    """Each service's own ``/readyz``, asked at once with a short timeout."""
    settings: GatewaySettings = app.state.settings
    proxy: Proxy = app.state.proxy
    timeout = aiohttp.ClientTimeout(total=settings.readiness_timeout_seconds)

    async def probe(base: str) -> str:
        try:
            async with proxy.session.get(f"{base}/readyz", timeout=timeout) as response:
                return "ok" if response.status == 200 else "down"
        except (aiohttp.ClientError, TimeoutError):
            return "down"

    names = list(proxy.upstreams)
    results = await asyncio.gather(*(probe(proxy.upstreams[name]) for name in names))
    return dict(zip(names, results, strict=True))
