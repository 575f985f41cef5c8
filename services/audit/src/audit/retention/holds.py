"""Holds: nothing in a hold's scope and time range is purged while it stands (Art. 34)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from audit.ingest import as_utc
from audit.retention.models import Hold, HoldScope
from audit.retention.schemas import HoldCreate, HoldPublic
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.db import get_for_update, utcnow
from pdp_kit.errors import Conflict, NotFound

READERS = (Role.BUREAU, Role.CYBERSPACE, Role.ASSESSOR)


class HoldNotFound(NotFound):
    code, title = "hold-not-found", "保全不存在"


class HoldReleased(Conflict):
    code, title = "hold-released", "保全已解除"


async def place_hold(
    session: AsyncSession, *, principal: Principal, body: HoldCreate
) -> HoldPublic:
    require_role(principal, Role.BUREAU)
    hold = Hold(
        id=str(uuid.uuid4()),
        scope=body.scope.value,
        start=as_utc(body.from_) if body.from_ else None,
        end=as_utc(body.to) if body.to else None,
        reason=body.reason,
        created_by=principal.client_id,
    )
    session.add(hold)
    await session.flush()
    return _public(hold)


async def release_hold(session: AsyncSession, *, principal: Principal, hold_id: str) -> HoldPublic:
    require_role(principal, Role.BUREAU)
    hold = await get_for_update(session, Hold, hold_id)
    if hold is None:
        raise HoldNotFound(f"保全 {hold_id} 不存在")
    if hold.released_at is not None:
        raise HoldReleased("该保全已解除")
    hold.released_by, hold.released_at = principal.client_id, utcnow()
    await session.flush()
    return _public(hold)


async def list_holds(session: AsyncSession, *, principal: Principal) -> list[HoldPublic]:
    require_role(principal, *READERS)
    holds = await session.scalars(select(Hold).order_by(col(Hold.created_at)))
    return [_public(hold) for hold in holds]


async def standing_holds(session: AsyncSession, scope: HoldScope) -> Sequence[Hold]:
    return (
        await session.scalars(
            select(Hold).where(col(Hold.scope) == scope.value, col(Hold.released_at).is_(None))
        )
    ).all()


def held(holds: Sequence[Hold], column: ColumnElement[object]) -> list[ColumnElement[bool]]:
    """One condition per standing hold: the record's time lies in its range."""
    conditions: list[ColumnElement[bool]] = []
    for hold in holds:
        bounds = []
        if hold.start is not None:
            bounds.append(column >= hold.start)
        if hold.end is not None:
            bounds.append(column <= hold.end)
        conditions.append(and_(*bounds) if bounds else true())
    return conditions


def _public(hold: Hold) -> HoldPublic:
    return HoldPublic(
        id=hold.id,
        scope=HoldScope(hold.scope),
        from_=hold.start,
        to=hold.end,
        reason=hold.reason,
        created_by=hold.created_by,
        created_at=hold.created_at,
        released_by=hold.released_by,
        released_at=hold.released_at,
    )
