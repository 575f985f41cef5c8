"""Events the catalog consumes. None yet: the catalog is the source of the others' read models."""

from pdp_kit.events.consumer import Subscriptions

subscriptions = Subscriptions()
