"""Demand for unopened resources (Art. 25): anyone may ask for a published resource that is not
on the open list (or is listed ``not_open``); the sweep tells the owner when one is often asked
for, and the owner reads the tally of its resources."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from opening.demand.models import DemandRequest, DemandSurfaced
from opening.demand.schemas import DemandCreate, DemandTally
from opening.ids import new_id
from opening.listings.models import Listing
from opening.resources.models import OpenableResource
from opening.resources.service import published_resource
from pdp_contracts.opening import DemandRecorded, OpeningDemanded
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.errors import Conflict
from pdp_kit.events.outbox import record_event

WINDOW = timedelta(days=90)
OFTEN = 5
#: A resource surfaced once is surfaced again only after this long.
RESURFACE_AFTER = timedelta(days=30)


class AlreadyOpen(Conflict):
    code, title = "already-open", "该资源已开放"


async def _open_listing(session: AsyncSession, resource_id: str) -> Listing | None:
    return (
        await session.scalars(
            select(Listing).where(
                col(Listing.resource_id) == resource_id,
                col(Listing.status) == "active",
                col(Listing.open_type) != "not_open",
            )
        )
    ).first()


async def record_demand(
    session: AsyncSession, *, data: DemandCreate, principal: Principal
) -> DemandRequest:
    resource = await published_resource(session, data.resource_id)
    listing = await _open_listing(session, resource.id)
    if listing is not None:
        raise AlreadyOpen(f"该资源已在开放清单中：{listing.id}")
    demand = DemandRequest(
        id=new_id(),
        resource_id=resource.id,
        department=resource.department,
        client_id=principal.client_id,
        reason=data.reason,
    )
    session.add(demand)
    await record_event(
        session,
        DemandRecorded(
            resource_id=resource.id,
            department=resource.department,
            client_id=principal.client_id,
            requested_at=demand.requested_at,
        ),
        subject=resource.id,
        actor=principal.client_id,
        department=resource.department,
    )
    await session.flush()
    return demand


def _since(as_of: date) -> datetime:
    return datetime.combine(as_of, time.min, tzinfo=UTC) - WINDOW


async def _tallies(
    session: AsyncSession, as_of: date, department: str | None
) -> list[tuple[str, str, int]]:
    query: Any = (
        select(
            col(DemandRequest.resource_id),
            col(DemandRequest.department),
            func.count(),
        )
        .where(col(DemandRequest.requested_at) >= _since(as_of))
        .group_by(col(DemandRequest.resource_id), col(DemandRequest.department))
        .order_by(func.count().desc(), col(DemandRequest.resource_id))
    )
    if department is not None:
        query = query.where(col(DemandRequest.department) == department)
    return [(str(r), str(d), int(n)) for r, d, n in (await session.execute(query)).all()]


async def surface_often_requested(session: AsyncSession, as_of: date) -> dict[str, Any]:
    """Sweep: tell the owner of each unopened resource asked for at least ``OFTEN`` times in the
    window; once per ``RESURFACE_AFTER``."""
    surfaced = 0
    for resource_id, department, count in await _tallies(session, as_of, None):
        if count < OFTEN or await _open_listing(session, resource_id) is not None:
            continue
        seen = await session.get(DemandSurfaced, resource_id)
        if seen is not None and as_of - seen.surfaced_on < RESURFACE_AFTER:
            continue
        if seen is None:
            seen = DemandSurfaced(
                resource_id=resource_id, department=department, requests=count, surfaced_on=as_of
            )
            session.add(seen)
        else:
            seen.requests, seen.surfaced_on = count, as_of
        reasons = (
            await session.scalars(
                select(col(DemandRequest.reason))
                .where(col(DemandRequest.resource_id) == resource_id)
                .order_by(col(DemandRequest.requested_at).desc())
                .limit(5)
            )
        ).all()
        await record_event(
            session,
            OpeningDemanded(
                resource_id=resource_id,
                department=department,
                requests=count,
                as_of=as_of,
                reasons=list(reasons),
            ),
            subject=resource_id,
            department=department,
        )
        surfaced += 1
    await session.flush()
    return {"surfaced": surfaced}


async def demand_for(
    session: AsyncSession, *, principal: Principal, as_of: date
) -> list[DemandTally]:
    """A department its own resources; the bureau, the data centre and supervisors all."""
    department: str | None = None
    if not (principal.is_staff or principal.has(Role.CYBERSPACE, Role.ASSESSOR)):
        require_role(principal, Role.DEPARTMENT)
        department = principal.department or ""
    tallies = await _tallies(session, as_of, department)
    ids = [resource_id for resource_id, _, _ in tallies]
    names = {
        r.id: r.name
        for r in await session.scalars(
            select(OpenableResource).where(col(OpenableResource.id).in_(ids))
        )
    }
    seen = {
        s.resource_id: s.surfaced_on
        for s in await session.scalars(
            select(DemandSurfaced).where(col(DemandSurfaced.resource_id).in_(ids))
        )
    }
    return [
        DemandTally(
            resource_id=resource_id,
            department=dept,
            name=names.get(resource_id, resource_id),
            requests=count,
            surfaced_on=seen.get(resource_id),
        )
        for resource_id, dept, count in tallies
    ]
