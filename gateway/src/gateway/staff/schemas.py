"""API shapes of staff users (DOMAIN: who acts; CONTRACT: ``POST /api/gateway/users``)."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, ValidationInfo, field_validator
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from gateway.clients.schemas import DEPARTMENT_CODE
from pdp_kit.auth import Role

USERNAME = r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$"
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256

#: The roles a person may hold in the console. Operators, the municipal side and the public are
#: systems or outside parties: they call the API as clients, never sign in to the console.
STAFF_ROLES = frozenset(
    {Role.BUREAU, Role.DATACENTER, Role.OPS, Role.CYBERSPACE, Role.ASSESSOR, Role.DEPARTMENT}
)


class StaffStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


class StaffUserBase(SQLModel):
    department: str | None = TableField(
        default=None,
        max_length=32,
        description="部门编码：`department` 角色必填，其他角色不得填写",
        schema_extra={"pattern": DEPARTMENT_CODE},
    )


class StaffUserCreate(BaseModel):
    username: Annotated[str, Field(pattern=USERNAME, max_length=64, description="登录用户名")]
    roles: Annotated[list[Role], Field(min_length=1, description="角色")]
    department: Annotated[
        str | None,
        Field(
            max_length=32, pattern=DEPARTMENT_CODE, validate_default=True, description="部门编码"
        ),
    ] = None
    password: Annotated[
        str | None,
        Field(
            min_length=MIN_PASSWORD_LENGTH,
            max_length=MAX_PASSWORD_LENGTH,
            description=f"初始密码（至少 {MIN_PASSWORD_LENGTH} 位）；不填则由网关生成并仅显示一次",
        ),
    ] = None

    @field_validator("roles")
    @classmethod
    def _staff_roles_only(cls, roles: list[Role]) -> list[Role]:
        outside = sorted(str(role) for role in set(roles) - STAFF_ROLES)
        if outside:
            raise ValueError(f"not a console staff role: {', '.join(outside)}")
        return sorted(set(roles))

    @field_validator("department")
    @classmethod
    def _department_with_its_role(cls, department: str | None, info: ValidationInfo) -> str | None:
        roles = info.data.get("roles")
        if roles is None:  # roles themselves were invalid: that problem is already reported
            return department
        if Role.DEPARTMENT in roles and not department:
            raise ValueError("the department role requires a department code")
        if Role.DEPARTMENT not in roles and department:
            raise ValueError("only a user with the department role carries a department code")
        return department


class StaffUserPublic(StaffUserBase):
    """A staff user as the bureau sees them: never a password hash or a TOTP secret."""

    user_id: str
    username: str
    roles: list[Role]
    status: StaffStatus
    totp_enrolled: bool
    locked_until: datetime | None
    created_at: datetime


class StaffUserRegistered(StaffUserPublic):
    """The answer to a registration: the initial password is shown this once."""

    initial_password: str | None = Field(
        default=None, description="网关生成的初始密码（仅此一次显示）；请求中给出密码时为空"
    )


class TotpEnrolment(BaseModel):
    """What an authenticator app needs: scan the QR code, or type the secret."""

    secret: str = Field(description="Base32 密钥，可手动输入身份验证器")
    otpauth_uri: str = Field(description="otpauth:// 地址（RFC 6238）")
    qr_code: str = Field(description="二维码图片（SVG data URI）")


class TotpConfirmation(BaseModel):
    code: Annotated[str, Field(pattern=r"^\d{6}$", description="身份验证器显示的 6 位动态码")]
