from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator


class Kind(StrEnum):
    RESOURCE = "resource"
    PRODUCT = "product"
    SERVICE = "service"


class RegistrationCreate(BaseModel):
    kind: Kind = Field(description="resource 数据资源、product 数据产品、service 数据服务")
    subject: str = Field(min_length=1, max_length=200, description="登记对象名称")
    delivered_on: date = Field(description="提供数据资源或交付产品、服务的日期；不得晚于今天")
    authorisation: str | None = Field(
        default=None, max_length=40, description="运营主体登记产品或服务时所依据的授权"
    )
    department: str | None = Field(
        default=None, max_length=32, description="数据发展中心代部门登记时填写登记主体部门编码"
    )
    resources: list[str] | None = Field(
        default=None, description="所用的数据资源；运营主体默认为授权中的全部资源"
    )

    @field_validator("subject")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


class RegistrationPublic(BaseModel):
    id: str
    kind: str
    subject: str
    department: str | None
    operator: str | None
    authorisation: str | None
    resources: list[str]
    delivered_on: date
    received_on: date
    due_on: date
    provisional: bool
    late: bool
    status: str = Field(description="submitted 已提交、completed 已完成登记")
    completed_on: date | None
    overdue_flagged_on: date | None
    marked: str | None = Field(description="所依据的授权终止的原因（终止原因或 expired）")
    marked_on: date | None
