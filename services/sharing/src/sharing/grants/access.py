"""Who may see and act on a grant: the holder, the provider, the bureau and the supervisors."""

from sqlalchemy.ext.asyncio import AsyncSession

from pdp_kit.auth import Principal, Role
from pdp_kit.auth.principal import SUPERVISORS
from pdp_kit.db import get_for_update
from pdp_kit.errors import Conflict, Forbidden, NotFound
from sharing.grants.models import Grant


class WrongGrantState(Conflict):
    code, title = "grant-state", "授权当前状态不允许此操作"

    def __init__(self, status: str, action: str) -> None:
        super().__init__(f"授权状态为 {status}，不能{action}")


def may_see(grant: Grant, principal: Principal) -> bool:
    return (
        principal.is_staff
        or principal.has(*SUPERVISORS)
        or principal.acts_for(grant.holder)
        or principal.acts_for(grant.provider)
    )


async def visible_grant(
    session: AsyncSession, grant_id: str, principal: Principal, *, lock: bool = False
) -> Grant:
    grant = (
        await get_for_update(session, Grant, grant_id)
        if lock
        else await session.get(Grant, grant_id)
    )
    if grant is None or not may_see(grant, principal):
        raise NotFound(f"授权 {grant_id} 不存在")
    return grant


def require_holder(grant: Grant, principal: Principal) -> None:
    if not principal.acts_for(grant.holder):
        raise Forbidden("只有持有授权的申请部门可以办理此操作")


def require_provider_or_bureau(grant: Grant, principal: Principal) -> None:
    """Misuse handling is the provider's or the bureau's (Art. 20)."""
    if not (principal.acts_for(grant.provider) or principal.has(Role.BUREAU)):
        raise Forbidden("只有数据提供部门或区数据局可以办理此操作")
