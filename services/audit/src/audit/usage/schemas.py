from datetime import datetime

from pydantic import BaseModel, Field


class UsageRecordPublic(BaseModel):
    """One data call (Art. 34)."""

    id: str = Field(description="来源事件 ID")
    type: str = Field(description="来源事件类型（哪个服务的调用）")
    client_id: str = Field(description="调用方客户端")
    department: str | None = Field(default=None, description="调用部门编码")
    operator: str | None = Field(default=None, description="调用的运营主体")
    basis: str = Field(description="依据：grant 授权 / listing 开放清单 / authorisation 运营授权")
    basis_id: str = Field(description="依据的编号（授权 ID 等）")
    resource_id: str
    provider: str = Field(description="提供部门编码")
    purpose: str | None = Field(default=None, description="用途 / 场景")
    fields: list[str]
    record_count: int
    result: str = Field(description="ok / refused / failed")
    reason: str | None = None
    called_at: datetime
    received_at: datetime
