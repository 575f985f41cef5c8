from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator


class ChainState(BaseModel):
    """The municipal catalogue chain's last receipt for the entry (Art. 11): ``failed`` with its
    reason until a retry is chained."""

    status: Literal["pending", "chained", "failed"]
    tx_id: str | None = None
    reason: str | None = None
    updated_at: datetime | None = None


def chain_state(entry: Any) -> ChainState | None:
    if entry.chain_status is None:
        return None
    return ChainState(
        status=entry.chain_status,
        tx_id=entry.chain_tx_id,
        reason=entry.chain_reason,
        updated_at=entry.chain_updated_at,
    )


class EntryLife(BaseModel):
    """What a duty or system entry shows of its life and its chain receipt."""

    status: Literal["active", "retired"]
    version: int = Field(description="变更次数（上链版本）")
    updated_at: datetime | None = None
    retired_at: datetime | None = None
    chain: ChainState | None = None

    @model_validator(mode="before")
    @classmethod
    def _chain_from_entry(cls, value: Any) -> Any:
        if isinstance(value, dict) or not hasattr(value, "chain_status"):
            return value
        data = {name: getattr(value, name) for name in cls.model_fields if name != "chain"}
        return data | {"chain": chain_state(value)}


class RetireBody(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="注销理由")
