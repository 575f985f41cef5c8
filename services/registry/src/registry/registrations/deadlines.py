"""The first registration is due 20 working days after the resources were provided or the product
or service delivered (Art. 28), on the official calendar; registration deadlines follow the bureau's
calendar loads (DOMAIN: working days) and the sweep flags an overdue one once."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from pdp_contracts.registry import RegistrationDeadlineRecomputed, RegistrationOverdue
from pdp_kit.calendar import WorkingCalendar
from pdp_kit.events.outbox import record_event
from registry.registrations.models import Registration

REGISTRATION_WORKING_DAYS = 20


async def _open_registrations(session: AsyncSession) -> list[Registration]:
    rows = await session.scalars(
        select(Registration)
        .where(col(Registration.status) == "submitted")
        .order_by(col(Registration.id))
        .with_for_update()
    )
    return list(rows)


async def recompute_registration_deadlines(
    session: AsyncSession, year: int, calendar: WorkingCalendar, actor: str | None
) -> int:
    """Every open registration whose count reaches into ``year`` (or is provisional); one event
    per due date that moved; an overdue flag the new date no longer supports is lifted."""
    moved = 0
    for registration in await _open_registrations(session):
        touches = registration.provisional or (
            registration.delivered_on.year <= year <= registration.due_on.year
        )
        if not touches:
            continue
        deadline = calendar.add_working_days(registration.delivered_on, REGISTRATION_WORKING_DAYS)
        if (deadline.due_on, deadline.provisional) == (
            registration.due_on,
            registration.provisional,
        ):
            continue
        registration.due_on, registration.provisional = deadline.due_on, deadline.provisional
        registration.late = registration.received_on > deadline.due_on
        flagged = registration.overdue_flagged_on
        cleared = flagged is not None and deadline.due_on >= flagged
        if cleared:
            registration.overdue_flagged_on = None
        await record_event(
            session,
            RegistrationDeadlineRecomputed(
                id=registration.id,
                department=registration.department,
                operator=registration.operator,
                due_on=deadline.due_on,
                provisional=deadline.provisional,
                overdue_cleared=cleared,
            ),
            subject=registration.id,
            actor=actor,
            department=registration.department,
        )
        moved += 1
    await session.flush()
    return moved


async def registration_clocks(session: AsyncSession, as_of: date) -> dict[str, int]:
    """Flag once each registration not completed by its due date (Art. 28)."""
    overdue = 0
    for registration in await _open_registrations(session):
        if registration.due_on < as_of and registration.overdue_flagged_on is None:
            registration.overdue_flagged_on = as_of
            await record_event(
                session,
                RegistrationOverdue(
                    id=registration.id,
                    department=registration.department,
                    operator=registration.operator,
                    due_on=registration.due_on,
                    as_of=as_of,
                ),
                subject=registration.id,
                department=registration.department,
            )
            overdue += 1
    await session.flush()
    return {"overdue": overdue}
