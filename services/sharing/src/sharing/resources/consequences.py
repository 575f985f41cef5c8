"""What a catalogue change does to requests and grants (Art. 9, 19): a withdrawn resource ends
its grants and refuses its open requests; a new version without some granted fields ends the
grants that carried them (a grant is never narrowed or widened in place)."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from sharing import clock
from sharing.grants.models import Grant
from sharing.grants.service import terminate
from sharing.notices.service import issue_notice
from sharing.requests.actions import close_as_rejected
from sharing.requests.models import ShareRequest
from sharing.resources.models import SharedResource


async def _live_grants(session: AsyncSession, resource_id: str) -> list[Grant]:
    rows = await session.scalars(
        select(Grant)
        .where(col(Grant.resource_id) == resource_id, col(Grant.status) != "terminated")
        .order_by(col(Grant.id))
        .with_for_update()
    )
    return list(rows)


async def end_what_rests_on_withdrawn(
    session: AsyncSession, *, resource_id: str, reason: str
) -> dict[str, int]:
    grants = await _live_grants(session, resource_id)
    for grant in grants:
        await terminate(session, grant, cause="resource_withdrawn", reason=f"资源已下线：{reason}")
    requests = (
        await session.scalars(
            select(ShareRequest)
            .where(
                col(ShareRequest.resource_id) == resource_id,
                col(ShareRequest.status).in_(("submitted", "materials_requested")),
            )
            .order_by(col(ShareRequest.id))
            .with_for_update()
        )
    ).all()
    for request in requests:
        text = f"所申请的资源已下线，申请终止。下线理由：{reason}"
        notice = await issue_notice(
            session,
            request_id=request.id,
            kind="rejection",
            sender=request.provider,
            recipient=request.requester,
            text=text,
            issued_on=clock.today(),
        )
        await close_as_rejected(session, request, reason=text, notice_id=notice.id, actor=None)
    return {"grants": len(grants), "requests": len(requests)}


async def end_grants_missing_fields(session: AsyncSession, resource: SharedResource) -> int:
    present = set(resource.field_names())
    ended = 0
    for grant in await _live_grants(session, resource.id):
        gone = [name for name in grant.fields if name not in present]
        if gone:
            await terminate(
                session,
                grant,
                cause="fields_removed",
                reason=f"资源第 {resource.version} 版已不含字段：{', '.join(gone)}",
            )
            ended += 1
    return ended
