"""The 时限看板's handlers for catalog's events: department names, resource reviews and change
obligations (Art. 10). A resource submission carries no name: the subject names the resource by
its id and version."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.clocks.ledger import Effect, record
from gateway.clocks.models import ClockDepartment, ClockKind
from pdp_contracts import catalog
from pdp_kit.events.envelope import Event

K = ClockKind


async def when_department_created_keep_its_name(session: AsyncSession, event: Event) -> None:
    e = event.payload(catalog.DepartmentCreated)
    known = await session.get(ClockDepartment, e.code)
    if known is None:
        session.add(ClockDepartment(code=e.code, name=e.name[:200]))
    else:
        known.name = e.name[:200]
    await session.flush()


# --- catalog: resource reviews (Art. 10) ---------------------------------------------------


async def when_resource_submitted_start_the_review_clock(
    session: AsyncSession, event: Event
) -> None:
    e = event.payload(catalog.ResourceSubmitted)
    await record(
        session, event, kind=K.RESOURCE_REVIEW, object_id=e.id, effect=Effect.START,
        department=e.department, subject=f"数据资源 {e.id} 第 {e.version} 版待审核",
        due_on=e.review_due_on, provisional=e.provisional,
    )  # fmt: skip


async def when_resource_review_overdue_flag_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(catalog.ResourceReviewOverdue)
    await record(
        session, event, kind=K.RESOURCE_REVIEW, object_id=e.id, effect=Effect.OVERDUE,
        department=e.department, due_on=e.review_due_on,
    )  # fmt: skip


async def when_resource_deadline_recomputed_move_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(catalog.ResourceDeadlineRecomputed)
    await record(
        session, event, kind=K.RESOURCE_REVIEW, object_id=e.id,
        effect=Effect.CLEAR if e.overdue_cleared else Effect.UPDATE,
        department=e.department, due_on=e.review_due_on, provisional=e.provisional,
    )  # fmt: skip


async def when_resource_reviewed_close_the_clock(session: AsyncSession, event: Event) -> None:
    """Published, rejected or withdrawn: the review is over."""
    data = event.data
    await record(
        session, event, kind=K.RESOURCE_REVIEW, object_id=str(data["id"]), effect=Effect.CLOSE,
        department=data.get("department"),
    )  # fmt: skip


# --- catalog: change obligations (Art. 10) -------------------------------------------------

CHANGE_KINDS = {"change": "目录更新", "annual_review": "年度全面复核"}


async def when_change_opened_start_the_clock(session: AsyncSession, event: Event) -> None:
    e = event.payload(catalog.ChangeOpened)
    await record(
        session, event, kind=K.CHANGE, object_id=e.id, effect=Effect.START,
        department=e.department, subject=f"{CHANGE_KINDS.get(e.kind, e.kind)}：{e.reason}",
        due_on=e.due_on, provisional=e.provisional, extension_requested=False,
    )  # fmt: skip


async def when_change_reopened_start_the_clock_again(session: AsyncSession, event: Event) -> None:
    e = event.payload(catalog.ChangeReopened)
    await record(
        session, event, kind=K.CHANGE, object_id=e.id, effect=Effect.START,
        department=e.department, due_on=e.due_on,
    )  # fmt: skip


async def when_change_extension_requested_mark_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(catalog.ChangeExtensionRequested)
    await record(
        session, event, kind=K.CHANGE, object_id=e.id, effect=Effect.UPDATE,
        department=e.department, extension_requested=True,
    )  # fmt: skip


async def when_change_extended_move_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(catalog.ChangeExtended)
    await record(
        session, event, kind=K.CHANGE, object_id=e.id, effect=Effect.UPDATE,
        department=e.department, due_on=e.due_on, provisional=e.provisional,
        extension_requested=False,
    )  # fmt: skip


async def when_change_extension_refused_unmark_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(catalog.ChangeExtensionRefused)
    await record(
        session, event, kind=K.CHANGE, object_id=e.id, effect=Effect.UPDATE,
        department=e.department, extension_requested=False,
    )  # fmt: skip


async def when_change_overdue_flag_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(catalog.ChangeOverdue)
    await record(
        session, event, kind=K.CHANGE, object_id=e.id, effect=Effect.OVERDUE,
        department=e.department, due_on=e.due_on,
    )  # fmt: skip


async def when_change_overdue_cleared_lift_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(catalog.ChangeOverdueCleared)
    await record(
        session, event, kind=K.CHANGE, object_id=e.id, effect=Effect.CLEAR,
        department=e.department, due_on=e.due_on,
    )  # fmt: skip


async def when_change_deadline_recomputed_move_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(catalog.ChangeDeadlineRecomputed)
    await record(
        session, event, kind=K.CHANGE, object_id=e.id, effect=Effect.UPDATE,
        department=e.department, due_on=e.due_on, provisional=e.provisional,
    )  # fmt: skip


async def when_change_closed_close_the_clock(session: AsyncSession, event: Event) -> None:
    e = event.payload(catalog.ChangeClosed)
    await record(
        session, event, kind=K.CHANGE, object_id=e.id, effect=Effect.CLOSE,
        department=e.department,
    )  # fmt: skip
