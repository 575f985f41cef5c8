"""API shapes of OAuth clients: who may call the platform, with which roles (DOMAIN: who acts)."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, ValidationInfo, field_validator
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from pdp_kit.auth import Role

DEPARTMENT_CODE = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
OPERATOR_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"


class ClientBase(SQLModel):
    name: str = TableField(min_length=1, max_length=200, description="客户端名称（接入系统或应用）")
    department: str | None = TableField(
        default=None,
        max_length=32,
        description="部门编码：`department` 角色必填，其他角色不得填写",
        schema_extra={"pattern": DEPARTMENT_CODE},
    )
    operator: str | None = TableField(
        default=None,
        max_length=64,
        description="被授权运营主体编号：`operator` 角色必填，其他角色不得填写",
        schema_extra={"pattern": OPERATOR_ID},
    )


class ClientCreate(BaseModel):
    """A new client. Roles are checked before the department and operator that depend on them,
    so one answer lists every problem (CONTRACT: 422 lists every field)."""

    name: Annotated[str, Field(min_length=1, max_length=200, description="客户端名称")]
    roles: Annotated[
        list[Role],
        Field(min_length=1, description="角色（`service` 仅供平台内部服务使用，不可授予）"),
    ]
    department: Annotated[
        str | None,
        Field(
            max_length=32, pattern=DEPARTMENT_CODE, validate_default=True, description="部门编码"
        ),
    ] = None
    operator: Annotated[
        str | None,
        Field(
            max_length=64, pattern=OPERATOR_ID, validate_default=True, description="运营主体编号"
        ),
    ] = None

    @field_validator("roles")
    @classmethod
    def _no_internal_role(cls, roles: list[Role]) -> list[Role]:
        if Role.SERVICE in roles:
            raise ValueError("the service role is reserved for platform services")
        return sorted(set(roles))

    @field_validator("department")
    @classmethod
    def _department_with_its_role(cls, department: str | None, info: ValidationInfo) -> str | None:
        return _claim_matches_role(department, info, Role.DEPARTMENT, "a department code")

    @field_validator("operator")
    @classmethod
    def _operator_with_its_role(cls, operator: str | None, info: ValidationInfo) -> str | None:
        return _claim_matches_role(operator, info, Role.OPERATOR, "an operator id")


def _claim_matches_role(
    value: str | None, info: ValidationInfo, role: Role, what: str
) -> str | None:
    roles = info.data.get("roles")
    if roles is None:  # roles themselves were invalid: that problem is already reported
        return value
    if role in roles and not value:
        raise ValueError(f"the {role} role requires {what}")
    if role not in roles and value:
        raise ValueError(f"only a client with the {role} role carries {what}")
    return value


class ClientPublic(ClientBase):
    """A client as the bureau sees it: never its secret."""

    client_id: str
    roles: list[Role]
    disabled: bool
    created_at: datetime


class ClientCredentials(BaseModel):
    """Shown once: the gateway keeps only a hash of the secret."""

    client_id: str
    client_secret: str
