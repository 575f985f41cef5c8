"""ASGI middleware every service and the gateway share: request ids, trace headers, body limits,
and the HTTP request metrics.

It runs on every request, so it is written for the hot path (bench/README.md, round 2): one pass
over the request headers, the response headers set as raw pairs, the body counted only when there
is one, and the metrics in ``prometheus_client`` (a labelled observe is a dictionary look-up;
FastAPI's OpenTelemetry metrics, through the SDK's attribute handling, were a tenth of a GET's
instructions).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from time import perf_counter

from opentelemetry import trace
from opentelemetry.context import attach, detach
from opentelemetry.propagate import extract
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pdp_kit.errors import PROBLEM_JSON, PayloadTooLarge
from pdp_kit.telemetry import http_metrics, request_context

REQUEST_ID = "x-request-id"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_tracer = trace.get_tracer("pdp_kit.http")


@dataclass(slots=True)
class _Incoming:
    """What the middleware needs of the request headers, read in one pass."""

    request_id: str
    declared: int | None = None  # the declared body length
    body: bool = False  # whether a body comes at all
    traceparent: str | None = None
    tracestate: str | None = None


def _read_headers(scope: Scope) -> _Incoming:
    """The request id (the caller's if it is safe, else a new one), the body's framing and the
    caller's trace headers: one pass over the headers."""
    request_id: str | None = None
    incoming = _Incoming("")
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _SAFE_ID.match(candidate):
                request_id = candidate
        elif name == b"content-length":
            incoming.body = True
            try:
                incoming.declared = int(value)
            except ValueError:
                incoming.declared = None
        elif name == b"transfer-encoding":
            incoming.body = True
        elif name == b"traceparent":
            incoming.traceparent = value.decode("latin-1")
        elif name == b"tracestate":
            incoming.tracestate = value.decode("latin-1")
    # A request id names, it does not protect: 128 bits from the process's generator, not a
    # uuid4's read of the kernel's random source on every request.
    incoming.request_id = request_id or f"{random.getrandbits(128):032x}"
    return incoming


#: Liveness, readiness and scrapes are neither traced nor counted in the request metrics.
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestContextMiddleware:
    """Echo or assign ``X-Request-ID``, add ``traceparent``, refuse oversize bodies with 413, and
    count the request (rate, errors, latency per route) in the HTTP metrics.

    With ``trace_context``, the middleware also gives the request its trace context
    (:func:`pdp_kit.telemetry.request_context`), for processes where nothing records spans and
    FastAPI's native tracing is off (``pdp_kit.service``)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, trace_context: bool = False) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.trace_context = trace_context
        self.metrics = http_metrics()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _read_headers(scope)
        request_id, declared, body = incoming.request_id, incoming.declared, incoming.body
        scope.setdefault("state", {})["request_id"] = request_id
        if declared is not None and declared > self.max_body_bytes:
            # Refused before the app (and its request span) runs: a span of its own, so this
            # answer carries a traceparent like every other.
            carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            with _tracer.start_as_current_span(
                "request refused: body too large", context=extract(carrier)
            ):
                await _send_too_large(send, request_id, self.max_body_bytes)
            return
        received = 0
        status = 500  # what the server answers when the app fails before it responds
        limit = self.max_body_bytes
        request_id_header = (b"x-request-id", request_id.encode())

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(f"请求体超过 {limit} 字节")
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                traceparent = _current_traceparent()
                ours = [request_id_header]
                if traceparent:
                    ours.append((b"traceparent", traceparent.encode()))
                # Set, not added: a proxied answer (the gateway's) carries the service's own.
                replaced = {name for name, _ in ours}
                message["headers"] = [
                    *(h for h in message.get("headers", ()) if h[0].lower() not in replaced),
                    *ours,
                ]
            await send(message)

        if scope["path"] in PROBES:
            await self.app(scope, limited_receive if body else receive, send_with_headers)
            return
        started = perf_counter()
        self.metrics.active.inc()
        token = (
            attach(request_context(incoming.traceparent, incoming.tracestate))
            if self.trace_context
            else None
        )
        try:
            await self.app(scope, limited_receive if body else receive, send_with_headers)
        finally:
            if token is not None:
                detach(token)
            self.metrics.active.dec()
            self.metrics.observe(scope, status, perf_counter() - started)


def _current_traceparent() -> str | None:
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


async def _send_too_large(send: Send, request_id: str, limit: int) -> None:
    problem = PayloadTooLarge(f"请求体超过 {limit} 字节").to_problem()
    body = json.dumps(problem.model_dump(exclude_none=True), ensure_ascii=False).encode()
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"x-request-id", request_id.encode()),
    ]
    traceparent = _current_traceparent()
    if traceparent:
        headers.append((b"traceparent", traceparent.encode()))
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
