from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ChangeKind = Literal["change", "annual_review"]
ChangeStatus = Literal["open", "closed"]
ExtensionStatus = Literal["none", "requested", "approved", "refused"]


class ChangeCreate(BaseModel):
    department: str = Field(max_length=32)
    reason: str = Field(
        min_length=1, max_length=2000, description="法律、行政法规、业务主管单位决定调整或职责变化"
    )
    occurred_on: date = Field(description="调整、变化发生之日（10 个工作日自次日起算）")
    summary: str = Field(default="", max_length=4000)
    resources: list[str] = Field(
        default=[], max_length=500, description="需要更新的资源；为空时以本部门下一次提交为准"
    )


class ExtensionRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="需要延长的特殊原因")


class ExtensionRefusal(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class ReviewCompletion(BaseModel):
    summary: str = Field(min_length=1, max_length=4000, description="年度全面复核的结论")


class ChangePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    department: str
    kind: ChangeKind
    reason: str
    summary: str
    occurred_on: date
    status: ChangeStatus
    due_on: date
    provisional: bool
    resources: list[str]
    extension_status: ExtensionStatus
    extension_reason: str | None
    submitted_on: date | None = Field(description="更新全部报送审核之日")
    overdue: bool
    overdue_on: date | None
    closed_on: date | None
    created_at: datetime
