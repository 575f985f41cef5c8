"""The published resources opening knows of, kept from the catalog's events (Art. 9, 21)."""

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from opening.resources.models import OpenableResource
from pdp_contracts.catalog import ResourcePublished, ResourceSuperseded, ResourceWithdrawn
from pdp_kit.errors import NotFound


async def remember_published(
    session: AsyncSession, published: ResourcePublished
) -> OpenableResource | None:
    """Keep the newest published version; an older or redelivered one changes nothing."""
    resource = await session.get(OpenableResource, published.id)
    if resource is not None and resource.version >= published.version:
        return None
    values: dict[str, Any] = {
        "version": published.version,
        "department": published.department,
        "code": published.code,
        "name": published.name,
        "description": published.description,
        "share_type": str(published.share_type),
        "open_type": str(published.open_type),
        "update_frequency": str(published.update_frequency),
        "fields": [f.model_dump(mode="json") for f in published.fields],
        "status": "published",
        "published_at": published.published_at,
    }
    if resource is None:
        resource = OpenableResource(id=published.id, **values)
        session.add(resource)
    else:
        for name, value in values.items():
            setattr(resource, name, value)
    await session.flush()
    return resource


async def mark_superseded(session: AsyncSession, superseded: ResourceSuperseded) -> None:
    resource = await session.get(OpenableResource, superseded.id)
    if (
        resource is not None
        and resource.version == superseded.version
        and resource.status == "published"
    ):
        resource.status = "superseded"
        await session.flush()


async def mark_withdrawn(session: AsyncSession, withdrawn: ResourceWithdrawn) -> bool:
    resource = await session.get(OpenableResource, withdrawn.id)
    if resource is None or resource.status == "withdrawn":
        return False
    resource.status = "withdrawn"
    await session.flush()
    return True


async def note_records_ingested(session: AsyncSession, *, resource_id: str, at: datetime) -> None:
    """Freshness (Art. 25): when the department last pushed records."""
    resource = await session.get(OpenableResource, resource_id)
    if resource is not None and (resource.last_updated_at is None or resource.last_updated_at < at):
        resource.last_updated_at = at
        await session.flush()


async def published_resource(session: AsyncSession, resource_id: str) -> OpenableResource:
    resource = await session.get(OpenableResource, resource_id)
    if resource is None or resource.status != "published":
        raise NotFound(f"资源 {resource_id} 不存在或未发布")
    return resource
