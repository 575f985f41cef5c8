"""API shapes of OAuth clients: who may call the platform, with which roles (DOMAIN: who acts)."""

from datetime import datetime
from typing import Annotated, Any

from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from pydantic import BaseModel, Field, ValidationInfo, field_validator
from sqlmodel import Field as TableField
from sqlmodel import SQLModel

from pdp_kit.auth import Role

DEPARTMENT_CODE = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
OPERATOR_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
MAX_CLIENT_KEYS = 5


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
    jwks: Annotated[
        dict[str, Any] | None,
        Field(
            description="公钥集合 (JWKS)：填写则以 `private_key_jwt` (RFC 7523) 认证，不发放密钥"
        ),
    ] = None

    @field_validator("jwks")
    @classmethod
    def _public_keys_only(cls, jwks: dict[str, Any] | None) -> dict[str, Any] | None:
        if jwks is None:
            return None
        try:
            keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise ValueError("not a valid JWK set") from exc
        if not keys.keys or len(keys.keys) > MAX_CLIENT_KEYS:
            raise ValueError(f"a JWK set of 1 to {MAX_CLIENT_KEYS} keys")
        if any(key.is_private or not key.kid for key in keys.keys):
            raise ValueError("public keys only, each with a kid")
        return {"keys": [key.as_dict(private=False) for key in keys.keys]}

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
    configured: bool = False
    created_at: datetime
    rate_per_second: float | None = None
    rate_burst: int | None = None
    jwks: dict[str, Any] | None = None


class RateLimit(BaseModel):
    """A client's token bucket; both empty puts it back on the platform default (50/s, 100)."""

    per_second: Annotated[float | None, Field(gt=0, le=10_000, description="每秒补充的请求数")] = (
        None
    )
    burst: Annotated[int | None, Field(ge=1, le=100_000, description="突发上限")] = None


class ClientCredentials(BaseModel):
    """Shown once: the gateway keeps only a hash of the secret."""

    client_id: str
    client_secret: str | None = None
