from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from opening.tables import OpeningTable
from pdp_kit.db import UTCDateTime, utcnow


class Listing(OpeningTable, table=True):
    """One dataset on a department's open list (开放清单, Art. 22): how it is opened, under which
    conditions, and the desensitisation profile every record passes before it leaves.

    ``status``: ``active`` (on the list; a ``static`` one too, Art. 25) or ``closed`` (its
    resource was withdrawn; the history stays readable). Counters feed the dynamic adjustment.
    """

    __tablename__ = "listing"

    id: str = Field(primary_key=True, max_length=40)
    resource_id: str = Field(max_length=40, unique=True)
    resource_version: int
    department: str = Field(max_length=32, index=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    open_type: str = Field(max_length=20, index=True)
    update_frequency: str = Field(max_length=20)
    desensitisation: dict[str, dict[str, str]] = Field(sa_column=Column(JSON, nullable=False))
    conditions: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    consent: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    basis: str = Field(max_length=20)  # open | desensitised | consent
    status: str = Field(default="active", max_length=20, index=True)
    static_reason: str | None = Field(default=None, max_length=1000)
    static_since: date | None = None
    closed_reason: str | None = Field(default=None, max_length=1000)
    stale_since: date | None = None
    reads: int = 0
    downloads: int = 0
    records_served: int = 0
    refused_reads: int = 0
    applications: int = 0
    feedback: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
