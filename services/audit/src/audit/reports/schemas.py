from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class UsageReportCreate(BaseModel):
    """A usage report on a grant the caller's department holds (Art. 34)."""

    model_config = ConfigDict(extra="forbid")

    grant_id: str = Field(min_length=1, max_length=100, description="共享授权 ID")
    scenario: str = Field(min_length=1, max_length=2000, description="使用场景")
    process: str = Field(min_length=1, max_length=4000, description="使用过程")
    effect: str = Field(min_length=1, max_length=4000, description="使用效果")
    storage: str = Field(min_length=1, max_length=2000, description="存储情况")
    destroyed_on: date | None = Field(default=None, description="销毁日期")


class UsageReportPublic(BaseModel):
    id: str
    grant_id: str
    holder: str = Field(description="提交报告的需求部门")
    provider: str = Field(description="提供部门")
    resource_id: str
    scenario: str
    process: str
    effect: str
    storage: str
    destroyed_on: date | None = None
    filed_by: str
    filed_at: datetime
