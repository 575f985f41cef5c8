"""The bureau's own clock: a submitted version is reviewed within 2 working days (Art. 10).

The sweep flags a review still pending after its due date once, and publishes it: supervision
counts the bureau's delays as it counts the departments' (Art. 35).
"""

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.resources.models import Resource, ResourceVersion
from pdp_contracts.catalog import ResourceReviewOverdue
from pdp_kit.events.outbox import record_event


async def flag_overdue_reviews(session: AsyncSession, as_of: date) -> dict[str, Any]:
    query = (
        select(ResourceVersion, col(Resource.department))
        .join(Resource, col(Resource.id) == col(ResourceVersion.resource_id))
        .where(
            col(ResourceVersion.status) == "in_review",
            col(ResourceVersion.review_due_on) < as_of,
            col(ResourceVersion.review_overdue_on).is_(None),
        )
    )
    flagged = []
    for version, department in (await session.execute(query)).all():
        assert version.review_due_on is not None
        version.review_overdue_on = as_of
        await record_event(
            session,
            ResourceReviewOverdue(
                id=version.resource_id,
                version=version.version,
                department=department,
                review_due_on=version.review_due_on,
                as_of=as_of,
            ),
            subject=version.resource_id,
            department=department,
        )
        flagged.append(version.resource_id)
    await session.flush()
    return {"flagged": flagged}
