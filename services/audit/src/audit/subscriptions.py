"""Events the audit service consumes.

- The journal (Art. 32 audit trail; Art. 34, 35 supervision): every domain event of every service.
  The six ``pdp.<service>.events`` topics are read in full and a wildcard handler sees each event.
- The network log (Art. 34): every request through the gateway, on ``pdp.gateway.netlog``.
"""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from audit.journal.service import journal_events
from audit.netlogs.service import keep_requests
from pdp_contracts import events_topic
from pdp_contracts.gateway import RequestLogged
from pdp_kit.events.consumer import Subscriptions
from pdp_kit.events.envelope import Event

#: Every service that publishes domain events, audit included.
PRODUCERS = ("catalog", "sharing", "opening", "registry", "audit", "gateway")


async def when_any_event_is_published_journal_it(
    session: AsyncSession, events: Sequence[Event]
) -> None:
    await journal_events(session, events=events)


async def when_request_is_logged_keep_it(session: AsyncSession, events: Sequence[Event]) -> None:
    await keep_requests(session, events=events)


subscriptions = Subscriptions(
    # Both are batch handlers: a poll batch is one INSERT round, the ingest rate the bench measures.
    batch_handlers={RequestLogged.event_type: [when_request_is_logged_keep_it]},
    # Read in full: the wildcard journals every domain event on them. The network log's own topic
    # comes from RequestLogged's contract.
    topics=frozenset(events_topic(producer) for producer in PRODUCERS),
    batch_wildcard=(when_any_event_is_published_journal_it,),
)
