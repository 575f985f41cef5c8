from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ObjectionCreate(BaseModel):
    description: str = Field(min_length=1, max_length=4000, description="异议内容")
    fields: list[str] = Field(default=[], max_length=500, description="有异议的字段")
    record: dict[str, Any] | None = Field(default=None, description="有异议的记录（标识字段的值）")


class ObjectionAnswer(BaseModel):
    outcome: Literal["corrected", "confirmed"] = Field(
        description="corrected：已核实并更正；confirmed：经核实数据无误"
    )
    answer: str = Field(min_length=1, max_length=4000, description="处理反馈")


class ObjectionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    resource_id: str
    department: str
    version: int
    filed_by: str
    filer_department: str | None
    description: str
    fields: list[str]
    record: dict[str, Any] | None
    status: Literal["open", "answered"]
    outcome: Literal["corrected", "confirmed"] | None
    answer: str | None
    answered_at: datetime | None
    created_at: datetime
