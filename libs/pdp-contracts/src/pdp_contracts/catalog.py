"""Events published by the catalog service (topic ``pdp.catalog.events``), and the catalogue's
shared vocabularies (CONTRACT: Shared vocabularies), so consumers parse the same values.

Sharing and opening keep read models of published resources from :class:`ResourcePublished`
(everything they need: share and open types, grade, fields) and drop a version on
:class:`ResourceSuperseded`. Record contents never travel as events: :class:`RecordsIngested`
carries counts only; data is fetched through the catalog's internal records endpoint.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from pdp_contracts.base import EventPayload, event_type


class ShareType(StrEnum):
    """Art. 16: sharing is the rule, ``not_shared`` the exception and needs its legal basis."""

    UNCONDITIONAL = "unconditional"
    CONDITIONAL = "conditional"
    NOT_SHARED = "not_shared"


class OpenType(StrEnum):
    """Art. 21."""

    UNCONDITIONAL = "unconditional"
    CONDITIONAL = "conditional"
    NOT_OPEN = "not_open"


class Grade(StrEnum):
    """National data classification and grading rule: core, important, general (in levels 1–4).
    Art. 6(3)."""

    CORE = "core"
    IMPORTANT = "important"
    GENERAL = "general"


class UpdateFrequency(StrEnum):
    REALTIME = "realtime"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    STATIC = "static"


class FieldType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"


class FieldFormat(StrEnum):
    """Checked formats of string fields (Art. 13, 15: validity such as checksums)."""

    RESIDENT_ID = "resident_id"
    USCC = "uscc"
    PHONE = "phone"
    EMAIL = "email"


class ResourceFieldSpec(BaseModel):
    """One field of a data resource, as the catalogue declares it (Art. 9)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str
    title: str
    type: FieldType
    format: FieldFormat | None = None
    sensitive: bool
    key: bool = False
    required: bool = False


class DepartmentCreated(EventPayload):
    event_type = event_type("catalog", "department", "created")

    code: str
    name: str


class CalendarYearLoaded(EventPayload):
    """The bureau loaded a year's State Council schedule; every service keeps a copy."""

    event_type = event_type("catalog", "calendar", "loaded")

    year: int
    holidays: list[date]
    workdays: list[date]


class DutyCreated(EventPayload):
    """An entry of a department's duty catalogue (职责目录, Art. 9)."""

    event_type = event_type("catalog", "duty", "created")

    id: str
    department: str
    code: str
    name: str
    legal_basis: str


class DutyUpdated(EventPayload):
    """A duty entry's name or legal basis changed (Art. 9: kept current, Art. 10)."""

    event_type = event_type("catalog", "duty", "updated")

    id: str
    department: str
    code: str
    name: str
    legal_basis: str
    version: int


class DutyRetired(EventPayload):
    """The duty no longer exists (职责调整); no current resource may name it."""

    event_type = event_type("catalog", "duty", "retired")

    id: str
    department: str
    code: str
    reason: str
    version: int


class SystemCreated(EventPayload):
    """An entry of a department's system catalogue (系统目录, Art. 9)."""

    event_type = event_type("catalog", "system", "created")

    id: str
    department: str
    code: str
    name: str


class SystemUpdated(EventPayload):
    event_type = event_type("catalog", "system", "updated")

    id: str
    department: str
    code: str
    name: str
    version: int


class SystemRetired(EventPayload):
    """The system was decommissioned; no current resource may name it as its source."""

    event_type = event_type("catalog", "system", "retired")

    id: str
    department: str
    code: str
    reason: str
    version: int


class ProjectCreated(EventPayload):
    """A digital project and the systems it builds (Art. 8, 9)."""

    event_type = event_type("catalog", "project", "created")

    id: str
    department: str
    code: str
    name: str
    systems: list[str]


class ResourceDrafted(EventPayload):
    """A new version of a data resource was drafted (the first one or a revision)."""

    event_type = event_type("catalog", "resource", "drafted")

    id: str
    version: int
    department: str
    code: str
    name: str
    duplicates: list[str] = []


class ResourceDraftUpdated(EventPayload):
    """The department corrected its draft before submitting it."""

    event_type = event_type("catalog", "resource", "draft_updated")

    id: str
    version: int
    department: str
    name: str
    duplicates: list[str] = []


class ResourceSubmitted(EventPayload):
    """Submitted to the bureau, whose review is due in 2 working days (Art. 10)."""

    event_type = event_type("catalog", "resource", "submitted")

    id: str
    version: int
    department: str
    review_due_on: date
    provisional: bool


class ResourceReviewOverdue(EventPayload):
    """Flagged once by the sweep: the bureau did not review within 2 working days (Art. 10)."""

    event_type = event_type("catalog", "resource", "review_overdue")

    id: str
    version: int
    department: str
    review_due_on: date
    as_of: date


class ResourceDeadlineRecomputed(EventPayload):
    """The bureau's review deadline moved because that year's calendar was loaded or corrected;
    ``overdue_cleared`` when a flag set against the old date no longer holds."""

    event_type = event_type("catalog", "resource", "deadline_recomputed")

    id: str
    version: int
    department: str
    review_due_on: date
    provisional: bool
    overdue_cleared: bool = False


class ResourcePublished(EventPayload):
    """A version was published: everything sharing and opening keep in their read models."""

    event_type = event_type("catalog", "resource", "published")

    id: str
    version: int
    department: str
    code: str
    name: str
    description: str
    duty: str
    system: str
    share_type: ShareType
    share_basis: str | None = None
    open_type: OpenType
    grade: Grade
    level: int | None = None
    important: bool
    update_frequency: UpdateFrequency
    fields: list[ResourceFieldSpec]
    published_at: datetime


class ResourceRejected(EventPayload):
    event_type = event_type("catalog", "resource", "rejected")

    id: str
    version: int
    department: str
    reason: str


class ResourceSuperseded(EventPayload):
    """The previously published version gave way to ``by_version``; every version stays readable."""

    event_type = event_type("catalog", "resource", "superseded")

    id: str
    version: int
    department: str
    by_version: int


class ResourceWithdrawn(EventPayload):
    """The department withdrew the resource (下线, Art. 9): its source is gone.

    Every grant, listing and authorisation on it ends when this lands (sharing, opening and
    registry each end their own, with their own events); its history stays readable.
    """

    event_type = event_type("catalog", "resource", "withdrawn")

    id: str
    version: int
    department: str
    reason: str
    withdrawn_at: datetime


class ResourceChainRequested(EventPayload):
    """Push a published catalogue entry to the municipal catalogue chain (目录链, Art. 11).

    The gateway's municipal adapter consumes it and answers with
    :class:`pdp_contracts.chain.ChainReceiptRecorded`.
    """

    event_type = event_type("catalog", "resource", "chain_requested")

    id: str
    version: int
    department: str
    department_name: str
    code: str
    name: str
    description: str
    duty: str
    system: str
    share_type: ShareType
    open_type: OpenType
    grade: Grade
    level: int | None = None
    important: bool
    update_frequency: UpdateFrequency
    fields: list[ResourceFieldSpec]
    published_at: datetime


class DutyChainRequested(EventPayload):
    """Push a duty catalogue entry (职责目录) to the municipal catalogue chain (Art. 9, 11).

    Sent when the entry is created, updated or retired; ``version`` counts those changes, so the
    adapter can drop a push that a newer one already superseded. Answered, like resources, with
    :class:`pdp_contracts.chain.ChainReceiptRecorded` (``kind="duty"``, ``resource_id`` = ``id``).
    """

    event_type = event_type("catalog", "duty", "chain_requested")

    id: str
    version: int
    department: str
    department_name: str
    code: str
    name: str
    legal_basis: str
    status: str  # "active" or "retired"
    changed_at: datetime


class SystemChainRequested(EventPayload):
    """Push a system catalogue entry (系统目录) to the municipal catalogue chain (Art. 9, 11);
    answered with ``ChainReceiptRecorded`` (``kind="system"``)."""

    event_type = event_type("catalog", "system", "chain_requested")

    id: str
    version: int
    department: str
    department_name: str
    code: str
    name: str
    status: str  # "active" or "retired"
    changed_at: datetime


class ChangeOpened(EventPayload):
    """A catalogue update obligation: 10 working days after a change, or the annual review.
    Art. 10."""

    event_type = event_type("catalog", "change", "opened")

    id: str
    department: str
    kind: str
    reason: str
    occurred_on: date
    due_on: date
    provisional: bool
    resources: list[str] = []


class ChangeExtensionRequested(EventPayload):
    event_type = event_type("catalog", "change", "extension_requested")

    id: str
    department: str
    reason: str


class ChangeExtended(EventPayload):
    """The bureau granted the one extension of 5 working days (Art. 10)."""

    event_type = event_type("catalog", "change", "extended")

    id: str
    department: str
    due_on: date
    provisional: bool


class ChangeExtensionRefused(EventPayload):
    event_type = event_type("catalog", "change", "extension_refused")

    id: str
    department: str
    reason: str


class ChangeReopened(EventPayload):
    """The bureau rejected an update the obligation counted: it is not submitted any more, and
    its deadline runs again (Art. 10)."""

    event_type = event_type("catalog", "change", "reopened")

    id: str
    department: str
    resource_id: str
    due_on: date


class ChangeOverdueCleared(EventPayload):
    """A published overdue flag was lifted: an extension requested in time was granted, or the
    deadline moved past the day it was flagged when the calendar was corrected."""

    event_type = event_type("catalog", "change", "overdue_cleared")

    id: str
    department: str
    due_on: date
    reason: str


class ChangeClosed(EventPayload):
    event_type = event_type("catalog", "change", "closed")

    id: str
    department: str
    kind: str
    closed_on: date
    on_time: bool


class ChangeOverdue(EventPayload):
    """Flagged once by the sweep: the department did not submit its update in time (Art. 10)."""

    event_type = event_type("catalog", "change", "overdue")

    id: str
    department: str
    kind: str
    due_on: date
    as_of: date


class ChangeDeadlineRecomputed(EventPayload):
    """A provisional deadline was recomputed when the bureau loaded that year's calendar."""

    event_type = event_type("catalog", "change", "deadline_recomputed")

    id: str
    department: str
    due_on: date
    provisional: bool


class RecordsIngested(EventPayload):
    """A batch of records was aggregated (Art. 14): counts, never data."""

    event_type = event_type("catalog", "records", "ingested")

    resource_id: str
    version: int
    department: str
    accepted: int
    rejected: int


class ObjectionFiled(EventPayload):
    """An objection ticket (异议核实工单) on a resource's data, Art. 6(8)."""

    event_type = event_type("catalog", "objection", "filed")

    id: str
    resource_id: str
    department: str
    filed_by: str
    filer_department: str | None = None


class ObjectionAnswered(EventPayload):
    event_type = event_type("catalog", "objection", "answered")

    id: str
    resource_id: str
    department: str
    outcome: str
