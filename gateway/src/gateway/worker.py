"""The gateway's scheduled sweeps."""

from gateway.municipal.chain import mark_for_reconciliation
from pdp_kit.sweeps import Sweep

sweeps = (
    # Art. 11: once a day every chained entry is read back from the municipal chain.
    Sweep("municipal-chain-reconcile", mark_for_reconciliation),
)
