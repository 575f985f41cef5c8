"""Network-log ingest: the gateway's batches, chained in form 2 and written with one COPY.

A poll brings ``RequestsLogged`` batches (hundreds of entries each, arrays in a fixed field
order) and, from before them, single ``RequestLogged`` events; a single event is a batch of one.
Each batch is checked column by column (types, lengths, the time's exact form, no NUL), so a
record costs no per-field Python beyond its text: the entry's COPY text fields, joined by tabs,
are both the record's form 2 canonical text (``audit.chain.hashing``) and its ``COPY`` row. The
rows are computed while PostgreSQL is still writing the ones before them (the COPY is streamed
in chunks), so the ingest rate is mostly the table's own write rate (bench/README.md, round 4).

A batch that breaks the contract raises :class:`MalformedEvent`; the kit retries it alone and
then parks it on the dead-letter topic, whole.

Redelivery: a batch is stored whole in one transaction, under its entries' ids, and its event id
is its first entry's id, so the kit's redelivery look-up (``journaled_or_logged``) finds a batch
already kept. After the chain head's lock the same ids are looked up again (a second consumer
may have kept the batch in between), one id a batch, not one an entry.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import NoneType
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from audit.chain.appender import Chain
from audit.chain.hashing import NULL_TEXT, copy_text, links_of, time_text
from audit.chain.models import ChainHead
from audit.ingest import as_utc
from pdp_contracts.gateway import REQUESTS_LOGGED_FIELDS, RequestLogged, RequestsLogged
from pdp_kit.db import get_for_update, one_of, utcnow
from pdp_kit.events.envelope import Event, MalformedEvent

#: The exact time form of an entry (what ``time_text`` writes), so that the text chained is the
#: text verification renders from the stored value. Dates PostgreSQL refuses fail the COPY.
_TIME = (
    r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}\+00:00"
)
_TIMES = re.compile(f"(?:{_TIME}\t)*{_TIME}")
_ESCAPED = re.compile(r"[\\\t\n\r]")


@dataclass(frozen=True, slots=True)
class Batch:
    """One event's entries: their ids, their raw values, and their COPY text (12 fields)."""

    event_id: str
    entries: list[list[Any]]
    texts: list[str]


def batch_of(event: Event) -> Batch:
    """The entries of a ``RequestsLogged`` or ``RequestLogged`` event, checked."""
    entries: Any
    if event.type == RequestLogged.event_type:
        logged = event.payload(RequestLogged)
        entries = [
            [
                event.id,
                logged.request_id,
                time_text(as_utc(logged.time)),
                logged.client_id,
                logged.source_address,
                logged.method,
                logged.path,
                logged.status,
                logged.latency_ms,
                logged.bytes_in,
                logged.bytes_out,
                event.traceparent,
            ]
        ]
    elif event.type == RequestsLogged.event_type:
        data = event.data
        if data.get("fields") != list(REQUESTS_LOGGED_FIELDS):
            raise MalformedEvent(f"entry fields must be {list(REQUESTS_LOGGED_FIELDS)}")
        entries = data.get("entries")
        if not isinstance(entries, list) or not entries:
            raise MalformedEvent("entries must be a non-empty array")
    else:
        raise MalformedEvent(f"not a network-log event: {event.type}")
    if set(map(type, entries)) != {list}:
        raise MalformedEvent("every entry must be an array")
    if set(map(len, entries)) != {len(REQUESTS_LOGGED_FIELDS)}:
        raise MalformedEvent(f"every entry must have {len(REQUESTS_LOGGED_FIELDS)} values")
    if entries[0][0] != event.id:
        raise MalformedEvent("a batch's id must be its first entry's event_id")
    (ids, request_ids, times, clients, sources, methods, paths, statuses, latencies, bytes_in,
     bytes_out, traceparents) = zip(*entries, strict=True)  # fmt: skip
    columns = (
        _strings("event_id", ids, 64),
        _strings("request_id", request_ids, 200),
        _times(times),
        _strings("client_id", clients, 200, nullable=True),
        _strings("source_address", sources, 100, nullable=True),
        _strings("method", methods, 16),
        _strings("path", paths, None),
        _integers("status", statuses),
        _floats("latency_ms", latencies),
        _integers("bytes_in", bytes_in),
        _integers("bytes_out", bytes_out),
        _strings("traceparent", traceparents, 128, nullable=True),
    )
    # Integers and floats format as ``str`` writes them (a float's shortest ``repr``).
    return Batch(event.id, entries, list(map(_TEXT, *columns)))


#: An entry's COPY text: its 12 fields, each already a string, an int or a float.
_TEXT = "\t".join(["{}"] * len(REQUESTS_LOGGED_FIELDS)).format


def _strings(
    name: str, values: Sequence[Any], max_length: int | None, *, nullable: bool = False
) -> Sequence[str]:
    types = set(map(type, values))
    has_null = NoneType in types
    if has_null and not nullable:
        raise MalformedEvent(f"{name} is missing")
    if types - {str, NoneType}:
        raise MalformedEvent(f"{name} must be a string")
    present = [v for v in values if v is not None] if has_null else values
    if max_length is not None and max(map(len, present), default=0) > max_length:
        raise MalformedEvent(f"{name} is longer than {max_length} characters")
    joined = "".join(present)
    if "\x00" in joined:
        raise MalformedEvent(f"{name} holds a NUL character")
    if _ESCAPED.search(joined):
        return [NULL_TEXT if v is None else copy_text(v) for v in values]
    if has_null:
        return [NULL_TEXT if v is None else v for v in values]
    return values


def _times(values: Sequence[Any]) -> Sequence[str]:
    if set(map(type, values)) != {str} or not _TIMES.fullmatch("\t".join(values)):
        raise MalformedEvent("time must be UTC ISO 8601 with six fractional digits")
    return values


def _integers(name: str, values: Sequence[Any]) -> Sequence[int]:
    if set(map(type, values)) != {int}:
        raise MalformedEvent(f"{name} must be an integer")
    return values


def _floats(name: str, values: Sequence[Any]) -> Sequence[float]:
    types = set(map(type, values))
    if types == {float}:
        return values
    if not types <= {int, float}:
        raise MalformedEvent(f"{name} must be a number")
    return list(map(float, values))  # stored as float8: 3 is chained as 3.0, as it reads back


async def keep_batches(session: AsyncSession, chain: Chain, events: Sequence[Event]) -> int:
    """Chain and store the entries of ``events`` in order, after the chain head; a batch
    already stored is left out. Returns how many entries were stored."""
    if not events:
        return 0
    head = await get_for_update(session, ChainHead, chain.kind)
    if head is None:
        raise RuntimeError(f"chain head {chain.kind} is missing (migrations not applied?)")
    ids = [event.id for event in events]
    stored = set(await session.scalars(select(chain.key).where(one_of(session, chain.key, ids))))
    fresh: list[Event] = []
    for event in events:
        if event.id not in stored:
            stored.add(event.id)
            fresh.append(event)
    if not fresh:
        return 0
    now = utcnow()
    rows = _ChainedRows(chain.kind, head.position, bytes.fromhex(head.hash), time_text(now))
    if session.bind.dialect.name == "postgresql":
        # Each batch is checked, chained and rendered while PostgreSQL writes the one before.
        await _copy(session, chain.table, rows.copy_text(fresh))
    else:
        await session.execute(chain.insert_statement, rows.insert_rows(fresh, now))
    kept = rows.position - head.position
    head.position, head.hash, head.updated_at = rows.position, rows.previous.hex(), now
    return kept


class _ChainedRows:
    """A poll's rows, chained as they are produced, and where the chain then ends."""

    def __init__(self, kind: str, position: int, previous: bytes, received: str) -> None:
        self.kind = kind
        self.position = position
        self.previous = previous
        self._received = received

    def _chain(self, batch: Batch) -> list[tuple[int, str, str]]:
        """``(seq, fields, hash)`` of each entry; the fields with ``received_at``."""
        texts = [f"{text}\t{self._received}" for text in batch.texts]
        first = self.position + 1
        links = list(links_of(self.previous, self.kind, self.position, texts))
        self.position += len(texts)
        self.previous = links[-1]
        return list(zip(range(first, self.position + 1), texts, map(bytes.hex, links), strict=True))

    def copy_text(self, events: Sequence[Event]) -> Iterator[bytes]:
        """COPY text rows, a chunk a batch: ``seq``, the chained fields, ``hash`` (the table's
        column order). A malformed batch raises here, which aborts the COPY."""
        for event in events:
            rows = self._chain(batch_of(event))
            yield "".join([f"{seq}\t{text}\t{link}\n" for seq, text, link in rows]).encode()

    def insert_rows(self, events: Sequence[Event], now: datetime) -> list[dict[str, Any]]:
        """Rows for the INSERT path (SQLite): the raw values, the time as a datetime."""
        rows = []
        for event in events:
            batch = batch_of(event)
            for (seq, _, link), entry in zip(self._chain(batch), batch.entries, strict=True):
                row = dict(zip(REQUESTS_LOGGED_FIELDS, entry, strict=True))
                row["time"] = datetime.fromisoformat(row["time"])
                row["latency_ms"] = float(row["latency_ms"])
                rows.append({**row, "seq": seq, "received_at": now, "hash": link})
        return rows


async def _copy(session: AsyncSession, table: Table, chunks: Iterator[bytes]) -> None:
    """COPY in the session's own transaction, streamed: PostgreSQL writes a chunk while the
    next one is computed."""

    async def source() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk
            await asyncio.sleep(0)  # let the transport send it before the next is computed

    connection = await session.connection()
    raw = await connection.get_raw_connection()
    await raw.driver_connection.copy_to_table(  # type: ignore[union-attr]
        table.name, source=source(), columns=[c.name for c in table.columns]
    )
