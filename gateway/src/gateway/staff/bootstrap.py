"""The development bureau staff user (CONTRACT: in dev the bootstrap admin id and secret are also
a bureau staff user's name and password), so ``make run`` can sign in to the console."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from gateway.settings import GatewaySettings
from gateway.staff.service import ensure_bootstrap_staff


@asynccontextmanager
async def bootstrap_staff(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan extension: in dev and test only; production staff are registered by the bureau
    through ``POST /api/gateway/users``."""
    settings: GatewaySettings = app.state.settings
    if settings.is_dev_or_test and settings.bootstrap_configured:
        await ensure_bootstrap_staff(
            app.state.sessionmaker,
            username=settings.bootstrap_admin_id,
            password=settings.bootstrap_admin_secret,
        )
    yield
