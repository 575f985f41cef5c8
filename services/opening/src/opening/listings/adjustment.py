"""Dynamic adjustment of a listing (Art. 25): the owner changes its open type, conditions,
profile or update frequency, under the same rules as listing it; approvals already given stay,
and every later read passes the new profile."""

from sqlalchemy.ext.asyncio import AsyncSession

from opening.listings.errors import ListingClosed
from opening.listings.models import Listing
from opening.listings.rules import checked_terms
from opening.listings.schemas import ListingAdjustment
from opening.listings.service import listing_or_404, require_owner, terms_of
from opening.resources.service import published_resource
from pdp_contracts.opening import ListingAdjusted
from pdp_kit.auth import Principal
from pdp_kit.events.outbox import record_event


async def adjust_listing(
    session: AsyncSession, *, listing_id: str, data: ListingAdjustment, principal: Principal
) -> Listing:
    listing = await listing_or_404(session, listing_id, lock=True)
    require_owner(listing, principal)
    if listing.status != "active":
        raise ListingClosed(f"开放清单条目状态为 {listing.status}")
    resource = await published_resource(session, listing.resource_id)
    for name, value in checked_terms(data, resource).items():
        setattr(listing, name, value)
    listing.resource_version = resource.version
    if listing.static_since is not None:
        listing.update_frequency = "static"  # a static listing stays static (Art. 25)
    await record_event(
        session,
        ListingAdjusted(**terms_of(listing)),
        subject=listing.id,
        actor=principal.client_id,
        department=listing.department,
    )
    await session.flush()
    return listing
