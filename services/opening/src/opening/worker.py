"""The opening service's scheduled sweeps (run by the kit's worker with the relay and consumers):
the departments' 10-working-day review clock (Art. 24), the users' usage reports (Art. 23) and
the demand for unopened resources and the freshness of the list (Art. 25)."""

from collections.abc import Sequence

from opening.demand.service import surface_often_requested
from opening.sweep import freshness, review_clocks, usage_report_clocks
from pdp_kit.sweeps import Sweep

sweeps: Sequence[Sweep] = (
    Sweep("opening.review-clocks", review_clocks),
    Sweep("opening.usage-reports", usage_report_clocks),
    Sweep("opening.demand", surface_often_requested),
    Sweep("opening.freshness", freshness),
)
