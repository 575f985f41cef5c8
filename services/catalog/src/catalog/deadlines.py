"""Open deadlines follow the calendar: loading or correcting a year recomputes each of them.

Every open deadline whose dates fall in the loaded year is recomputed in the same transaction
(the bureau's reviews of submitted updates and the departments' change obligations), not only the
provisional ones: a corrected year moves real deadlines too (DOMAIN: working days). Each moved
deadline is published; an overdue flag set before the new due date is lifted with its event.
"""

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.changes.models import ChangeObligation
from catalog.changes.service import clear_overdue, due_date
from catalog.resources.models import Resource, ResourceVersion
from catalog.resources.review import REVIEW_WORKING_DAYS
from pdp_contracts.catalog import ChangeDeadlineRecomputed, ResourceDeadlineRecomputed
from pdp_kit.calendar import WorkingCalendar
from pdp_kit.events.outbox import record_event


def _touches(year: int, start: date, due: date, provisional: bool | None) -> bool:
    return provisional is True or start.year <= year <= due.year


async def recompute_deadlines(
    session: AsyncSession, year: int, calendar: WorkingCalendar, actor: str | None
) -> dict[str, Any]:
    return {
        "reviews": await _reviews(session, year, calendar, actor),
        "changes": await _changes(session, year, calendar, actor),
    }


async def _reviews(
    session: AsyncSession, year: int, calendar: WorkingCalendar, actor: str | None
) -> int:
    query = (
        select(ResourceVersion, col(Resource.department))
        .join(Resource, col(Resource.id) == col(ResourceVersion.resource_id))
        .where(col(ResourceVersion.status) == "in_review")
    )
    moved = 0
    for version, department in (await session.execute(query)).all():
        assert version.submitted_on is not None
        assert version.review_due_on is not None
        if not _touches(
            year, version.submitted_on, version.review_due_on, version.review_due_provisional
        ):
            continue
        deadline = calendar.add_working_days(version.submitted_on, REVIEW_WORKING_DAYS)
        if (deadline.due_on, deadline.provisional) == (
            version.review_due_on,
            version.review_due_provisional,
        ):
            continue
        version.review_due_on, version.review_due_provisional = (
            deadline.due_on,
            deadline.provisional,
        )
        cleared = version.review_overdue_on is not None and (
            deadline.due_on >= version.review_overdue_on
        )
        if cleared:
            version.review_overdue_on = None
        await record_event(
            session,
            ResourceDeadlineRecomputed(
                id=version.resource_id,
                version=version.version,
                department=department,
                review_due_on=deadline.due_on,
                provisional=deadline.provisional,
                overdue_cleared=cleared,
            ),
            subject=version.resource_id,
            actor=actor,
            department=department,
        )
        moved += 1
    await session.flush()
    return moved


async def _changes(
    session: AsyncSession, year: int, calendar: WorkingCalendar, actor: str | None
) -> int:
    query = select(ChangeObligation).where(
        col(ChangeObligation.status) == "open", col(ChangeObligation.kind) == "change"
    )
    moved = 0
    for change in (await session.scalars(query)).all():
        if not _touches(year, change.occurred_on, change.due_on, change.provisional):
            continue
        due_on, provisional = due_date(calendar, change)
        if (due_on, provisional) == (change.due_on, change.provisional):
            continue
        change.due_on, change.provisional = due_on, provisional
        await record_event(
            session,
            ChangeDeadlineRecomputed(
                id=change.id,
                department=change.department,
                due_on=change.due_on,
                provisional=change.provisional,
            ),
            subject=change.id,
            actor=actor,
            department=change.department,
        )
        if change.overdue_on is not None and change.due_on >= change.overdue_on:
            await clear_overdue(session, change, reason="calendar_corrected", actor=actor)
        moved += 1
    await session.flush()
    return moved
