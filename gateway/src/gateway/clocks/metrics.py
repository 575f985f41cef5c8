"""``pdp_open_clocks{kind,state}`` on ``/metrics``: running clocks, counted from the table.

Every process that serves ``/metrics`` refreshes the gauge from the shared ``legal_clock`` table
on a timer, so each gateway replica reports the same platform-wide numbers whichever consumer
handled the events (sum or max over replicas gives the same answer as one replica: use ``max``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.clocks.models import ClockKind, ClockState
from gateway.clocks.service import count_by_kind_and_state
from gateway.settings import GatewaySettings

log = logging.getLogger(__name__)

RUNNING = (ClockState.OPEN, ClockState.OVERDUE)


@functools.cache
def open_clocks_gauge() -> Gauge:
    """Registered on first use (the Prometheus registry is process-wide)."""
    return Gauge(
        "pdp_open_clocks",
        "Legal clocks still running, by kind and state (open or overdue).",
        ["kind", "state"],
    )


async def refresh_open_clocks(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Set every (kind, state) pair, zero included, so a series never goes stale."""
    async with sessionmaker() as session:
        counts = await count_by_kind_and_state(session)
    gauge = open_clocks_gauge()
    for kind in ClockKind:
        for state in RUNNING:
            gauge.labels(kind.value, state.value).set(counts.get((kind.value, state.value), 0))


@contextlib.asynccontextmanager
async def open_clocks_metric(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension: refresh the gauge now and every ``clocks_metric_seconds``."""
    settings: GatewaySettings = app.state.settings
    sessionmaker: async_sessionmaker[AsyncSession] = app.state.sessionmaker

    async def keep_fresh() -> None:
        while True:
            try:
                await refresh_open_clocks(sessionmaker)
            except Exception:
                log.warning("could not count the open clocks", exc_info=True)
            await asyncio.sleep(settings.clocks_metric_seconds)

    task = asyncio.create_task(keep_fresh(), name="pdp-open-clocks-metric")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
