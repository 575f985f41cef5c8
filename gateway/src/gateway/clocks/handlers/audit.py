"""The 时限看板's handlers for audit's events: rectification orders (Art. 35)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.clocks.ledger import Effect, record
from gateway.clocks.models import ClockKind
from pdp_contracts import audit
from pdp_kit.events.envelope import Event

K = ClockKind


async def when_rectification_ordered_start_the_clock(session: AsyncSession, event: Event) -> None:
    e = event.payload(audit.RectificationOrdered)
    notice = f"（通报 {e.notice_id}）" if e.notice_id else ""
    await record(
        session, event, kind=K.RECTIFICATION, object_id=e.id, effect=Effect.START,
        department=e.department, subject=f"整改{notice}", due_on=e.due_on,
    )  # fmt: skip


async def when_rectification_overdue_flag_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(audit.RectificationOverdue)
    await record(
        session, event, kind=K.RECTIFICATION, object_id=e.id, effect=Effect.OVERDUE,
        department=e.department, due_on=e.due_on,
    )  # fmt: skip


async def when_rectification_closed_close_the_clock(session: AsyncSession, event: Event) -> None:
    e = event.payload(audit.RectificationClosed)
    await record(
        session, event, kind=K.RECTIFICATION, object_id=e.id, effect=Effect.CLOSE,
        department=e.department,
    )  # fmt: skip
