"""What the ingest paths share (the chained INSERT itself is ``audit.chain.appender``)."""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(moment: datetime) -> datetime:
    """Timestamps are stored in UTC (ARCHITECTURE: Time); one without a zone is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
