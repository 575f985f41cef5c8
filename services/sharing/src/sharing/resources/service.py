"""The published resources sharing knows of, kept from the catalog's events (Art. 9, 16)."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pdp_contracts.catalog import ResourcePublished, ResourceSuperseded, ResourceWithdrawn
from pdp_kit.errors import NotFound
from sharing.resources.models import SharedResource


async def remember_published(
    session: AsyncSession, published: ResourcePublished
) -> SharedResource | None:
    """Keep the newest published version; an older or redelivered one changes nothing
    (``None``)."""
    resource = await session.get(SharedResource, published.id)
    if resource is not None and resource.version >= published.version:
        return None
    values: dict[str, Any] = {
        "version": published.version,
        "department": published.department,
        "name": published.name,
        "share_type": str(published.share_type),
        "share_basis": published.share_basis,
        "grade": str(published.grade),
        "level": published.level,
        "important": published.important,
        "fields": [f.model_dump(mode="json") for f in published.fields],
        "status": "published",
    }
    if resource is None:
        resource = SharedResource(id=published.id, **values)
        session.add(resource)
    else:
        for name, value in values.items():
            setattr(resource, name, value)
    await session.flush()
    return resource


async def mark_superseded(session: AsyncSession, superseded: ResourceSuperseded) -> bool:
    """The version we hold gave way to a newer one whose ``ResourcePublished`` has not landed yet:
    no new request names it until it does (its fields may be gone). Already newer: nothing."""
    resource = await session.get(SharedResource, superseded.id)
    if resource is None or resource.version != superseded.version:
        return False
    if resource.status != "published":
        return False
    resource.status = "superseded"
    await session.flush()
    return True


async def mark_withdrawn(session: AsyncSession, withdrawn: ResourceWithdrawn) -> bool:
    resource = await session.get(SharedResource, withdrawn.id)
    if resource is None or resource.status == "withdrawn":
        return False
    resource.status = "withdrawn"
    await session.flush()
    return True


async def published_resource(session: AsyncSession, resource_id: str) -> SharedResource:
    resource = await session.get(SharedResource, resource_id)
    if resource is None or resource.status != "published":
        raise NotFound(f"资源 {resource_id} 不存在或未发布")
    return resource
