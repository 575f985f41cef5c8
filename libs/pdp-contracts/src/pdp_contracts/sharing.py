"""Events published by the sharing service (topic ``pdp.sharing.events``).

Requests (Art. 17, 18): submitted, materials asked for and resubmitted, extensions asked for and
granted by the bureau, approved or refused, overdue and due-soon, and deadlines recomputed when the
bureau loads a calendar year. Grants (Art. 19, 20): created, suspended (idle or misuse), reinstated,
justified, terminated; and every data call as a usage record for audit (Art. 34).
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from pdp_contracts.base import EventPayload, event_type
from pdp_contracts.usage import DataUsage


class RequestSubmitted(EventPayload):
    """A department asked another for data (Art. 17); the reply is due on ``reply_due_on``."""

    event_type = event_type("sharing", "request", "submitted")

    id: str
    resource_id: str
    requester: str
    provider: str
    share_type: str
    fields: list[str]
    scenario: str
    legal_basis: str
    method: str
    valid_until: date
    received_on: date
    reply_due_on: date
    provisional: bool


class MaterialsRequested(EventPayload):
    """The provider's one written notice listing every missing item (Art. 18); the clock stops."""

    event_type = event_type("sharing", "request", "materials_requested")

    id: str
    requester: str
    provider: str
    notice_id: str
    notice_number: str
    missing: list[str]


class MaterialsResubmitted(EventPayload):
    """The requester supplied the materials: the reply clock restarts from today (Art. 18)."""

    event_type = event_type("sharing", "request", "materials_resubmitted")

    id: str
    requester: str
    provider: str
    received_on: date
    reply_due_on: date
    provisional: bool


class ExtensionRequested(EventPayload):
    """The provider asked the bureau to extend a conditional reply (Art. 18); not yet effective."""

    event_type = event_type("sharing", "request", "extension_requested")

    id: str
    requester: str
    provider: str
    working_days: int
    reason: str


class ReplyExtended(EventPayload):
    """The bureau approved the extension: the requester is told the new date (Art. 18)."""

    event_type = event_type("sharing", "request", "reply_extended")

    id: str
    requester: str
    provider: str
    working_days: int
    reply_due_on: date
    provisional: bool
    notice_id: str


class RequestApproved(EventPayload):
    event_type = event_type("sharing", "request", "approved")

    id: str
    requester: str
    provider: str
    grant_id: str
    decided_on: date
    on_time: bool


class RequestRejected(EventPayload):
    """Refused with written reasons (Art. 18)."""

    event_type = event_type("sharing", "request", "rejected")

    id: str
    requester: str
    provider: str
    reason: str
    notice_id: str | None = None
    decided_on: date
    on_time: bool


class ReplyOverdue(EventPayload):
    """Flagged once by the sweep: the provider did not reply in time (Art. 18, 35)."""

    event_type = event_type("sharing", "request", "reply_overdue")

    id: str
    requester: str
    provider: str
    reply_due_on: date
    as_of: date


class ReplyDueSoon(EventPayload):
    """A reminder: the reply is due on the next working day."""

    event_type = event_type("sharing", "request", "reply_due_soon")

    id: str
    requester: str
    provider: str
    reply_due_on: date
    as_of: date


class ReplyDeadlineRecomputed(EventPayload):
    """The bureau loaded a calendar year and an open reply deadline moved."""

    event_type = event_type("sharing", "request", "deadline_recomputed")

    id: str
    requester: str
    provider: str
    reply_due_on: date
    provisional: bool


class GrantCreated(EventPayload):
    """Exactly the approved fields, purpose, basis and period (Art. 19)."""

    event_type = event_type("sharing", "grant", "created")

    id: str
    request_id: str
    resource_id: str
    holder: str
    provider: str
    fields: list[str]
    purpose: str
    legal_basis: str
    valid_until: date


class GrantSuspended(EventPayload):
    """``kind``: ``idle`` (no call for three months) or ``misuse`` (with a rectification date)."""

    event_type = event_type("sharing", "grant", "suspended")

    id: str
    holder: str
    provider: str
    kind: str
    reason: str
    rectify_by: date | None = None


class GrantReinstated(EventPayload):
    event_type = event_type("sharing", "grant", "reinstated")

    id: str
    holder: str
    provider: str
    reason: str


class GrantJustified(EventPayload):
    """The holder explained why an idle grant is still needed (Art. 20)."""

    event_type = event_type("sharing", "grant", "justified")

    id: str
    holder: str
    provider: str
    reason: str


class GrantTerminated(EventPayload):
    """``cause``: ``holder``, ``unrectified``, ``expired``, ``resource_withdrawn`` or
    ``fields_removed`` (Art. 20, Art. 9)."""

    event_type = event_type("sharing", "grant", "terminated")

    id: str
    holder: str
    provider: str
    cause: str
    reason: str
    fields: list[str] = Field(default_factory=list)


class GrantDataCalled(DataUsage):
    """A holder called its grant's data (Art. 19): audit keeps it as a usage record (Art. 34)."""

    event_type = event_type("sharing", "grant", "data_called")
