"""Who may read a listing's data, checked at every read (Art. 24): any public client for an
unconditional listing; for a conditional one only the client of an approved application, within
its period."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from opening import clock
from opening.applications.models import Application
from opening.listings.errors import ListingClosed
from opening.listings.masking import CompiledProfile
from opening.listings.models import Listing
from opening.listings.service import profile_of
from opening.resources.models import OpenableResource
from pdp_kit.auth import Principal, Role
from pdp_kit.errors import DomainError, Forbidden


@dataclass(frozen=True)
class Entitlement:
    listing: Listing
    resource: OpenableResource
    profile: CompiledProfile
    application: Application | None


async def approved_application(
    session: AsyncSession, listing: Listing, principal: Principal
) -> Application | None:
    today = clock.today()
    return (
        await session.scalars(
            select(Application)
            .where(
                col(Application.listing_id) == listing.id,
                col(Application.client_id) == principal.client_id,
                col(Application.status) == "approved",
                col(Application.valid_from) <= today,
                col(Application.valid_until) >= today,
            )
            .order_by(col(Application.valid_until).desc())
        )
    ).first()


async def entitlement(
    session: AsyncSession, listing: Listing, principal: Principal
) -> Entitlement | DomainError:
    """The entitlement, or the refusal to answer (and record) instead."""
    if not principal.has(Role.PUBLIC):
        return Forbidden("开放数据仅供经开放平台接入的公众应用读取")
    if listing.status != "active":
        return ListingClosed(f"开放清单条目已关闭：{listing.closed_reason or ''}")
    if listing.open_type == "not_open":
        return Forbidden("该数据不予开放")
    resource = await session.get(OpenableResource, listing.resource_id)
    if resource is None or resource.status == "withdrawn":
        return ListingClosed("资源已下线")
    application = None
    if listing.open_type == "conditional":
        application = await approved_application(session, listing, principal)
        if application is None:
            return Forbidden("未获批准读取该有条件开放数据，或已超过批准的使用期限")
    return Entitlement(listing, resource, profile_of(listing, resource), application)
