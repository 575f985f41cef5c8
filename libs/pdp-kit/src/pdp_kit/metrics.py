"""The platform's own Prometheus metrics, served on ``/metrics`` beside the HTTP ones
(:mod:`pdp_kit.telemetry`): outbox, consumers and sweeps, in every service.

Registered on first use (the Prometheus registry is global), never at import; the service
lifespan registers them at start, so a scrape names every family before anything happened.
Label values are bounded: consumer groups, topics, sweep names and fixed outcomes.

The outbox figures live in the database, and a deployment may run ``role=api`` and
``role=worker`` as separate processes: every process that serves ``/metrics`` refreshes them
with one periodic query (:func:`watch_outbox`), never a query per scrape.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prometheus_client import Counter, Gauge
from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp_kit.db import utcnow
from pdp_kit.models import OutboxMessage

log = logging.getLogger(__name__)
_OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PlatformMetrics:
    outbox_backlog: Gauge
    outbox_oldest_age: Gauge
    outbox_published: Counter
    consumer_lag: Gauge
    consumer_events: Counter
    consumer_dead_letters: Counter
    sweep_runs: Counter
    sweep_changes: Counter


@functools.cache
def platform_metrics() -> PlatformMetrics:
    """The process's platform metrics, registered on first call."""
    return PlatformMetrics(
        outbox_backlog=Gauge("pdp_outbox_backlog", "Outbox rows not yet published."),
        outbox_oldest_age=Gauge(
            "pdp_outbox_oldest_age_seconds",
            "Age of the oldest unpublished outbox row (0 when none).",
        ),
        outbox_published=Counter(
            "pdp_outbox_published", "Events the outbox relay published to Kafka."
        ),
        consumer_lag=Gauge(
            "pdp_consumer_lag",
            "Messages a consumer group is behind: end offset minus committed position, "
            "summed over the topic's assigned partitions.",
            ["group", "topic"],
        ),
        consumer_events=Counter(
            "pdp_consumer_events",
            "Events a consumer group took, by outcome "
            "(handled, duplicates, ignored, dead_lettered).",
            ["group", "outcome"],
        ),
        consumer_dead_letters=Counter(
            "pdp_consumer_dead_letters",
            "Records a consumer group sent to its dead-letter topic, by the topic they came from.",
            ["group", "topic"],
        ),
        sweep_runs=Counter(
            "pdp_sweep_runs",
            "Scheduled sweep runs, by outcome (ok or failed).",
            ["sweep", "outcome"],
        ),
        sweep_changes=Counter(
            "pdp_sweep_changes",
            "What sweep runs changed (the counts in their results, added up).",
            ["sweep"],
        ),
    )


def changes_in(result: Any) -> int:
    """How much a sweep's result says it changed: its counts added up (lists by length,
    nested mappings recursively); dates, names and flags count nothing."""
    if isinstance(result, bool):
        return 0
    if isinstance(result, int):
        return max(result, 0)
    if isinstance(result, Mapping):
        return sum(changes_in(value) for value in result.values())
    if isinstance(result, list | tuple | set | frozenset):
        return len(result)
    return 0


async def refresh_outbox(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[int, float]:
    """Read the unsent rows' count and the oldest one's age into the gauges; return both."""
    unsent = _OUTBOX.c.sent_at.is_(None)
    async with sessionmaker() as session:
        backlog = int(await session.scalar(select(func.count()).where(unsent)) or 0)
        oldest: datetime | None = await session.scalar(
            select(_OUTBOX.c.created_at).where(unsent).order_by(_OUTBOX.c.seq).limit(1)
        )
    age = max((utcnow() - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
    metrics = platform_metrics()
    metrics.outbox_backlog.set(backlog)
    metrics.outbox_oldest_age.set(age)
    return backlog, age


async def watch_outbox(
    sessionmaker: async_sessionmaker[AsyncSession], *, interval_seconds: float, stop: asyncio.Event
) -> None:
    """Refresh the outbox gauges every ``interval_seconds`` until ``stop`` is set."""
    while not stop.is_set():
        try:
            await refresh_outbox(sessionmaker)
        except Exception:  # a failed read leaves the last values; readiness says why
            log.warning("outbox metrics not refreshed", exc_info=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
