from fastapi import APIRouter

from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page
from sharing.notices import service
from sharing.notices.schemas import NoticePublic

router = APIRouter(tags=["notices"])


@router.get("/requests/{request_id}/notices", response_model=Page[NoticePublic])
async def list_notices(
    request_id: str, session: SessionDep, principal: CurrentPrincipal
) -> Page[NoticePublic]:
    """The written notices (书面告知) of a request, oldest first: both sides read them."""
    items = await service.list_notices(session, request_id=request_id, principal=principal)
    return Page[NoticePublic](items=items, next_cursor=None)


@router.get("/notices/{notice_id}", response_model=NoticePublic)
async def get_notice(
    notice_id: str, session: SessionDep, principal: CurrentPrincipal
) -> NoticePublic:
    """One written notice: number, date, sender, recipient, text."""
    return await service.get_notice(session, notice_id=notice_id, principal=principal)
