from datetime import datetime

from sqlmodel import Field, SQLModel

from pdp_kit.db import UTCDateTime


class ChainedEntry(SQLModel):
    """The columns a duty or system entry shares: its life (active → retired, Art. 9) and the
    municipal catalogue chain's last receipt for it (Art. 11)."""

    status: str = Field(default="active", max_length=16, description="active or retired")
    version: int = Field(default=1, description="counts changes, for the catalogue chain")
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    chain_status: str | None = Field(default=None, max_length=16)
    chain_tx_id: str | None = Field(default=None, max_length=200)
    chain_reason: str | None = Field(default=None, max_length=2000)
    chain_updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
