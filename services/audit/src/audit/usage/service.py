"""Usage records: every data call of every producer, kept at least three years (Art. 34)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, Table, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

import pdp_contracts
from audit.chain.appender import Chain
from audit.chain.hashing import Kind
from audit.export import MAX_EXPORT_ROWS
from audit.ingest import as_utc
from audit.listing import Period, in_arrival_order
from audit.usage.models import UsageRecord
from audit.usage.schemas import UsageRecordPublic
from pdp_contracts import payload_class
from pdp_contracts.usage import DataUsage, UsageBasis
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.db import utcnow
from pdp_kit.events.envelope import Event
from pdp_kit.pagination import Page, PageParams, keyset_page

#: Read every usage record: the bureau and the data centre run the platform, the cyberspace
#: office and the assessor inspect (Art. 34, 35). A department reads the calls it made and the
#: calls on its data; an operator the calls it made.
READ_ALL = (Role.BUREAU, Role.DATACENTER, Role.CYBERSPACE, Role.ASSESSOR)

_usage: Table = UsageRecord.__table__  # type: ignore[attr-defined]
chain = Chain(Kind.USAGE, _usage, key="event_id", copy=True)


@cache
def _contract_modules_loaded() -> bool:
    """Import every contract module once, so each producer's ``DataUsage`` subclass is known."""
    for module in pkgutil.iter_modules(pdp_contracts.__path__):
        importlib.import_module(f"{pdp_contracts.__name__}.{module.name}")
    return True


def _usage_class(event_type: str) -> type[DataUsage] | None:
    """The payload class of a data call of any producer (a ``DataUsage`` subclass); a new
    producer needs no change here, only its subclass in the contracts."""
    _contract_modules_loaded()
    payload = payload_class(event_type)
    return payload if payload is not None and issubclass(payload, DataUsage) else None


async def keep_usage(session: AsyncSession, *, events: Sequence[Event]) -> None:
    """Chain and store the data calls of a poll batch; a record already kept is left as it is.
    A call that breaks its contract raises, and the kit parks it on the dead-letter topic."""
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for event in events:
        payload = _usage_class(event.type)
        if payload is None:
            continue
        call = event.payload(payload)
        rows.append(
            {
                "event_id": event.id,
                "type": event.type,
                "client_id": call.client_id,
                "department": call.department,
                "operator": call.operator,
                "basis": call.basis.value,
                "basis_id": call.basis_id,
                "resource_id": call.resource_id,
                "provider": call.provider,
                "purpose": call.purpose,
                "fields": list(call.fields),
                "record_count": call.record_count,
                "result": call.result.value,
                "reason": call.reason,
                "called_at": as_utc(call.called_at),
                "received_at": now,
            }
        )
    await chain.append(session, rows)


def visible(principal: Principal, query: Select[Any]) -> Select[Any]:
    """Narrow ``query`` to what the caller may read; a caller with no view gets 403."""
    if principal.has(*READ_ALL):
        return query
    if principal.has(Role.DEPARTMENT) and principal.department:
        return query.where(
            or_(
                col(UsageRecord.department) == principal.department,
                col(UsageRecord.provider) == principal.department,
            )
        )
    if principal.has(Role.OPERATOR) and principal.operator:
        return query.where(col(UsageRecord.operator) == principal.operator)
    require_role(principal, *READ_ALL, Role.DEPARTMENT, Role.OPERATOR)
    raise AssertionError("unreachable")  # pragma: no cover


def usage_query(
    principal: Principal,
    *,
    department: str | None = None,
    provider: str | None = None,
    resource_id: str | None = None,
    grant_id: str | None = None,
    from_: datetime | None = None,
    to: datetime | None = None,
) -> Select[Any]:
    period = Period.between(from_, to)
    query = visible(principal, select(UsageRecord)).where(
        *period.conditions(col(UsageRecord.called_at))
    )
    if department is not None:
        query = query.where(col(UsageRecord.department) == department)
    if provider is not None:
        query = query.where(col(UsageRecord.provider) == provider)
    if resource_id is not None:
        query = query.where(col(UsageRecord.resource_id) == resource_id)
    if grant_id is not None:
        query = query.where(
            col(UsageRecord.basis) == UsageBasis.GRANT.value, col(UsageRecord.basis_id) == grant_id
        )
    return query


async def list_usage(
    session: AsyncSession, *, principal: Principal, page: PageParams, **filters: Any
) -> Page[UsageRecordPublic]:
    """Usage records in arrival order; every filter given must hold."""
    return await keyset_page(
        session,
        usage_query(principal, **filters),
        key=UsageRecord.seq,  # type: ignore[arg-type]
        page=in_arrival_order(page),
        to_public=public,
        cursor_of=lambda record: record.seq,
    )


def public(record: UsageRecord) -> UsageRecordPublic:
    fields: dict[str, Any] = record.model_dump(exclude={"seq", "event_id", "hash"})
    return UsageRecordPublic(id=record.event_id, **fields)


async def export_usage(
    session: AsyncSession, *, principal: Principal, **filters: Any
) -> list[UsageRecordPublic]:
    query = usage_query(principal, **filters).order_by(col(UsageRecord.seq))
    records = await session.scalars(query.limit(MAX_EXPORT_ROWS))
    return [public(record) for record in records]
