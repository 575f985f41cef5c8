"""Events opening consumes: consumed event type -> handlers.

- ``CalendarYearLoaded``: the operator calendar, so review deadlines (Art. 24) count the same
  working days as every other service; open review deadlines in that year are recomputed.
- ``DepartmentCreated``: the departments that own open-list entries (Art. 22, 24).
- ``ResourcePublished`` / ``ResourceSuperseded`` / ``ResourceWithdrawn``: the read model of the
  published resources a department may list (Art. 21, 22); a withdrawal closes the listing.
- ``RecordsIngested``: when the data was last updated (freshness, Art. 25).
"""

from sqlalchemy.ext.asyncio import AsyncSession

from opening.applications.deadlines import recompute_review_deadlines
from opening.departments.service import remember_department
from opening.listings.service import close_listing_of
from opening.resources.service import (
    mark_superseded,
    mark_withdrawn,
    note_records_ingested,
    remember_published,
)
from pdp_contracts.catalog import (
    CalendarYearLoaded,
    DepartmentCreated,
    RecordsIngested,
    ResourcePublished,
    ResourceSuperseded,
    ResourceWithdrawn,
)
from pdp_kit.calendar_store import when_calendar_year_loaded
from pdp_kit.events.consumer import Subscriptions
from pdp_kit.events.envelope import Event


async def when_department_is_created_remember_it(session: AsyncSession, event: Event) -> None:
    created = event.payload(DepartmentCreated)
    await remember_department(session, code=created.code, name=created.name)


async def when_resource_published_refresh_read_model(session: AsyncSession, event: Event) -> None:
    await remember_published(session, event.payload(ResourcePublished))


async def when_resource_superseded_hold_it_back(session: AsyncSession, event: Event) -> None:
    await mark_superseded(session, event.payload(ResourceSuperseded))


async def when_resource_withdrawn_close_its_listing(session: AsyncSession, event: Event) -> None:
    withdrawn = event.payload(ResourceWithdrawn)
    await mark_withdrawn(session, withdrawn)
    await close_listing_of(session, resource_id=withdrawn.id, reason=withdrawn.reason)


async def when_records_ingested_note_freshness(session: AsyncSession, event: Event) -> None:
    ingested = event.payload(RecordsIngested)
    if ingested.accepted:
        await note_records_ingested(session, resource_id=ingested.resource_id, at=event.time)


subscriptions = Subscriptions(
    handlers={
        CalendarYearLoaded.event_type: [when_calendar_year_loaded(recompute_review_deadlines)],
        DepartmentCreated.event_type: [when_department_is_created_remember_it],
        ResourcePublished.event_type: [when_resource_published_refresh_read_model],
        ResourceSuperseded.event_type: [when_resource_superseded_hold_it_back],
        ResourceWithdrawn.event_type: [when_resource_withdrawn_close_its_listing],
        RecordsIngested.event_type: [when_records_ingested_note_freshness],
    }
)
