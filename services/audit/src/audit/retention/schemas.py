from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from audit.retention.models import HoldScope
from pdp_kit.iso import IsoDateTime


class HoldCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    scope: HoldScope = Field(description="netlogs / usage / events")
    from_: IsoDateTime | None = Field(default=None, alias="from", description="起始时间（含）")
    to: IsoDateTime | None = Field(default=None, description="截止时间（含）")
    reason: str = Field(min_length=1, max_length=2000, description="保全理由")

    @model_validator(mode="after")
    def _ordered(self) -> "HoldCreate":
        if self.from_ is not None and self.to is not None and self.from_ > self.to:
            raise ValueError("from must not be later than to")
        return self


class HoldPublic(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str
    scope: HoldScope
    from_: datetime | None = Field(default=None, alias="from")
    to: datetime | None = None
    reason: str
    created_by: str
    created_at: datetime
    released_by: str | None = None
    released_at: datetime | None = None
