from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, String, UniqueConstraint
from sqlmodel import Field

from audit.tables import AuditTable
from pdp_kit.db import UTCDateTime, utcnow


class JournalEntry(AuditTable, table=True):
    """One domain event of any service, kept as it was published: the audit trail of Art. 32
    and the record supervision reads (Art. 34, 35).

    ``seq`` is the journal order (arrival order) and the entry's position in the journal chain.
    Each filter of ``GET /events`` has an index that ends in ``seq``, so a filtered page is one
    index range scan however long the journal grows.
    """

    __tablename__ = "journal_entry"
    __table_args__ = (
        UniqueConstraint("event_id", name="uq_journal_entry_event_id"),
        Index("ix_journal_entry_type_seq", "type", "seq"),
        Index("ix_journal_entry_subject_seq", "subject", "seq"),
        Index("ix_journal_entry_department_seq", "department", "seq"),
        Index("ix_journal_entry_time", "time"),
    )

    seq: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    )
    event_id: str = Field(sa_column=Column(String(64), nullable=False))
    type: str = Field(max_length=200)
    source: str = Field(max_length=200)
    subject: str = Field(max_length=200)
    time: datetime = Field(sa_type=UTCDateTime)
    actor: str | None = Field(default=None, max_length=200)
    department: str | None = Field(default=None, max_length=100)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    traceparent: str | None = Field(default=None, max_length=128)
    #: Further CloudEvents extension attributes, as published.
    extensions: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    #: The SM3 link of this entry in the journal chain (Art. 32); ``seq`` is its position.
    hash: str = Field(default="", sa_column=Column(String(64), nullable=False))
