"""Withdrawal (下线, Art. 9): the department takes a published resource off the catalogue.

Its source is gone: it leaves search, the duplicate index, the DCAT export and aggregation, and
:class:`ResourceWithdrawn` lets sharing, opening and registry end their grants, listings and
authorisations on it. Every version stays readable in its history.
"""

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.resources.errors import ResourceNotPublished
from catalog.resources.models import FieldKey, Resource, ResourceVersion
from catalog.resources.search import unindex
from catalog.resources.service import _owned, latest
from pdp_contracts.catalog import ResourceWithdrawn
from pdp_kit.auth import Principal
from pdp_kit.db import utcnow
from pdp_kit.errors import FieldProblem
from pdp_kit.events.outbox import record_event


async def withdraw(
    session: AsyncSession, *, resource_id: str, reason: str, principal: Principal
) -> tuple[Resource, ResourceVersion]:
    resource = await _owned(session, resource_id, principal, lock=True)
    if resource.published_version is None or resource.withdrawn_at is not None:
        state = "withdrawn" if resource.withdrawn_at else "never published"
        raise ResourceNotPublished(errors=[FieldProblem("status", f"is {state}")])
    now = utcnow()
    published = await session.get(ResourceVersion, (resource.id, resource.published_version))
    assert published is not None
    pending = await latest(session, resource)
    for version in {published.version: published, pending.version: pending}.values():
        if version.status in ("published", "draft", "in_review"):
            version.status = "withdrawn"
    resource.status, resource.withdrawn_at, resource.withdrawn_reason = "withdrawn", now, reason
    await unindex(session, resource.id)
    await session.execute(delete(FieldKey).where(col(FieldKey.resource_id) == resource.id))
    await record_event(
        session,
        ResourceWithdrawn(
            id=resource.id,
            version=published.version,
            department=resource.department,
            reason=reason,
            withdrawn_at=now,
        ),
        subject=resource.id,
        actor=principal.client_id,
        department=resource.department,
    )
    await session.flush()
    return resource, published
