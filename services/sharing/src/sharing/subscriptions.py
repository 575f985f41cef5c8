"""Events sharing consumes: consumed event type -> handlers.

- ``CalendarYearLoaded``: the operator calendar, so reply deadlines (Art. 18) count the same
  working days as every other service.
- ``DepartmentCreated``: the departments that request and provide shared data (Art. 17).
"""

from sqlalchemy.ext.asyncio import AsyncSession

from pdp_contracts.catalog import CalendarYearLoaded, DepartmentCreated
from pdp_kit.calendar_store import when_calendar_year_loaded_store_it
from pdp_kit.events.consumer import Subscriptions
from pdp_kit.events.envelope import Event
from sharing.departments.service import remember_department


async def when_department_is_created_remember_it(session: AsyncSession, event: Event) -> None:
    created = event.payload(DepartmentCreated)
    await remember_department(session, code=created.code, name=created.name)


subscriptions = Subscriptions(
    handlers={
        CalendarYearLoaded.event_type: [when_calendar_year_loaded_store_it],
        DepartmentCreated.event_type: [when_department_is_created_remember_it],
    }
)
