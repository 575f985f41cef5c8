"""The 时限看板's handlers for opening's events: application reviews and usage reports (Art. 24).
A usage report is owed by the applicant; it is shown under the listing's department."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.clocks.ledger import Effect, record
from gateway.clocks.models import ClockKind
from pdp_contracts import opening
from pdp_kit.events.envelope import Event

K = ClockKind


async def when_application_forwarded_start_the_review_clock(
    session: AsyncSession, event: Event
) -> None:
    e = event.payload(opening.ApplicationForwarded)
    await record(
        session, event, kind=K.OPENING_REVIEW, object_id=e.id, effect=Effect.START,
        department=e.department, subject=f"开放数据申请（开放清单 {e.listing_id}）",
        due_on=e.review_due_on, provisional=e.provisional,
    )  # fmt: skip


async def when_application_review_overdue_flag_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(opening.ReviewOverdue)
    await record(
        session, event, kind=K.OPENING_REVIEW, object_id=e.id, effect=Effect.OVERDUE,
        department=e.department, due_on=e.review_due_on,
    )  # fmt: skip


async def when_review_deadline_recomputed_move_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(opening.ReviewDeadlineRecomputed)
    await record(
        session, event, kind=K.OPENING_REVIEW, object_id=e.id,
        effect=Effect.CLEAR if e.overdue_lifted else Effect.UPDATE,
        department=e.department, due_on=e.review_due_on, provisional=e.provisional,
    )  # fmt: skip


async def when_application_decided_close_the_review_clock(
    session: AsyncSession, event: Event
) -> None:
    """Approved, refused or returned for materials: the department has answered."""
    await record(
        session, event, kind=K.OPENING_REVIEW, object_id=str(event.data["id"]),
        effect=Effect.CLOSE, department=event.data.get("department"),
    )  # fmt: skip


async def when_application_approved_start_the_usage_report_clock(
    session: AsyncSession, event: Event
) -> None:
    e = event.payload(opening.ApplicationApproved)
    if e.usage_report_due_on is None:
        return
    await record(
        session, event, kind=K.USAGE_REPORT, object_id=e.id, effect=Effect.START,
        department=e.department, subject=f"开放数据使用情况报告（申请方 {e.client_id}）",
        due_on=e.usage_report_due_on,
    )  # fmt: skip


async def when_usage_report_overdue_flag_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(opening.UsageReportOverdue)
    await record(
        session, event, kind=K.USAGE_REPORT, object_id=e.id, effect=Effect.OVERDUE,
        department=e.department, due_on=e.due_on,
    )  # fmt: skip


async def when_usage_report_filed_close_the_clock(session: AsyncSession, event: Event) -> None:
    e = event.payload(opening.UsageReportFiled)
    await record(
        session, event, kind=K.USAGE_REPORT, object_id=e.id, effect=Effect.CLOSE,
        department=e.department,
    )  # fmt: skip
