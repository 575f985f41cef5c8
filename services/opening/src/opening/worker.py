"""The opening service's scheduled sweeps (run by the kit's worker with the relay and consumers).

None yet. The owning department's 10-working-day decision on an application (Art. 24) and the
periodic evaluation of the open list (Art. 25) come with the listings and applications.
"""

from collections.abc import Sequence

from pdp_kit.sweeps import Sweep

sweeps: Sequence[Sweep] = ()
