"""Grants (Art. 19, 20): created by an approval, never widened; ended by the holder, suspended
for idleness or misuse, reinstated, terminated."""

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from pdp_contracts.sharing import (
    GrantCreated,
    GrantJustified,
    GrantReinstated,
    GrantSuspended,
    GrantTerminated,
)
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.auth.principal import SUPERVISORS
from pdp_kit.errors import FieldProblem, Invalid
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page
from sharing import clock
from sharing.grants.access import (
    WrongGrantState,
    require_holder,
    require_provider_or_bureau,
    visible_grant,
)
from sharing.grants.models import Grant
from sharing.grants.schemas import GrantPublic, Reason, Suspension
from sharing.ids import new_id
from sharing.requests.models import ShareRequest


async def create_grant(
    session: AsyncSession, *, request: ShareRequest, approved_on: date, actor: Principal
) -> Grant:
    grant = Grant(
        id=new_id(),
        request_id=request.id,
        resource_id=request.resource_id,
        holder=request.requester,
        provider=request.provider,
        fields=list(request.fields),
        purpose=request.scenario,
        legal_basis=request.legal_basis,
        method=request.method,
        valid_until=request.valid_until,
        approved_on=approved_on,
        idle_since=approved_on,
    )
    session.add(grant)
    await record_event(
        session,
        GrantCreated(
            id=grant.id,
            request_id=request.id,
            resource_id=grant.resource_id,
            holder=grant.holder,
            provider=grant.provider,
            fields=grant.fields,
            purpose=grant.purpose,
            legal_basis=grant.legal_basis,
            valid_until=grant.valid_until,
        ),
        subject=grant.id,
        actor=actor.client_id,
        department=grant.holder,
    )
    await session.flush()
    return grant


async def get_grant(session: AsyncSession, *, grant_id: str, principal: Principal) -> GrantPublic:
    return GrantPublic.model_validate(
        (await visible_grant(session, grant_id, principal)).model_dump()
    )


async def list_grants(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    status: str | None,
    resource_id: str | None,
) -> Page[GrantPublic]:
    """A department sees the grants it holds and those on its data; staff and supervisors all."""
    query = select(Grant)
    if not (principal.is_staff or principal.has(*SUPERVISORS)):
        require_role(principal, Role.DEPARTMENT)
        mine = principal.department or ""
        query = query.where(or_(col(Grant.holder) == mine, col(Grant.provider) == mine))
    if status is not None:
        query = query.where(col(Grant.status) == status)
    if resource_id is not None:
        query = query.where(col(Grant.resource_id) == resource_id)
    return await keyset_page(
        session,
        query,
        key=Grant.id,  # type: ignore[arg-type]
        page=page,
        to_public=lambda grant: GrantPublic.model_validate(grant.model_dump()),
        cursor_of=lambda grant: grant.id,
    )


async def justify(
    session: AsyncSession, *, grant_id: str, data: Reason, principal: Principal
) -> Grant:
    """The holder explains why it still needs an idle grant: the idle sweep leaves it alone, and
    a grant already suspended for idleness is reinstated (Art. 20)."""
    grant = await visible_grant(session, grant_id, principal, lock=True)
    require_holder(grant, principal)
    if grant.status == "terminated" or grant.suspension == "misuse":
        raise WrongGrantState(grant.status, "提交说明")
    grant.justification = data.reason
    await record_event(
        session,
        GrantJustified(
            id=grant.id, holder=grant.holder, provider=grant.provider, reason=data.reason
        ),
        subject=grant.id,
        actor=principal.client_id,
        department=grant.holder,
    )
    if grant.status == "suspended":
        await _reinstate(session, grant, reason=data.reason, actor=principal.client_id)
    await session.flush()
    return grant


async def terminate_by_holder(
    session: AsyncSession, *, grant_id: str, principal: Principal
) -> Grant:
    """A requester ends a grant it no longer needs, at any time (Art. 20)."""
    grant = await visible_grant(session, grant_id, principal, lock=True)
    require_holder(grant, principal)
    if grant.status == "terminated":
        raise WrongGrantState(grant.status, "终止")
    await terminate(
        session, grant, cause="holder", reason="申请部门不再需要", actor=principal.client_id
    )
    return grant


async def suspend_for_misuse(
    session: AsyncSession, *, grant_id: str, data: Suspension, principal: Principal
) -> Grant:
    """Misuse: suspended with a rectification date; the sweep terminates it after (Art. 20)."""
    grant = await visible_grant(session, grant_id, principal, lock=True)
    require_provider_or_bureau(grant, principal)
    if grant.status == "terminated":
        raise WrongGrantState(grant.status, "暂停")
    if data.rectify_by < clock.today():
        raise Invalid(errors=[FieldProblem("rectify_by", "must not be in the past")])
    grant.status, grant.suspension = "suspended", "misuse"
    grant.suspension_reason, grant.rectify_by = data.reason, data.rectify_by
    await record_event(
        session,
        GrantSuspended(
            id=grant.id,
            holder=grant.holder,
            provider=grant.provider,
            kind="misuse",
            reason=data.reason,
            rectify_by=data.rectify_by,
        ),
        subject=grant.id,
        actor=principal.client_id,
        department=grant.holder,
    )
    await session.flush()
    return grant


async def reinstate(
    session: AsyncSession, *, grant_id: str, data: Reason, principal: Principal
) -> Grant:
    grant = await visible_grant(session, grant_id, principal, lock=True)
    require_provider_or_bureau(grant, principal)
    if grant.status != "suspended":
        raise WrongGrantState(grant.status, "恢复")
    await _reinstate(session, grant, reason=data.reason, actor=principal.client_id)
    return grant


async def _reinstate(session: AsyncSession, grant: Grant, *, reason: str, actor: str) -> None:
    grant.status, grant.suspension, grant.suspension_reason, grant.rectify_by = (
        "active",
        None,
        None,
        None,
    )
    # A reinstated grant gets a fresh three months before the idle rule looks at it again.
    grant.idle_since = clock.today()
    await record_event(
        session,
        GrantReinstated(id=grant.id, holder=grant.holder, provider=grant.provider, reason=reason),
        subject=grant.id,
        actor=actor,
        department=grant.holder,
    )
    await session.flush()


async def suspend_as_idle(session: AsyncSession, grant: Grant, *, since: date) -> None:
    grant.status, grant.suspension = "suspended", "idle"
    grant.suspension_reason = f"自 {since.isoformat()} 起三个月无调用且未提交说明（第二十条）"
    await record_event(
        session,
        GrantSuspended(
            id=grant.id,
            holder=grant.holder,
            provider=grant.provider,
            kind="idle",
            reason=grant.suspension_reason,
        ),
        subject=grant.id,
        department=grant.holder,
    )


async def terminate(
    session: AsyncSession, grant: Grant, *, cause: str, reason: str, actor: str | None = None
) -> None:
    grant.status, grant.termination_cause, grant.termination_reason = "terminated", cause, reason
    await record_event(
        session,
        GrantTerminated(
            id=grant.id,
            holder=grant.holder,
            provider=grant.provider,
            cause=cause,
            reason=reason,
            fields=grant.fields,
        ),
        subject=grant.id,
        actor=actor,
        department=grant.holder,
    )
    await session.flush()
