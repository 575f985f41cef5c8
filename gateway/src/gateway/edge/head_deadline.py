"""A deadline for each request's head, so slowloris callers are cut off instead of piling up.

uvicorn closes a connection that stays idle between requests (keep-alive), and the gateway bounds
a request's body (``proxy_body_timeout_seconds``). Neither bounds the time a caller takes over the
request line and headers: once a first byte has arrived, uvicorn waits for the rest for ever, so a
caller that sends a header byte every few seconds holds its connection as long as it likes, and
enough of them exhaust the gateway's sockets. This protocol gives every request's head
:data:`HEAD_TIMEOUT_SECONDS` from the moment the gateway starts waiting for it (the connection is
opened, or the previous response is complete); a head still incomplete then is answered ``408``
and the connection closed (after a short linger, so the caller reads the answer). A request
whose head has arrived is never cut off by it.

The gateway runs with it: ``uvicorn --http gateway.edge.head_deadline:HeadDeadlineProtocol``
(``make run``, the image, compose and Kubernetes) or ``python -m gateway``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from gateway.edge.traffic import REASONS, gateway_metrics
from pdp_kit.errors import PROBLEM_JSON, TYPE_PREFIX

log = logging.getLogger(__name__)

HEAD_TIMEOUT_SECONDS = 10.0
#: After the 408, how long what the caller still sends is read and dropped before the socket
#: closes: closing with unread bytes would reset the connection, and the caller lose the answer.
LINGER_SECONDS = 2.0

_PROBLEM = json.dumps(
    {
        "type": TYPE_PREFIX + "request-head-timeout",
        "title": "请求头未在时限内送达",
        "status": 408,
        "detail": "请求行和请求头未在时限内发送完毕，连接已关闭",
    },
    ensure_ascii=False,
).encode()
_RESPONSE_408 = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: " + PROBLEM_JSON.encode() + b"\r\n"
    b"connection: close\r\n"
    b"content-length: " + str(len(_PROBLEM)).encode() + b"\r\n\r\n" + _PROBLEM
)


class HeadDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline on each request's head."""

    head_timeout: float = HEAD_TIMEOUT_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None
        self._cut_off = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if not self._cut_off:
            super().data_received(data)

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self.pipeline:
            self._arm()  # waiting for the next request's head

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._head_deadline = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_timed_out(self) -> None:
        self._head_deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being served; its body has its own deadline
        log.warning(
            "request head not complete within %.0f s: 408, connection closed (%s)",
            self.head_timeout,
            f"{self.client[0]}:{self.client[1]}" if self.client else "unknown peer",
        )
        gateway_metrics().rejections.labels(REASONS[408]).inc()
        self._cut_off = True
        self.transport.write(_RESPONSE_408)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)
