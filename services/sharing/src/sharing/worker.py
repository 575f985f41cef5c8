"""The sharing service's scheduled sweeps (run by the kit's worker with the relay and consumers).

None yet. Reply deadlines (Art. 18) and the suspension of grants idle for three months (Art. 20)
come with the requests and grants.
"""

from collections.abc import Sequence

from pdp_kit.sweeps import Sweep

sweeps: Sequence[Sweep] = ()
