"""The sharing sweeps: reply clocks (Art. 18), idle grants and unrectified misuse (Art. 20),
grants past their period. Each is idempotent for an ``as_of`` date: an event is published once."""

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from pdp_contracts.sharing import ReplyDueSoon, ReplyOverdue
from pdp_kit.calendar_store import load_calendar
from pdp_kit.events.outbox import record_event
from pdp_kit.months import add_months
from sharing.grants.models import Grant
from sharing.grants.service import suspend_as_idle, terminate
from sharing.requests.models import ShareRequest

IDLE_MONTHS = 3


async def reply_clocks(session: AsyncSession, as_of: date) -> dict[str, Any]:
    """Mark a reply overdue once (supervision sees who is late), and remind the provider of a
    reply due on the next working day. A request waiting for materials has no running clock."""
    calendar = await load_calendar(session)
    next_working_day = calendar.add_working_days(as_of, 1).due_on
    running = (
        await session.scalars(
            select(ShareRequest)
            .where(col(ShareRequest.status) == "submitted")
            .order_by(col(ShareRequest.id))
        )
    ).all()
    overdue = reminded = 0
    for request in running:
        if request.reply_due_on < as_of and request.overdue_flagged_on is None:
            request.overdue_flagged_on = as_of
            overdue += 1
            await record_event(
                session,
                ReplyOverdue(
                    id=request.id,
                    requester=request.requester,
                    provider=request.provider,
                    reply_due_on=request.reply_due_on,
                    as_of=as_of,
                ),
                subject=request.id,
                department=request.provider,
            )
        elif (
            as_of < request.reply_due_on <= next_working_day
            and request.reminded_for != request.reply_due_on
        ):
            request.reminded_for = request.reply_due_on
            reminded += 1
            await record_event(
                session,
                ReplyDueSoon(
                    id=request.id,
                    requester=request.requester,
                    provider=request.provider,
                    reply_due_on=request.reply_due_on,
                    as_of=as_of,
                ),
                subject=request.id,
                department=request.provider,
            )
    await session.flush()
    return {"overdue": overdue, "reminded": reminded}


def idle_until(idle_since: date) -> date:
    """The last day of the three calendar months without a call; suspended the day after."""
    return add_months(idle_since, IDLE_MONTHS)


async def grant_clocks(session: AsyncSession, as_of: date) -> dict[str, Any]:
    """Art. 20: expired grants end; idle ones without a justification are suspended; misuse not
    rectified by its date ends the grant."""
    live = (
        await session.scalars(
            select(Grant)
            .where(col(Grant.status).in_(("active", "suspended")))
            .order_by(col(Grant.id))
            .with_for_update()
        )
    ).all()
    counts = {"expired": 0, "idle_suspended": 0, "unrectified_terminated": 0}
    for grant in live:
        if grant.valid_until < as_of:
            await terminate(session, grant, cause="expired", reason="使用期限届满")
            counts["expired"] += 1
        elif (
            grant.status == "suspended"
            and grant.suspension == "misuse"
            and grant.rectify_by is not None
            and grant.rectify_by < as_of
        ):
            reason = f"未在 {grant.rectify_by.isoformat()} 前完成整改（第二十条）"
            await terminate(session, grant, cause="unrectified", reason=reason)
            counts["unrectified_terminated"] += 1
        elif (
            grant.status == "active"
            and grant.justification is None
            and as_of > idle_until(grant.idle_since)
        ):
            await suspend_as_idle(session, grant, since=grant.idle_since)
            counts["idle_suspended"] += 1
    await session.flush()
    return counts
