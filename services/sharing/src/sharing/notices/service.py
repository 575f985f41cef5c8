"""Formal written notices (书面告知, Art. 18): numbered, dated, from one side to the other."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from pdp_kit.auth import Principal
from pdp_kit.errors import NotFound
from sharing.ids import new_id
from sharing.notices.models import Notice
from sharing.notices.schemas import NoticePublic
from sharing.requests.access import visible_request


async def issue_notice(
    session: AsyncSession,
    *,
    request_id: str,
    kind: str,
    sender: str,
    recipient: str,
    text: str,
    issued_on: date,
) -> Notice:
    notice_id = new_id()
    notice = Notice(
        id=notice_id,
        number=f"CNGX-{issued_on:%Y%m%d}-{notice_id[-8:].upper()}",
        request_id=request_id,
        kind=kind,
        issued_on=issued_on,
        sender=sender,
        recipient=recipient,
        text=text,
    )
    session.add(notice)
    await session.flush()
    return notice


async def notices_of(session: AsyncSession, request_id: str) -> list[NoticePublic]:
    rows = await session.scalars(
        select(Notice).where(col(Notice.request_id) == request_id).order_by(col(Notice.id))
    )
    return [NoticePublic.model_validate(row) for row in rows]


async def list_notices(
    session: AsyncSession, *, request_id: str, principal: Principal
) -> list[NoticePublic]:
    """Both sides of the request (and the bureau and supervisors) read its notices."""
    await visible_request(session, request_id, principal)
    return await notices_of(session, request_id)


async def get_notice(
    session: AsyncSession, *, notice_id: str, principal: Principal
) -> NoticePublic:
    notice = await session.get(Notice, notice_id)
    if notice is None:
        raise NotFound(f"书面告知 {notice_id} 不存在")
    await visible_request(session, notice.request_id, principal)
    return NoticePublic.model_validate(notice)
