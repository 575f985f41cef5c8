"""Appending to a chain: one chain head row lock, one INSERT round per batch (the hot path).

The head's row lock (``FOR UPDATE`` on PostgreSQL; SQLite writes one at a time) orders every
append of a kind, so chain positions are the arrival order and there are no gaps. A record
already stored (a replay past the kit's inbox) is left out before positions are given.

The INSERT is a typed ``text()`` statement: SQLAlchemy's ORM insert ran at a quarter of the raw
rate (ARCHITECTURE, performance notes); typed bind parameters keep the columns' conversions.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Table, bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from audit.chain.hashing import link
from audit.chain.models import ChainHead
from pdp_kit.db import get_for_update, one_of, utcnow

#: Rows a COPY statement takes at a time (a batch is copied in chunks, see ``Chain.append``).
COPY_CHUNK = 500
#: Rows whose links are computed between two turns of the event loop while a COPY is in flight.
YIELD_EVERY = 100


class Chain:
    """One chained table: its kind, the column that identifies a record, the chained columns."""

    def __init__(
        self, kind: str, table: Table, *, key: str, copy: bool = False, form: int = 1
    ) -> None:
        self.kind = kind
        #: The canonical form new records are chained in (``audit.chain.hashing``); a chain in
        #: form 2 was in form 1 before, and verification accepts that one change.
        self.form = form
        #: On PostgreSQL write a batch with COPY (hot ingest paths: journal, usage, network log).
        self.copy = copy
        self.table = table
        self.key = table.c[key]
        self.columns = tuple(c.name for c in table.columns if c.name not in ("seq", "hash"))
        #: COPY sends a json column's value as its text.
        self._json = frozenset(c.name for c in table.columns if isinstance(c.type, JSON))
        names = ", ".join(f'"{c.name}"' for c in table.columns)
        values = ", ".join(f":{c.name}" for c in table.columns)
        self._insert = text(f'INSERT INTO "{table.name}" ({names}) VALUES ({values})').bindparams(
            *(bindparam(c.name, type_=c.type) for c in table.columns)
        )

    @property
    def insert_statement(self) -> Any:
        """The typed multi-row INSERT of every column (for writers of their own rows)."""
        return self._insert

    async def append(self, session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Chain and insert ``rows`` in order; returns the positions given (none for a row whose
        key is stored already)."""
        if (
            self.form != 1
        ):  # this appender writes form 1 only; a later form 1 record would not verify
            raise RuntimeError(f"the {self.kind} chain is in form {self.form}: use its own writer")
        if not rows:
            return []
        head = await get_for_update(session, ChainHead, self.kind)
        if head is None:
            raise RuntimeError(f"chain head {self.kind} is missing (migrations not applied?)")
        keys = [row[self.key.name] for row in rows]
        stored = set(await session.scalars(select(self.key).where(one_of(session, self.key, keys))))
        position, previous = head.position, bytes.fromhex(head.hash)
        copying = self.copy and session.bind.dialect.name == "postgresql"
        # COPY a chunk while the next chunk's links are computed: PostgreSQL writes the rows
        # and their six indexes (journal) in its own process while this one hashes, instead of
        # one waiting for the other (round 4). The chunks go in order, one statement at a time.
        chunks: asyncio.Queue[list[dict[str, Any]] | None] = asyncio.Queue()
        copier = asyncio.create_task(self._copy_chunks(session, chunks)) if copying else None
        fresh: list[dict[str, Any]] = []
        queued = 0
        try:
            for row in rows:
                if row[self.key.name] in stored:
                    continue
                stored.add(row[self.key.name])
                position += 1
                previous = link(previous, self.kind, position, row, self.columns)
                fresh.append({**row, "seq": position, "hash": previous.hex()})
                if copier is not None and len(fresh) % YIELD_EVERY == 0:
                    if len(fresh) - queued >= COPY_CHUNK:
                        chunks.put_nowait(fresh[queued:])
                        queued = len(fresh)
                    await asyncio.sleep(0)  # the COPY in flight goes on
        finally:
            if copier is not None:
                if queued < len(fresh):
                    chunks.put_nowait(fresh[queued:])
                chunks.put_nowait(None)
                # Wait for it even when the links failed: never leave a statement running.
                await asyncio.wait([copier])
                if not copier.cancelled():
                    copier.exception()  # retrieved here; raised below unless the links failed
        if copier is not None:
            copier.result()
        if not fresh:
            return []
        if copier is None:
            await session.execute(self._insert, fresh)
        head.position, head.hash, head.updated_at = position, previous.hex(), utcnow()
        return [row["seq"] for row in fresh]

    async def _copy_chunks(
        self, session: AsyncSession, chunks: asyncio.Queue[list[dict[str, Any]] | None]
    ) -> None:
        while (chunk := await chunks.get()) is not None:
            await self._copy(session, chunk)

    async def _copy(self, session: AsyncSession, rows: list[dict[str, Any]]) -> None:
        """COPY in the session's own transaction (its connection); UTC-aware timestamps only."""
        names = [c.name for c in self.table.columns]
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        records = [
            tuple(_as_json(row[n]) if n in self._json else row[n] for n in names) for row in rows
        ]
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            self.table.name, records=records, columns=names
        )


def _as_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)
