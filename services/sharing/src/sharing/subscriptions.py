"""Events sharing consumes: consumed event type -> handlers.

- ``CalendarYearLoaded``: the operator calendar, so reply deadlines (Art. 18) count the same
  working days as every other service; then the running reply clocks that reach into that year
  are recomputed.
- ``DepartmentCreated``: the departments that request and provide shared data (Art. 17).
- ``ResourcePublished`` / ``ResourceSuperseded`` / ``ResourceWithdrawn``: the read model of
  published resources sharing decides on (Art. 9, 16); a withdrawal ends the grants on the
  resource and refuses its open requests, a version without some granted fields ends those grants.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from pdp_contracts.catalog import (
    CalendarYearLoaded,
    DepartmentCreated,
    ResourcePublished,
    ResourceSuperseded,
    ResourceWithdrawn,
)
from pdp_kit.calendar_store import when_calendar_year_loaded_store_it
from pdp_kit.events.consumer import Subscriptions
from pdp_kit.events.envelope import Event
from sharing.departments.service import remember_department
from sharing.requests.recompute import recompute_reply_deadlines
from sharing.resources.consequences import end_grants_missing_fields, end_what_rests_on_withdrawn
from sharing.resources.service import mark_superseded, mark_withdrawn, remember_published


async def when_department_is_created_remember_it(session: AsyncSession, event: Event) -> None:
    created = event.payload(DepartmentCreated)
    await remember_department(session, code=created.code, name=created.name)


async def when_calendar_year_loaded_recompute_reply_deadlines(
    session: AsyncSession, event: Event
) -> None:
    await recompute_reply_deadlines(session, year=event.payload(CalendarYearLoaded).year)


async def when_resource_published_refresh_read_model(session: AsyncSession, event: Event) -> None:
    published = event.payload(ResourcePublished)
    resource = await remember_published(session, published)
    if resource is not None:
        await end_grants_missing_fields(session, resource)


async def when_resource_superseded_hold_it_back(session: AsyncSession, event: Event) -> None:
    await mark_superseded(session, event.payload(ResourceSuperseded))


async def when_resource_withdrawn_end_its_grants(session: AsyncSession, event: Event) -> None:
    withdrawn = event.payload(ResourceWithdrawn)
    await mark_withdrawn(session, withdrawn)
    await end_what_rests_on_withdrawn(session, resource_id=withdrawn.id, reason=withdrawn.reason)


subscriptions = Subscriptions(
    handlers={
        CalendarYearLoaded.event_type: [
            when_calendar_year_loaded_store_it,
            when_calendar_year_loaded_recompute_reply_deadlines,
        ],
        DepartmentCreated.event_type: [when_department_is_created_remember_it],
        ResourcePublished.event_type: [when_resource_published_refresh_read_model],
        ResourceSuperseded.event_type: [when_resource_superseded_hold_it_back],
        ResourceWithdrawn.event_type: [when_resource_withdrawn_end_its_grants],
    }
)
