"""The network log (Art. 34): one ``RequestLogged`` event per request, written in batches.

A request must not wait for its own log line, so the middleware only appends to an in-memory
buffer; a background task moves the buffer into the outbox every ``netlog_flush_seconds`` (or as
soon as ``netlog_batch_size`` entries wait), one transaction per batch, with SQLAlchemy Core.
From the outbox the relay publishes to ``pdp.gateway.netlog`` like any other event.

What a crash can lose: entries still in memory, i.e. the requests of the last flush interval
(about 100 ms, at most one batch more while a write is in flight). A graceful shutdown
(SIGTERM, the lifespan ending) flushes everything first. While the database refuses writes the
entries stay in memory and are retried with backoff; beyond ``netlog_max_pending`` the oldest are
dropped and counted in ``dropped`` (and logged), so an outage cannot exhaust memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.settings import GatewaySettings
from pdp_contracts.gateway import NETLOG_TOPIC, RequestLogged
from pdp_kit.events.envelope import Event
from pdp_kit.events.outbox import outbox_row
from pdp_kit.models import OutboxMessage
from pdp_kit.telemetry import meter

log = logging.getLogger(__name__)

_outbox: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
_MAX_BACKOFF_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    request_id: str
    time: datetime
    client_id: str | None
    source_address: str | None
    method: str
    path: str
    status: int
    latency_ms: float
    bytes_in: int
    bytes_out: int
    traceparent: str | None = None


class NetworkLog:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        batch_size: int = 200,
        flush_seconds: float = 0.1,
        max_pending: int = 100_000,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._batch_size = batch_size
        self._flush_seconds = flush_seconds
        self._pending: deque[LoggedRequest] = deque(maxlen=max_pending)
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.written = 0
        self.dropped = 0
        #: Health and metrics probes by path: counted, never logged one by one.
        self.probes: Counter[str] = Counter()
        self._probe_metric = meter().create_counter(
            "pdp.gateway.probes", description="Health, readiness and metrics probes answered"
        )

    @property
    def pending(self) -> int:
        return len(self._pending)

    def count_probe(self, path: str) -> None:
        self.probes[path] += 1
        self._probe_metric.add(1, {"path": path})

    def record(self, entry: LoggedRequest) -> None:
        """Called on the request path: an append, nothing else."""
        if len(self._pending) == self._pending.maxlen:
            self.dropped += 1  # the deque drops the oldest entry
        self._pending.append(entry)
        if len(self._pending) >= self._batch_size:
            self._wake.set()

    async def flush(self) -> int:
        """Write everything pending, one transaction per batch; return how many were written."""
        written = 0
        async with self._lock:
            while self._pending:
                batch = [
                    self._pending.popleft()
                    for _ in range(min(self._batch_size, len(self._pending)))
                ]
                try:
                    await self._write(batch)
                except BaseException:
                    # Back to the front, in order; if the buffer filled meanwhile, the newest go.
                    room = (self._pending.maxlen or 0) - len(self._pending)
                    self.dropped += max(0, len(batch) - room)
                    self._pending.extendleft(reversed(batch))
                    raise
                written += len(batch)
        self.written += written
        return written

    async def _write(self, batch: list[LoggedRequest]) -> None:
        rows = [_outbox_values(entry) for entry in batch]
        async with self._sessionmaker() as session, session.begin():
            await session.execute(insert(_outbox), rows)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="netlog-flush")

    async def stop(self) -> None:
        """Stop the background task, then write what is left."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        try:
            await self.flush()
        except Exception:
            log.exception("network log: %d entries could not be written at shutdown", self.pending)

    async def _run(self) -> None:
        delay = self._flush_seconds
        reported_drops = 0
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            self._wake.clear()
            try:
                await self.flush()
                delay = self._flush_seconds
            except Exception as exc:  # noqa: BLE001 - whatever failed, keep the entries and retry
                delay = min(max(delay * 2, 0.5), _MAX_BACKOFF_SECONDS)
                log.warning(
                    "network log: write failed (%r); %d entries wait, retry in %.1fs",
                    exc,
                    self.pending,
                    delay,
                )
            if self.dropped != reported_drops:
                log.error("network log: %d entries dropped so far (buffer full)", self.dropped)
                reported_drops = self.dropped


def _outbox_values(entry: LoggedRequest) -> dict[str, Any]:
    payload = RequestLogged(
        request_id=entry.request_id,
        time=entry.time,
        client_id=entry.client_id,
        source_address=entry.source_address,
        method=entry.method,
        path=entry.path,
        status=entry.status,
        latency_ms=entry.latency_ms,
        bytes_in=entry.bytes_in,
        bytes_out=entry.bytes_out,
    )
    event = Event.of(
        payload,
        subject=entry.request_id,
        actor=entry.client_id,
        traceparent=entry.traceparent,
    )
    row = outbox_row(event, topic=NETLOG_TOPIC)
    return {
        "event_id": row.event_id,
        "topic": row.topic,
        "key": row.key,
        "value": row.value,
        "headers": row.headers,
        "created_at": row.created_at,
        "sent_at": None,
        "attempts": 0,
    }


@asynccontextmanager
async def network_log(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension: the buffer and its flusher; the last flush happens on the way out."""
    settings: GatewaySettings = app.state.settings
    netlog = NetworkLog(
        app.state.sessionmaker,
        batch_size=settings.netlog_batch_size,
        flush_seconds=settings.netlog_flush_seconds,
        max_pending=settings.netlog_max_pending,
    )
    netlog.start()
    app.state.netlog = netlog
    try:
        yield
    finally:
        await netlog.stop()
