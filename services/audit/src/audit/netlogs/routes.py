from typing import Annotated

from fastapi import APIRouter, Query

from audit.listing import From, To
from audit.netlogs import service
from audit.netlogs.schemas import NetworkLogPublic
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(prefix="/netlogs", tags=["netlogs"])


@router.get("", response_model=Page[NetworkLogPublic])
async def list_netlogs(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    from_: From = None,
    to: To = None,
    client_id: Annotated[str | None, Query(description="调用方客户端 ID")] = None,
    status: Annotated[int | None, Query(ge=100, le=599, description="响应状态码")] = None,
) -> Page[NetworkLogPublic]:
    """The network log: every request through the gateway (Art. 34, kept at least six months),
    in the order audit received them. Filters combine: `client_id`, `status`, and `from` / `to`
    on the request's time (both included; `from` later than `to` is a 422). Bureau, cyberspace
    office and ops only."""
    return await service.list_netlogs(
        session,
        principal=principal,
        page=page,
        client_id=client_id,
        status=status,
        from_=from_,
        to=to,
    )
