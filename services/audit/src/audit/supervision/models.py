from datetime import date, datetime

from sqlmodel import Field

from audit.tables import AuditTable
from pdp_kit.db import UTCDateTime, utcnow


class ViolationNotice(AuditTable, table=True):
    """A public notice of a department's violation (通报, Art. 35), issued by the bureau."""

    __tablename__ = "violation_notice"

    id: str = Field(primary_key=True, max_length=64)
    department: str = Field(index=True, max_length=100)
    title: str = Field(max_length=200)
    findings: str
    basis: str | None = Field(default=None, max_length=200)  # the article breached
    issued_by: str = Field(max_length=200)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RectificationOrder(AuditTable, table=True):
    """An order to rectify by a date (Art. 35); the sweep flags it once when overdue, the bureau
    closes it."""

    __tablename__ = "rectification_order"

    id: str = Field(primary_key=True, max_length=64)
    department: str = Field(index=True, max_length=100)
    notice_id: str | None = Field(default=None, max_length=64)
    requirement: str
    due_on: date
    status: str = Field(default="open", max_length=20)  # open / closed
    overdue: bool = False
    ordered_by: str = Field(max_length=200)
    ordered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_by: str | None = Field(default=None, max_length=200)
    closed_on: date | None = None
    closing_note: str | None = None
