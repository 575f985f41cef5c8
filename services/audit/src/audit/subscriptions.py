"""Events the audit service consumes.

- The journal (Art. 32 audit trail; Art. 34, 35 supervision): every domain event of every service.
  The six ``pdp.<service>.events`` topics are read in full and a wildcard handler sees each event.
- Usage records (Art. 34): every event whose payload is a ``DataUsage`` (any producer's data call),
  picked out of the same batches by its payload class, so a new producer needs no change here.
- The network log (Art. 34): every request through the gateway, on ``pdp.gateway.netlog``.
- Sharing's grants, as a read model for usage reports (Art. 34).

No inbox: every event audit handles is journaled or network-logged under its id in the handling
transaction, so those two tables say which events were handled (``already_handled``).
"""

from collections.abc import Sequence

from sqlalchemy import Table, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from audit.journal.models import JournalEntry
from audit.journal.service import journal_events
from audit.netlogs.models import NetworkLogEntry
from audit.netlogs.service import keep_requests
from audit.reports.service import end_grant, keep_grant
from audit.usage.service import keep_usage
from pdp_contracts import events_topic
from pdp_contracts.gateway import RequestLogged, RequestsLogged
from pdp_contracts.sharing import GrantCreated, GrantTerminated
from pdp_kit.db import one_of
from pdp_kit.events.consumer import Subscriptions
from pdp_kit.events.envelope import Event

#: Every service that publishes domain events, audit included.
PRODUCERS = ("catalog", "sharing", "opening", "registry", "audit", "gateway")


async def when_any_event_is_published_journal_it(
    session: AsyncSession, events: Sequence[Event]
) -> None:
    await journal_events(session, events=events)


async def when_data_is_called_keep_a_usage_record(
    session: AsyncSession, events: Sequence[Event]
) -> None:
    await keep_usage(session, events=events)


async def when_request_is_logged_keep_it(session: AsyncSession, events: Sequence[Event]) -> None:
    await keep_requests(session, events=events)


async def when_requests_are_logged_keep_them(
    session: AsyncSession, events: Sequence[Event]
) -> None:
    await keep_requests(session, events=events)


async def when_grant_is_created_keep_it(session: AsyncSession, event: Event) -> None:
    await keep_grant(session, event=event)


async def when_grant_is_terminated_mark_it(session: AsyncSession, event: Event) -> None:
    await end_grant(session, event=event)


_journal: Table = JournalEntry.__table__  # type: ignore[attr-defined]
_netlog: Table = NetworkLogEntry.__table__  # type: ignore[attr-defined]


async def journaled_or_logged(session: AsyncSession, event_ids: Sequence[str]) -> list[str]:
    """Of these events, those already in the journal or the network log: handled before.
    A grant's read-model row is written in the transaction that journals its event."""
    found = union_all(
        select(_journal.c.event_id).where(one_of(session, _journal.c.event_id, event_ids)),
        select(_netlog.c.event_id).where(one_of(session, _netlog.c.event_id, event_ids)),
    )
    return list(await session.scalars(found))


subscriptions = Subscriptions(
    handlers={
        GrantCreated.event_type: [when_grant_is_created_keep_it],
        GrantTerminated.event_type: [when_grant_is_terminated_mark_it],
    },
    # Batch handlers: a poll batch is one INSERT round, the ingest rate the bench measures.
    # The gateway's batches, and single requests logged before it batched them.
    batch_handlers={
        RequestsLogged.event_type: [when_requests_are_logged_keep_them],
        RequestLogged.event_type: [when_request_is_logged_keep_it],
    },
    # Read in full: the wildcards journal every domain event and keep every data call. The
    # network log's own topic comes from RequestsLogged's contract.
    topics=frozenset(events_topic(producer) for producer in PRODUCERS),
    batch_wildcard=(
        when_any_event_is_published_journal_it,
        when_data_is_called_keep_a_usage_record,
    ),
    already_handled=journaled_or_logged,
)
