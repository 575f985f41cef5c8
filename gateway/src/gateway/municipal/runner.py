"""The adapters' worker loop, started in the gateway's worker part (``PDP_ROLE`` ``worker`` or
``all``) when ``PDP_MUNICIPAL_URL``, ``PDP_MUNICIPAL_CLIENT_ID`` and
``PDP_MUNICIPAL_CLIENT_SECRET`` are set; otherwise the adapters are off and say so once.

Every ``PDP_MUNICIPAL_POLL_SECONDS`` one :meth:`MunicipalAdapters.step` reads both feeds and sends
what is due: chain pushes, reconciliation checks, applications to opening, decisions to the city,
hand-back batches to the catalog. A step that fails (the city is down) is logged and the others
go on; the rows keep their state, so nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.municipal import chain, handback, opendata
from gateway.municipal.client import MunicipalClient, PlatformClient, Refused, Retry
from gateway.municipal.delivery import Backoff
from gateway.settings import GatewaySettings
from pdp_kit.auth import TokenIssuer
from pdp_kit.db import utcnow
from pdp_kit.settings import ProcessRole

log = logging.getLogger(__name__)


class MunicipalAdapters:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: GatewaySettings,
        issuer: TokenIssuer,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        assert settings.municipal_url
        assert settings.municipal_client_id
        assert settings.municipal_client_secret
        self._sessionmaker = sessionmaker
        self._settings = settings
        self.backoff = Backoff.of(settings)
        self._failing: set[str] = set()
        self.municipal = MunicipalClient(
            base_url=settings.municipal_url,
            client_id=settings.municipal_client_id,
            client_secret=settings.municipal_client_secret,
            timeout=settings.municipal_timeout_seconds,
            transport=transport,
        )
        self.platform = PlatformClient(
            issuer=issuer,
            upstreams=settings.upstreams,
            timeout=settings.proxy_read_timeout_seconds,
            transport=transport,
        )

    async def step(self, now: datetime | None = None) -> dict[str, int | str]:
        """One round of every adapter; returns what each did (or why it could not). Without
        ``now`` each part reads the clock when it starts, so what a pull stored is due at once."""

        def at() -> datetime:
            return now or utcnow()

        sm, limit, backoff = self._sessionmaker, self._settings.municipal_batch_size, self.backoff
        steps: dict[str, Callable[[], Awaitable[int]]] = {
            "applications_pulled": lambda: opendata.pull_applications(
                sm, self.municipal, limit=limit
            ),
            "handbacks_pulled": lambda: handback.pull_handbacks(sm, self.municipal, limit=limit),
            "chained": lambda: chain.push_due(
                sm,
                self.municipal,
                now=at(),
                backoff=backoff,
                limit=limit,
                report_after=self._settings.municipal_report_failure_after,
            ),
            "requeued_by_reconciliation": lambda: chain.check_due(
                sm, self.municipal, now=at(), limit=limit
            ),
            "applications_forwarded": lambda: opendata.forward_due(
                sm, self.platform, now=at(), backoff=backoff, limit=limit
            ),
            "decisions_returned": lambda: opendata.return_due(
                sm, self.municipal, now=at(), backoff=backoff, limit=limit
            ),
            "handbacks_imported": lambda: handback.import_due(
                sm, self.platform, now=at(), backoff=backoff, limit=limit
            ),
        }
        results: dict[str, int | str] = {}
        for name, run in steps.items():
            try:
                results[name] = await run()
            except (Retry, Refused) as exc:
                results[name] = f"failed: {exc}"
                if name not in self._failing:  # once per outage, not once a second
                    log.warning("municipal adapters: %s failing: %s", name, exc)
                self._failing.add(name)
            else:
                if name in self._failing:
                    log.info("municipal adapters: %s works again", name)
                self._failing.discard(name)
        return results

    async def run_forever(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.step()
            except Exception:
                log.exception("municipal adapters: a step crashed; next round goes on")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._settings.municipal_poll_seconds)

    async def aclose(self) -> None:
        await self.municipal.aclose()
        await self.platform.aclose()


@asynccontextmanager
async def municipal_adapters(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension: ``app.state.municipal`` (``None`` when not configured) and, in the
    worker part, its loop."""
    settings: GatewaySettings = app.state.settings
    app.state.municipal = None
    if not settings.municipal_enabled:
        log.info(
            "municipal adapters off (PDP_MUNICIPAL_URL, _CLIENT_ID, _CLIENT_SECRET unset); "
            "chain requests wait in the gateway's database"
        )
        yield
        return
    # The loop polls the city every second: httpx's per-request INFO lines would drown the log.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger("httpx").level))
    adapters = MunicipalAdapters(app.state.sessionmaker, settings, app.state.token_issuer)
    app.state.municipal = adapters
    stop = asyncio.Event()
    task = None
    if settings.role is not ProcessRole.API:
        task = asyncio.create_task(adapters.run_forever(stop), name="municipal-adapters")
        log.info("municipal adapters on: %s", settings.municipal_url)
    try:
        yield
    finally:
        stop.set()
        if task is not None:
            try:
                await asyncio.wait_for(task, timeout=15)
            except TimeoutError:
                task.cancel()
        await adapters.aclose()
