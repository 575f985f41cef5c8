"""Fakes and spies for tests."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp_kit.events.consumer import Subscriptions
from pdp_kit.events.envelope import Event
from pdp_kit.models import OutboxMessage


class OutboxSpy:
    """Reads back what requests committed to the outbox, as envelopes."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def events(self, type_: str | None = None) -> list[Event]:
        async with self._sessionmaker() as session:
            rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.seq))).all()  # type: ignore[arg-type]
        events = [Event.decode(row.value) for row in rows]
        return [e for e in events if type_ is None or e.type == type_]

    async def types(self) -> list[str]:
        return [e.type for e in await self.events()]


async def deliver(
    sessionmaker: async_sessionmaker[AsyncSession], subscriptions: Subscriptions, *events: Event
) -> None:
    """Run each event's handlers from a service's subscriptions table in one transaction, as the
    consumer would (without the inbox): ``await deliver(app.state.sessionmaker, subscriptions,
    event)``."""
    async with sessionmaker() as session, session.begin():
        for event in events:
            for handler in subscriptions.for_type(event.type):
                await handler(session, event)
