"""Who is calling: the roles of DOMAIN.md and the department or operator a token speaks for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from pdp_kit.errors import Forbidden, NotFound
from pdp_kit.settings import internal_client_id


class Role(StrEnum):
    """DOMAIN.md, "Who acts" (Art. 5, 6, 24, 27, 34), plus ``service`` for internal calls."""

    BUREAU = "bureau"
    DATACENTER = "datacenter"
    DEPARTMENT = "department"
    CYBERSPACE = "cyberspace"
    ASSESSOR = "assessor"
    OPERATOR = "operator"
    MUNICIPAL = "municipal"
    PUBLIC = "public"
    OPS = "ops"
    #: A platform service calling another one (never given to an outside client).
    SERVICE = "service"


#: Roles that see every department's objects (the bureau and the data centre run the platform).
STAFF = frozenset({Role.BUREAU, Role.DATACENTER})
#: Roles that read every department's objects without changing them.
SUPERVISORS = frozenset({Role.CYBERSPACE, Role.ASSESSOR})


@dataclass(frozen=True)
class Principal:
    client_id: str
    roles: frozenset[Role]
    department: str | None = None
    operator: str | None = None

    def has(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_staff(self) -> bool:
        return self.has(*STAFF)

    def acts_for(self, department: str) -> bool:
        """A department client acts for its own department only (DOMAIN: object-level rule)."""
        return self.has(Role.DEPARTMENT) and self.department == department

    def may_read_department(self, department: str) -> bool:
        return self.is_staff or self.has(*SUPERVISORS) or self.acts_for(department)


def require_role(principal: Principal, *roles: Role) -> None:
    """Raise 403 unless the caller holds one of ``roles``."""
    if not principal.has(*roles):
        raise Forbidden(f"需要以下角色之一：{', '.join(sorted(roles))}")


def require_service(principal: Principal, *services: str) -> None:
    """Raise 403 unless one of the named platform services calls (its own ``pdp-<service>``
    client, role ``service``): an internal endpoint says which services may read it."""
    callers = {internal_client_id(service) for service in services}
    if not (principal.has(Role.SERVICE) and principal.client_id in callers):
        raise Forbidden(f"仅限以下平台服务调用：{', '.join(sorted(services))}")


def require_department_or(principal: Principal, department: str, *roles: Role) -> None:
    """The department itself, or one of ``roles``, may act; others get 403."""
    if principal.acts_for(department) or principal.has(*roles):
        return
    raise Forbidden("只能操作本部门的对象")


def visible_to(principal: Principal, owner_department: str, *, extra: Iterable[Role] = ()) -> None:
    """404 for a department object the caller may not know exists."""
    if principal.may_read_department(owner_department) or principal.has(*extra):
        return
    raise NotFound()
