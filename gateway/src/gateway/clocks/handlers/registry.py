"""The 时限看板's handlers for registry's events: registrations (Art. 28) and evaluations
(Art. 27). An evaluation and an operator's registration name no department: only the bureau and
ops see them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.clocks.ledger import Effect, record
from gateway.clocks.models import ClockKind
from pdp_contracts import registry
from pdp_kit.events.envelope import Event

K = ClockKind


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
