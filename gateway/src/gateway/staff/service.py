"""Registering staff users and their TOTP enrolment (Art. 32: identity authentication)."""

from __future__ import annotations

import logging

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from gateway.clients.hashing import new_client_id
from gateway.console.models import ConsoleSession
from gateway.staff import credentials
from gateway.staff.models import StaffUser
from gateway.staff.schemas import (
    StaffStatus,
    StaffUserCreate,
    StaffUserPublic,
    StaffUserRegistered,
    TotpEnrolment,
)
from pdp_contracts.gateway import (
    StaffPasswordChanged,
    StaffTotpEnrolled,
    StaffUserCreated,
    StaffUserDisabled,
)
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.db import get_for_update, utcnow
from pdp_kit.errors import Conflict, Forbidden, Invalid, NotFound
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page

log = logging.getLogger(__name__)

#: The actor recorded on events the gateway causes itself (the dev bootstrap user).
SYSTEM_ACTOR = "gateway"


class UsernameTaken(Conflict):
    code, title = "username-taken", "用户名已被使用"


class TotpAlreadyEnrolled(Conflict):
    code, title = "totp-already-enrolled", "已绑定动态验证码"


class TotpNotStarted(Conflict):
    code, title = "totp-not-started", "尚未开始绑定动态验证码"


class TotpCodeWrong(Invalid):
    code, title = "totp-code-wrong", "动态验证码不正确"


def staff_actor(username: str) -> str:
    """How a staff user appears as an event's actor and in the network log."""
    return f"staff:{username}"


def to_public(user: StaffUser) -> StaffUserPublic:
    return StaffUserPublic(
        user_id=user.user_id,
        username=user.username,
        roles=[Role(role) for role in user.roles],
        department=user.department,
        status=StaffStatus(user.status),
        totp_enrolled=user.totp_secret is not None,
        locked_until=user.locked_until,
        created_at=user.created_at,
    )


async def create_user(
    session: AsyncSession, *, data: StaffUserCreate, principal: Principal
) -> StaffUserRegistered:
    """Only the bureau admits staff; a generated initial password is returned this once."""
    require_role(principal, Role.BUREAU)
    taken = await session.scalar(select(StaffUser).where(col(StaffUser.username) == data.username))
    if taken is not None:
        raise UsernameTaken(f"用户名 {data.username} 已被使用")
    initial = None if data.password else credentials.new_password()
    user = StaffUser(
        user_id=new_client_id(),
        username=data.username,
        roles=[str(role) for role in data.roles],
        department=data.department,
        password_hash=await credentials.hash_password(data.password or initial or ""),
    )
    session.add(user)
    await _record_created(session, user, actor=principal.client_id)
    try:
        await session.flush()
    except IntegrityError as exc:  # registered at the same moment by another request
        raise UsernameTaken(f"用户名 {data.username} 已被使用") from exc
    return StaffUserRegistered(**to_public(user).model_dump(), initial_password=initial)


async def list_users(
    session: AsyncSession, *, page: PageParams, principal: Principal
) -> Page[StaffUserPublic]:
    require_role(principal, Role.BUREAU)
    return await keyset_page(
        session,
        select(StaffUser),
        key=StaffUser.username,  # type: ignore[arg-type]
        page=page,
        to_public=to_public,
        cursor_of=lambda user: user.username,
    )


async def disable_user(
    session: AsyncSession, *, user_id: str, principal: Principal
) -> StaffUserPublic:
    """The bureau ends a person's access at once: no sign-in, live sessions ended. Disabling
    twice changes nothing the second time."""
    require_role(principal, Role.BUREAU)
    user = await get_for_update(session, StaffUser, user_id)
    if user is None:
        raise NotFound(f"用户 {user_id} 不存在")
    if user.status != StaffStatus.DISABLED:
        user.status = StaffStatus.DISABLED.value
        await session.execute(
            delete(ConsoleSession).where(col(ConsoleSession.user_id) == user.user_id)
        )
        await record_event(
            session,
            StaffUserDisabled(user_id=user.user_id, username=user.username),
            subject=user.user_id,
            actor=principal.client_id,
            department=user.department,
        )
        await session.flush()
    return to_public(user)


async def begin_totp(
    session: AsyncSession, *, user_id: str, signed_in_user_id: str, keep_pending: bool = False
) -> TotpEnrolment:
    """A new secret for the user themself, pending until a first code confirms it. With
    ``keep_pending`` a secret already shown (the enrolment page reloaded) is shown again."""
    user = await _own_user_for_update(session, user_id=user_id, signed_in_user_id=signed_in_user_id)
    if user.totp_secret is not None:
        raise TotpAlreadyEnrolled("动态验证码已绑定；如需更换请联系管理员")
    if not (keep_pending and user.totp_pending_secret):
        user.totp_pending_secret = credentials.new_totp_secret()
    secret = user.totp_pending_secret
    assert secret is not None
    uri = credentials.otpauth_uri(secret, user.username)
    return TotpEnrolment(secret=secret, otpauth_uri=uri, qr_code=credentials.qr_code(uri))


async def confirm_totp(
    session: AsyncSession, *, user_id: str, signed_in_user_id: str, code: str
) -> StaffUserPublic:
    """The first code proves the authenticator holds the secret; from now on sign-in needs a
    code, and this one (its time step) cannot be used again."""
    user = await _own_user_for_update(session, user_id=user_id, signed_in_user_id=signed_in_user_id)
    if user.totp_secret is not None:
        raise TotpAlreadyEnrolled("动态验证码已绑定")
    if user.totp_pending_secret is None:
        raise TotpNotStarted("请先获取绑定二维码")
    step = credentials.matching_step(user.totp_pending_secret, code, now=utcnow(), after=None)
    if step is None:
        raise TotpCodeWrong("动态验证码不正确，请核对手机时间后重试")
    user.totp_secret, user.totp_pending_secret = user.totp_pending_secret, None
    user.totp_last_step = step
    await record_event(
        session,
        StaffTotpEnrolled(user_id=user.user_id, username=user.username),
        subject=user.user_id,
        actor=staff_actor(user.username),
        department=user.department,
    )
    await session.flush()
    return to_public(user)


async def _own_user_for_update(
    session: AsyncSession, *, user_id: str, signed_in_user_id: str
) -> StaffUser:
    # Art. 32: a second factor is enrolled by its holder only, never on someone else's behalf.
    if user_id != signed_in_user_id:
        raise Forbidden("只能为本人绑定动态验证码")
    user = await get_for_update(session, StaffUser, user_id)
    if user is None:
        raise NotFound(f"用户 {user_id} 不存在")
    return user


async def ensure_bootstrap_staff(
    sessionmaker: async_sessionmaker[AsyncSession], *, username: str, password: str
) -> None:
    """The dev bureau user named like the bootstrap client (CONTRACT), created or brought up to
    date with the configured password. Safe when several replicas start together."""
    for attempt in (1, 2):
        try:
            async with sessionmaker() as session, session.begin():
                await _upsert_bootstrap(session, username=username, password=password)
            return
        except IntegrityError:
            if attempt == 2:
                raise


async def _upsert_bootstrap(session: AsyncSession, *, username: str, password: str) -> None:
    user = await session.scalar(select(StaffUser).where(col(StaffUser.username) == username))
    if user is None:
        user = StaffUser(
            user_id=new_client_id(),
            username=username,
            roles=[str(Role.BUREAU)],
            password_hash=await credentials.hash_password(password),
        )
        session.add(user)
        await _record_created(session, user, actor=SYSTEM_ACTOR)
        log.info("development bureau staff user %s created", username)
        return
    if str(Role.BUREAU) not in user.roles:
        user.roles = sorted({*user.roles, str(Role.BUREAU)})
    if not await credentials.verify_password(user.password_hash, password):
        user.password_hash = await credentials.hash_password(password)
        user.password_changed_at = utcnow()
        await record_event(
            session,
            StaffPasswordChanged(user_id=user.user_id, username=user.username),
            subject=user.user_id,
            actor=SYSTEM_ACTOR,
        )


async def _record_created(session: AsyncSession, user: StaffUser, *, actor: str) -> None:
    await record_event(
        session,
        StaffUserCreated(
            user_id=user.user_id,
            username=user.username,
            roles=list(user.roles),
            department=user.department,
        ),
        subject=user.user_id,
        actor=actor,
        department=user.department,
    )
