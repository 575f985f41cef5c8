"""Events the registry consumes: consumed event type -> handlers.

- ``CalendarYearLoaded``: the operator calendar, so registration deadlines (Art. 28: 20 working
  days) count the same working days as every other service; the open registrations whose count
  reaches into the loaded year are recomputed.
- ``ResourcePublished`` / ``ResourceSuperseded`` / ``ResourceWithdrawn``: the read model of
  published resources an authorisation may name (Art. 27); a withdrawn resource is read no more,
  and each active authorisation naming it publishes that once.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from pdp_contracts.catalog import (
    CalendarYearLoaded,
    ResourcePublished,
    ResourceSuperseded,
    ResourceWithdrawn,
)
from pdp_kit.calendar_store import when_calendar_year_loaded
from pdp_kit.events.consumer import Subscriptions
from pdp_kit.events.envelope import Event
from registry.authorisations.lifecycle import withdraw_resource
from registry.registrations.deadlines import recompute_registration_deadlines
from registry.resources.service import mark, remember_published


async def when_resource_published_refresh_read_model(session: AsyncSession, event: Event) -> None:
    await remember_published(session, event.payload(ResourcePublished))


async def when_resource_superseded_hold_it_back(session: AsyncSession, event: Event) -> None:
    await mark(session, event.payload(ResourceSuperseded), "superseded")


async def when_resource_withdrawn_stop_reading_it(session: AsyncSession, event: Event) -> None:
    withdrawn = event.payload(ResourceWithdrawn)
    if await mark(session, withdrawn, "withdrawn"):
        await withdraw_resource(session, resource_id=withdrawn.id, reason=withdrawn.reason)


subscriptions = Subscriptions(
    handlers={
        CalendarYearLoaded.event_type: [
            when_calendar_year_loaded(recompute_registration_deadlines)
        ],
        ResourcePublished.event_type: [when_resource_published_refresh_read_model],
        ResourceSuperseded.event_type: [when_resource_superseded_hold_it_back],
        ResourceWithdrawn.event_type: [when_resource_withdrawn_stop_reading_it],
    }
)
