from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class NoticeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    department: str = Field(min_length=1, max_length=100, description="被通报部门编码")
    title: str = Field(min_length=1, max_length=200, description="通报标题")
    findings: str = Field(min_length=1, max_length=10000, description="违规事实")
    basis: str | None = Field(default=None, max_length=200, description="违反的条款")


class NoticePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    department: str
    title: str
    findings: str
    basis: str | None = None
    issued_by: str
    issued_at: datetime


class OrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    department: str = Field(min_length=1, max_length=100, description="整改部门编码")
    notice_id: str | None = Field(default=None, max_length=64, description="所依据的通报")
    requirement: str = Field(min_length=1, max_length=10000, description="整改要求")
    due_on: date = Field(description="整改期限")


class OrderClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=10000, description="整改结果")


class OrderPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    department: str
    notice_id: str | None = None
    requirement: str
    due_on: date
    status: str = Field(description="open 整改中 / closed 已结束")
    overdue: bool = Field(description="是否逾期")
    ordered_by: str
    ordered_at: datetime
    closed_by: str | None = None
    closed_on: date | None = None
    closing_note: str | None = None


class Measure(BaseModel):
    score: int | None = Field(description="0–100；本期无此项义务时为空")
    figures: dict[str, int] = Field(description="得分依据的数字")


class Scorecard(BaseModel):
    department: str
    score: int | None = Field(description="各项得分的平均值")
    measures: dict[str, Measure]


class Scorecards(BaseModel):
    period: str
    start: datetime = Field(description="考核期起（含）")
    end: datetime = Field(description="考核期止（不含）")
    items: list[Scorecard]
