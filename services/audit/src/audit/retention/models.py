from datetime import datetime
from enum import StrEnum

from sqlmodel import Field

from audit.tables import AuditTable
from pdp_kit.db import UTCDateTime, utcnow


class HoldScope(StrEnum):
    """What a hold keeps (CONTRACT: Audit): the network log, the usage records and reports, or
    the event journal."""

    NETLOGS = "netlogs"
    USAGE = "usage"
    EVENTS = "events"


class Hold(AuditTable, table=True):
    """Nothing of ``scope`` whose time lies in [``start``, ``end``] is purged while the hold
    stands (Art. 34: an investigation, a dispute). Released holds stay on record."""

    __tablename__ = "retention_hold"

    id: str = Field(primary_key=True, max_length=64)
    scope: str = Field(max_length=20)  # a HoldScope
    start: datetime | None = Field(default=None, sa_type=UTCDateTime)
    end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reason: str
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    released_by: str | None = Field(default=None, max_length=200)
    released_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
