"""Who may see and act on a request: its two sides, the bureau and the supervisors (DOMAIN)."""

from sqlalchemy.ext.asyncio import AsyncSession

from pdp_kit.auth import Principal
from pdp_kit.auth.principal import SUPERVISORS
from pdp_kit.db import get_for_update
from pdp_kit.errors import Forbidden, NotFound
from sharing.requests.models import ShareRequest


def may_see(request: ShareRequest, principal: Principal) -> bool:
    return (
        principal.is_staff
        or principal.has(*SUPERVISORS)
        or principal.acts_for(request.requester)
        or principal.acts_for(request.provider)
    )


async def visible_request(
    session: AsyncSession, request_id: str, principal: Principal, *, lock: bool = False
) -> ShareRequest:
    """404 for a request the caller may not know exists (a third department)."""
    request = (
        await get_for_update(session, ShareRequest, request_id)
        if lock
        else await session.get(ShareRequest, request_id)
    )
    if request is None or not may_see(request, principal):
        raise NotFound(f"共享申请 {request_id} 不存在")
    return request


def require_provider(request: ShareRequest, principal: Principal) -> None:
    """Only the providing department answers a request (Art. 18)."""
    if not principal.acts_for(request.provider):
        raise Forbidden("只有数据提供部门可以办理此申请")


def require_requester(request: ShareRequest, principal: Principal) -> None:
    if not principal.acts_for(request.requester):
        raise Forbidden("只有申请部门可以办理此操作")
