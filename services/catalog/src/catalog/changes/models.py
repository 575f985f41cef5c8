from datetime import date, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field

from catalog.tables import CatalogTable
from pdp_kit.db import UTCDateTime, utcnow


class ChangeObligation(CatalogTable, table=True):
    """A department's duty to update its catalogue: within 10 working days of a change in law,
    regulation, superior decision or duties (one 5-day extension with the bureau's consent), or
    the annual full review. Art. 10."""

    __tablename__ = "change_obligation"

    id: str = Field(primary_key=True, max_length=32)
    department: str = Field(foreign_key="department.code", max_length=32, index=True)
    kind: str = Field(max_length=16, description="change or annual_review")
    annual_key: str | None = Field(default=None, max_length=64, unique=True)
    reason: str = Field(max_length=2000)
    summary: str = Field(default="", max_length=4000)
    occurred_on: date
    status: str = Field(default="open", max_length=16, index=True)
    due_on: date
    provisional: bool = False
    resources: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    extension_status: str = Field(default="none", max_length=16)
    extension_reason: str | None = Field(default=None, max_length=2000)
    extension_decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_on: date | None = None
    overdue_on: date | None = None
    closed_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChangeUpdate(CatalogTable, table=True):
    """A resource updated under an obligation: when it was submitted and when published."""

    __tablename__ = "change_update"

    change_id: str = Field(foreign_key="change_obligation.id", primary_key=True, max_length=32)
    resource_id: str = Field(foreign_key="resource.id", primary_key=True, max_length=32)
    submitted_on: date | None = None
    published_on: date | None = None
