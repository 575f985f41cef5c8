"""The owning department decides within 10 working days of the screening (Art. 24), on the
official calendar; when the bureau loads or corrects a year, open review deadlines follow."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from opening.applications.access import decision_fields
from opening.applications.models import Application
from pdp_contracts.opening import ReviewDeadlineRecomputed
from pdp_kit.calendar import Deadline, WorkingCalendar
from pdp_kit.events.outbox import record_event

REVIEW_DAYS = 10


def review_deadline(calendar: WorkingCalendar, application: Application) -> Deadline:
    assert application.screened_on is not None
    return calendar.add_working_days(application.screened_on, REVIEW_DAYS)


async def recompute_review_deadlines(
    session: AsyncSession, year: int, calendar: WorkingCalendar, actor: str | None
) -> int:
    """Every forwarded application whose count touches ``year``: one event per moved deadline;
    an overdue flag the new date no longer supports is lifted."""
    running = (
        await session.scalars(
            select(Application)
            .where(col(Application.status) == "forwarded")
            .order_by(col(Application.id))
            .with_for_update()
        )
    ).all()
    moved = 0
    for application in running:
        assert application.screened_on is not None
        assert application.review_due_on is not None
        if not application.screened_on.year <= year <= application.review_due_on.year:
            continue
        deadline = review_deadline(calendar, application)
        if (deadline.due_on, deadline.provisional) == (
            application.review_due_on,
            application.provisional,
        ):
            continue
        application.review_due_on, application.provisional = deadline.due_on, deadline.provisional
        lifted = False
        flagged = application.overdue_flagged_on
        if flagged is not None and flagged <= deadline.due_on:
            application.overdue_flagged_on, lifted = None, True
        moved += 1
        await record_event(
            session,
            ReviewDeadlineRecomputed(
                **decision_fields(application),
                review_due_on=deadline.due_on,
                provisional=deadline.provisional,
                overdue_lifted=lifted,
            ),
            subject=application.id,
            actor=actor,
            department=application.department,
        )
    await session.flush()
    return moved
