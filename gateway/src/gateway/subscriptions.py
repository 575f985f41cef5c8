"""Events the gateway consumes: event type -> handlers (one readable table).

The catalog asks for its published entries to be chained (Art. 11); the municipal adapter queues
each push and answers with ``gateway.chain_receipt.recorded``.
"""

from gateway.municipal.chain import (
    when_duty_chain_requested_queue_the_push,
    when_resource_chain_requested_queue_the_push,
    when_system_chain_requested_queue_the_push,
)
from pdp_contracts.catalog import DutyChainRequested, ResourceChainRequested, SystemChainRequested
from pdp_kit.events.consumer import Subscriptions

subscriptions = Subscriptions(
    handlers={
        ResourceChainRequested.event_type: [when_resource_chain_requested_queue_the_push],
        DutyChainRequested.event_type: [when_duty_chain_requested_queue_the_push],
        SystemChainRequested.event_type: [when_system_chain_requested_queue_the_push],
    }
)
