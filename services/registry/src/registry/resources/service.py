"""The published resources the registry may authorise, kept from the catalog's events (Art. 9)."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from pdp_contracts.catalog import ResourcePublished, ResourceSuperseded, ResourceWithdrawn
from registry.resources.models import AuthorisableResource


async def remember_published(session: AsyncSession, published: ResourcePublished) -> None:
    """Keep the newest published version; an older or redelivered one changes nothing."""
    resource = await session.get(AuthorisableResource, published.id)
    if resource is not None and resource.version >= published.version:
        return
    values: dict[str, Any] = {
        "version": published.version,
        "department": published.department,
        "name": published.name,
        "grade": str(published.grade),
        "fields": [f.model_dump(mode="json") for f in published.fields],
        "status": "published",
    }
    if resource is None:
        session.add(AuthorisableResource(id=published.id, **values))
    else:
        for name, value in values.items():
            setattr(resource, name, value)
    await session.flush()


async def mark(
    session: AsyncSession, event: ResourceSuperseded | ResourceWithdrawn, status: str
) -> bool:
    """A superseded version waits for its successor's publication; a withdrawn resource is never
    authorised or read again (its history stays). Redeliveries and stale events change nothing."""
    resource = await session.get(AuthorisableResource, event.id)
    if resource is None or resource.status == "withdrawn":
        return False
    if status == "superseded" and resource.version != event.version:
        return False
    resource.status = status
    await session.flush()
    return True


async def resources_by_id(
    session: AsyncSession, ids: Iterable[str]
) -> dict[str, AuthorisableResource]:
    wanted = list(set(ids))
    rows = await session.scalars(
        select(AuthorisableResource).where(col(AuthorisableResource.id).in_(wanted))
    )
    return {row.id: row for row in rows}
