"""Data calls through a grant (Art. 19): checked against the grant at call time, the granted
fields only, and every call — served, refused or failed — published as a usage record (Art. 34)."""

from dataclasses import dataclass

from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pdp_contracts.sharing import GrantDataCalled
from pdp_contracts.usage import UsageBasis, UsageResult
from pdp_kit.auth import Principal
from pdp_kit.db import utcnow
from pdp_kit.errors import BadRequest, DomainError, FieldProblem, Forbidden, Unavailable
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import MAX_LIMIT
from sharing import clock
from sharing.calls.catalog_client import CatalogRecords
from sharing.grants.access import WrongGrantState, visible_grant
from sharing.grants.models import Grant
from sharing.grants.schemas import GrantData

_GRANTS: Table = Grant.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class CallOutcome:
    """Either the data or the refusal; a refusal is answered without rolling back its record."""

    data: GrantData | None = None
    error: DomainError | None = None


async def call_data(
    reader: AsyncSession,
    writer: async_sessionmaker[AsyncSession],
    *,
    grant_id: str,
    principal: Principal,
    limit: int,
    cursor: str | None,
    catalog: CatalogRecords,
) -> CallOutcome:
    """Check the grant as it is now, fetch the page from the catalog, then record the call.

    The grant is read through ``reader`` (no transaction: on SQLite no write lock) and the
    catalog is called with no transaction open; only the record is a write, in a transaction of
    its own on ``writer``: the usage record and the grant's last call commit together or not at
    all. Holding a write transaction across the catalog's answer made every data call of the
    process, and every other writer beside it, wait for the slowest page (bench/README.md).
    """
    if limit > MAX_LIMIT:
        raise BadRequest(errors=[FieldProblem("limit", f"must be at most {MAX_LIMIT}")])
    grant = await visible_grant(reader, grant_id, principal)  # 404 for a third party
    refusal = _refusal(grant, principal)
    if refusal is not None:
        await _record_call(writer, grant, principal, UsageResult.REFUSED, reason=refusal.detail)
        return CallOutcome(error=refusal)
    try:
        page = await catalog.page(
            grant.resource_id, fields=grant.fields, limit=limit, cursor=cursor
        )
    except Unavailable as exc:
        await _record_call(writer, grant, principal, UsageResult.FAILED, reason=exc.detail)
        return CallOutcome(error=exc)
    await _record_call(writer, grant, principal, UsageResult.OK, count=len(page.items))
    return CallOutcome(
        data=GrantData.model_construct(  # from the grant and the parsed page: already valid
            grant_id=grant.id,
            resource_id=grant.resource_id,
            fields=grant.fields,
            items=[{name: item.get(name) for name in grant.fields} for item in page.items],
            next_cursor=page.next_cursor,
        )
    )


async def _record_call(
    writer: async_sessionmaker[AsyncSession],
    grant: Grant,
    principal: Principal,
    result: UsageResult,
    *,
    count: int = 0,
    reason: str | None = None,
) -> None:
    """The usage record (Art. 34) and, for a served call, the grant's last call (Art. 20's idle
    clock restarts), in one transaction."""
    async with writer() as session, session.begin():
        if result is UsageResult.OK:
            # One statement, no read first: the row lock (PostgreSQL) comes with the update, and
            # a state change that committed since the grant was read is left as it is.
            await session.execute(
                update(_GRANTS)
                .where(_GRANTS.c.id == grant.id)
                .values(last_called_at=utcnow(), idle_since=clock.today())
            )
        await _record(session, grant, principal, result, count=count, reason=reason)


def _refusal(grant: Grant, principal: Principal) -> DomainError | None:
    """The holder only — not the provider, not the bureau — and only an active grant in its
    period (Art. 19, 20)."""
    if not principal.acts_for(grant.holder):
        return Forbidden("只有持有授权的部门可以调用数据")
    if grant.status != "active":
        return WrongGrantState(grant.status, "调用数据")
    if grant.valid_until < clock.today():
        return WrongGrantState("expired", "调用数据（已过使用期限）")
    return None


async def _record(
    session: AsyncSession,
    grant: Grant,
    principal: Principal,
    result: UsageResult,
    *,
    count: int = 0,
    reason: str | None = None,
) -> None:
    await record_event(
        session,
        GrantDataCalled(
            client_id=principal.client_id,
            department=principal.department,
            operator=principal.operator,
            basis=UsageBasis.GRANT,
            basis_id=grant.id,
            resource_id=grant.resource_id,
            provider=grant.provider,
            purpose=grant.purpose,
            fields=grant.fields,
            record_count=count,
            result=result,
            reason=reason,
            called_at=utcnow(),
        ),
        subject=grant.id,
        actor=principal.client_id,
        department=principal.department or grant.holder,
    )
