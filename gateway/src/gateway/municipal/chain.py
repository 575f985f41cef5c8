"""Catalogue chain adapter (目录链, Art. 11).

Interface:

- consumes ``catalog.resource.chain_requested``, ``catalog.duty.chain_requested`` and
  ``catalog.system.chain_requested`` (``pdp_contracts.catalog``) and queues one
  :class:`ChainPush` per entry version, keyed ``<kind>:<id>:v<version>``: a redelivered or
  duplicated request adds nothing. A duty or system version that a newer one overtook before it
  went out is ``superseded`` (the chain only needs the latest);
- :func:`push_due` sends each due push as ``POST {PDP_MUNICIPAL_URL}/chain/entries`` with that key
  as ``Idempotency-Key`` and checks the receipt's SM3 hash against its own; it publishes
  ``gateway.chain_receipt.recorded`` (``pdp_contracts.chain.ChainReceiptRecorded``) with the
  chain's ``tx_id``, which the catalog shows on the entry;
- a failure is retried with exponential backoff, for ever: after
  ``PDP_MUNICIPAL_REPORT_FAILURE_AFTER`` attempts the catalog is told once (``status: failed``,
  with the reason), and a later success still chains the entry;
- reconciliation (Art. 11, "kept in step"): the daily sweep ``municipal-chain-reconcile`` marks
  every chained push for a check; :func:`check_due` reads each back from the chain and queues a
  push again when the chain lost it or holds another hash.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from gateway.municipal.client import GATEWAY_SERVICE_CLIENT, MunicipalClient, Refused, Retry
from gateway.municipal.delivery import Backoff, Outcome, attempt, claim_due, settle
from gateway.municipal.models import ChainPush, DeliveryStatus
from pdp_contracts import EventPayload
from pdp_contracts.catalog import DutyChainRequested, ResourceChainRequested, SystemChainRequested
from pdp_contracts.chain import ChainEntryKind, ChainReceiptRecorded, ChainStatus
from pdp_kit.db import get_for_update
from pdp_kit.events.envelope import Event
from pdp_kit.events.outbox import record_event
from pdp_kit.sweeps import today_in_shanghai

log = logging.getLogger(__name__)


def canonical_json(value: Any) -> bytes:
    """What the chain hashes: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


# ---------------------------------------------------------------------- consuming the requests

ChainRequest = ResourceChainRequested | DutyChainRequested | SystemChainRequested
CHAIN_REQUESTS: dict[ChainEntryKind, type[ChainRequest]] = {
    ChainEntryKind.RESOURCE: ResourceChainRequested,
    ChainEntryKind.DUTY: DutyChainRequested,
    ChainEntryKind.SYSTEM: SystemChainRequested,
}


async def queue_push(session: AsyncSession, event: Event, kind: ChainEntryKind) -> None:
    model = CHAIN_REQUESTS[kind]
    request = event.payload(model)
    key = f"{kind.value}:{request.id}:v{request.version}"
    if await session.get(ChainPush, key) is not None:
        return  # a duplicate request: the push is already queued or done
    entry = request.model_dump(mode="json")
    push = ChainPush(
        idempotency_key=key,
        kind=kind.value,
        entry_id=request.id,
        version=request.version,
        department=request.department,
        entry=entry,
        hash=sm3_hex(canonical_json(entry)),
    )
    session.add(push)
    if kind is not ChainEntryKind.RESOURCE:
        # Art. 9: a duty or system entry is one row on the chain, its latest state.
        others = (
            await session.scalars(
                select(ChainPush).where(
                    col(ChainPush.kind) == kind.value,
                    col(ChainPush.entry_id) == request.id,
                    col(ChainPush.idempotency_key) != key,
                )
            )
        ).all()
        for other in others:
            if other.version > request.version:
                push.status = DeliveryStatus.SUPERSEDED
            elif other.status == DeliveryStatus.PENDING:
                other.status = DeliveryStatus.SUPERSEDED
    await session.flush()


async def when_resource_chain_requested_queue_the_push(session: AsyncSession, event: Event) -> None:
    await queue_push(session, event, ChainEntryKind.RESOURCE)


async def when_duty_chain_requested_queue_the_push(session: AsyncSession, event: Event) -> None:
    await queue_push(session, event, ChainEntryKind.DUTY)


async def when_system_chain_requested_queue_the_push(session: AsyncSession, event: Event) -> None:
    await queue_push(session, event, ChainEntryKind.SYSTEM)


# ---------------------------------------------------------------------- pushing


async def _tell_catalog(session: AsyncSession, push: ChainPush, payload: EventPayload) -> None:
    await record_event(
        session,
        payload,
        subject=push.entry_id,
        actor=GATEWAY_SERVICE_CLIENT,
        department=push.department,
    )


def _receipt(push: ChainPush, status: ChainStatus, reason: str | None = None) -> EventPayload:
    return ChainReceiptRecorded(
        resource_id=push.entry_id,
        kind=ChainEntryKind(push.kind),
        version=push.version,
        status=status,
        tx_id=push.tx_id,
        reason=reason,
    )


async def push_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    municipal: MunicipalClient,
    *,
    now: datetime,
    backoff: Backoff,
    limit: int,
    report_after: int,
) -> int:
    """Send every due push once; return how many the chain took."""
    chained = 0
    for claimed in await claim_due(sessionmaker, ChainPush, now=now, backoff=backoff, limit=limit):
        outcome = await attempt(
            municipal.call(
                "POST",
                "/chain/entries",
                idempotency_key=claimed.idempotency_key,
                json={
                    "kind": claimed.kind,
                    "id": claimed.entry_id,
                    "version": claimed.version,
                    "entry": claimed.entry,
                },
            ),
            target="目录链",
        )
        given = outcome.answer.get("hash")
        if outcome.error is None and (given != claimed.hash or not outcome.answer.get("tx_id")):
            outcome = Outcome({}, f"目录链回执哈希不符：{given} ≠ {claimed.hash}", final=True)
        async with sessionmaker() as session, session.begin():
            push = await get_for_update(session, ChainPush, claimed.idempotency_key)
            if push is None or push.status != DeliveryStatus.PENDING:
                continue
            if settle(push, outcome, now=now, backoff=backoff):
                push.tx_id = str(outcome.answer["tx_id"])
                # Just chained counts as checked: today's reconciliation need not read it back.
                today = today_in_shanghai()
                push.checked_on = max(push.checked_on or today, today)
                await _tell_catalog(session, push, _receipt(push, ChainStatus.CHAINED))
                chained += 1
            elif outcome.final or (push.attempts >= report_after and not push.failure_reported):
                push.failure_reported = True
                await _tell_catalog(
                    session, push, _receipt(push, ChainStatus.FAILED, push.last_error)
                )
            log.info("chain push %s: %s", push.idempotency_key, push.last_error or "chained")
    return chained


# ---------------------------------------------------------------------- reconciliation


async def mark_for_reconciliation(session: AsyncSession, as_of: date) -> dict[str, Any]:
    """The daily sweep: every chained entry not checked on ``as_of`` is checked again."""
    result = await session.execute(
        update(ChainPush)
        .where(
            col(ChainPush.status) == DeliveryStatus.DONE,
            col(ChainPush.check_for).is_(None),
            (col(ChainPush.checked_on).is_(None)) | (col(ChainPush.checked_on) < as_of),
        )
        .values(check_for=as_of)
    )
    waiting = await session.scalar(
        select(func.count())
        .select_from(ChainPush)
        .where(col(ChainPush.status) == DeliveryStatus.PENDING)
    )
    return {"to_check": result.rowcount, "waiting": waiting or 0}  # type: ignore[attr-defined]


async def check_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    municipal: MunicipalClient,
    *,
    now: datetime,
    limit: int,
) -> int:
    """Read marked entries back from the chain; return how many had to be pushed again."""
    async with sessionmaker() as session:
        keys = list(
            await session.scalars(
                select(col(ChainPush.idempotency_key))
                .where(col(ChainPush.check_for).is_not(None))
                .limit(limit)
            )
        )
    requeued = 0
    for key in keys:
        async with sessionmaker() as session:
            push = await session.get(ChainPush, key)
        assert push is not None
        try:
            held = await municipal.call(
                "GET",
                f"/chain/entries/{push.kind}/{push.entry_id}",
                params={"version": push.version},
            )
            missing = held.get("hash") != push.hash
        except Refused:
            missing = True
        except Retry:
            break  # the chain is down: the marks stay, the next round tries again
        async with sessionmaker() as session, session.begin():
            current = await get_for_update(session, ChainPush, key)
            if current is None or current.check_for is None:
                continue
            current.checked_on, current.check_for = current.check_for, None
            if missing:
                current.status = DeliveryStatus.PENDING
                current.next_attempt_at = now
                current.tx_id = None
                current.failure_reported = False
                current.last_error = "对账：目录链上缺少该条目或哈希不符，重新上链"
                requeued += 1
    return requeued
