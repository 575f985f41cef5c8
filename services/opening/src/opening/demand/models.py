from datetime import date, datetime

from sqlmodel import Field

from opening.tables import OpeningTable
from pdp_kit.db import UTCDateTime, utcnow


class DemandRequest(OpeningTable, table=True):
    """Someone asked for a resource that is not open (Art. 25: new items can be added)."""

    __tablename__ = "demand_request"

    id: str = Field(primary_key=True, max_length=40)
    resource_id: str = Field(max_length=40, index=True)
    department: str = Field(max_length=32, index=True)
    client_id: str = Field(max_length=120)
    reason: str = Field(max_length=1000)
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DemandSurfaced(OpeningTable, table=True):
    """When the owner was last told a resource is often asked for (once per window)."""

    __tablename__ = "demand_surfaced"

    resource_id: str = Field(primary_key=True, max_length=40)
    department: str = Field(max_length=32)
    requests: int
    surfaced_on: date
