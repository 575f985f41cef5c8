from typing import Any

from pydantic import BaseModel, Field


class HandbackBatch(BaseModel):
    batch_id: str = Field(min_length=1, max_length=64, description="市级平台的返还批次号")
    records: list[Any] = Field(description="记录（JSON 对象），按资源的标识字段新增或更新")
