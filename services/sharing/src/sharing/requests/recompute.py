"""Open reply deadlines move when the bureau loads a calendar year (DOMAIN: working days)."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from pdp_contracts.sharing import ReplyDeadlineRecomputed
from pdp_kit.calendar_store import load_calendar
from pdp_kit.events.outbox import record_event
from sharing.requests.deadlines import reply_deadline
from sharing.requests.models import ShareRequest


async def recompute_reply_deadlines(session: AsyncSession, *, year: int) -> int:
    """Every running clock whose count reaches into ``year``; one event per deadline that moved."""
    calendar = await load_calendar(session)
    running = (
        await session.scalars(
            select(ShareRequest)
            .where(col(ShareRequest.status) == "submitted")
            .order_by(col(ShareRequest.id))
            .with_for_update()
        )
    ).all()
    changed = 0
    for request in running:
        if not request.received_on.year <= year <= request.reply_due_on.year:
            continue
        deadline = reply_deadline(calendar, request)
        if (deadline.due_on, deadline.provisional) == (request.reply_due_on, request.provisional):
            continue
        request.reply_due_on, request.provisional = deadline.due_on, deadline.provisional
        changed += 1
        await record_event(
            session,
            ReplyDeadlineRecomputed(
                id=request.id,
                requester=request.requester,
                provider=request.provider,
                reply_due_on=request.reply_due_on,
                provisional=request.provisional,
            ),
            subject=request.id,
            department=request.provider,
        )
    await session.flush()
    return changed
