from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator, model_validator

from opening.listings.schemas import CreditList


class ApplicantKind(StrEnum):
    PERSON = "person"
    LEGAL_PERSON = "legal_person"
    ORGANISATION = "organisation"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


class Applicant(BaseModel):
    kind: ApplicantKind
    name: str = Field(min_length=1, max_length=200)
    credit_code: str | None = Field(
        default=None, description="统一社会信用代码（法人和其他组织必填，校验位）"
    )
    client_id: str = Field(min_length=1, max_length=120, description="申请人在网关的 public 客户端")


class ApplicationCreate(BaseModel):
    listing_id: str
    applicant: Applicant
    scenario: str = Field(min_length=1, max_length=1000, description="应用场景")
    materials: list[str] = Field(default_factory=list, description="提交的申请材料")
    credit_declarations: list[CreditList] = Field(
        default_factory=list, description="申请人声明未被列入的名单"
    )
    valid_until: date | None = Field(default=None, description="申请的使用期限")

    _blank = field_validator("scenario")(_not_blank)


class Screening(BaseModel):
    complete: bool
    missing: list[str] = Field(default_factory=list, description="材料不全时一次性列明全部缺项")

    @model_validator(mode="after")
    def _missing_when_incomplete(self) -> "Screening":
        self.missing = [item.strip() for item in self.missing if item.strip()]
        if not self.complete and not self.missing:
            raise ValueError("an incomplete application lists everything missing")
        if self.complete and self.missing:
            raise ValueError("a complete application has nothing missing")
        return self


class Resubmission(BaseModel):
    materials: list[str] = Field(min_length=1, description="补正后的全部材料")


class ApprovalCreate(BaseModel):
    valid_until: date | None = Field(default=None, description="使用期限；缺省为申请的期限或一年")
    usage_report_due_on: date | None = Field(
        default=None, description="使用情况报告截止日；缺省按清单的反馈义务"
    )


class Refusal(BaseModel):
    reason: str = Field(min_length=1, max_length=4000, description="书面理由")

    _blank = field_validator("reason")(_not_blank)


class UsageReportCreate(BaseModel):
    report: str = Field(min_length=1, max_length=4000, description="数据使用情况报告")

    _blank = field_validator("report")(_not_blank)


class ApplicationPublic(BaseModel):
    id: str
    status: str
    listing_id: str
    resource_id: str
    department: str
    applicant_kind: str
    applicant_name: str
    credit_code: str | None
    client_id: str
    scenario: str
    materials: list[str]
    credit_declarations: list[str]
    received_on: date
    screened_on: date | None
    missing: list[str] | None
    review_due_on: date | None
    provisional: bool
    overdue: bool
    decided_on: date | None
    reason: str | None
    valid_from: date | None
    valid_until: date | None
    usage_report_due_on: date | None
    usage_report_filed_on: date | None
    usage_report_overdue: bool
    created_at: datetime
