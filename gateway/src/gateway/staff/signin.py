"""Checking a staff user's password and TOTP code, with lockout after repeated failures.

Every failure gives the same answer (no hint whether the username exists, the password was right
or the account is locked), and a locked account refuses even the right password until the lock
ends. Failures are counted and kept: the caller commits the answer, whichever it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gateway.staff import credentials
from gateway.staff.models import StaffUser
from gateway.staff.schemas import StaffStatus
from gateway.staff.service import staff_actor
from pdp_contracts.gateway import StaffSignedIn, StaffUserLocked
from pdp_kit.db import get_for_update, utcnow
from pdp_kit.events.outbox import record_event


@dataclass(frozen=True)
class LockoutPolicy:
    max_failed_attempts: int
    lockout: timedelta


async def sign_in(
    session: AsyncSession, *, username: str, password: str, totp: str, policy: LockoutPolicy
) -> StaffUser | None:
    """The user when the password (and, once enrolled, the TOTP code) are right and the account
    is active and not locked; ``None`` otherwise."""
    user_id = await session.scalar(
        select(col(StaffUser.user_id)).where(col(StaffUser.username) == username)
    )
    user = await get_for_update(session, StaffUser, user_id) if user_id else None
    # Always hashed, so an unknown name or a locked account answers in the time a check takes.
    password_ok = await credentials.verify_password(user.password_hash if user else None, password)
    if user is None or user.status != StaffStatus.ACTIVE:
        return None
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        return None  # Art. 32: the lock holds whatever was presented
    if not (password_ok and _second_factor_ok(user, totp.strip(), now=now)):
        await _count_failure(session, user, now=now, policy=policy)
        return None
    user.failed_attempts, user.locked_until = 0, None
    if credentials.needs_rehash(user.password_hash):
        user.password_hash = await credentials.hash_password(password)
    await record_event(
        session,
        StaffSignedIn(user_id=user.user_id, username=user.username),
        subject=user.user_id,
        actor=staff_actor(user.username),
        department=user.department,
    )
    await session.flush()
    return user


def _second_factor_ok(user: StaffUser, code: str, *, now: datetime) -> bool:
    """No TOTP enrolled, or a code of a time step not used before (which is then used up)."""
    if user.totp_secret is None:
        return True
    if not code.isdigit():
        return False
    step = credentials.matching_step(user.totp_secret, code, now=now, after=user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    return True


async def _count_failure(
    session: AsyncSession, user: StaffUser, *, now: datetime, policy: LockoutPolicy
) -> None:
    user.failed_attempts += 1
    if user.failed_attempts >= policy.max_failed_attempts:
        user.locked_until = now + policy.lockout
        await record_event(
            session,
            StaffUserLocked(
                user_id=user.user_id,
                username=user.username,
                failed_attempts=user.failed_attempts,
                until=user.locked_until,
            ),
            subject=user.user_id,
            actor=staff_actor(user.username),
            department=user.department,
        )
        user.failed_attempts = 0
    await session.flush()
