"""Signing in to and out of the console: the staff user's credentials, then a session."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.console.sessions import SessionPolicy, end_session, open_session
from gateway.staff.signin import LockoutPolicy, sign_in


async def sign_in_to_console(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    totp: str,
    lockout: LockoutPolicy,
    sessions: SessionPolicy,
) -> str | None:
    """The new session's cookie token, or ``None`` (one answer for every failure)."""
    user = await sign_in(session, username=username, password=password, totp=totp, policy=lockout)
    if user is None:
        return None
    token, _ = await open_session(session, user=user, policy=sessions)
    return token


async def sign_out(session: AsyncSession, *, token: str | None) -> None:
    if token:
        await end_session(session, token=token)
