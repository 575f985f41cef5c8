"""Hand-back adapter: data the city returns to the district (属地返还, Art. 5).

Interface:

- :func:`pull_handbacks` reads ``GET {PDP_MUNICIPAL_URL}/handback/batches?after=``; each batch
  ``{id, resource_id, records: [...]}`` is kept once (by its id) as a :class:`HandbackBatch`;
- :func:`import_due` hands each to the catalog as records of that resource:
  ``POST /api/catalog/internal/handback/resources/{resource_id}/records`` on the catalog's own URL,
  as the gateway's internal client ``pdp-gateway`` (role ``service``), with
  ``{batch_id, records}``. The catalog checks the records exactly as a department's ingest (types,
  formats, upsert by key) and answers ``{accepted, rejected}``, stored on the batch. A 4xx (no such
  or unpublished resource, a batch too large) keeps the batch ``refused`` with the reason; anything
  else is retried with backoff. Importing a batch again upserts the same records: harmless.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.municipal.client import GATEWAY_SERVICE_CLIENT, MunicipalClient, PlatformClient
from gateway.municipal.delivery import Backoff, attempt, claim_due, settle
from gateway.municipal.feeds import problems, pull_feed
from gateway.municipal.models import DeliveryStatus, HandbackBatch
from pdp_kit.auth import Role
from pdp_kit.db import get_for_update

REQUIRED: dict[str, type | tuple[type, ...]] = {"id": str, "resource_id": str, "records": list}


async def _store(session: AsyncSession, item: dict[str, Any]) -> bool:
    batch_id = str(item.get("id"))[:64]
    if await session.get(HandbackBatch, batch_id) is not None:
        return False
    problem = problems(item, REQUIRED)
    records = item.get("records")
    row = HandbackBatch(
        id=batch_id,
        resource_id=str(item.get("resource_id"))[:64],
        records=records if isinstance(records, list) else [],
    )
    if problem:
        row.status, row.last_error = DeliveryStatus.REFUSED, problem
    session.add(row)
    return True


async def pull_handbacks(
    sessionmaker: async_sessionmaker[AsyncSession], municipal: MunicipalClient, *, limit: int
) -> int:
    return await pull_feed(
        sessionmaker,
        municipal,
        feed="handback",
        path="/handback/batches",
        limit=limit,
        store=_store,
    )


async def import_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    platform: PlatformClient,
    *,
    now: datetime,
    backoff: Backoff,
    limit: int,
) -> int:
    imported = 0
    for claimed in await claim_due(
        sessionmaker, HandbackBatch, now=now, backoff=backoff, limit=limit
    ):
        outcome = await attempt(
            platform.call(
                "catalog",
                "POST",
                f"/api/catalog/internal/handback/resources/{claimed.resource_id}/records",
                client_id=GATEWAY_SERVICE_CLIENT,
                role=Role.SERVICE.value,
                idempotency_key=f"handback:{claimed.id}",
                json={"batch_id": claimed.id, "records": claimed.records},
            ),
            target="目录服务",
        )
        async with sessionmaker() as session, session.begin():
            row = await get_for_update(session, HandbackBatch, claimed.id)
            if row is None or row.status != DeliveryStatus.PENDING:
                continue
            if settle(row, outcome, now=now, backoff=backoff):
                row.accepted = int(outcome.answer.get("accepted", 0))
                row.rejected = len(outcome.answer.get("rejected", []))
                imported += 1
    return imported
