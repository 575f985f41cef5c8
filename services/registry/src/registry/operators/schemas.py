from datetime import date

from pydantic import BaseModel, Field, field_validator
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError


class Contact(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="联系人")
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)


class Qualification(BaseModel):
    """A qualification document the operator presented (资质材料)."""

    title: str = Field(min_length=1, max_length=200, description="资质名称")
    number: str | None = Field(default=None, max_length=100, description="证书编号")
    valid_until: date | None = None


class OperatorCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="运营主体名称")
    credit_code: str = Field(description="统一社会信用代码（校验位校验）")
    contacts: list[Contact] = Field(default_factory=list)
    qualifications: list[Qualification] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("credit_code")
    @classmethod
    def _valid_credit_code(cls, value: str) -> str:
        try:
            return str(uscc.validate(value))
        except ValidationError as exc:
            raise ValueError(f"not a valid unified social credit code: {exc}") from exc


class Disqualification(BaseModel):
    reason: str = Field(min_length=1, max_length=1000, description="不再符合运营条件的理由")


class OperatorPublic(BaseModel):
    id: str
    name: str
    credit_code: str
    contacts: list[Contact]
    qualifications: list[Qualification]
    status: str
    disqualified_reason: str | None
