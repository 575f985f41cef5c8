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


class ChainEntryKind(StrEnum):
    """What was chained: each catalogue of Art. 9 is kept on the chain (Art. 11)."""

    RESOURCE = "resource"
    DUTY = "duty"
    SYSTEM = "system"


class ChainReceiptRecorded(EventPayload):
    event_type = event_type("gateway", "chain_receipt", "recorded")

    #: The chained entry's id: a resource's id, or a duty's or a system's id for those kinds.
    resource_id: str
    kind: ChainEntryKind = ChainEntryKind.RESOURCE
    version: int
    status: ChainStatus
    tx_id: str | None = None
    reason: str | None = None
