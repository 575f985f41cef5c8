from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


class GrantPublic(BaseModel):
    id: str
    request_id: str
    resource_id: str
    holder: str
    provider: str
    status: str
    fields: list[str]
    purpose: str
    legal_basis: str
    method: str
    valid_until: date
    approved_on: date
    last_called_at: datetime | None
    justification: str | None
    suspension: str | None
    suspension_reason: str | None
    rectify_by: date | None
    termination_cause: str | None
    termination_reason: str | None


class Reason(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)

    _blank = field_validator("reason")(_not_blank)


class Suspension(Reason):
    rectify_by: date = Field(description="整改期限；逾期未整改则终止授权")


class GrantData(BaseModel):
    grant_id: str
    resource_id: str
    fields: list[str]
    items: list[dict[str, Any]]
    next_cursor: str | None = None
