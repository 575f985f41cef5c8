from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Integer, String
from sqlmodel import Field

from audit.tables import AuditTable
from pdp_kit.db import UTCDateTime, utcnow

#: Art. 34: network logs are kept for at least six (calendar) months. Nothing is purged before
#: that, nor while a hold covers it (DOMAIN: Audit); see ``retention``.
RETENTION_MONTHS = 6


class NetworkLogEntry(AuditTable, table=True):
    """One request through the gateway, as the gateway logged it (Art. 32, 34).

    Retention: see :data:`RETENTION_MONTHS`; ``time`` (the request's time) is what it counts from.
    On PostgreSQL the table is partitioned by month of ``time`` (the retention sweep creates the
    partitions ahead and drops whole ones that are past), so ``time`` is part of the key.
    ``seq`` is the arrival order and the position in the network-log chain (Art. 32).
    """

    __tablename__ = "netlog"
    __table_args__ = (
        Index("ix_netlog_event_id", "event_id"),
        Index("ix_netlog_time", "time"),
        Index("ix_netlog_client_id_seq", "client_id", "seq"),
        Index("ix_netlog_status_seq", "status", "seq"),
    )

    seq: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
        ),
    )
    event_id: str = Field(sa_column=Column(String(64), nullable=False))
    request_id: str = Field(max_length=200)
    time: datetime = Field(sa_column=Column(UTCDateTime, primary_key=True))
    client_id: str | None = Field(default=None, max_length=200)
    source_address: str | None = Field(default=None, max_length=100)
    method: str = Field(max_length=16)
    path: str
    status: int
    latency_ms: float
    bytes_in: int = Field(sa_type=BigInteger)
    bytes_out: int = Field(sa_type=BigInteger)
    traceparent: str | None = Field(default=None, max_length=128)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    hash: str = Field(default="", sa_column=Column(String(64), nullable=False))
