"""The kit's own tables, present in every service's database (Alembic branch ``pdp_kit``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, LargeBinary, String
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from pdp_kit.db import UTCDateTime, utcnow


class KitModel(SQLModel, registry=registry()):
    """Base of the kit tables; each service has its own registry too, so names never collide."""


class OutboxMessage(KitModel, table=True):
    """An event committed with the change that caused it, waiting for the relay."""

    __tablename__ = "pdp_outbox"
    __table_args__ = (Index("ix_pdp_outbox_unsent", "sent_at", "seq"),)

    seq: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    )
    event_id: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    topic: str = Field(max_length=200)
    key: str | None = Field(default=None, max_length=200)
    value: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    headers: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0


class InboxEntry(KitModel, table=True):
    """An event a consumer group has handled; written in the handler's own transaction."""

    __tablename__ = "pdp_inbox"

    consumer: str = Field(primary_key=True, max_length=100)
    event_id: str = Field(primary_key=True, max_length=64)
    event_type: str = Field(max_length=200)
    handled_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CalendarYearRow(KitModel, table=True):
    """An operator-loaded State Council holiday schedule (DOMAIN: working days)."""

    __tablename__ = "pdp_calendar_year"

    year: int = Field(primary_key=True)
    holidays: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    workdays: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    loaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SweepLease(KitModel, table=True):
    """One row a sweep, locked while it runs so several replicas never run it at once; it also
    says who ran it last, when, for which date and with what result."""

    __tablename__ = "pdp_sweep_lease"

    name: str = Field(primary_key=True, max_length=100)
    holder: str | None = Field(default=None, max_length=200)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_as_of: date | None = None
    last_result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
