"""What every request is checked against: disabled clients, per-client not-before times
(revocation) and per-client rate limits, held in memory and re-read from the database.

A change made on this replica applies at once (the service functions call :meth:`apply`); other
replicas see it within ``revocation_refresh_seconds``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from fastapi import FastAPI
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.clients.models import Client
from gateway.edge.ratelimit import Limit
from gateway.settings import GatewaySettings

log = logging.getLogger(__name__)


def not_before_second(moment: datetime | None) -> int | None:
    return math.ceil(moment.timestamp()) if moment is not None else None


@dataclass(frozen=True, slots=True)
class ClientState:
    disabled: bool
    not_before: float | None
    limit: Limit | None


class ClientStates:
    def __init__(self, default_limit: Limit) -> None:
        self.default_limit = default_limit
        self._states: dict[str, ClientState] = {}

    def revoked(self, client_id: str, issued_at: float) -> bool:
        """Disabled, or the token predates the client's not-before time (its secret rotated).
        ``iat`` has whole seconds, so the not-before time is rounded up: a token issued in the
        second of the change is revoked too, and the token endpoint dates the tokens it issues
        after a change no earlier than that (:func:`not_before_second`)."""
        state = self._states.get(client_id)
        if state is None:
            return False
        return state.disabled or (state.not_before is not None and issued_at < state.not_before)

    def limit_of(self, client_id: str) -> Limit:
        state = self._states.get(client_id)
        return state.limit if state is not None and state.limit else self.default_limit

    def apply(self, client: Client) -> None:
        limit = (
            Limit(client.rate_per_second, client.rate_burst or self.default_limit.burst)
            if client.rate_per_second
            else None
        )
        not_before = not_before_second(client.not_before)
        if not client.disabled and not_before is None and limit is None:
            self._states.pop(client.client_id, None)
        else:
            self._states[client.client_id] = ClientState(client.disabled, not_before, limit)

    async def load(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        async with sessionmaker() as session:
            rows = await session.scalars(
                select(Client).where(
                    or_(
                        Client.disabled,  # type: ignore[arg-type]
                        Client.not_before.is_not(None),  # type: ignore[union-attr]
                        Client.rate_per_second.is_not(None),  # type: ignore[union-attr]
                    )
                )
            )
            fresh = ClientStates(self.default_limit)
            for row in rows:
                fresh.apply(row)
        self._states = fresh._states


@asynccontextmanager
async def client_states(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension: load the states, then re-read them in the background."""
    settings: GatewaySettings = app.state.settings
    states = ClientStates(Limit(settings.rate_per_second, settings.rate_burst))
    await states.load(app.state.sessionmaker)
    app.state.client_states = states

    async def refresh() -> None:
        while True:
            await asyncio.sleep(settings.revocation_refresh_seconds)
            try:
                await states.load(app.state.sessionmaker)
            except Exception as exc:  # noqa: BLE001 - keep the last known states and retry
                log.warning("client states: refresh failed (%r)", exc)

    task = asyncio.create_task(refresh(), name="client-states-refresh")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
