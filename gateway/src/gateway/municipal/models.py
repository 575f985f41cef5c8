"""What the adapters keep: every push to the city and every item taken from it, with its state.

Each row is one idempotent delivery (:class:`Delivery`): ``status``, ``attempts``,
``next_attempt_at`` and ``last_error`` say where it stands, so an outage loses nothing and the
console can show what waits. Rows are keyed by what makes them unique (the chain's idempotency key,
the city's application or batch id), so a duplicate event or feed item adds nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from gateway.tables import GatewayTable
from pdp_kit.db import UTCDateTime, utcnow


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    DONE = "done"  # the other side took it
    REFUSED = "refused"  # the other side said no for good (4xx): not retried
    SUPERSEDED = "superseded"  # a newer version of the same entry replaced it before it went


class Delivery(SQLModel):
    status: str = Field(default=DeliveryStatus.PENDING.value, max_length=16, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ChainPush(Delivery, GatewayTable, table=True):
    """One catalogue entry version to chain (Art. 11)."""

    __tablename__ = "municipal_chain_push"

    #: ``<kind>:<id>:v<version>``: sent as ``Idempotency-Key``, so the chain keeps it once.
    idempotency_key: str = Field(primary_key=True, max_length=120)
    kind: str = Field(max_length=16)
    entry_id: str = Field(max_length=64, index=True)
    version: int
    department: str = Field(max_length=32)
    entry: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    #: SM3 of the entry's canonical JSON, computed here; the chain's receipt must match it.
    hash: str = Field(max_length=64)
    tx_id: str | None = Field(default=None, max_length=80)
    failure_reported: bool = False
    #: The day the daily reconciliation asked for a check; cleared when the check is done.
    check_for: date | None = None
    checked_on: date | None = None


class OpenDataApplication(Delivery, GatewayTable, table=True):
    """An application the municipal open-data platform received (Art. 24), forwarded to opening
    (``status`` is the forwarding)."""

    __tablename__ = "municipal_application"

    id: str = Field(primary_key=True, max_length=64)
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    opening_id: str | None = Field(default=None, max_length=64)


class DecisionReturn(Delivery, GatewayTable, table=True):
    """A decision on an application, going back to the municipal open-data platform (Art. 24)."""

    __tablename__ = "municipal_decision"

    #: ``<application id>:<decision>``: each kind of decision goes back once.
    id: str = Field(primary_key=True, max_length=100)
    application_id: str = Field(max_length=64, index=True)
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class HandbackBatch(Delivery, GatewayTable, table=True):
    """A batch of records the city hands back for one of the district's resources (Art. 5)."""

    __tablename__ = "municipal_handback"

    id: str = Field(primary_key=True, max_length=64)
    resource_id: str = Field(max_length=64, index=True)
    records: list[Any] = Field(sa_column=Column(JSON, nullable=False))
    accepted: int | None = None
    rejected: int | None = None


class FeedCursor(GatewayTable, table=True):
    """How far a feed of the city has been read (its last sequence number)."""

    __tablename__ = "municipal_feed_cursor"

    feed: str = Field(primary_key=True, max_length=32)
    position: int = 0
    read_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
