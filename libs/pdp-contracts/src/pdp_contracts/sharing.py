"""Events published by the sharing service (topic ``pdp.sharing.events``)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from pdp_contracts.base import EventPayload, event_type
from pdp_contracts.usage import DataUsage


class GrantDataCalled(DataUsage):
    """A holder called its grant's data (Art. 19): audit keeps it as a usage record (Art. 34)."""

    event_type = event_type("sharing", "grant", "data_called")


class GrantCreated(EventPayload):
    """A share request was granted (Art. 19): the holder may call the resource's fields."""

    event_type = event_type("sharing", "grant", "created")

    id: str
    request_id: str
    resource_id: str
    provider: str  # the department that owns the resource
    holder: str  # the requesting department's code
    fields: list[str] = Field(default_factory=list)
    scenario: str
    valid_until: date | None = None
    created_at: datetime


class GrantTerminated(EventPayload):
    """A grant ended before its term (withdrawn resource, revocation...)."""

    event_type = event_type("sharing", "grant", "terminated")

    id: str
    reason: str
    terminated_at: datetime
