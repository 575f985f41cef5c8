"""``pdp_open_clocks{kind,state}``: counted from the clocks table on a timer, by every replica
that serves ``/metrics``, so it holds whichever replica consumed the events."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI

from gateway.settings import GatewaySettings
from pdp_contracts import sharing

from .events import at, consume, share_request


@pytest.fixture
def service_settings(service_settings: GatewaySettings) -> GatewaySettings:
    return service_settings.model_copy(update={"clocks_metric_seconds": 0.05})


async def gauge(asgi_client: Any, app: FastAPI, kind: str, state: str) -> float | None:
    async with asgi_client(app, ("10.1.2.3", 5555)) as prometheus:
        text = (await prometheus.get("/metrics")).text
    found = re.search(rf'^pdp_open_clocks{{kind="{kind}",state="{state}"}} (\S+)$', text, re.M)
    return float(found.group(1)) if found else None


async def eventually(asgi_client: Any, app: FastAPI, kind: str, state: str, value: float) -> None:
    for _ in range(100):
        if await gauge(asgi_client, app, kind, state) == value:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"pdp_open_clocks{{{kind},{state}}} never became {value}")


async def test_the_gauge_follows_the_clocks_by_kind_and_state(
    app: FastAPI, asgi_client: Any
) -> None:
    overdue = sharing.ReplyOverdue(
        id="req-2", requester="D002", provider="D003",
        reply_due_on=date(2026, 12, 3), as_of=date(2026, 12, 4),
    )  # fmt: skip
    await consume(
        app,
        at(share_request("req-1"), "req-1", 0),
        at(share_request("req-2"), "req-2", 0),
        at(share_request("req-3"), "req-3", 0),
        at(overdue, "req-2", 10),
    )
    await eventually(asgi_client, app, "share_reply", "open", 2)
    await eventually(asgi_client, app, "share_reply", "overdue", 1)
    assert await gauge(asgi_client, app, "rectification", "open") == 0

    rejected = sharing.RequestRejected(
        id="req-2", requester="D002", provider="D003", reason="不符合共享条件",
        decided_on=date(2026, 12, 5), on_time=False,
    )  # fmt: skip
    await consume(app, at(rejected, "req-2", 20))

    await eventually(asgi_client, app, "share_reply", "overdue", 0)
    assert await gauge(asgi_client, app, "share_reply", "open") == 2
