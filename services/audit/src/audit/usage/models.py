from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, String, UniqueConstraint
from sqlmodel import Field

from audit.tables import AuditTable
from pdp_kit.db import UTCDateTime, utcnow

#: Art. 34: usage records are kept for at least three years (36 calendar months).
RETENTION_MONTHS = 36


class UsageRecord(AuditTable, table=True):
    """One data call, from any producer's ``DataUsage`` event (Art. 19, 24, 27, 34): who read
    which fields of which resource, under which grant, listing or authorisation, for what, how
    many records, with what result. ``seq`` is its position in the usage chain (Art. 32).

    Every filter of ``GET /usage-records`` has an index ending in ``seq``.
    """

    __tablename__ = "usage_record"
    __table_args__ = (
        UniqueConstraint("event_id", name="uq_usage_record_event_id"),
        Index("ix_usage_record_department_seq", "department", "seq"),
        Index("ix_usage_record_provider_seq", "provider", "seq"),
        Index("ix_usage_record_operator_seq", "operator", "seq"),
        Index("ix_usage_record_resource_id_seq", "resource_id", "seq"),
        Index("ix_usage_record_basis_id_seq", "basis_id", "seq"),
        Index("ix_usage_record_called_at", "called_at"),
    )

    seq: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
        ),
    )
    event_id: str = Field(sa_column=Column(String(64), nullable=False))
    type: str = Field(max_length=200)
    client_id: str = Field(max_length=200)
    department: str | None = Field(default=None, max_length=100)
    operator: str | None = Field(default=None, max_length=100)
    basis: str = Field(max_length=40)
    basis_id: str = Field(max_length=100)
    resource_id: str = Field(max_length=100)
    provider: str = Field(max_length=100)
    purpose: str | None = None
    fields: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    record_count: int = Field(default=0, sa_type=BigInteger)
    result: str = Field(max_length=20)
    reason: str | None = None
    called_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    hash: str = Field(default="", sa_column=Column(String(64), nullable=False))
