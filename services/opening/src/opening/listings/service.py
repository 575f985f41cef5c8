"""The open list (Art. 21, 22, 25): listing a published resource, reading the list, making a
listing static, and closing listings whose resource was withdrawn."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from opening import clock
from opening.ids import new_id
from opening.listings.errors import ListingClosed, ListingExists
from opening.listings.masking import Action, CompiledProfile, compile_profile, default_rule
from opening.listings.models import Listing
from opening.listings.rules import checked_terms
from opening.listings.schemas import (
    FieldOut,
    Figures,
    ListingCreate,
    ListingFigures,
    ListingPublic,
    ProfileEntry,
    Reason,
    conditions_of,
)
from opening.resources.models import OpenableResource
from opening.resources.service import published_resource
from pdp_contracts import opening as events
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.auth.principal import SUPERVISORS
from pdp_kit.db import get_for_update, insert_or_conflict
from pdp_kit.errors import Forbidden, NotFound
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page

#: How long data may go without an update before its listing counts as stale (Art. 25).
FRESH_FOR = {
    "realtime": timedelta(days=1),
    "daily": timedelta(days=2),
    "weekly": timedelta(days=8),
    "monthly": timedelta(days=32),
    "quarterly": timedelta(days=93),
    "yearly": timedelta(days=367),
}


async def create_listing(
    session: AsyncSession, *, data: ListingCreate, principal: Principal
) -> Listing:
    """The owning department lists its own published resource (Art. 22)."""
    require_role(principal, Role.DEPARTMENT)
    resource = await published_resource(session, data.resource_id)
    if not principal.acts_for(resource.department):
        raise Forbidden("只能将本部门的资源列入开放清单")
    listing = Listing(
        id=new_id(),
        resource_id=resource.id,
        resource_version=resource.version,
        department=resource.department,
        name=resource.name,
        description=resource.description,
        **checked_terms(data, resource),
    )
    await insert_or_conflict(session, listing, ListingExists(f"资源 {resource.id} 已在开放清单中"))
    await record_event(
        session,
        events.ListingPublished(**terms_of(listing), basis=listing.basis),
        subject=listing.id,
        actor=principal.client_id,
        department=listing.department,
    )
    return listing


def terms_of(listing: Listing) -> dict[str, Any]:
    """What the listing events carry of its terms."""
    return {
        "id": listing.id,
        "resource_id": listing.resource_id,
        "department": listing.department,
        "open_type": listing.open_type,
        "update_frequency": listing.update_frequency,
        "desensitisation": {n: e["action"] for n, e in listing.desensitisation.items()},
        "conditions": listing.conditions,
    }


async def listing_or_404(session: AsyncSession, listing_id: str, *, lock: bool = False) -> Listing:
    listing = (
        await get_for_update(session, Listing, listing_id)
        if lock
        else await session.get(Listing, listing_id)
    )
    if listing is None:
        raise NotFound(f"开放清单条目 {listing_id} 不存在")
    return listing


def require_owner(listing: Listing, principal: Principal) -> None:
    if not principal.acts_for(listing.department):
        raise Forbidden("只能办理本部门开放清单上的事项")


async def make_static(
    session: AsyncSession, *, listing_id: str, data: Reason, principal: Principal
) -> Listing:
    """The source can no longer be updated: the listing stays open with its history (Art. 25)."""
    listing = await listing_or_404(session, listing_id, lock=True)
    require_owner(listing, principal)
    if listing.status != "active":
        raise ListingClosed(f"开放清单条目状态为 {listing.status}")
    if listing.static_since is not None:
        return listing
    listing.update_frequency, listing.static_reason = "static", data.reason
    listing.static_since = clock.today()
    await record_event(
        session,
        events.ListingMadeStatic(
            id=listing.id,
            resource_id=listing.resource_id,
            department=listing.department,
            reason=data.reason,
        ),
        subject=listing.id,
        actor=principal.client_id,
        department=listing.department,
    )
    await session.flush()
    return listing


async def close_listing_of(
    session: AsyncSession, *, resource_id: str, reason: str
) -> Listing | None:
    """The resource was withdrawn (Art. 9): its listing closes; what was read stays recorded."""
    listing = (
        await session.scalars(
            select(Listing).where(col(Listing.resource_id) == resource_id).with_for_update()
        )
    ).first()
    if listing is None or listing.status == "closed":
        return None
    listing.status, listing.closed_reason = "closed", f"资源已下线：{reason}"
    await record_event(
        session,
        events.ListingClosed(
            id=listing.id,
            resource_id=listing.resource_id,
            department=listing.department,
            reason=reason,
        ),
        subject=listing.id,
        department=listing.department,
    )
    await session.flush()
    return listing


def profile_of(listing: Listing, resource: OpenableResource) -> CompiledProfile:
    return compile_profile(resource.fields, listing.desensitisation)


def listing_public(listing: Listing, resource: OpenableResource | None) -> ListingPublic:
    profile = {n: ProfileEntry.model_validate(e) for n, e in listing.desensitisation.items()}
    fields: list[FieldOut] = []
    for field in resource.fields if resource is not None else []:
        entry = profile.get(str(field["name"]))
        if entry is not None and entry.action is Action.DROP:
            continue
        masked = None
        if entry is not None and entry.action is Action.MASK:
            masked = str(entry.rule or default_rule(field))
        fields.append(
            FieldOut(name=field["name"], title=field["title"], type=field["type"], masked=masked)
        )
    return ListingPublic(
        **listing.model_dump(
            include={
                "id",
                "resource_id",
                "resource_version",
                "department",
                "name",
                "description",
                "open_type",
                "update_frequency",
                "status",
                "static_reason",
                "closed_reason",
                "basis",
                "created_at",
            }
        ),
        static=listing.static_since is not None,
        desensitisation=profile,
        conditions=conditions_of(listing.conditions),
        fields=fields,
    )


async def get_listing(session: AsyncSession, *, listing_id: str) -> ListingPublic:
    """The open list is public to every authenticated caller (Art. 22)."""
    listing = await listing_or_404(session, listing_id)
    return listing_public(listing, await session.get(OpenableResource, listing.resource_id))


async def list_listings(
    session: AsyncSession,
    *,
    page: PageParams,
    department: str | None,
    open_type: str | None,
    status: str | None,
) -> Page[ListingPublic]:
    query = select(Listing).where(col(Listing.status) == (status or "active"))
    if department is not None:
        query = query.where(col(Listing.department) == department)
    if open_type is not None:
        query = query.where(col(Listing.open_type) == open_type)
    result = await keyset_page(
        session,
        query,
        key=Listing.id,  # type: ignore[arg-type]
        page=page,
        to_public=lambda listing: listing,
        cursor_of=lambda listing: listing.id,
    )
    ids = [listing.resource_id for listing in result.items]
    resources = {
        r.id: r
        for r in await session.scalars(
            select(OpenableResource).where(col(OpenableResource.id).in_(ids))
        )
    }
    return Page[ListingPublic](
        items=[listing_public(x, resources.get(x.resource_id)) for x in result.items],
        next_cursor=result.next_cursor,
    )


def figures_of(listing: Listing, resource: OpenableResource | None) -> Figures:
    updated = resource.last_updated_at if resource is not None else None
    fresh: bool | None = None
    window = FRESH_FOR.get(listing.update_frequency)
    if window is not None and listing.static_since is None:
        fresh = updated is not None and datetime.now(UTC) - updated <= window
    return Figures(
        applications=listing.applications,
        reads=listing.reads,
        downloads=listing.downloads,
        records_served=listing.records_served,
        refused_reads=listing.refused_reads,
        feedback=listing.feedback,
        last_updated_at=updated,
        fresh=fresh,
        stale_since=listing.stale_since,
    )


async def listing_figures(
    session: AsyncSession, *, listing_id: str, principal: Principal
) -> ListingFigures:
    """The owner, the bureau, the data centre and the supervisors (Art. 25, 34)."""
    listing = await listing_or_404(session, listing_id)
    if not (
        principal.acts_for(listing.department) or principal.is_staff or principal.has(*SUPERVISORS)
    ):
        raise Forbidden("只有清单所属部门、区数据局、数据发展中心和监督方可查看评估数据")
    resource = await session.get(OpenableResource, listing.resource_id)
    return ListingFigures(
        id=listing.id, resource_id=listing.resource_id, figures=figures_of(listing, resource)
    )
