"""The audit service's scheduled sweeps (run by the kit's worker with the relay and consumers).

None yet. The retention purge of network logs (Art. 34: kept at least six months) and of usage
records (at least three years), respecting holds, is a later issue; see ``netlogs/models.py``.
"""

from collections.abc import Sequence

from pdp_kit.sweeps import Sweep

sweeps: Sequence[Sweep] = ()
