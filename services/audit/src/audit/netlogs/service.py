"""The network log: every request through the gateway, kept at least six months (Art. 34)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from audit.chain.appender import Chain
from audit.chain.hashing import FORM_2, Kind
from audit.listing import Period, in_arrival_order
from audit.netlogs.ingest import keep_batches
from audit.netlogs.models import NetworkLogEntry
from audit.netlogs.schemas import NetworkLogPublic
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.events.envelope import Event
from pdp_kit.pagination import Page, PageParams, keyset_page

#: Who reads the network log (CONTRACT: Audit): the bureau, the cyberspace office (security
#: inspection, Art. 32) and the operations team (it is operational data, no business content).
READERS = (Role.BUREAU, Role.CYBERSPACE, Role.OPS)

_netlog: Table = NetworkLogEntry.__table__  # type: ignore[attr-defined]
#: Chained in form 2 since batch ingest (``audit.netlogs.ingest``); older records in form 1.
chain = Chain(Kind.NETLOG, _netlog, key="event_id", copy=True, form=FORM_2)


async def keep_requests(session: AsyncSession, *, events: Sequence[Event]) -> None:
    """Store the logged requests as they are, chained in arrival order (Art. 32): the gateway's
    batches (``RequestsLogged``) and single ``RequestLogged`` events alike, one COPY per poll;
    a batch already kept is left as it is. A record that breaks the contract raises, and the
    kit parks it on the dead-letter topic."""
    await keep_batches(session, chain, events)


async def list_netlogs(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    client_id: str | None = None,
    status: int | None = None,
    from_: datetime | None = None,
    to: datetime | None = None,
) -> Page[NetworkLogPublic]:
    """Logged requests in arrival order; every filter given must hold."""
    require_role(principal, *READERS)
    period = Period.between(from_, to)
    query = select(NetworkLogEntry).where(*period.conditions(col(NetworkLogEntry.time)))
    if client_id is not None:
        query = query.where(col(NetworkLogEntry.client_id) == client_id)
    if status is not None:
        query = query.where(col(NetworkLogEntry.status) == status)
    return await keyset_page(
        session,
        query,
        key=NetworkLogEntry.seq,  # type: ignore[arg-type]
        page=in_arrival_order(page),
        to_public=_public,
        cursor_of=lambda entry: entry.seq,
    )


def _public(entry: NetworkLogEntry) -> NetworkLogPublic:
    fields: dict[str, Any] = entry.model_dump(exclude={"seq", "event_id", "hash"})
    return NetworkLogPublic(id=entry.event_id, **fields)
