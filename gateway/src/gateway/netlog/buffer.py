"""The network log (Art. 34): the requests of each flush as ``RequestsLogged`` events.

A request must not wait for its own log line, so the middleware only appends to an in-memory
buffer; a background task moves the buffer into the outbox every ``netlog_flush_seconds`` (or as
soon as ``netlog_batch_size`` entries wait), one transaction per batch, with SQLAlchemy Core.
A batch is published as events of up to ``REQUESTS_LOGGED_MAX_ENTRIES`` entries each, an entry
an array in the contract's field order (one CloudEvent a request cost audit ~20 µs a record to
decode: bench/README.md, round 4). Each entry has its own id; an event's id is its first
entry's. From the outbox the relay publishes to ``pdp.gateway.netlog`` like any other event.

The broker or audit being slow or down costs nothing here: entries wait in the outbox. When the
gateway's own database refuses a write, the entries are spilled to a local file
(``<data_dir>/netlog-spill.jsonl``, appended and fsynced) instead of being held in memory, and
the next successful flush replays the file first, in order, then removes it. Each spilled entry
carries its event id, and a replay cuts the file into events of ``REQUESTS_LOGGED_MAX_ENTRIES``
from its top, whatever the settings, so every replay builds the same events under the same ids;
the outbox insert skips an id already there, so a replay interrupted by a crash and started
again writes every entry once; audit keeps each batch once too.

What a crash can lose: entries still in memory, i.e. the requests of at most one flush interval
(``netlog_flush_seconds``, about 100 ms; at most one batch more while a write is in flight).
Spilled entries survive a crash. A graceful shutdown (SIGTERM, the lifespan ending) flushes
everything first, spilling what the database refuses. Without a spill file (``spill_path``
unset) entries beyond ``netlog_max_pending`` are dropped, oldest first, and counted in
``dropped``; with one, nothing is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import uuid
from collections import Counter, deque
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Table, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.edge.traffic import gateway_metrics
from gateway.settings import GatewaySettings
from pdp_contracts.gateway import (
    NETLOG_TOPIC,
    REQUESTS_LOGGED_FIELDS,
    REQUESTS_LOGGED_MAX_ENTRIES,
    RequestsLogged,
)
from pdp_kit.events.envelope import Event
from pdp_kit.events.outbox import outbox_row
from pdp_kit.models import OutboxMessage
from pdp_kit.telemetry import meter

log = logging.getLogger(__name__)

_outbox: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
_MAX_BACKOFF_SECONDS = 5.0
_COLUMNS = [c for c in _outbox.columns if c is not _outbox.autoincrement_column]
#: Plain ``INSERT ... ON CONFLICT DO NOTHING`` (PostgreSQL and SQLite): a replayed entry whose
#: event id is already in the outbox is skipped.
_INSERT = text(
    f'INSERT INTO "{_outbox.name}" ({", ".join(c.name for c in _COLUMNS)}) '
    f'VALUES ({", ".join(f":{c.name}" for c in _COLUMNS)}) ON CONFLICT ("event_id") DO NOTHING'
).bindparams(*(bindparam(c.name, type_=c.type) for c in _COLUMNS))


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
    #: Given when the entry is spilled, so its replays publish one event.
    event_id: str | None = None

    def to_line(self) -> str:
        return json.dumps({**dataclasses.asdict(self), "time": self.time.isoformat()})

    @classmethod
    def from_line(cls, line: str) -> LoggedRequest:
        fields = json.loads(line)
        return cls(**{**fields, "time": datetime.fromisoformat(fields["time"])})


class NetworkLog:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        batch_size: int = 200,
        flush_seconds: float = 0.1,
        max_pending: int = 100_000,
        spill_path: Path | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._spill_path = spill_path
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
        self.spilled = 0
        self._dropped_metric = gateway_metrics().netlog_dropped

    @property
    def pending(self) -> int:
        return len(self._pending)

    def count_probe(self, path: str) -> None:
        self.probes[path] += 1
        self._probe_metric.add(1, {"path": path})

    def record(self, entry: LoggedRequest) -> None:
        """Called on the request path: an append (a spill to disk if the buffer is full)."""
        if len(self._pending) == self._pending.maxlen:
            if self._spill_path is not None:
                self._spill(self._drain())
            else:
                self.dropped += 1  # the deque drops the oldest entry
                self._dropped_metric.inc()
        self._pending.append(entry)
        if len(self._pending) >= self._batch_size:
            self._wake.set()

    async def flush(self) -> int:
        """Replay the spill file, then write everything pending, one transaction per batch;
        return how many were written. If the database refuses, what is pending is spilled."""
        async with self._lock:
            try:
                written = await self._replay()
                written += await self._write_pending()
            except BaseException:
                if self._spill_path is not None and self._pending:
                    self._spill(self._drain())
                raise
        self.written += written
        return written

    async def _write_pending(self) -> int:
        written = 0
        while self._pending:
            batch = [
                self._pending.popleft() for _ in range(min(self._batch_size, len(self._pending)))
            ]
            try:
                await self._write(batch)
            except BaseException:
                if self._spill_path is not None:  # to disk, in order: nothing is dropped
                    self._spill([*batch, *self._drain()])
                    raise
                # Back to the front, in order; if the buffer filled meanwhile, the newest go.
                room = (self._pending.maxlen or 0) - len(self._pending)
                lost = max(0, len(batch) - room)
                self.dropped += lost
                self._dropped_metric.inc(lost)
                self._pending.extendleft(reversed(batch))
                raise
            written += len(batch)
        return written

    def _drain(self) -> list[LoggedRequest]:
        entries = list(self._pending)
        self._pending.clear()
        return entries

    def _spill(self, entries: Sequence[LoggedRequest]) -> None:
        """Append ``entries`` to the spill file, each with its event id, and fsync it."""
        assert self._spill_path is not None
        lines = [
            dataclasses.replace(e, event_id=e.event_id or str(uuid.uuid4())).to_line() + "\n"
            for e in entries
        ]
        self._spill_path.parent.mkdir(parents=True, exist_ok=True)
        with self._spill_path.open("a", encoding="utf-8") as out:
            out.writelines(lines)
            out.flush()
            os.fsync(out.fileno())
        self.spilled += len(lines)
        log.warning("network log: %d entries spilled to %s", len(lines), self._spill_path)

    async def _replay(self) -> int:
        """Write the spilled entries in order, then remove the file. Interrupted, the next
        replay starts again from the top; entries already written are skipped by event id."""
        if self._spill_path is None or not self._spill_path.exists():
            return 0
        with self._spill_path.open(encoding="utf-8") as spilled:
            entries = [LoggedRequest.from_line(line) for line in spilled if line.strip()]
        for start in range(0, len(entries), REQUESTS_LOGGED_MAX_ENTRIES):
            await self._write(entries[start : start + REQUESTS_LOGGED_MAX_ENTRIES])
        self._spill_path.unlink()
        log.info("network log: %d spilled entries replayed", len(entries))
        return len(entries)

    async def _write(self, batch: list[LoggedRequest]) -> None:
        rows = outbox_rows(batch)
        async with self._sessionmaker() as session, session.begin():
            await session.execute(_INSERT, rows)

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


#: Column limits of audit's network log: an entry past one would make audit refuse the whole
#: batch (dead-lettered), so the gateway cuts them; PostgreSQL text cannot hold a NUL.
_LIMITS = {
    "request_id": 200,
    "client_id": 200,
    "source_address": 100,
    "method": 16,
    "traceparent": 128,
}


def _text(value: str | None, limit: int | None = None) -> str | None:
    if value is None:
        return None
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    return value if limit is None else value[:limit]


def entry_values(entry: LoggedRequest, event_id: str) -> list[Any]:
    """An entry as ``RequestsLogged`` carries it: the contract's fields, in their order."""
    return [
        event_id,
        _text(entry.request_id, _LIMITS["request_id"]),
        entry.time.astimezone(UTC).isoformat(timespec="microseconds"),
        _text(entry.client_id, _LIMITS["client_id"]),
        _text(entry.source_address, _LIMITS["source_address"]),
        _text(entry.method, _LIMITS["method"]),
        _text(entry.path),
        entry.status,
        entry.latency_ms,
        entry.bytes_in,
        entry.bytes_out,
        _text(entry.traceparent, _LIMITS["traceparent"]),
    ]


def outbox_rows(entries: Sequence[LoggedRequest]) -> list[dict[str, Any]]:
    """Outbox rows of ``RequestsLogged`` events for ``entries``, in order, up to
    ``REQUESTS_LOGGED_MAX_ENTRIES`` entries an event; an entry without an id gets a new one."""
    rows = []
    for start in range(0, len(entries), REQUESTS_LOGGED_MAX_ENTRIES):
        chunk = entries[start : start + REQUESTS_LOGGED_MAX_ENTRIES]
        values = [entry_values(e, e.event_id or str(uuid.uuid4())) for e in chunk]
        first = values[0][0]
        event = Event(
            id=first,
            source=f"/pdp/{RequestsLogged.producer()}",
            type=RequestsLogged.event_type,
            subject=first,
            time=datetime.now(UTC),
            data={"fields": list(REQUESTS_LOGGED_FIELDS), "entries": values},
        )
        row = outbox_row(event, topic=NETLOG_TOPIC)
        rows.append(
            {
                "event_id": row.event_id,
                "topic": row.topic,
                "key": row.key,
                "value": row.value,
                "headers": row.headers,
                "created_at": row.created_at,
                "sent_at": None,
                "attempts": 0,
            }
        )
    return rows


@asynccontextmanager
async def network_log(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension: the buffer and its flusher; the last flush happens on the way out."""
    settings: GatewaySettings = app.state.settings
    netlog = NetworkLog(
        app.state.sessionmaker,
        batch_size=settings.netlog_batch_size,
        flush_seconds=settings.netlog_flush_seconds,
        max_pending=settings.netlog_max_pending,
        spill_path=settings.data_dir / "netlog-spill.jsonl",
    )
    gateway_metrics()  # every family is named on /metrics from the first scrape
    netlog.start()
    app.state.netlog = netlog
    try:
        yield
    finally:
        await netlog.stop()
