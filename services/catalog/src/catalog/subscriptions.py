"""Events the catalog consumes: event type -> handlers (one readable table).

The catalog is the source of the others' read models; it only hears back from the gateway's
municipal adapter, which chains published entries (Art. 11).
"""

from catalog.chain.handlers import when_chain_receipt_recorded_show_it_on_the_resource
from pdp_contracts.chain import ChainReceiptRecorded
from pdp_kit.events.consumer import Subscriptions

subscriptions = Subscriptions(
    handlers={
        ChainReceiptRecorded.event_type: [when_chain_receipt_recorded_show_it_on_the_resource],
    }
)
