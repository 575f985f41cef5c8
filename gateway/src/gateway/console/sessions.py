"""Server-side console sessions: absolute lifetime, idle timeout, sign-out ends them at once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gateway.console.models import ConsoleSession
from gateway.staff.models import StaffUser
from gateway.staff.schemas import StaffStatus
from pdp_kit.db import utcnow

#: ``last_seen_at`` is written at most this often, so reading pages does not write every time.
_TOUCH_EVERY = timedelta(seconds=30)


@dataclass(frozen=True)
class SessionPolicy:
    lifetime: timedelta
    idle: timedelta


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(
    session: AsyncSession, *, user: StaffUser, policy: SessionPolicy
) -> tuple[str, ConsoleSession]:
    """A new session for ``user``: returns the cookie's token (kept nowhere else) and the row."""
    now = utcnow()
    await session.execute(
        delete(ConsoleSession).where(
            col(ConsoleSession.user_id) == user.user_id,
            or_(
                col(ConsoleSession.expires_at) <= now,
                col(ConsoleSession.last_seen_at) <= now - policy.idle,
            ),
        )
    )
    token = secrets.token_urlsafe(32)
    row = ConsoleSession(
        token_hash=_digest(token),
        user_id=user.user_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + policy.lifetime,
    )
    session.add(row)
    await session.flush()
    return token, row


async def resolve_session(
    session: AsyncSession, *, token: str, policy: SessionPolicy
) -> tuple[ConsoleSession, StaffUser] | None:
    """The live session of this token and its user; ``None`` once expired or idle (the row goes
    at the user's next sign-in)."""
    row = await session.get(ConsoleSession, _digest(token))
    if row is None:
        return None
    now = utcnow()
    user = await session.get(StaffUser, row.user_id)
    if (
        user is None
        or user.status != StaffStatus.ACTIVE
        or row.expires_at <= now
        or row.last_seen_at + policy.idle <= now
    ):
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
        await session.flush()
    return row, user


async def end_session(session: AsyncSession, *, token: str) -> None:
    await session.execute(
        delete(ConsoleSession).where(col(ConsoleSession.token_hash) == _digest(token))
    )
