from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class JournalEntryPublic(BaseModel):
    """A journaled event: its CloudEvents attributes and data, and when audit received it."""

    id: str = Field(description="事件 ID（CloudEvents id）")
    type: str = Field(description="事件类型，如 cn.gov.changning.pdp.catalog.department.created.v1")
    source: str = Field(description="发布服务，如 /pdp/catalog")
    subject: str = Field(description="聚合 ID")
    time: datetime = Field(description="事件发生时间（UTC）")
    actor: str | None = Field(default=None, description="引起事件的客户端")
    department: str | None = Field(default=None, description="相关部门编码")
    data: dict[str, Any]
    traceparent: str | None = None
    received_at: datetime = Field(description="审计服务收到的时间（UTC）")
