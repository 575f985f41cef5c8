"""Provisional deadlines become real when the bureau loads that year's calendar.

A deadline counted over a year no source covers is computed on weekends alone and marked
``provisional`` (DOMAIN: working days). Loading the year recomputes every open one in the same
transaction: the bureau's review of submitted updates and the departments' change obligations.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.changes.models import ChangeObligation
from catalog.changes.service import due_date
from catalog.resources.models import ResourceVersion
from catalog.resources.review import REVIEW_WORKING_DAYS
from pdp_contracts.catalog import ChangeDeadlineRecomputed
from pdp_kit.calendar_store import load_calendar
from pdp_kit.events.outbox import record_event


async def recompute_provisional(session: AsyncSession, *, actor: str | None) -> dict[str, Any]:
    calendar = await load_calendar(session)
    reviews = (
        await session.scalars(
            select(ResourceVersion).where(
                col(ResourceVersion.status) == "in_review",
                col(ResourceVersion.review_due_provisional).is_(True),
            )
        )
    ).all()
    for version in reviews:
        assert version.submitted_on is not None
        deadline = calendar.add_working_days(version.submitted_on, REVIEW_WORKING_DAYS)
        version.review_due_on, version.review_due_provisional = (
            deadline.due_on,
            deadline.provisional,
        )
    changes = (
        await session.scalars(
            select(ChangeObligation).where(
                col(ChangeObligation.status) == "open",
                col(ChangeObligation.kind) == "change",
                col(ChangeObligation.provisional).is_(True),
            )
        )
    ).all()
    for change in changes:
        change.due_on, change.provisional = due_date(calendar, change)
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
    await session.flush()
    return {"reviews": len(reviews), "changes": len(changes)}
