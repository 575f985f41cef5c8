"""The ingest hot path: one INSERT statement per poll batch, a second copy of an event ignored.

The kit's inbox already skips a redelivered event; the unique event id guards the record itself
too (a replay into a fresh consumer group, a restored inbox), so a duplicate never fails a batch.
The statement is the kit's :class:`~pdp_kit.bulk.BulkInsert` with ``ON CONFLICT (<key>) DO
NOTHING``: on PostgreSQL the batch travels as one array per column (``unnest``), on SQLite as an
executemany. An ORM insert ran at a quarter of the raw rate (ARCHITECTURE, performance notes); the
benchmark measures events per second to the journal.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Table

from pdp_kit.bulk import BulkInsert


class InsertOnce(BulkInsert):
    """Insert rows into ``table`` unless a row with the same ``key`` exists."""

    def __init__(self, table: Table, *, key: str) -> None:
        super().__init__(table, skip_duplicates_of=key)


def as_utc(moment: datetime) -> datetime:
    """Timestamps are stored in UTC (ARCHITECTURE: Time); one without a zone is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
