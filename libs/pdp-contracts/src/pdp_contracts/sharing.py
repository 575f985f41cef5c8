"""Events published by the sharing service (topic ``pdp.sharing.events``)."""

from __future__ import annotations

from pdp_contracts.base import event_type
from pdp_contracts.usage import DataUsage


class GrantDataCalled(DataUsage):
    """A holder called its grant's data (Art. 19): audit keeps it as a usage record (Art. 34)."""

    event_type = event_type("sharing", "grant", "data_called")
