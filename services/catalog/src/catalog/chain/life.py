"""Keeping the duty and system catalogues alive (Art. 9, 10): entries are updated and retired,
each change counted in ``version`` and pushed to the catalogue chain (Art. 11)."""

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.chain.requests import request_chain
from catalog.duties.models import Duty
from catalog.resources.models import Resource, ResourceVersion
from catalog.systems.models import System
from pdp_kit.db import utcnow
from pdp_kit.errors import Conflict, FieldProblem


class EntryRetired(Conflict):
    code, title = "entry-retired", "该目录条目已注销"


class EntryInUse(Conflict):
    code, title = "entry-in-use", "仍有资源引用该目录条目"


def require_active(entry: Duty | System) -> None:
    if entry.status != "active":
        raise EntryRetired(errors=[FieldProblem("status", f"is {entry.status}")])


async def resources_naming(session: AsyncSession, entry: Duty | System) -> list[str]:
    """Resources of the department whose current versions (published or pending) name the entry;
    withdrawn ones do not count."""
    column = ResourceVersion.duty if isinstance(entry, Duty) else ResourceVersion.system
    query = (
        select(col(Resource.code))
        .join(ResourceVersion, col(ResourceVersion.resource_id) == col(Resource.id))
        .where(
            col(Resource.department) == entry.department,
            col(Resource.withdrawn_at).is_(None),
            col(column) == entry.code,
            or_(
                col(ResourceVersion.version) == col(Resource.latest_version),
                and_(
                    col(Resource.published_version).is_not(None),
                    col(ResourceVersion.version) == col(Resource.published_version),
                ),
            ),
        )
        .distinct()
    )
    return sorted((await session.scalars(query)).all())


async def changed(session: AsyncSession, entry: Duty | System, *, actor: str | None) -> None:
    entry.version += 1
    entry.updated_at = utcnow()
    await request_chain(session, entry, actor=actor)


async def retire(session: AsyncSession, entry: Duty | System, *, actor: str | None) -> None:
    """No current resource may still name the entry: revise or withdraw them first (409)."""
    require_active(entry)
    users = await resources_naming(session, entry)
    if users:
        raise EntryInUse(
            errors=[FieldProblem("code", f"named by resources {', '.join(users)}")],
        )
    entry.status, entry.retired_at = "retired", utcnow()
    await changed(session, entry, actor=actor)
