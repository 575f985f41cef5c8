"""Retries with exponential backoff, shared by every adapter.

A worker step *claims* the rows that are due (moving their next attempt past the call's deadline,
in a short transaction of its own), makes the calls outside any transaction, then records each
outcome with the row locked. A process that dies mid-call leaves the row due again once the claim
lapses; the idempotency key makes that second call harmless.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from gateway.municipal.client import Refused, Retry
from gateway.municipal.models import Delivery, DeliveryStatus
from gateway.municipal.settings import MunicipalSettings

D = TypeVar("D", bound=Delivery)


@dataclass(frozen=True)
class Backoff:
    base_seconds: float
    max_seconds: float
    #: How long a claimed row stays out of other workers' way while its call runs.
    claim_seconds: float

    @classmethod
    def of(cls, settings: MunicipalSettings) -> Backoff:
        return cls(
            settings.municipal_retry_base_seconds,
            settings.municipal_retry_max_seconds,
            settings.municipal_timeout_seconds * 3 + 5,
        )

    def delay(self, attempts: int) -> timedelta:
        """After the ``attempts``-th failure: base × 2^(attempts-1), capped, with ±10 % jitter so
        a recovering city is not hit by every item at the same instant."""
        seconds = min(self.max_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        return timedelta(seconds=seconds * random.uniform(0.9, 1.1))  # noqa: S311 - jitter


async def claim_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    model: type[D],
    *,
    now: datetime,
    backoff: Backoff,
    limit: int,
) -> Sequence[D]:
    """Take up to ``limit`` due rows for this worker; on PostgreSQL replicas skip each other's."""
    async with sessionmaker() as session, session.begin():
        query = (
            select(model)
            .where(col(model.status) == DeliveryStatus.PENDING, col(model.next_attempt_at) <= now)
            .order_by(col(model.next_attempt_at))
            .limit(limit)
        )
        if session.bind.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list((await session.scalars(query)).all())
        for row in rows:
            row.next_attempt_at = now + timedelta(seconds=backoff.claim_seconds)
        await session.flush()
        session.expunge_all()
    return rows


def succeeded(row: Delivery, *, now: datetime) -> None:
    row.attempts += 1
    row.status = DeliveryStatus.DONE
    row.done_at = now
    row.last_error = None


def failed(row: Delivery, error: str, *, now: datetime, backoff: Backoff) -> None:
    row.attempts += 1
    row.last_error = error[:500]
    row.next_attempt_at = now + backoff.delay(row.attempts)


def refused(row: Delivery, error: str, *, now: datetime) -> None:
    row.attempts += 1
    row.status = DeliveryStatus.REFUSED
    row.last_error = error[:500]
    row.done_at = now


@dataclass(frozen=True)
class Outcome:
    """One call's result: the answer, or the error and whether retrying could help."""

    answer: dict[str, Any]
    error: str | None = None
    final: bool = False


async def attempt(call: Awaitable[dict[str, Any]], *, target: str) -> Outcome:
    """Await one call to ``target`` (named in the stored error) and classify what happened."""
    try:
        return Outcome(await call)
    except Retry as exc:
        return Outcome({}, f"{target}不可用：{exc}")
    except Refused as exc:
        return Outcome({}, f"{target}拒收：{exc}", final=True)


def settle(row: Delivery, outcome: Outcome, *, now: datetime, backoff: Backoff) -> bool:
    """Record one attempt on a locked row; True when the other side took it."""
    if outcome.error is None:
        succeeded(row, now=now)
        return True
    if outcome.final:
        refused(row, outcome.error, now=now)
    else:
        failed(row, outcome.error, now=now, backoff=backoff)
    return False
