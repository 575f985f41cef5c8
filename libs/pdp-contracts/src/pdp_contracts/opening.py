"""Events the opening service publishes (Art. 21–25): the open list, applications from the
municipal open-data platform, open-data reads, feedback and the dynamic adjustment of the list.

The gateway's municipal adapter returns each decision on an application (approved, refused,
returned as incomplete) to the city; audit keeps every :class:`OpenDataRead` as a usage record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field

from pdp_contracts.base import EventPayload, event_type
from pdp_contracts.usage import DataUsage


class _ListingTerms(EventPayload):
    id: str
    resource_id: str
    department: str
    open_type: str
    update_frequency: str
    desensitisation: dict[str, str]
    conditions: dict[str, Any] | None = None


class ListingPublished(_ListingTerms):
    """A department put a published resource on its open list (Art. 22)."""

    event_type = event_type("opening", "listing", "published")

    basis: str  # "desensitised" or "consent" for a not_open resource; "open" otherwise


class ListingAdjusted(_ListingTerms):
    """The owner changed how a listing is opened: open type, conditions, profile or frequency
    (Art. 25 dynamic adjustment). The new values, as in :class:`ListingPublished`."""

    event_type = event_type("opening", "listing", "adjusted")


class ListingMadeStatic(EventPayload):
    """The source can no longer be updated: the listing stays open with its history (Art. 25)."""

    event_type = event_type("opening", "listing", "made_static")

    id: str
    resource_id: str
    department: str
    reason: str


class ListingFoundStale(EventPayload):
    """The periodic evaluation (Art. 25): the data was not updated as often as the listing says;
    the owner is told once, until it is fresh again."""

    event_type = event_type("opening", "listing", "found_stale")

    id: str
    resource_id: str
    department: str
    update_frequency: str
    last_updated_at: datetime | None = None
    as_of: date


class ListingClosed(EventPayload):
    """The resource was withdrawn in the catalogue (Art. 9): the listing ends, its approvals too."""

    event_type = event_type("opening", "listing", "closed")

    id: str
    resource_id: str
    department: str
    reason: str


class ApplicationReceived(EventPayload):
    """The municipal open-data platform passed an application on (Art. 24)."""

    event_type = event_type("opening", "application", "received")

    id: str
    listing_id: str
    department: str
    applicant_kind: str
    client_id: str
    municipal_id: str | None = None
    received_on: date


class _Decision(EventPayload):
    id: str
    listing_id: str
    department: str
    client_id: str
    municipal_id: str | None = None


class ApplicationForwarded(_Decision):
    """The data centre found the materials complete and forwarded the application to the owning
    department, which decides by ``review_due_on`` (10 working days, Art. 24)."""

    event_type = event_type("opening", "application", "forwarded")

    screened_on: date
    review_due_on: date
    provisional: bool = False


class ApplicationReturned(_Decision):
    """Incomplete materials: everything missing, listed once (Art. 24)."""

    event_type = event_type("opening", "application", "returned")

    missing: list[str]
    screened_on: date


class ApplicationResubmitted(_Decision):
    event_type = event_type("opening", "application", "resubmitted")

    received_on: date


class ApplicationApproved(_Decision):
    """The applicant's ``public`` client may read the listing for ``scenario`` until
    ``valid_until``; a usage report is due by ``usage_report_due_on`` where the listing asks."""

    event_type = event_type("opening", "application", "approved")

    scenario: str
    valid_from: date
    valid_until: date
    usage_report_due_on: date | None = None
    decided_on: date
    on_time: bool


class ApplicationRefused(_Decision):
    """Refused with written reasons (Art. 24)."""

    event_type = event_type("opening", "application", "refused")

    reason: str
    decided_on: date
    on_time: bool


class ReviewOverdue(_Decision):
    event_type = event_type("opening", "application", "review_overdue")

    review_due_on: date
    as_of: date


class ReviewDeadlineRecomputed(_Decision):
    """The bureau loaded or corrected a calendar year the review deadline counts in."""

    event_type = event_type("opening", "application", "review_deadline_recomputed")

    review_due_on: date
    provisional: bool
    overdue_lifted: bool = False


class UsageReportFiled(_Decision):
    """A feedback duty of conditional opening: the user's usage report (Art. 23)."""

    event_type = event_type("opening", "application", "usage_report_filed")

    filed_on: date
    due_on: date | None = None


class UsageReportOverdue(_Decision):
    event_type = event_type("opening", "application", "usage_report_overdue")

    due_on: date
    as_of: date


class OpenDataRead(DataUsage):
    """A public client read (a page of) a listing's data or downloaded it (Art. 24, 34).
    ``purpose`` is the approved scenario of a conditional listing."""

    event_type = event_type("opening", "listing", "data_read")

    listing_id: str
    application_id: str | None = None
    delivery: str = "page"  # page | csv | json


class FeedbackReceived(EventPayload):
    """Public feedback on a listing (Art. 25), for its owner to answer."""

    event_type = event_type("opening", "feedback", "received")

    id: str
    listing_id: str
    department: str
    client_id: str


class FeedbackAnswered(EventPayload):
    event_type = event_type("opening", "feedback", "answered")

    id: str
    listing_id: str
    department: str
    answered_on: date


class OpeningDemanded(EventPayload):
    """An unopened resource is often asked for: its owner is told (Art. 25)."""

    event_type = event_type("opening", "demand", "surfaced")

    resource_id: str
    department: str
    requests: int
    as_of: date
    reasons: list[str] = Field(default_factory=list)


class DemandRecorded(EventPayload):
    event_type = event_type("opening", "demand", "recorded")

    resource_id: str
    department: str
    client_id: str
    requested_at: datetime
