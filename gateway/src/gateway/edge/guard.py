"""What every proxied call passes before it is forwarded (Art. 32: access control at the edge).

1. The path: traversal (``..``, ``%2e%2e``, ``//``, backslashes, NUL) is 400; a service's
   ``/internal/...`` endpoints are 404 here (services call them directly on their own URLs).
2. The token, when one is sent: verified against the gateway's keys (cached per token) and
   checked against revocation (disabled clients, not-before times); a bad or revoked token is 401
   here, before any service sees it. A call without a token goes on: the service decides.
3. The client's token bucket (or the source address's, without a token): 429 with
   ``Retry-After`` beyond it, while every other client keeps its own bucket.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import Scope

from gateway.clients.states import ClientStates
from gateway.edge.addresses import Networks, source_address
from gateway.edge.ratelimit import Buckets, buckets_for, retry_after
from gateway.settings import GatewaySettings
from pdp_kit.auth import TokenVerifier
from pdp_kit.errors import BadRequest, DomainError, NotFound

log = logging.getLogger(__name__)

_BAD_RAW = (b"//", b"%2e", b"%5c", b"%00", b"\\")


class PathRefused(BadRequest):
    code, title = "path-refused", "请求路径无效"


class TooManyRequests(DomainError):
    status, code, title = 429, "too-many-requests", "请求过于频繁，请稍后重试"


class Refusal(Exception):
    """A problem to answer instead of forwarding, with the headers it needs."""

    def __init__(self, error: DomainError, headers: dict[str, str] | None = None) -> None:
        super().__init__(error.detail)
        self.error = error
        self.headers = headers or {}


class Edge:
    def __init__(
        self,
        *,
        verifier: TokenVerifier,
        states: ClientStates,
        buckets: Buckets,
        trusted: Networks,
    ) -> None:
        self.verifier = verifier
        self.states = states
        self.buckets = buckets
        self.trusted = trusted

    async def admit(self, scope: Scope) -> None:
        """Raise :class:`Refusal` unless the call may be forwarded."""
        _check_path(scope)
        token = bearer_token(scope)
        if token is not None:
            try:
                principal = await self.verifier.verify(token)
            except DomainError as exc:  # 401, or 503 while the keys cannot be read
                headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
                raise Refusal(exc, headers if exc.status == 401 else None) from exc
            scope.setdefault("state", {})["principal"] = principal
            key, limit = f"client:{principal.client_id}", self.states.limit_of(principal.client_id)
        else:
            address = source_address(scope, self.trusted) or "-"
            key, limit = f"address:{address}", self.states.default_limit
        wait = await self.buckets.take(key, limit)
        if wait > 0:
            raise Refusal(
                TooManyRequests(
                    f"超过速率限制（每秒 {limit.per_second:g} 次，突发 {limit.burst}）"
                ),
                {"Retry-After": retry_after(wait)},
            )


def _check_path(scope: Scope) -> None:
    raw: bytes = (scope.get("raw_path") or scope["path"].encode()).split(b"?", 1)[0].lower()
    path: str = scope["path"]
    segments = path.split("/")
    if (
        any(bad in raw for bad in _BAD_RAW)
        or any(segment in ("..", ".") for segment in segments)
        or "\x00" in path
    ):
        raise Refusal(PathRefused("路径中不得含有 ..、// 或编码的分隔符"))
    # ["", "api", "<service>", "internal", ...]
    if len(segments) > 3 and segments[3].lower() == "internal":
        log.info("internal path refused at the edge: %s", path[:200])
        raise Refusal(NotFound())


def bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            header: str = value.decode("latin-1")
            scheme, _, token = header.partition(" ")
            if scheme.lower() == "bearer":
                return token.strip()
            return None
    return None


@asynccontextmanager
async def rate_buckets(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension: the token buckets (Redis with ``PDP_REDIS_URL``) and trusted proxies."""
    settings: GatewaySettings = app.state.settings
    buckets = buckets_for(settings.redis_url)
    app.state.buckets = buckets
    app.state.trusted_proxies = Networks(settings.trusted_proxies)
    try:
        yield
    finally:
        await buckets.aclose()


@asynccontextmanager
async def edge(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension, after the token service: the checks in front of the proxy."""
    app.state.edge = Edge(
        verifier=app.state.verifier,
        states=app.state.client_states,
        buckets=app.state.buckets,
        trusted=app.state.trusted_proxies,
    )
    yield
