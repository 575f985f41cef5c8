"""The audit settings a service function or sweep needs, reached through its session.

Sweeps are called with a session and a date only; the app's extension puts its settings into the
sessionmaker's ``info`` at startup, so every session (request, consumer, sweep) carries them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from audit.settings import AuditSettings


@asynccontextmanager
async def audit_context(app: FastAPI) -> AsyncIterator[None]:
    """Extension: every session of this app, writing or reading, knows the audit settings."""
    for maker in (app.state.sessionmaker, app.state.read_sessionmaker):
        maker.configure(info={"audit_settings": app.state.settings})
    yield


def settings_of(session: AsyncSession) -> AuditSettings:
    settings = session.info.get("audit_settings")
    if not isinstance(settings, AuditSettings):
        # Never fall back to reading the environment here: the app's settings are the truth.
        raise RuntimeError("this session was not made by the audit app's sessionmakers")
    return settings
