from typing import Any

from pydantic import BaseModel, Field

from pdp_kit.errors import ProblemField


class RecordBatch(BaseModel):
    records: list[Any] = Field(description="记录（JSON 对象），按资源的标识字段新增或更新")


class RejectedRecord(BaseModel):
    index: int = Field(description="记录在批次中的位置（从 0 起）")
    errors: list[ProblemField]


class IngestResult(BaseModel):
    resource_id: str
    version: int = Field(description="校验所依据的已发布版本")
    accepted: int
    rejected: list[RejectedRecord]


class RecordsPage(BaseModel):
    resource_id: str
    version: int
    items: list[dict[str, Any]]
    next_cursor: str | None = None
