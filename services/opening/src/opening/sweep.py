"""The opening sweeps: overdue reviews (Art. 24) and overdue usage reports (Art. 23). Each is
idempotent for an ``as_of`` date: a flag and its event are set once."""

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from opening.applications.access import decision_fields
from opening.applications.models import Application
from pdp_contracts import EventPayload
from pdp_contracts.opening import ReviewOverdue, UsageReportOverdue
from pdp_kit.events.outbox import record_event


async def _flag_once(
    session: AsyncSession,
    as_of: date,
    late: list[ColumnElement[bool]],
    flag: str,
    event: Callable[[Application], EventPayload],
) -> dict[str, Any]:
    rows = (
        await session.scalars(
            select(Application)
            .where(*late, col(getattr(Application, flag)).is_(None))
            .order_by(col(Application.id))
            .with_for_update()
        )
    ).all()
    for application in rows:
        setattr(application, flag, as_of)
        await record_event(
            session, event(application), subject=application.id, department=application.department
        )
    await session.flush()
    return {"overdue": len(rows)}


async def review_clocks(session: AsyncSession, as_of: date) -> dict[str, Any]:
    """A forwarded application not decided by its ``review_due_on`` is flagged once."""
    return await _flag_once(
        session,
        as_of,
        [col(Application.status) == "forwarded", col(Application.review_due_on) < as_of],
        "overdue_flagged_on",
        lambda application: ReviewOverdue(
            **decision_fields(application),
            review_due_on=application.review_due_on,
            as_of=as_of,
        ),
    )


async def usage_report_clocks(session: AsyncSession, as_of: date) -> dict[str, Any]:
    """An approved applicant that has not filed its usage report by the due date is flagged."""
    return await _flag_once(
        session,
        as_of,
        [
            col(Application.status) == "approved",
            col(Application.usage_report_due_on) < as_of,
            col(Application.usage_report_filed_on).is_(None),
        ],
        "usage_report_overdue_on",
        lambda application: UsageReportOverdue(
            **decision_fields(application),
            due_on=application.usage_report_due_on,
            as_of=as_of,
        ),
    )
