"""The catalog's read model of sharing's grants, kept by the grant events (Art. 19, 20).

Handlers are idempotent on their own, beyond the kit's inbox: a grant is remembered once (a
redelivered ``GrantCreated`` never revives a suspended or terminated grant), ``terminated`` is
final (and always applied), and a suspension or reinstatement older than the last event applied
to the grant is dropped, so a late redelivery cannot undo a later change. Events of one grant
share its Kafka key (the grant id) and arrive in order; an event for a grant never seen is logged
and skipped.

A suspended grant does not entitle its holder: Art. 20 suspends the holder's sharing right
(暂停其公共数据共享权限) until the provider reinstates it, and with it the standing to object.
"""

import logging
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalog.grants.models import HeldGrant
from pdp_contracts.sharing import GrantCreated
from pdp_kit.db import get_for_update

log = logging.getLogger(__name__)

ACTIVE, SUSPENDED, TERMINATED = "active", "suspended", "terminated"


async def remember_grant(session: AsyncSession, created: GrantCreated, *, at: datetime) -> None:
    if await session.get(HeldGrant, created.id) is not None:
        return
    session.add(
        HeldGrant(
            id=created.id,
            resource_id=created.resource_id,
            holder=created.holder,
            status=ACTIVE,
            valid_until=created.valid_until,
            changed_at=at,
        )
    )
    await session.flush()


async def move_grant(
    session: AsyncSession, grant_id: str, *, to: str, at: datetime, only_from: str | None = None
) -> None:
    """Set the grant's status to ``to`` (from ``only_from`` if given); never out of terminated."""
    grant = await get_for_update(session, HeldGrant, grant_id)
    if grant is None:
        log.warning("grant event for unknown grant %s (%s)", grant_id, to)
        return
    if grant.status == TERMINATED or (to != TERMINATED and at < grant.changed_at):
        return
    if only_from is not None and grant.status != only_from:
        return
    grant.status, grant.changed_at = to, at
    await session.flush()


async def holds_active_grant(
    session: AsyncSession, *, resource_id: str, department: str, today: date
) -> bool:
    """Whether ``department`` holds an active, unexpired grant on the resource (Art. 19)."""
    found = await session.scalar(
        select(col(HeldGrant.id))
        .where(
            col(HeldGrant.resource_id) == resource_id,
            col(HeldGrant.holder) == department,
            col(HeldGrant.status) == ACTIVE,
            col(HeldGrant.valid_until) >= today,
        )
        .limit(1)
    )
    return found is not None
