"""Events the gateway consumes: event type -> handlers (one readable table).

The catalog asks for its published entries to be chained (Art. 11); the municipal adapter queues
each push and answers with ``gateway.chain_receipt.recorded``. Opening decides on the applications
the open-data adapter forwarded (Art. 24); each decision is queued back to the city. The legal
clocks of every service feed the console's 时限看板 (``gateway.clocks``); the operator calendar is
kept so the board counts working days as the services do.
"""

from gateway.clocks.subscriptions import clock_handlers
from gateway.municipal.chain import (
    when_duty_chain_requested_queue_the_push,
    when_resource_chain_requested_queue_the_push,
    when_system_chain_requested_queue_the_push,
)
from gateway.municipal.opendata import (
    when_application_approved_return_it,
    when_application_refused_return_it,
    when_application_returned_return_it,
)
from pdp_contracts.catalog import (
    CalendarYearLoaded,
    DutyChainRequested,
    ResourceChainRequested,
    SystemChainRequested,
)
from pdp_contracts.opening import ApplicationApproved, ApplicationRefused, ApplicationReturned
from pdp_kit.calendar_store import when_calendar_year_loaded
from pdp_kit.events.consumer import Subscriptions

_municipal = {
    ResourceChainRequested.event_type: [when_resource_chain_requested_queue_the_push],
    DutyChainRequested.event_type: [when_duty_chain_requested_queue_the_push],
    SystemChainRequested.event_type: [when_system_chain_requested_queue_the_push],
    ApplicationApproved.event_type: [when_application_approved_return_it],
    ApplicationRefused.event_type: [when_application_refused_return_it],
    ApplicationReturned.event_type: [when_application_returned_return_it],
}

subscriptions = Subscriptions(
    handlers={
        CalendarYearLoaded.event_type: [when_calendar_year_loaded()],
        **{
            type_: [*_municipal.get(type_, []), *clock_handlers.get(type_, [])]
            for type_ in _municipal.keys() | clock_handlers.keys()
        },
    }
)
