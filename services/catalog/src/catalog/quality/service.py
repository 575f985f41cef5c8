"""Quality monitoring of aggregated data (Art. 15): volume, completeness, validity and freshness
against the declared update frequency, per resource and per department (Art. 14, 35)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.departments.models import Department
from catalog.quality.schemas import DepartmentQuality, DepartmentRanking, Freshness, ResourceQuality
from catalog.records.models import IngestStats, Record
from catalog.resources.models import Resource, ResourceVersion
from catalog.resources.service import find_resource
from pdp_kit.auth import SUPERVISORS, Principal, Role, require_department_or, require_role
from pdp_kit.db import utcnow

#: The longest gap between two pushes that still counts as fresh: one period plus a day's grace.
FRESHNESS_WINDOW = {
    "realtime": timedelta(days=1),
    "daily": timedelta(days=2),
    "weekly": timedelta(days=8),
    "monthly": timedelta(days=32),
    "quarterly": timedelta(days=93),
    "yearly": timedelta(days=366),
    "static": None,
}


@dataclass(frozen=True)
class Figures:
    volume: int
    filled: int
    cells: int  # each record's field count when it was checked: completeness's denominator
    accepted: int
    rejected: int
    batches: int
    last_ingested_at: datetime | None
    update_frequency: str

    @property
    def completeness(self) -> float | None:
        return round(self.filled / self.cells, 4) if self.cells else None

    @property
    def validity(self) -> float | None:
        pushed = self.accepted + self.rejected
        return round(self.accepted / pushed, 4) if pushed else None

    def freshness(self, now: datetime) -> Freshness:
        window = FRESHNESS_WINDOW[self.update_frequency]
        last = self.last_ingested_at
        fresh = last is not None and self.volume > 0 and (window is None or now - last <= window)
        hours = int(window.total_seconds() // 3600) if window is not None else None
        return Freshness(last_ingested_at=last, window_hours=hours, fresh=fresh)


async def figures_of(
    session: AsyncSession, resources: list[tuple[str, ResourceVersion]]
) -> dict[str, Figures]:
    """Figures of published resources, keyed by resource id, in three grouped queries."""
    ids = [rid for rid, _ in resources]
    if not ids:
        return {}
    counts: dict[str, tuple[int, int, int]] = {
        rid: (int(n), int(filled or 0), int(cells or 0))
        for rid, n, filled, cells in (
            await session.execute(
                select(
                    col(Record.resource_id),
                    func.count(),
                    func.sum(col(Record.filled)),
                    func.sum(col(Record.field_count)),
                )
                .where(col(Record.resource_id).in_(ids))
                .group_by(col(Record.resource_id))
            )
        ).all()
    }
    stats = {
        s.resource_id: s
        for s in (
            await session.scalars(select(IngestStats).where(col(IngestStats.resource_id).in_(ids)))
        ).all()
    }
    result = {}
    for rid, version in resources:
        volume, filled, cells = counts.get(rid, (0, 0, 0))
        stat = stats.get(rid)
        result[rid] = Figures(
            volume=volume,
            filled=filled,
            cells=cells,
            accepted=stat.accepted_total if stat else 0,
            rejected=stat.rejected_total if stat else 0,
            batches=stat.batches if stat else 0,
            last_ingested_at=stat.last_ingested_at if stat else None,
            update_frequency=version.update_frequency,
        )
    return result


async def resource_quality(
    session: AsyncSession, *, resource_id: str, principal: Principal
) -> ResourceQuality:
    """The owner, the bureau and the data centre (which monitors quality, Art. 15)."""
    resource = await find_resource(session, resource_id, principal)
    require_department_or(principal, resource.department, Role.BUREAU, Role.DATACENTER)
    version = None
    if resource.published_version is not None:
        version = await session.get(ResourceVersion, (resource.id, resource.published_version))
    if version is None:
        figures = Figures(0, 0, 0, 0, 0, 0, None, "static")
    else:
        figures = (await figures_of(session, [(resource.id, version)]))[resource.id]
    return ResourceQuality(
        resource_id=resource.id,
        department=resource.department,
        version=version.version if version else None,
        update_frequency=version.update_frequency if version else None,
        volume=figures.volume,
        completeness=figures.completeness,
        validity=figures.validity,
        accepted_total=figures.accepted,
        rejected_total=figures.rejected,
        batches=figures.batches,
        freshness=figures.freshness(utcnow()),
    )


async def published_versions(
    session: AsyncSession, **where: Any
) -> list[tuple[Resource, ResourceVersion]]:
    query: Any = (
        select(Resource, ResourceVersion)
        .join(
            ResourceVersion,
            and_(
                col(ResourceVersion.resource_id) == col(Resource.id),
                col(ResourceVersion.version) == col(Resource.published_version),
            ),
        )
        .where(col(Resource.withdrawn_at).is_(None))
    )
    for name, value in where.items():
        query = query.where(getattr(Resource, name).in_(value))
    return [(r, v) for r, v in (await session.execute(query)).all()]


async def department_ranking(session: AsyncSession, *, principal: Principal) -> DepartmentRanking:
    """Every department ranked by the mean of its aggregation rate, completeness, validity and
    freshness rate, for supervision (Art. 15, 35): the staff and supervisors."""
    require_role(principal, Role.BUREAU, Role.DATACENTER, *SUPERVISORS)
    now = utcnow()
    published = await published_versions(session)
    figures = await figures_of(session, [(r.id, v) for r, v in published])
    by_department: dict[str, list[Figures]] = defaultdict(list)
    for resource, _ in published:
        by_department[resource.department].append(figures[resource.id])
    rows = []
    for department in (await session.scalars(select(Department))).all():
        mine = by_department.get(department.code, [])
        aggregated = [f for f in mine if f.volume > 0]
        fresh = sum(1 for f in mine if f.freshness(now).fresh)
        cells = sum(f.cells for f in aggregated)
        pushed = sum(f.accepted + f.rejected for f in mine)
        completeness = round(sum(f.filled for f in aggregated) / cells, 4) if cells else None
        validity = round(sum(f.accepted for f in mine) / pushed, 4) if pushed else None
        rates = [len(aggregated) / len(mine), fresh / len(mine)] if mine else [0.0, 0.0]
        score = round(sum([*rates, completeness or 0.0, validity or 0.0]) / 4, 4)
        rows.append((department, mine, aggregated, fresh, completeness, validity, score))
    rows.sort(key=lambda row: (-row[6], row[0].code))
    return DepartmentRanking(
        items=[
            DepartmentQuality(
                rank=rank,
                department=department.code,
                name=department.name,
                resources=len(mine),
                aggregated=len(aggregated),
                fresh=fresh,
                volume=sum(f.volume for f in mine),
                completeness=completeness,
                validity=validity,
                score=score,
            )
            for rank, (
                department,
                mine,
                aggregated,
                fresh,
                completeness,
                validity,
                score,
            ) in enumerate(rows, 1)
        ]
    )
