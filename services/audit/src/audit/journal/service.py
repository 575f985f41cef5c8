"""The event journal: every domain event of every service (Art. 32 audit trail, Art. 34, 35)."""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cloudevents.core.formats.json import JSONFormat
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from audit.chain.appender import Chain
from audit.chain.hashing import Kind
from audit.ingest import as_utc
from audit.journal.models import JournalEntry
from audit.journal.schemas import JournalItem
from audit.listing import Period, in_arrival_order
from pdp_contracts.gateway import RequestLogged, RequestsLogged
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.db import utcnow
from pdp_kit.events.envelope import Event
from pdp_kit.pagination import Page, PageParams, keyset_page

#: Who reads the journal (CONTRACT: Audit): the bureau supervises, the cyberspace office and the
#: third-party assessor inspect (Art. 34, 35).
READERS = (Role.BUREAU, Role.CYBERSPACE, Role.ASSESSOR)

#: Records that travel beside the domain events but are kept elsewhere: the gateway's network log
#: is its own record (``netlogs``), with its own retention (Art. 34).
NOT_JOURNALED = frozenset({RequestLogged.event_type, RequestsLogged.event_type})

_FORMAT = JSONFormat()
_journal: Table = JournalEntry.__table__  # type: ignore[attr-defined]
chain = Chain(Kind.JOURNAL, _journal, key="event_id", copy=True)


async def journal_events(session: AsyncSession, *, events: Sequence[Event]) -> None:
    """Keep the events as published, chained in arrival order (Art. 32): one INSERT round per
    batch; a copy already journaled is left as it is."""
    now = utcnow()
    await chain.append(
        session,
        [
            {
                "event_id": event.id,
                "type": event.type,
                "source": event.source,
                "subject": event.subject,
                "time": as_utc(event.time),
                "actor": event.actor,
                "department": event.department,
                "data": event.data,
                "traceparent": event.traceparent,
                "extensions": event.extensions or None,
                "received_at": now,
            }
            for event in events
            if event.type not in NOT_JOURNALED
        ],
    )


async def list_events(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    type_: str | None = None,
    subject: str | None = None,
    department: str | None = None,
    from_: datetime | None = None,
    to: datetime | None = None,
) -> Page[JournalItem]:
    """Journaled events in journal order; every filter given must hold."""
    require_role(principal, *READERS)
    period = Period.between(from_, to)
    query = select(JournalEntry).where(*period.conditions(col(JournalEntry.time)))
    if type_ is not None:
        query = query.where(col(JournalEntry.type) == type_)
    if subject is not None:
        query = query.where(col(JournalEntry.subject) == subject)
    if department is not None:
        query = query.where(col(JournalEntry.department) == department)
    return await keyset_page(
        session,
        query,
        key=JournalEntry.seq,  # type: ignore[arg-type]
        page=in_arrival_order(page),
        to_public=_public,
        cursor_of=lambda entry: entry.seq,
    )


def _public(entry: JournalEntry) -> JournalItem:
    """The structured CloudEvent as it was published, with when audit received it as the
    extension ``receivedat`` (extension names are lowercase alphanumerics); nulls are omitted."""
    event = Event(
        id=entry.event_id,
        source=entry.source,
        type=entry.type,
        subject=entry.subject,
        time=entry.time,
        data=entry.data,
        actor=entry.actor,
        department=entry.department,
        traceparent=entry.traceparent,
        extensions={**(entry.extensions or {}), "receivedat": entry.received_at},
    )
    structured: dict[str, Any] = json.loads(_FORMAT.write(event.to_cloudevent()))
    return JournalItem.model_validate(structured)
