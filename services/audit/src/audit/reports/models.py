from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, String, UniqueConstraint
from sqlmodel import Field

from audit.tables import AuditTable
from pdp_kit.db import UTCDateTime, utcnow


class GrantView(AuditTable, table=True):
    """Audit's read model of sharing's grants (from its events): who may file a usage report on
    which grant, and whom the report is about (ARCHITECTURE: a consumer keeps what it needs)."""

    __tablename__ = "grant_view"
    __table_args__ = (Index("ix_grant_view_holder", "holder"),)

    id: str = Field(primary_key=True, max_length=100)
    request_id: str = Field(max_length=100)
    resource_id: str = Field(max_length=100)
    provider: str = Field(max_length=100)
    holder: str = Field(max_length=100)
    fields: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    scenario: str
    valid_until: date | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    terminated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The last reminder that a usage report is due (Art. 34), so the sweep reminds once a period.
    reminded_on: date | None = None


class UsageReport(AuditTable, table=True):
    """A requester's usage report on a grant (Art. 34): scenario, process, effect, storage,
    destruction. Kept at least three years; ``seq`` is its position in the reports chain."""

    __tablename__ = "usage_report"
    __table_args__ = (
        UniqueConstraint("id", name="uq_usage_report_id"),
        Index("ix_usage_report_holder_seq", "holder", "seq"),
        Index("ix_usage_report_provider_seq", "provider", "seq"),
        Index("ix_usage_report_grant_id_seq", "grant_id", "seq"),
        Index("ix_usage_report_filed_at", "filed_at"),
    )

    seq: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
        ),
    )
    id: str = Field(sa_column=Column(String(64), nullable=False))
    grant_id: str = Field(max_length=100)
    holder: str = Field(max_length=100)
    provider: str = Field(max_length=100)
    resource_id: str = Field(max_length=100)
    scenario: str
    process: str
    effect: str
    storage: str
    destroyed_on: date | None = None
    filed_by: str = Field(max_length=200)
    filed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    hash: str = Field(default="", sa_column=Column(String(64), nullable=False))
