"""ASGI middleware every service and the gateway share: request ids, trace headers, body limits."""

from __future__ import annotations

import json
import re
import uuid

from opentelemetry import trace
from opentelemetry.propagate import extract
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pdp_kit.errors import PROBLEM_JSON, PayloadTooLarge

REQUEST_ID = "x-request-id"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_tracer = trace.get_tracer("pdp_kit.http")


def request_id_from(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = str(value.decode("latin-1"))
            if _SAFE_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Echo or assign ``X-Request-ID``, add ``traceparent``, refuse oversize bodies with 413."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        declared = _content_length(scope)
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
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise PayloadTooLarge(f"请求体超过 {self.max_body_bytes} 字节")
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                traceparent = _current_traceparent()
                if traceparent:
                    headers["traceparent"] = traceparent
            await send(message)

        await self.app(scope, limited_receive, send_with_headers)


def _current_traceparent() -> str | None:
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


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
