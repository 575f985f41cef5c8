"""The catalog's scheduled sweeps (run by the kit's worker with the relay and consumers)."""

from collections.abc import Sequence

from catalog.changes.obligations import flag_overdue, open_annual_reviews
from catalog.resources.overdue import flag_overdue_reviews
from pdp_kit.sweeps import Sweep

sweeps: Sequence[Sweep] = (
    Sweep("catalog.annual-review", open_annual_reviews),
    Sweep("catalog.change-overdue", flag_overdue),
    Sweep("catalog.review-overdue", flag_overdue_reviews),
)
