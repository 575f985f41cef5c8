"""The 时限看板's handlers for sharing's events: the provider's reply to a share request
(Art. 18)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.clocks.ledger import Effect, record
from gateway.clocks.models import ClockKind
from pdp_contracts import sharing
from pdp_kit.events.envelope import Event

K = ClockKind


async def when_share_request_submitted_start_the_reply_clock(
    session: AsyncSession, event: Event
) -> None:
    e = event.payload(sharing.RequestSubmitted)
    await record(
        session, event, kind=K.SHARE_REPLY, object_id=e.id, effect=Effect.START,
        department=e.provider, subject=f"{e.requester} 申请共享数据资源 {e.resource_id}",
        due_on=e.reply_due_on, provisional=e.provisional, extension_requested=False,
    )  # fmt: skip


async def when_materials_requested_stop_the_reply_clock(
    session: AsyncSession, event: Event
) -> None:
    """The clock waits for the requester's materials (Art. 18): nothing is owed meanwhile."""
    e = event.payload(sharing.MaterialsRequested)
    await record(
        session, event, kind=K.SHARE_REPLY, object_id=e.id, effect=Effect.CLOSE,
        department=e.provider,
    )  # fmt: skip


async def when_materials_resubmitted_restart_the_reply_clock(
    session: AsyncSession, event: Event
) -> None:
    e = event.payload(sharing.MaterialsResubmitted)
    await record(
        session, event, kind=K.SHARE_REPLY, object_id=e.id, effect=Effect.START,
        department=e.provider, due_on=e.reply_due_on, provisional=e.provisional,
    )  # fmt: skip


async def when_reply_extension_requested_mark_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(sharing.ExtensionRequested)
    await record(
        session, event, kind=K.SHARE_REPLY, object_id=e.id, effect=Effect.UPDATE,
        department=e.provider, extension_requested=True,
    )  # fmt: skip


async def when_reply_extended_move_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(sharing.ReplyExtended)
    await record(
        session, event, kind=K.SHARE_REPLY, object_id=e.id, effect=Effect.UPDATE,
        department=e.provider, due_on=e.reply_due_on, provisional=e.provisional,
        extension_requested=False,
    )  # fmt: skip


async def when_reply_deadline_recomputed_move_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(sharing.ReplyDeadlineRecomputed)
    await record(
        session, event, kind=K.SHARE_REPLY, object_id=e.id, effect=Effect.UPDATE,
        department=e.provider, due_on=e.reply_due_on, provisional=e.provisional,
    )  # fmt: skip


async def when_reply_overdue_flag_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(sharing.ReplyOverdue)
    await record(
        session, event, kind=K.SHARE_REPLY, object_id=e.id, effect=Effect.OVERDUE,
        department=e.provider, due_on=e.reply_due_on,
    )  # fmt: skip


async def when_share_request_decided_close_the_clock(session: AsyncSession, event: Event) -> None:
    """Approved or rejected: the provider replied."""
    await record(
        session, event, kind=K.SHARE_REPLY, object_id=str(event.data["id"]),
        effect=Effect.CLOSE, department=event.data.get("provider"),
    )  # fmt: skip
