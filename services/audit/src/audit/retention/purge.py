"""The retention purge (Art. 34): only what is past its retention and under no hold.

A chain is cut at a position, never in its middle: the cut is the last position up to which
every record is purgeable, so the records kept are always a contiguous tail that verifies from
the cut's link. A record past retention behind a younger or held one is kept a little longer
("at least" N months). Each purge is recorded, signed, with what it removed and where it cut.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from audit.chain.appender import Chain
from audit.chain.keys import SigningKey, signing_key
from audit.chain.models import ChainCut, ChainHead
from audit.chain.signing import cut_message
from audit.chain.verify import latest_cut
from audit.context import settings_of
from audit.netlogs.models import RETENTION_MONTHS as NETLOG_MONTHS
from audit.netlogs.service import chain as netlog_chain
from audit.reports.service import chain as reports_chain
from audit.retention import partitions
from audit.retention.calendar import purgeable_before
from audit.retention.holds import held, standing_holds
from audit.retention.models import HoldScope
from audit.usage.models import RETENTION_MONTHS as USAGE_MONTHS
from audit.usage.service import chain as usage_chain
from pdp_contracts.audit import RecordsPurged
from pdp_kit.db import create_engine, get_for_update, sessionmaker, utcnow
from pdp_kit.events.outbox import record_event


@dataclass(frozen=True)
class Retention:
    chain: Chain
    time_column: str
    months: int
    scope: HoldScope


#: What is purged, after how long. The journal has no retention of its own and is kept.
RETENTIONS = (
    Retention(netlog_chain, "time", NETLOG_MONTHS, HoldScope.NETLOGS),
    Retention(usage_chain, "called_at", USAGE_MONTHS, HoldScope.USAGE),
    Retention(reports_chain, "filed_at", USAGE_MONTHS, HoldScope.USAGE),
)


@asynccontextmanager
async def purge_session(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """The session the purge runs in: ``PDP_AUDIT_PURGE_DATABASE_URL``'s role (it may DELETE
    and owns the partitions) in its own transaction, or the sweep's own session when unset (and
    on SQLite, which has no roles and one writer at a time)."""
    url = settings_of(session).purge_database_url
    if url is None or session.bind.dialect.name == "sqlite":  # one writer at a time there
        yield session
        return
    engine = create_engine(url)  # a sweep runs hourly: its own engine, disposed after
    try:
        async with sessionmaker(engine)() as purging, purging.begin():
            yield purging
    finally:
        await engine.dispose()


async def purge(session: AsyncSession, as_of: date) -> dict[str, Any]:
    """Sweep: create the network log's partitions ahead, then purge each kind."""
    results: dict[str, Any] = {}
    key = signing_key(settings_of(session))
    async with purge_session(session) as purging:
        if purging.bind.dialect.name == "postgresql":
            results["partitions_created"] = await partitions.ensure_partitions(purging, as_of)
        for retention in RETENTIONS:
            results[str(retention.chain.kind)] = await _purge_kind(purging, retention, as_of, key)
    return results


async def _purge_kind(
    session: AsyncSession, retention: Retention, as_of: date, key: SigningKey
) -> dict[str, Any]:
    chain = retention.chain
    table, seq = chain.table, chain.table.c.seq
    moment: ColumnElement[Any] = table.c[retention.time_column]
    older_than = purgeable_before(as_of, retention.months).astimezone(UTC)
    head = await get_for_update(session, ChainHead, chain.kind)  # appends wait for the purge
    assert head is not None
    cut = await latest_cut(session, chain.kind)
    start = cut.position if cut is not None else 0
    keep = or_(moment >= older_than, *held(await standing_holds(session, retention.scope), moment))
    first_kept = await session.scalar(select(func.min(seq)).where(seq > start, keep))
    position = first_kept - 1 if first_kept is not None else head.position
    if position <= start:
        return {"removed": 0}
    link = await session.scalar(select(table.c.hash).where(seq == position))
    dropped = 0
    method = "delete"
    if chain is netlog_chain and session.bind.dialect.name == "postgresql":
        dropped = await partitions.drop_partitions_through(
            session, older_than=older_than, position=position
        )
        method = "partition-drop+delete" if dropped else method
    deleted: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        delete(table).where(seq > start, seq <= position)
    )
    removed = dropped + int(deleted.rowcount or 0)
    cut = ChainCut(
        kind=chain.kind,
        position=position,
        hash=str(link),
        removed=removed,
        older_than=older_than,
        method=method,
        cut_at=utcnow(),
        key_id=key.key_id,
        signature="",
    )
    cut.signature = key.sign(cut_message(cut))
    session.add(cut)
    await record_event(
        session,
        RecordsPurged(
            kind=chain.kind,
            removed=removed,
            cut_position=position,
            older_than=older_than,
            method=method,
        ),
        subject=f"{chain.kind}:{position}",
    )
    return {
        "removed": removed,
        "cut": position,
        "older_than": older_than.isoformat(),
        "method": method,
    }
