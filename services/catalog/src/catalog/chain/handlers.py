"""The municipal catalogue chain's receipt, shown on the entry it answers (Art. 11).

The gateway's adapter publishes :class:`ChainReceiptRecorded` for each chaining request of a
resource version, a duty or a system (``kind``). The kit's inbox already skips redeliveries; the
handler is idempotent on its own as well: it only sets the entry's chain state, a receipt for an
older version than the entry's is dropped, and a ``chained`` receipt is final, so a late
``failed`` of an earlier attempt cannot undo it.
"""

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.duties.models import Duty
from catalog.resources.models import ResourceVersion
from catalog.systems.models import System
from pdp_contracts.chain import ChainEntryKind, ChainReceiptRecorded, ChainStatus
from pdp_kit.db import utcnow
from pdp_kit.events.envelope import Event

log = logging.getLogger(__name__)


async def _entry(session: AsyncSession, receipt: ChainReceiptRecorded) -> Any:
    if receipt.kind is ChainEntryKind.RESOURCE:
        version = await session.get(ResourceVersion, (receipt.resource_id, receipt.version))
        return version if version is not None and version.published_at is not None else None
    model = Duty if receipt.kind is ChainEntryKind.DUTY else System
    entry = await session.get(model, receipt.resource_id)
    return entry if entry is not None and entry.version == receipt.version else None


async def when_chain_receipt_recorded_show_it_on_the_resource(
    session: AsyncSession, event: Event
) -> None:
    receipt = event.payload(ChainReceiptRecorded)
    entry = await _entry(session, receipt)
    if entry is None:
        log.warning(
            "chain receipt for unknown or older %s %s v%s",
            receipt.kind.value,
            receipt.resource_id,
            receipt.version,
        )
        return
    if entry.chain_status == ChainStatus.CHAINED:
        return
    entry.chain_status = receipt.status.value
    entry.chain_tx_id = receipt.tx_id
    entry.chain_reason = receipt.reason
    entry.chain_updated_at = utcnow()
    await session.flush()
