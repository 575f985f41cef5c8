"""The registry's scheduled sweeps (run by the kit's worker with the relay and consumers): the
20-working-day registration clock (Art. 28), and the authorisations' terms and periodic
evaluations (Art. 27)."""

from collections.abc import Sequence

from pdp_kit.sweeps import Sweep
from registry.authorisations.lifecycle import authorisation_clocks
from registry.registrations.deadlines import registration_clocks

sweeps: Sequence[Sweep] = (
    Sweep("registry.registration-clocks", registration_clocks),
    Sweep("registry.authorisation-clocks", authorisation_clocks),
)
