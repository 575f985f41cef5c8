"""What every data call leaves behind for audit's usage records (Art. 19, 34).

Sharing (a grant's data call), opening (an open-data read) and registry (an operator's access)
each publish their own event type on their own topic with this payload shape; audit keeps every
one of them as a usage record for at least three years. Nothing of the data itself travels here:
only who read which fields of which resource, under what, how many records, and the outcome.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from pdp_contracts.base import EventPayload


class UsageBasis(StrEnum):
    """What entitled the call."""

    GRANT = "grant"  # sharing, Art. 19
    LISTING = "listing"  # opening, Art. 24
    AUTHORISATION = "authorisation"  # registry, Art. 27


class UsageResult(StrEnum):
    OK = "ok"
    REFUSED = "refused"  # the basis was not active (suspended, terminated, expired, revoked)
    FAILED = "failed"  # the records could not be read (catalog unreachable)


class DataUsage(EventPayload):
    """One data call. Subclassed once per producer with its own ``event_type``."""

    client_id: str
    department: str | None = None  # the caller's department, for a department caller
    operator: str | None = None  # the caller's operator id, for an operator caller
    basis: UsageBasis
    basis_id: str
    resource_id: str
    provider: str  # the department that owns the resource
    purpose: str | None = None  # the grant's scenario, the application's or assessment's scenario
    fields: list[str] = Field(default_factory=list)
    record_count: int = 0
    result: UsageResult
    reason: str | None = None
    called_at: datetime
