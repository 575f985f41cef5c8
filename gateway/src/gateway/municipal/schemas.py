"""What the adapters' endpoints read and show (``/api/gateway/municipal/...``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class DecisionIn(BaseModel):
    """A decision on an application, for the municipal open-data platform (Art. 24)."""

    decision: Literal["approved", "rejected", "returned"]
    reason: str | None = Field(default=None, max_length=500, description="拒绝或退回的理由")
    access: dict[str, Any] | None = Field(
        default=None, description="批准时的访问方式（开放清单、接口地址、申请人客户端）"
    )


class DeliveryPublic(BaseModel):
    """Where one item stands: ``pending`` (with the next attempt), ``done``, ``refused`` or
    ``superseded``; how many attempts and the last error."""

    model_config = ConfigDict(from_attributes=True)

    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    done_at: datetime | None


class ChainPushPublic(DeliveryPublic):
    idempotency_key: str
    kind: str
    entry_id: str
    version: int
    department: str
    hash: str
    tx_id: str | None
    checked_on: date | None = None


class ApplicationPublic(DeliveryPublic):
    id: str
    opening_id: str | None
    body: dict[str, Any]


class DecisionPublic(DeliveryPublic):
    id: str
    application_id: str
    body: dict[str, Any]


class HandbackPublic(DeliveryPublic):
    id: str
    resource_id: str
    accepted: int | None
    rejected: int | None
