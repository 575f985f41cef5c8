"""Events opening consumes: consumed event type -> handlers.

- ``CalendarYearLoaded``: the operator calendar, so review deadlines (Art. 24) count the same
  working days as every other service.
- ``DepartmentCreated``: the departments that own open-list entries (Art. 22, 24).
"""

from sqlalchemy.ext.asyncio import AsyncSession

from opening.departments.service import remember_department
from pdp_contracts.catalog import CalendarYearLoaded, DepartmentCreated
from pdp_kit.calendar_store import when_calendar_year_loaded_store_it
from pdp_kit.events.consumer import Subscriptions
from pdp_kit.events.envelope import Event


async def when_department_is_created_remember_it(session: AsyncSession, event: Event) -> None:
    created = event.payload(DepartmentCreated)
    await remember_department(session, code=created.code, name=created.name)


subscriptions = Subscriptions(
    handlers={
        CalendarYearLoaded.event_type: [when_calendar_year_loaded_store_it],
        DepartmentCreated.event_type: [when_department_is_created_remember_it],
    }
)
