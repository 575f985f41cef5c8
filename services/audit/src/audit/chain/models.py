from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Integer, String
from sqlmodel import Field

from audit.tables import AuditTable
from pdp_kit.db import UTCDateTime, utcnow


class ChainHead(AuditTable, table=True):
    """The last link of one chain. Its row lock orders every append to that chain, and it is
    what a cut tail is found by: the records must reach it (Art. 32)."""

    __tablename__ = "chain_head"

    kind: str = Field(primary_key=True, max_length=20)
    position: int = Field(default=0, sa_type=BigInteger)
    hash: str = Field(max_length=64)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChainCheckpoint(AuditTable, table=True):
    """A chain head signed with the audit service's own key, kept apart from the records: a
    rewrite of a whole chain (with every link recomputed) no longer matches it."""

    __tablename__ = "chain_checkpoint"
    __table_args__ = (Index("ix_chain_checkpoint_kind_position", "kind", "position"),)

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    )
    kind: str = Field(max_length=20)
    position: int = Field(sa_type=BigInteger)
    hash: str = Field(max_length=64)
    signed_at: datetime = Field(sa_type=UTCDateTime)
    key_id: str = Field(max_length=64)
    signature: str = Field(sa_column=Column(String(256), nullable=False))


class ChainCut(AuditTable, table=True):
    """A retention purge (Art. 34): what it removed, and the chain position and link it cut at.
    Verification starts from the latest cut; the cut is signed like a checkpoint."""

    __tablename__ = "chain_cut"
    __table_args__ = (Index("ix_chain_cut_kind_position", "kind", "position"),)

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    )
    kind: str = Field(max_length=20)
    position: int = Field(sa_type=BigInteger)
    hash: str = Field(max_length=64)
    removed: int = Field(sa_type=BigInteger)
    older_than: datetime = Field(sa_type=UTCDateTime)
    method: str = Field(max_length=40)
    cut_at: datetime = Field(sa_type=UTCDateTime)
    key_id: str = Field(max_length=64)
    signature: str = Field(sa_column=Column(String(256), nullable=False))
