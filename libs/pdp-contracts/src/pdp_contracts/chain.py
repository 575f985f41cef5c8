"""The municipal catalogue chain's receipt (目录链回执, Art. 11).

The gateway's municipal adapter consumes ``catalog.resource.chain_requested`` events, pushes the
entry to the Shanghai catalogue chain and publishes what the chain answered as this event on the
gateway's topic; the catalog shows it on the resource.
"""

from __future__ import annotations

from enum import StrEnum

from pdp_contracts.base import EventPayload, event_type


class ChainStatus(StrEnum):
    CHAINED = "chained"
    FAILED = "failed"


class ChainReceiptRecorded(EventPayload):
    event_type = event_type("gateway", "chain_receipt", "recorded")

    resource_id: str
    version: int
    status: ChainStatus
    tx_id: str | None = None
    reason: str | None = None
