"""One row per legal clock the platform runs: who owes what, by when, and where it stands.

The row is keyed by the clock's kind and the object it runs on, so a duplicate event updates
the same row. ``last_event_at`` is the time of the newest event applied: an older event that
arrives late changes nothing, so it can never reopen a clock a newer event closed.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field

from gateway.tables import GatewayTable
from pdp_kit.db import UTCDateTime, utcnow


class ClockKind(StrEnum):
    RESOURCE_REVIEW = "resource_review"  # Art. 10: the bureau reviews a submission in 2 days
    CHANGE = "change"  # Art. 10: a department updates its catalogue in 10 working days
    SHARE_REPLY = "share_reply"  # Art. 18: the provider replies to a share request
    OPENING_REVIEW = "opening_review"  # Art. 24: the department reviews an open-data application
    USAGE_REPORT = "usage_report"  # Art. 24: the applicant reports how it used the data
    REGISTRATION = "registration"  # Art. 28: registration of an authorised-operation product
    EVALUATION = "evaluation"  # Art. 27: the periodic evaluation of an authorisation
    RECTIFICATION = "rectification"  # Art. 35: a department rectifies what audit found


class ClockState(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    CLOSED = "closed"


class LegalClock(GatewayTable, table=True):
    __tablename__ = "legal_clock"

    kind: str = Field(primary_key=True, max_length=32)
    object_id: str = Field(primary_key=True, max_length=64)
    department: str | None = Field(default=None, max_length=32, index=True)
    subject: str = Field(default="", max_length=200)
    due_on: date | None = Field(default=None, index=True)
    provisional: bool = False
    state: str = Field(default=ClockState.OPEN.value, max_length=16, index=True)
    #: An extension the bureau has still to decide on (catalog changes, share replies).
    extension_requested: bool = False
    last_event_at: datetime = Field(sa_type=UTCDateTime)
    last_event_type: str = Field(default="", max_length=120)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ClockDepartment(GatewayTable, table=True):
    """Department code -> name, from catalog's register (``DepartmentCreated``), so the board
    names who owes each clock without asking catalog on every view."""

    __tablename__ = "clock_department"

    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=200)
