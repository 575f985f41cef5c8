from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, field_validator

#: Art. 27: the work happens in the secure, trusted environment of the district's operation
#: platform unless the authorisation names another.
DEFAULT_ENVIRONMENT = "公共数据运营平台安全可信环境"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


class Result(StrEnum):
    PASS = "pass"  # noqa: S105 - an assessment result, not a password
    FAIL = "fail"


class RevocationCause(StrEnum):
    SERIOUS_BREACH = "serious_breach"
    LOST_ELIGIBILITY = "lost_eligibility"


class AuthorisationCreate(BaseModel):
    operator: str = Field(min_length=1, max_length=40, description="运营主体编号")
    resources: list[str] = Field(min_length=1, description="授权的已发布数据资源编号")
    scenarios: list[str] = Field(min_length=1, description="应用场景名称；每个场景须通过评估")
    valid_from: date
    valid_until: date
    security_environment: str = Field(
        default=DEFAULT_ENVIRONMENT, min_length=1, max_length=500, description="安全运行环境"
    )

    @field_validator("scenarios")
    @classmethod
    def _distinct_scenarios(cls, scenarios: list[str]) -> list[str]:
        names = [_not_blank(name) for name in scenarios]
        if any(len(name) > 200 for name in names):
            raise ValueError("a scenario name has at most 200 characters")
        if len(set(names)) != len(names):
            raise ValueError("scenarios must be distinct")
        return names

    @field_validator("resources")
    @classmethod
    def _distinct_resources(cls, resources: list[str]) -> list[str]:
        return list(dict.fromkeys(resources))


class AssessmentCreate(BaseModel):
    scenario: str = Field(min_length=1, max_length=200)
    result: Result
    notes: str | None = Field(default=None, max_length=2000, description="合规性和安全风险评估意见")


class EvaluationCreate(BaseModel):
    result: Result
    reason: str = Field(min_length=1, max_length=2000)

    _blank = field_validator("reason")(_not_blank)


class Revocation(BaseModel):
    cause: RevocationCause = Field(description="serious_breach 严重违反授权协议；lost_eligibility")
    reason: str = Field(min_length=1, max_length=1000)

    _blank = field_validator("reason")(_not_blank)


class ScenarioState(BaseModel):
    name: str
    assessment: str = Field(description="pending 未评估、pass 通过、fail 未通过")


class AuthorisationPublic(BaseModel):
    id: str
    operator: str
    resources: list[str]
    scenarios: list[ScenarioState]
    valid_from: date
    valid_until: date
    security_environment: str
    status: str = Field(description="active、revoked、expired")
    granted_on: date
    next_evaluation_on: date
    ended_on: date | None
    end_cause: str | None
    end_reason: str | None
    last_called_at: datetime | None = Field(description="运营主体最近一次成功调用数据的时间")


class AssessmentPublic(BaseModel):
    id: str
    authorisation_id: str
    scenario: str
    result: str
    notes: str | None
    assessed_on: date


class EvaluationPublic(BaseModel):
    id: str
    authorisation_id: str
    status: str
    due_on: date
    opened_on: date
    result: str | None
    reason: str | None
    evaluated_on: date | None


class AuthorisationData(BaseModel):
    authorisation_id: str
    resource_id: str
    scenario: str
    fields: list[str]
    items: list[dict[str, Any]]
    next_cursor: str | None = None
