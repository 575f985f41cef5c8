from typing import Annotated

from fastapi import APIRouter, Query

from audit.journal import service
from audit.journal.schemas import JournalItem
from audit.listing import From, To
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(prefix="/events", tags=["journal"])


@router.get("", response_model=Page[JournalItem])
async def list_events(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    from_: From = None,
    to: To = None,
    type_: Annotated[str | None, Query(alias="type", description="事件类型（精确匹配）")] = None,
    subject: Annotated[str | None, Query(description="聚合 ID（精确匹配）")] = None,
    department: Annotated[str | None, Query(description="部门编码（精确匹配）")] = None,
) -> Page[JournalItem]:
    """The journal of every domain event of every service, in the order audit received them.
    Filters combine: `type`, `subject`, `department`, and `from` / `to` on the event's time (both
    included; `from` later than `to` is a 422). Bureau, cyberspace office and assessor only."""
    return await service.list_events(
        session,
        principal=principal,
        page=page,
        type_=type_,
        subject=subject,
        department=department,
        from_=from_,
        to=to,
    )
