"""Forwarding ``/api/<service>/...`` to the service, on aiohttp (ARCHITECTURE, performance notes).

The hot path is a raw ASGI endpoint: no request or response objects, bodies streamed both ways
in the chunks they arrive in, one pooled keep-alive connection per concurrent call. The edge
checks (``gateway.edge.guard``: path, token and revocation, rate limit) run first; the services
still verify every token themselves. The request body must arrive within
``proxy_body_timeout_seconds`` (408 otherwise), so slow senders cannot hold upstream connections.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping

import aiohttp
from multidict import CIMultiDict
from opentelemetry.propagate import inject
from starlette.types import Message, Receive, Scope, Send
from yarl import URL

from gateway.edge.addresses import Networks, forwarded_chain
from gateway.edge.traffic import FORWARDED
from pdp_kit.errors import DomainError, problem_response
from pdp_kit.http import REQUEST_ID

log = logging.getLogger(__name__)

#: RFC 9110 §7.6.1 hop-by-hop fields, plus those the gateway sets itself.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
#: Services authenticate by bearer token only: a browser's cookies (the console's staff session
#: among them) are the gateway's and never reach a service.
_NOT_FORWARDED = HOP_BY_HOP | {
    "host",
    "cookie",
    REQUEST_ID,
    "x-forwarded-proto",
    "x-forwarded-host",
}
#: The gateway's server adds its own Date and Server.
_NOT_RETURNED = HOP_BY_HOP | {"date", "server"}
_REPLAYABLE = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "PUT"})
#: Bodies up to this size are read whole before the upstream is called; larger ones stream.
BUFFERED_BODY_BYTES = 256 * 1024


class UpstreamUnreachable(DomainError):
    status, code, title = 502, "upstream-unreachable", "后端服务不可达"


class UpstreamTimeout(DomainError):
    status, code, title = 504, "upstream-timeout", "后端服务响应超时"


class RequestTimeout(DomainError):
    status, code, title = 408, "request-timeout", "请求体未在时限内送达"


class ClientWentAway(Exception):
    """The caller disconnected while its request body was being forwarded."""


class Proxy:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        upstreams: Mapping[str, str],
        *,
        trusted: Networks,
        body_timeout: float = 30.0,
    ) -> None:
        self.session = session
        self.upstreams = dict(upstreams)
        self.trusted = trusted
        self.body_timeout = body_timeout

    async def forward(self, service: str, scope: Scope, receive: Receive, send: Send) -> None:
        url = URL(self.upstreams[service] + _target(scope), encoded=True)
        method: str = scope["method"]
        headers = _upstream_headers(scope, self.trusted)
        try:
            body, replayable = await _request_body(
                _with_deadline(receive, self.body_timeout), headers
            )
            response = await self._send(method, url, headers, body)
        except aiohttp.ServerDisconnectedError as exc:
            if not (replayable and method in _REPLAYABLE):
                await problem(send, UpstreamUnreachable(f"{service} 服务断开了连接"))
                log.warning("upstream %s dropped %s %s: %r", service, method, url.path, exc)
                return
            # A pooled connection the upstream closed just now: one more try on a fresh one.
            try:
                response = await self._send(method, url, headers, body)
            except (aiohttp.ClientError, TimeoutError) as again:
                await _upstream_failed(send, service, again)
                return
        except ClientWentAway:
            return
        except RequestTimeout as exc:
            await problem(send, exc)
            return
        except (aiohttp.ClientError, TimeoutError) as exc:
            await _upstream_failed(send, service, exc)
            return
        scope.setdefault("state", {})[FORWARDED] = True
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status,
                    "headers": [
                        (name, value)
                        for name, value in response.raw_headers
                        if name.decode("latin-1").lower() not in _NOT_RETURNED
                    ],
                }
            )
            async for chunk in response.content.iter_any():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except BaseException as exc:
            response.close()  # never hand a half-read connection back to the pool
            if isinstance(exc, aiohttp.ClientError | TimeoutError):
                # The status line is out: the only honest signal left is to abort the connection.
                log.warning("upstream %s failed mid-response for %s: %r", service, url.path, exc)
            raise
        response.release()

    async def _send(
        self,
        method: str,
        url: URL,
        headers: CIMultiDict[str],
        body: bytes | AsyncIterator[bytes] | None,
    ) -> aiohttp.ClientResponse:
        return await self.session.request(
            method, url, headers=headers, data=body, allow_redirects=False
        )


def _target(scope: Scope) -> str:
    """The path as the caller encoded it (``%2F`` stays ``%2F``), with its query."""
    raw: bytes | None = scope.get("raw_path")
    path = raw.split(b"?", 1)[0].decode("latin-1") if raw else scope["path"]
    query: bytes = scope.get("query_string", b"")
    return f"{path}?{query.decode('latin-1')}" if query else path


def _with_deadline(receive: Receive, seconds: float) -> Receive:
    """Every part of the body must be in before the deadline (slowloris)."""
    deadline = asyncio.get_running_loop().time() + seconds

    async def receive_by_deadline() -> Message:
        try:
            async with asyncio.timeout_at(deadline):
                return await receive()
        except TimeoutError:
            raise RequestTimeout(f"请求体须在 {seconds:g} 秒内送达") from None

    return receive_by_deadline


def _upstream_headers(scope: Scope, trusted: Networks) -> CIMultiDict[str]:
    incoming = [
        (name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]
    ]
    listed = {
        token.strip().lower()
        for name, value in incoming
        if name.lower() == "connection"
        for token in value.split(",")
    }
    headers: CIMultiDict[str] = CIMultiDict(
        (name, value)
        for name, value in incoming
        if name.lower() not in _NOT_FORWARDED and name.lower() not in listed
    )
    chain = forwarded_chain(scope, trusted)
    if chain:
        headers["X-Forwarded-For"] = chain
    else:
        headers.popall("X-Forwarded-For", None)
    headers["X-Forwarded-Proto"] = scope.get("scheme", "http")
    host = next((value for name, value in incoming if name.lower() == "host"), None)
    if host:
        headers["X-Forwarded-Host"] = host
    state = scope.get("state") or {}
    if state.get("request_id"):
        headers["X-Request-ID"] = state["request_id"]
    # The current span's context when tracing is on; otherwise the caller's traceparent,
    # already copied above, travels on unchanged.
    inject(headers)
    return headers


async def _request_body(
    receive: Receive, headers: CIMultiDict[str]
) -> tuple[bytes | AsyncIterator[bytes] | None, bool]:
    """The body as bytes when it fits in ``BUFFERED_BODY_BYTES`` (most API calls), else a stream.

    A body is read whole before any upstream connection is taken, up to that size: a caller
    trickling a small body holds only its own connection to the gateway, never one to a service.
    Returns the body and whether it could be sent again.
    """
    first = await receive()
    if first["type"] == "http.disconnect":
        raise ClientWentAway
    chunks: list[bytes] = [first.get("body", b"")]
    more = bool(first.get("more_body", False))
    framed = "content-length" in headers or "transfer-encoding" in headers
    if not more and not chunks[0] and not framed:
        return None, True
    size = len(chunks[0])
    while more and size < BUFFERED_BODY_BYTES:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientWentAway
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        more = bool(message.get("more_body", False))
    if not more:
        return b"".join(chunks), True

    async def stream() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk
        while True:
            message: Message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientWentAway
            yield message.get("body", b"")
            if not message.get("more_body", False):
                return

    return stream(), False


async def _upstream_failed(send: Send, service: str, exc: BaseException) -> None:
    cause = _our_cause(exc)
    if isinstance(cause, ClientWentAway):
        return
    if isinstance(cause, DomainError):  # the body limit, hit while streaming the body upstream
        await problem(send, cause)
        return
    log.warning("upstream %s unavailable: %r", service, exc)
    if isinstance(exc, TimeoutError):
        await problem(send, UpstreamTimeout(f"{service} 服务未在时限内响应"))
    else:
        await problem(send, UpstreamUnreachable(f"{service} 服务暂不可达"))


def _our_cause(exc: BaseException) -> BaseException | None:
    """aiohttp wraps what the body stream raised; find it again."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, DomainError | ClientWentAway):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


async def problem(send: Send, error: DomainError, headers: dict[str, str] | None = None) -> None:
    response = problem_response(error.to_problem(), headers=headers)
    await send(
        {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": response.raw_headers,
        }
    )
    await send({"type": "http.response.body", "body": response.body})
