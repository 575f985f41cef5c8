"""The municipal catalogue chain's receipt, shown on the resource (Art. 11).

The gateway's adapter publishes :class:`ChainReceiptRecorded` for each chaining request. The kit's
inbox already skips redeliveries; the handler is idempotent on its own as well: it only sets the
version's chain state, and a ``chained`` receipt is final, so a late ``failed`` of an earlier
attempt cannot undo it.
"""

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from catalog.resources.models import ResourceVersion
from pdp_contracts.chain import ChainReceiptRecorded, ChainStatus
from pdp_kit.db import utcnow
from pdp_kit.events.envelope import Event

log = logging.getLogger(__name__)


async def when_chain_receipt_recorded_show_it_on_the_resource(
    session: AsyncSession, event: Event
) -> None:
    receipt = event.payload(ChainReceiptRecorded)
    version = await session.get(ResourceVersion, (receipt.resource_id, receipt.version))
    if version is None or version.published_at is None:
        log.warning(
            "chain receipt for unknown version %s v%s", receipt.resource_id, receipt.version
        )
        return
    if version.chain_status == ChainStatus.CHAINED:
        return
    version.chain_status = receipt.status.value
    version.chain_tx_id = receipt.tx_id
    version.chain_reason = receipt.reason
    version.chain_updated_at = utcnow()
    await session.flush()
