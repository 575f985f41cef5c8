from datetime import date, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field

from opening.tables import OpeningTable
from pdp_kit.db import UTCDateTime, utcnow


class Application(OpeningTable, table=True):
    """An application for a conditional listing, from the municipal open-data platform (Art. 24).

    ``status``: ``received`` (waiting for the data centre's screening), ``returned`` (incomplete;
    the one notice lists everything missing), ``forwarded`` (with the owning department, due by
    ``review_due_on``), ``approved`` or ``refused``.
    """

    __tablename__ = "application"

    id: str = Field(primary_key=True, max_length=40)
    municipal_id: str | None = Field(default=None, max_length=80, unique=True)
    listing_id: str = Field(max_length=40, index=True)
    resource_id: str = Field(max_length=40)
    department: str = Field(max_length=32, index=True)
    applicant_kind: str = Field(max_length=20)
    applicant_name: str = Field(max_length=200)
    credit_code: str | None = Field(default=None, max_length=18)
    client_id: str = Field(max_length=120, index=True)
    scenario: str = Field(max_length=1000)
    materials: list[str] = Field(sa_column=Column(JSON, nullable=False))
    credit_declarations: list[str] = Field(sa_column=Column(JSON, nullable=False))
    requested_until: date | None = None
    status: str = Field(default="received", max_length=20, index=True)
    received_on: date
    screened_on: date | None = None
    missing: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    review_due_on: date | None = None
    provisional: bool = False
    overdue_flagged_on: date | None = None
    decided_on: date | None = None
    reason: str | None = Field(default=None, max_length=4000)
    valid_from: date | None = None
    valid_until: date | None = None
    usage_report_due_on: date | None = None
    usage_report_filed_on: date | None = None
    usage_report: str | None = Field(default=None, max_length=4000)
    usage_report_overdue_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
