from typing import Annotated

from fastapi import APIRouter, Query, status

from opening.listings import service
from opening.listings.adjustment import adjust_listing
from opening.listings.schemas import (
    ListingAdjustment,
    ListingCreate,
    ListingFigures,
    ListingPublic,
    Reason,
)
from opening.resources.models import OpenableResource
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep
from pdp_kit.pagination import Page, PageDep

router = APIRouter(prefix="/listings", tags=["listings"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ListingPublic)
async def create_listing(
    data: ListingCreate, session: SessionDep, principal: CurrentPrincipal
) -> ListingPublic:
    """Put your department's published resource on the open list (Art. 22) with its open type,
    update frequency, desensitisation profile (`keep`, `mask`, `drop` per field, or
    `{action, rule}` with rule `id_number`, `phone`, `name`, `address`, `email`, `text`) and, for
    conditional opening, its conditions. A sensitive field left `keep` is 422 naming the field;
    a `not_shared` resource is 422; a `not_open` one needs desensitised fields or the rights
    holder's `consent` (Art. 21). Another department's resource is 403."""
    listing = await service.create_listing(session, data=data, principal=principal)
    return service.listing_public(listing, await session.get(OpenableResource, listing.resource_id))


@router.get("", response_model=Page[ListingPublic])
async def list_listings(
    session: SessionDep,
    _: CurrentPrincipal,
    page: PageDep,
    department: str | None = None,
    open_type: Annotated[
        str | None, Query(description="unconditional、conditional、not_open")
    ] = None,
    status: Annotated[str | None, Query(description="active（默认）或 closed")] = None,
) -> Page[ListingPublic]:
    """The open list, for any authenticated caller."""
    return await service.list_listings(
        session, page=page, department=department, open_type=open_type, status=status
    )


@router.get("/{listing_id}", response_model=ListingPublic)
async def get_listing(listing_id: str, session: SessionDep, _: CurrentPrincipal) -> ListingPublic:
    """One entry of the open list: its fields as they leave (masked ones with their rule,
    dropped ones absent), conditions and profile."""
    return await service.get_listing(session, listing_id=listing_id)


@router.get("/{listing_id}/figures", response_model=ListingFigures)
async def listing_figures(
    listing_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ListingFigures:
    """Dynamic adjustment (Art. 25): applications, reads, downloads, records served, feedback and
    freshness against the update frequency. The owner, the bureau, the data centre, supervisors."""
    return await service.listing_figures(session, listing_id=listing_id, principal=principal)


@router.post("/{listing_id}/static", response_model=ListingPublic)
async def make_static(
    listing_id: str, data: Reason, session: SessionDep, principal: CurrentPrincipal
) -> ListingPublic:
    """The owner marks a listing whose source can no longer be updated as static: it stays open
    with its history (Art. 25)."""
    listing = await service.make_static(
        session, listing_id=listing_id, data=data, principal=principal
    )
    return service.listing_public(listing, await session.get(OpenableResource, listing.resource_id))


@router.put("/{listing_id}", response_model=ListingPublic)
async def adjust(
    listing_id: str, data: ListingAdjustment, session: SessionDep, principal: CurrentPrincipal
) -> ListingPublic:
    """The owner adjusts a listing's open type, conditions, profile or update frequency (Art. 25),
    under the same rules as `POST /listings` (a sensitive field left `keep` is 422). Approvals
    already given stay; every later read passes the new profile."""
    listing = await adjust_listing(session, listing_id=listing_id, data=data, principal=principal)
    return service.listing_public(listing, await session.get(OpenableResource, listing.resource_id))
