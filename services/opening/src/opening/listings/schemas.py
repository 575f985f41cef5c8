from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, field_validator

from opening.listings.masking import Action, Rule
from pdp_contracts.catalog import OpenType, UpdateFrequency


class CreditList(StrEnum):
    """Lists an applicant must not be on (Art. 23: credit standing)."""

    DISHONEST_DEBTOR = "dishonest_debtor"  # 失信被执行人
    ABNORMAL_OPERATION = "abnormal_operation"  # 经营异常名录
    SERIOUS_VIOLATION = "serious_violation"  # 严重违法失信名单


class FeedbackDuties(BaseModel):
    cite_source: bool = Field(default=True, description="使用时须注明数据来源")
    accept_spot_checks: bool = Field(default=False, description="接受抽查")
    usage_report_due_days: int | None = Field(
        default=None, ge=1, le=366, description="批准后多少个自然日内提交数据使用情况报告"
    )


class Conditions(BaseModel):
    """The conditions of conditional opening (Art. 23), structured so they can be checked and
    exported (``odrl``)."""

    allowed_scenarios: list[str] = Field(default_factory=list, description="允许的应用场景")
    forbidden_scenarios: list[str] = Field(default_factory=list, description="禁止的应用场景")
    security_requirements: list[str] = Field(default_factory=list, description="安全保障能力")
    feedback: FeedbackDuties = Field(default_factory=FeedbackDuties, description="反馈义务")
    technical_requirements: list[str] = Field(default_factory=list, description="技术能力")
    credit_requirements: list[CreditList] = Field(
        default_factory=list, description="申请人不得列入的名单"
    )
    other: str | None = Field(default=None, max_length=2000)


class ProfileEntry(BaseModel):
    action: Action
    rule: Rule | None = Field(
        default=None, description="mask 的规则；缺省按字段格式、名称推断，其余文本一律去除"
    )


class Consent(BaseModel):
    """The rights holder's consent that lets a ``not_open`` resource be listed (Art. 21)."""

    rights_holder: str = Field(min_length=1, max_length=200, description="权利人")
    obtained_on: date
    reference: str = Field(min_length=1, max_length=500, description="同意书编号或存档位置")


class ListingAdjustment(BaseModel):
    """The whole of a listing's terms as they are to be from now on (Art. 25)."""

    open_type: OpenType
    conditions: Conditions | None = None
    desensitisation: dict[str, Action | ProfileEntry] = Field(
        default_factory=dict,
        description="字段 -> keep/mask/drop（或 {action, rule}）；敏感字段必须 mask 或 drop",
    )
    update_frequency: UpdateFrequency
    consent: Consent | None = None

    def profile(self) -> dict[str, ProfileEntry]:
        return {
            name: entry if isinstance(entry, ProfileEntry) else ProfileEntry(action=entry)
            for name, entry in self.desensitisation.items()
        }


class ListingCreate(ListingAdjustment):
    resource_id: str


class Reason(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


class FieldOut(BaseModel):
    name: str
    title: str
    type: str
    masked: str | None = Field(default=None, description="脱敏规则（如有）")


class Figures(BaseModel):
    """Dynamic adjustment figures (Art. 25)."""

    applications: int
    reads: int
    downloads: int
    records_served: int
    refused_reads: int
    feedback: int
    last_updated_at: datetime | None
    fresh: bool | None = Field(description="按更新频率判断数据是否按时更新；静态数据为 null")
    stale_since: date | None = Field(default=None, description="定期评估发现未按时更新的日期")


class ListingPublic(BaseModel):
    id: str
    resource_id: str
    resource_version: int
    department: str
    name: str
    description: str
    open_type: str
    update_frequency: str
    status: str
    static: bool
    static_reason: str | None
    closed_reason: str | None
    basis: str = Field(
        description="open；not_open 资源：desensitised（脱敏后开放）或 consent（权利人同意，"
        "同意书留存于数据所属部门，不公开）"
    )
    desensitisation: dict[str, ProfileEntry]
    conditions: Conditions | None
    fields: list[FieldOut]
    created_at: datetime


class ListingFigures(BaseModel):
    id: str
    resource_id: str
    figures: Figures


def conditions_of(raw: dict[str, Any] | None) -> Conditions | None:
    return Conditions.model_validate(raw) if raw is not None else None
