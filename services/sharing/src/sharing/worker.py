"""The sharing service's scheduled sweeps (run by the kit's worker with the relay and consumers):
reply deadlines (Art. 18) and the grants' idle, misuse and period clocks (Art. 20)."""

from collections.abc import Sequence

from pdp_kit.sweeps import Sweep
from sharing.sweep import grant_clocks, reply_clocks

sweeps: Sequence[Sweep] = (
    Sweep("sharing.reply-clocks", reply_clocks),
    Sweep("sharing.grant-clocks", grant_clocks),
)
