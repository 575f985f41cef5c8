"""The registry's scheduled sweeps (run by the kit's worker with the relay and consumers).

None yet. The 20-working-day registration deadline (Art. 28) and the expiry of authorisations at
the end of their term (Art. 27) come with the registrations and authorisations.
"""

from collections.abc import Sequence

from pdp_kit.sweeps import Sweep

sweeps: Sequence[Sweep] = ()
