"""Clients the configuration names: the bootstrap bureau client, so a fresh platform has someone to
register the others, and the services' own internal clients."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from gateway.clients.service import ensure_bootstrap_client
from gateway.settings import UPSTREAM_SERVICES, GatewaySettings
from pdp_kit.auth import Role
from pdp_kit.settings import DEV_ADMIN_SECRET, internal_client_id

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


@asynccontextmanager
async def internal_clients(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension: one ``service`` client per platform service (``pdp-<service>``), from
    that service's own secret (``PDP_<SERVICE>_INTERNAL_CLIENT_SECRET``), so services can call
    each other's internal endpoints directly (the catalog's record reads for sharing, opening
    and registry). A service whose secret is unset has its client disabled. The ``service`` role
    is never given to a client registered through the API."""
    settings: GatewaySettings = app.state.settings
    for service in UPSTREAM_SERVICES:
        await ensure_bootstrap_client(
            app.state.sessionmaker,
            client_id=internal_client_id(service),
            secret=settings.internal_secret_of(service),
            role=Role.SERVICE,
            name=f"{service} service (internal)",
        )
    yield
