"""The opening sweeps: overdue reviews (Art. 24), overdue usage reports (Art. 23) and the
periodic evaluation of the list's freshness (Art. 25). Each is idempotent for an ``as_of`` date:
a flag and its event are set once."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from opening.applications.access import decision_fields
from opening.applications.models import Application
from opening.listings.models import Listing
from opening.listings.service import FRESH_FOR
from opening.resources.models import OpenableResource
from pdp_contracts import EventPayload
from pdp_contracts.opening import ListingFoundStale, ReviewOverdue, UsageReportOverdue
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


async def freshness(session: AsyncSession, as_of: date) -> dict[str, Any]:
    """Art. 25: an active, non-static listing whose records were not updated within its update
    frequency is flagged once (the owner is told); a fresh one loses the flag."""
    end_of_day = datetime.combine(as_of, time.max, tzinfo=UTC)
    rows = (
        await session.execute(
            select(Listing, OpenableResource)
            .join(OpenableResource, col(OpenableResource.id) == col(Listing.resource_id))
            .where(col(Listing.status) == "active", col(Listing.static_since).is_(None))
            .order_by(col(Listing.id))
            .with_for_update(of=Listing)
        )
    ).all()
    counts = {"stale": 0, "fresh_again": 0}
    for listing, resource in rows:
        window = FRESH_FOR.get(listing.update_frequency)
        if window is None:
            continue
        updated = resource.last_updated_at or resource.published_at
        stale = end_of_day - updated > window
        if stale and listing.stale_since is None:
            listing.stale_since = as_of
            counts["stale"] += 1
            await record_event(
                session,
                ListingFoundStale(
                    id=listing.id,
                    resource_id=listing.resource_id,
                    department=listing.department,
                    update_frequency=listing.update_frequency,
                    last_updated_at=resource.last_updated_at,
                    as_of=as_of,
                ),
                subject=listing.id,
                department=listing.department,
            )
        elif not stale and listing.stale_since is not None:
            listing.stale_since = None
            counts["fresh_again"] += 1
    await session.flush()
    return counts
