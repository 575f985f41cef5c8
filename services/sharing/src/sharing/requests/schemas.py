from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator

from sharing.aggregation.schemas import Warning
from sharing.notices.schemas import NoticePublic


class Method(StrEnum):
    """How the data is delivered: through the platform's data call, or as a file batch."""

    API = "api"
    FILE = "file"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


class RequestCreate(BaseModel):
    """A share request (Art. 17, 18): what, for whom, why, under which law, for how long."""

    resource_id: str = Field(description="数据资源 ID")
    requester: str = Field(description="申请部门编码（调用方本部门）")
    legal_basis: str = Field(min_length=1, max_length=1000, description="法律依据")
    scenario: str = Field(min_length=1, max_length=1000, description="使用场景（用途）")
    fields: list[str] = Field(min_length=1, description="申请的字段名")
    method: Method = Field(default=Method.API, description="共享方式")
    valid_until: date = Field(description="使用期限（截止日期）")
    attestation: bool = Field(description="申请部门对真实性、合法性、必要性的承诺，须为 true")

    _blank = field_validator("legal_basis", "scenario")(_not_blank)

    @field_validator("attestation")
    @classmethod
    def _attested(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("the requester must attest truth, legality and necessity (Art. 17)")
        return value


class MaterialsNotice(BaseModel):
    missing: list[str] = Field(min_length=1, description="缺少的全部材料（一次性告知）")

    @field_validator("missing")
    @classmethod
    def _items(cls, value: list[str]) -> list[str]:
        items = [item.strip() for item in value if item.strip()]
        if not items:
            raise ValueError("list every missing item")
        return items


class MaterialsResubmission(BaseModel):
    materials: str = Field(min_length=1, max_length=4000, description="补正的材料说明")
    legal_basis: str | None = Field(default=None, max_length=1000)
    scenario: str | None = Field(default=None, max_length=1000)

    _blank = field_validator("materials")(_not_blank)


class ExtensionCreate(BaseModel):
    working_days: int = Field(ge=1, le=10, description="延长的工作日数，最多 10 个")
    reason: str = Field(min_length=1, max_length=1000)

    _blank = field_validator("reason")(_not_blank)


class Rejection(BaseModel):
    reason: str = Field(min_length=1, max_length=4000, description="书面理由")

    _blank = field_validator("reason")(_not_blank)


class Extension(BaseModel):
    working_days: int
    reason: str
    status: str


class RequestPublic(BaseModel):
    id: str
    status: str
    resource_id: str
    resource_version: int
    share_type: str
    requester: str
    provider: str
    legal_basis: str
    scenario: str
    fields: list[str]
    method: str
    valid_until: date
    received_on: date
    reply_due_on: date
    provisional: bool
    overdue: bool
    extension: Extension | None
    grant_id: str | None
    decided_on: date | None
    created_at: datetime
    notices: list[NoticePublic] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)


class RequestSummary(BaseModel):
    id: str
    status: str
    resource_id: str
    requester: str
    provider: str
    reply_due_on: date
    provisional: bool
    overdue: bool
    grant_id: str | None
    created_at: datetime


class Approval(BaseModel):
    id: str
    status: str
    grant_id: str
