from datetime import datetime

from pydantic import BaseModel, Field


class NetworkLogPublic(BaseModel):
    """One request through the gateway (Art. 34)."""

    id: str = Field(description="日志事件 ID")
    request_id: str = Field(description="网关请求 ID（X-Request-ID）")
    time: datetime = Field(description="请求时间（UTC）")
    client_id: str | None = Field(default=None, description="调用方客户端；未认证请求为空")
    source_address: str | None = Field(default=None, description="来源地址")
    method: str
    path: str
    status: int = Field(description="响应状态码")
    latency_ms: float
    bytes_in: int
    bytes_out: int
    traceparent: str | None = Field(default=None, description="W3C 链路追踪标识")
    received_at: datetime = Field(description="审计服务收到的时间（UTC）")
