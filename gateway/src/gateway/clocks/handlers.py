"""The board's handlers: each service's clock events, applied to the ``legal_clock`` rows
(wired in ``gateway.subscriptions``).

Where an event does not name what the board shows, the row takes what the event has: a resource
submission carries no name (the subject names the resource by id and version), a registry
evaluation and an operator's registration name no department (only the bureau and ops see them),
a usage report is owed by the applicant and is shown under the listing's department.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.clocks.ledger import Effect, record
from gateway.clocks.models import ClockDepartment, ClockKind
from pdp_contracts import audit, catalog, opening, registry, sharing
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


# --- sharing: the provider's reply (Art. 18) -----------------------------------------------


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


# --- opening: application reviews and usage reports (Art. 24) ------------------------------


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


# --- registry: registrations (Art. 28) and evaluations (Art. 27) ---------------------------


async def when_registration_filed_start_the_clock(session: AsyncSession, event: Event) -> None:
    e = event.payload(registry.RegistrationFiled)
    await record(
        session, event, kind=K.REGISTRATION, object_id=e.id, effect=Effect.START,
        department=e.department, subject=f"登记：{e.subject}", due_on=e.due_on,
        provisional=e.provisional,
    )  # fmt: skip


async def when_registration_overdue_flag_it(session: AsyncSession, event: Event) -> None:
    e = event.payload(registry.RegistrationOverdue)
    await record(
        session, event, kind=K.REGISTRATION, object_id=e.id, effect=Effect.OVERDUE,
        department=e.department, due_on=e.due_on,
    )  # fmt: skip


async def when_registration_deadline_recomputed_move_it(
    session: AsyncSession, event: Event
) -> None:
    e = event.payload(registry.RegistrationDeadlineRecomputed)
    await record(
        session, event, kind=K.REGISTRATION, object_id=e.id,
        effect=Effect.CLEAR if e.overdue_cleared else Effect.UPDATE,
        department=e.department, due_on=e.due_on, provisional=e.provisional,
    )  # fmt: skip


async def when_registration_completed_close_the_clock(session: AsyncSession, event: Event) -> None:
    e = event.payload(registry.RegistrationCompleted)
    await record(
        session, event, kind=K.REGISTRATION, object_id=e.id, effect=Effect.CLOSE,
        department=e.department,
    )  # fmt: skip


async def when_evaluation_opened_start_the_clock(session: AsyncSession, event: Event) -> None:
    e = event.payload(registry.EvaluationOpened)
    await record(
        session, event, kind=K.EVALUATION, object_id=e.evaluation_id, effect=Effect.START,
        subject=f"授权运营 {e.id} 定期评估（运营单位 {e.operator}）", due_on=e.due_on,
    )  # fmt: skip


async def when_authorisation_evaluated_close_the_clock(session: AsyncSession, event: Event) -> None:
    e = event.payload(registry.AuthorisationEvaluated)
    await record(session, event, kind=K.EVALUATION, object_id=e.evaluation_id, effect=Effect.CLOSE)


# --- audit: rectification orders (Art. 35) -------------------------------------------------


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
