from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer


class JournalItem(BaseModel):
    """A journaled event as the structured CloudEvent (1.0, JSON) it was published as, with the
    extension ``receivedat``: when audit received it (UTC). Attributes without a value are left
    out; further extensions (``actor``, ``department``, ``traceparent``...) pass through."""

    model_config = ConfigDict(extra="allow")

    specversion: str = Field(description="CloudEvents 版本，1.0")
    id: str = Field(description="事件 ID")
    source: str = Field(description="发布服务，如 /pdp/catalog")
    type: str = Field(description="事件类型，如 cn.gov.changning.pdp.catalog.department.created.v1")
    subject: str = Field(description="聚合 ID")
    time: str = Field(description="事件发生时间（RFC 3339，UTC）")
    datacontenttype: str | None = None
    data: dict[str, Any] | None = None
    actor: str | None = Field(default=None, description="引起事件的客户端")
    department: str | None = Field(default=None, description="相关部门编码")
    traceparent: str | None = None
    receivedat: str = Field(description="审计服务收到的时间（RFC 3339，UTC）")

    @model_serializer(mode="wrap")
    def _without_nulls(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """CloudEvents has no null attributes: an absent one is left out."""
        return {k: v for k, v in handler(self).items() if v is not None}
