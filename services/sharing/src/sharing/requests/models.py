from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from pdp_kit.db import UTCDateTime, utcnow
from sharing.tables import SharingTable


class ShareRequest(SharingTable, table=True):
    """A department's request for another's data (Art. 17, 18) and its reply clock.

    ``status``: ``submitted`` (the clock runs), ``materials_requested`` (the one notice was sent;
    the clock waits for the resubmission), ``approved`` or ``rejected``.
    """

    __tablename__ = "share_request"

    id: str = Field(primary_key=True, max_length=40)
    resource_id: str = Field(max_length=40, index=True)
    resource_version: int
    share_type: str = Field(max_length=20)
    requester: str = Field(max_length=32, index=True)
    provider: str = Field(max_length=32, index=True)
    legal_basis: str = Field(max_length=1000)
    scenario: str = Field(max_length=1000)
    fields: list[str] = Field(sa_column=Column(JSON, nullable=False))
    method: str = Field(max_length=20)
    valid_until: date
    status: str = Field(default="submitted", max_length=24, index=True)
    received_on: date
    reply_due_on: date
    provisional: bool = False
    materials_notice_id: str | None = Field(default=None, max_length=40)
    extension_days: int | None = None
    extension_reason: str | None = Field(default=None, max_length=1000)
    extension_status: str | None = Field(default=None, max_length=20)  # requested | approved
    overdue_flagged_on: date | None = None
    reminded_for: date | None = None
    warnings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    grant_id: str | None = Field(default=None, max_length=40)
    decided_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def is_open(self) -> bool:
        return self.status in ("submitted", "materials_requested")
