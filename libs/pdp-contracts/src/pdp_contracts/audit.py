"""Events published by the audit service (topic ``pdp.audit.events``)."""

from __future__ import annotations

from datetime import date, datetime

from pdp_contracts.base import EventPayload, event_type


class UsageReportFiled(EventPayload):
    """A requester filed a usage report on a grant (Art. 34)."""

    event_type = event_type("audit", "usage_report", "filed")

    id: str
    grant_id: str
    holder: str
    provider: str
    resource_id: str
    filed_at: datetime


class UsageReportDue(EventPayload):
    """A grant has data calls and no usage report for the configured period (Art. 34)."""

    event_type = event_type("audit", "usage_report", "due")

    grant_id: str
    holder: str
    provider: str
    first_called_at: datetime
    calls: int


class ViolationNotified(EventPayload):
    """The bureau issued a violation notice (通报) to a department (Art. 35)."""

    event_type = event_type("audit", "notice", "issued")

    id: str
    department: str
    title: str


class RectificationOrdered(EventPayload):
    """The bureau ordered a department to rectify by a date (Art. 35)."""

    event_type = event_type("audit", "rectification", "ordered")

    id: str
    department: str
    notice_id: str | None = None
    due_on: date


class RectificationOverdue(EventPayload):
    """A rectification order passed its deadline still open (Art. 35)."""

    event_type = event_type("audit", "rectification", "overdue")

    id: str
    department: str
    due_on: date


class RectificationClosed(EventPayload):
    """The bureau closed a rectification order."""

    event_type = event_type("audit", "rectification", "closed")

    id: str
    department: str
    closed_on: date
    overdue: bool


class RecordsPurged(EventPayload):
    """The retention sweep purged records past their retention and under no hold (Art. 34)."""

    event_type = event_type("audit", "records", "purged")

    kind: str
    removed: int
    cut_position: int
    older_than: datetime
    method: str
