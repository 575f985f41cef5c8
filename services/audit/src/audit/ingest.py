"""The ingest hot path: one executemany INSERT per poll batch, a second copy of an event ignored.

The kit's inbox already skips a redelivered event; the unique event id guards the record itself
too (a replay into a fresh consumer group, a restored inbox), so a duplicate never fails a batch.

The statement is plain ``INSERT ... ON CONFLICT (<key>) DO NOTHING``, which PostgreSQL and SQLite
both speak, written once as a typed ``text()`` construct: SQLAlchemy's dialect ``insert()`` with
``on_conflict_do_nothing`` is never cached (``inherit_cache = False``) and is compiled again for
every row, which cost more than the INSERT itself. Typed bind parameters keep the columns' own
conversions (UTC timestamps, JSON). An ORM insert ran at a quarter of the raw rate (ARCHITECTURE,
performance notes); the benchmark measures events per second to the journal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession


class InsertOnce:
    """Insert one row into ``table`` unless a row with the same ``key`` exists."""

    def __init__(self, table: Table, *, key: str) -> None:
        columns = [c for c in table.columns if c is not table.autoincrement_column]
        names = ", ".join(f'"{c.name}"' for c in columns)
        values = ", ".join(f":{c.name}" for c in columns)
        self._statement = text(
            f'INSERT INTO "{table.name}" ({names}) VALUES ({values}) '
            f'ON CONFLICT ("{key}") DO NOTHING'
        ).bindparams(*(bindparam(c.name, type_=c.type) for c in columns))

    async def __call__(self, session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
        """Insert all ``rows`` in one executemany round (a poll batch at a time)."""
        if rows:
            await session.execute(self._statement, list(rows))


def as_utc(moment: datetime) -> datetime:
    """Timestamps are stored in UTC (ARCHITECTURE: Time); one without a zone is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
