"""Pure ASGI middleware measuring each request for the network log (Art. 34).

It sits outside everything else the gateway adds, so it sees the final status (a 413 from the
body limit, a 404 for an unknown path, a 500) and every byte. Who called is known after the
response has gone out: the token endpoint names the client it authenticated, the gateway's own
routes leave the principal they verified, and for a proxied call the bearer token is checked
against the gateway's own key (cached per token). A token that does not verify is logged as no
client; the request is forwarded all the same and the service answers 401.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.edge.addresses import Networks, peer_of, source_address
from gateway.edge.traffic import FORWARDED, gateway_metrics
from gateway.netlog.buffer import LoggedRequest, NetworkLog
from pdp_kit.auth import TokenVerifier
from pdp_kit.db import utcnow

#: Probes are not calls through the gateway: they are counted (``NetworkLog.probes`` and the
#: ``pdp.gateway.probes`` metric), not logged one by one.
UNLOGGED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
_CLIENT = "netlog_client_id"
_MAX_PATH = 2000
_MAX_REJECTED_TOKENS = 1000


def identify_client(request: Request, client_id: str) -> None:
    """Name the client of this request for the network log (the token endpoint does)."""
    setattr(request.state, _CLIENT, client_id)


class NetworkLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._rejected: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        netlog: NetworkLog | None = getattr(scope["app"].state, "netlog", None)
        if netlog is None:  # the lifespan has not run (or is over): nothing to log into
            await self.app(scope, receive, send)
            return
        if scope["path"] in UNLOGGED_PATHS:
            netlog.count_probe(scope["path"])
            await self.app(scope, receive, send)
            return
        at = utcnow()
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before answering
        bytes_in = bytes_out = 0
        request_id = traceparent = None

        async def counting_receive() -> Message:
            nonlocal bytes_in
            message = await receive()
            if message["type"] == "http.request":
                bytes_in += len(message.get("body", b""))
            return message

        async def counting_send(message: Message) -> None:
            nonlocal status, bytes_out, request_id, traceparent
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", ()):
                    if name.lower() == b"x-request-id":
                        request_id = value.decode("latin-1")
                    elif name.lower() == b"traceparent":
                        traceparent = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                bytes_out += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, counting_receive, counting_send)
        finally:
            latency_ms = (time.perf_counter() - started) * 1000
            state: dict[str, Any] = scope.get("state") or {}
            trusted: Networks | None = getattr(scope["app"].state, "trusted_proxies", None)
            source = source_address(scope, trusted) if trusted is not None else peer_of(scope)
            client_id = await self._client_of(scope, state)
            gateway_metrics().count(
                # A client the token endpoint only named is user input until it authenticated.
                client_id=client_id if status < 400 or not state.get(_CLIENT) else None,
                status=status,
                forwarded=bool(state.get(FORWARDED)),
            )
            netlog.record(
                LoggedRequest(
                    request_id=request_id or str(state.get("request_id") or ""),
                    time=at,
                    client_id=client_id,
                    source_address=source,
                    method=scope["method"],
                    path=scope["path"][:_MAX_PATH],
                    status=status,
                    latency_ms=round(latency_ms, 3),
                    bytes_in=bytes_in,
                    bytes_out=bytes_out,
                    traceparent=traceparent,
                )
            )

    async def _client_of(self, scope: Scope, state: dict[str, Any]) -> str | None:
        named = state.get(_CLIENT)
        if named:
            return str(named)
        principal = state.get("principal")
        if principal is not None:
            return str(principal.client_id)
        token = _bearer_token(scope)
        if token is None or token in self._rejected:
            return None
        verifier: TokenVerifier | None = getattr(scope["app"].state, "verifier", None)
        if verifier is None:
            return None
        try:
            return (await verifier.verify(token)).client_id
        except Exception:  # noqa: BLE001 - any bad token is simply "no client"
            if len(self._rejected) >= _MAX_REJECTED_TOKENS:
                self._rejected.clear()
            self._rejected.add(token)
            return None


def _bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            header: str = value.decode("latin-1")
            scheme, _, token = header.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None
