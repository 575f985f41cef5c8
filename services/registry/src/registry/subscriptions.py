"""Events the registry consumes: consumed event type -> handlers.

- ``CalendarYearLoaded``: the operator calendar, so registration deadlines (Art. 28: 20 working
  days) count the same working days as every other service.
"""

from pdp_contracts.catalog import CalendarYearLoaded
from pdp_kit.calendar_store import when_calendar_year_loaded_store_it
from pdp_kit.events.consumer import Subscriptions

subscriptions = Subscriptions(
    handlers={CalendarYearLoaded.event_type: [when_calendar_year_loaded_store_it]}
)
