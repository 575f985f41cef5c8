"""The catalog's scheduled sweeps (run by the kit's worker with the relay and consumers)."""

from collections.abc import Sequence

from pdp_kit.sweeps import Sweep

sweeps: Sequence[Sweep] = ()
