"""The bootstrap bureau client, so a fresh platform has someone to register the others."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from gateway.clients.service import ensure_bootstrap_client
from gateway.settings import GatewaySettings
from pdp_kit.settings import DEV_ADMIN_SECRET

log = logging.getLogger(__name__)


@asynccontextmanager
async def bootstrap_client(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension: in dev and test always, in production when both
    ``PDP_BOOTSTRAP_ADMIN_ID`` and ``PDP_BOOTSTRAP_ADMIN_SECRET`` are set."""
    settings: GatewaySettings = app.state.settings
    if settings.bootstrap_configured:
        await ensure_bootstrap_client(
            app.state.sessionmaker,
            client_id=settings.bootstrap_admin_id,
            secret=settings.bootstrap_admin_secret,
        )
        if settings.bootstrap_admin_secret == DEV_ADMIN_SECRET:
            # Printed on purpose: this is the published development default (ARCHITECTURE).
            log.warning(
                "development bureau client: client_id=%s client_secret=%s",
                settings.bootstrap_admin_id,
                settings.bootstrap_admin_secret,
            )
    else:
        log.info("no bootstrap client configured (PDP_BOOTSTRAP_ADMIN_ID/_SECRET unset)")
    yield
