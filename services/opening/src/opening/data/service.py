"""Open-data reads (Art. 22, 24, 25): a page of a listing's records, read from the catalog and
always passed through the listing's profile; every read — served, refused or failed — published
as a usage record for audit (Art. 34) and counted for the dynamic adjustment (Art. 25)."""

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from opening.data.access import Entitlement, entitlement
from opening.data.catalog_client import CatalogRecords
from opening.data.schemas import OpenDataPage, citation
from opening.listings.models import Listing
from opening.listings.service import listing_or_404
from pdp_contracts.opening import OpenDataRead
from pdp_contracts.usage import UsageBasis, UsageResult
from pdp_kit.auth import Principal
from pdp_kit.db import utcnow
from pdp_kit.errors import BadRequest, DomainError, FieldProblem, Unavailable
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import MAX_LIMIT


@dataclass(frozen=True)
class ReadOutcome:
    """Either the data or the refusal; a refusal is answered without rolling back its record."""

    data: OpenDataPage | None = None
    error: DomainError | None = None


def check_limit(limit: int) -> None:
    if limit > MAX_LIMIT:
        raise BadRequest(errors=[FieldProblem("limit", f"must be at most {MAX_LIMIT}")])


async def check_entitlement(
    session: AsyncSession, *, listing_id: str, principal: Principal, delivery: str
) -> Entitlement | DomainError:
    """404 for an unknown listing; a refusal is recorded (and counted) before it is answered."""
    listing = await listing_or_404(session, listing_id)
    granted = await entitlement(session, listing, principal)
    if isinstance(granted, DomainError):
        await record_read(
            session,
            listing,
            principal,
            UsageResult.REFUSED,
            delivery=delivery,
            reason=granted.detail,
        )
    return granted


async def read_page(
    session: AsyncSession,
    *,
    listing_id: str,
    principal: Principal,
    limit: int,
    cursor: str | None,
    catalog: CatalogRecords,
) -> ReadOutcome:
    check_limit(limit)
    granted = await check_entitlement(
        session, listing_id=listing_id, principal=principal, delivery="page"
    )
    if isinstance(granted, DomainError):
        return ReadOutcome(error=granted)
    listing, profile = granted.listing, granted.profile
    try:
        page = await catalog.page(
            listing.resource_id, fields=profile.fields, limit=limit, cursor=cursor
        )
    except Unavailable as exc:
        await record_read(
            session, listing, principal, UsageResult.FAILED, entitled=granted, reason=exc.detail
        )
        return ReadOutcome(error=exc)
    items = [profile.apply(record) for record in page.items]
    await record_read(
        session, listing, principal, UsageResult.OK, entitled=granted, count=len(items)
    )
    return ReadOutcome(
        data=OpenDataPage(
            listing_id=listing.id,
            resource_id=listing.resource_id,
            fields=profile.fields,
            masked={name: str(rule) for name, rule in profile.masks.items()},
            citation=citation(listing),
            items=items,
            next_cursor=page.next_cursor,
        )
    )


async def record_read(
    session: AsyncSession,
    listing: Listing,
    principal: Principal,
    result: UsageResult,
    *,
    entitled: Entitlement | None = None,
    delivery: str = "page",
    count: int = 0,
    reason: str | None = None,
) -> None:
    """The usage record (Art. 34) and the listing's counters, in the read's own transaction."""
    application = entitled.application if entitled is not None else None
    await record_event(
        session,
        OpenDataRead(
            client_id=principal.client_id,
            department=principal.department,
            operator=principal.operator,
            basis=UsageBasis.LISTING,
            basis_id=listing.id,
            resource_id=listing.resource_id,
            provider=listing.department,
            purpose=application.scenario if application is not None else None,
            fields=entitled.profile.fields if entitled is not None else [],
            record_count=count,
            result=result,
            reason=reason,
            called_at=utcnow(),
            listing_id=listing.id,
            application_id=application.id if application is not None else None,
            delivery=delivery,
        ),
        subject=listing.id,
        actor=principal.client_id,
        department=listing.department,
    )
    counters = {"refused_reads": col(Listing.refused_reads) + 1}
    if result is UsageResult.OK:
        served = col(Listing.records_served) + count
        if delivery == "page":
            counters = {"reads": col(Listing.reads) + 1, "records_served": served}
        else:
            counters = {"downloads": col(Listing.downloads) + 1, "records_served": served}
    elif result is UsageResult.FAILED:
        counters = {}
    if counters:
        await session.execute(
            update(Listing).where(col(Listing.id) == listing.id).values(**counters)
        )
