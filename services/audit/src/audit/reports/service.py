"""Usage reports on sharing grants (Art. 34), and the read model of grants they need."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, Table, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from audit.chain.appender import Chain
from audit.chain.hashing import Kind
from audit.context import settings_of
from audit.listing import Period, in_arrival_order
from audit.reports.models import GrantView, UsageReport
from audit.reports.schemas import UsageReportCreate, UsageReportPublic
from audit.usage.models import UsageRecord
from audit.usage.service import READ_ALL
from pdp_contracts.audit import UsageReportDue, UsageReportFiled
from pdp_contracts.sharing import GrantCreated, GrantTerminated
from pdp_contracts.usage import UsageBasis
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.db import get_for_update, utcnow
from pdp_kit.errors import NotFound
from pdp_kit.events.envelope import Event
from pdp_kit.events.outbox import record_event
from pdp_kit.pagination import Page, PageParams, keyset_page

_reports: Table = UsageReport.__table__  # type: ignore[attr-defined]
chain = Chain(Kind.REPORTS, _reports, key="id")


class GrantNotFound(NotFound):
    code, title = "grant-not-found", "共享授权不存在"


async def keep_grant(session: AsyncSession, *, event: Event) -> None:
    grant = event.payload(GrantCreated)
    if await session.get(GrantView, grant.id) is not None:
        return
    session.add(
        GrantView(
            id=grant.id,
            request_id=grant.request_id,
            resource_id=grant.resource_id,
            provider=grant.provider,
            holder=grant.holder,
            fields=list(grant.fields),
            scenario=grant.purpose,
            valid_until=grant.valid_until,
            created_at=event.time,
        )
    )


async def end_grant(session: AsyncSession, *, event: Event) -> None:
    ended = event.payload(GrantTerminated)
    grant = await get_for_update(session, GrantView, ended.id)
    if grant is not None and grant.terminated_at is None:
        grant.terminated_at = event.time


async def file_report(
    session: AsyncSession, *, principal: Principal, body: UsageReportCreate
) -> UsageReportPublic:
    """The holder of a grant files a usage report on it (Art. 34); another department's grant
    is not found."""
    require_role(principal, Role.DEPARTMENT)
    grant = await session.get(GrantView, body.grant_id)
    if grant is None or not principal.acts_for(grant.holder):
        raise GrantNotFound(f"共享授权 {body.grant_id} 不存在")
    row: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "grant_id": grant.id,
        "holder": grant.holder,
        "provider": grant.provider,
        "resource_id": grant.resource_id,
        **body.model_dump(exclude={"grant_id"}),
        "filed_by": principal.client_id,
        "filed_at": utcnow(),
    }
    await chain.append(session, [row])
    await record_event(
        session,
        UsageReportFiled(
            id=row["id"],
            grant_id=grant.id,
            holder=grant.holder,
            provider=grant.provider,
            resource_id=grant.resource_id,
            filed_at=row["filed_at"],
        ),
        subject=row["id"],
        actor=principal.client_id,
        department=grant.holder,
    )
    return UsageReportPublic.model_validate(row)


def _visible(principal: Principal, query: Select[Any]) -> Select[Any]:
    """The bureau and the inspectors read all; a department the reports it filed and the
    reports about its data (Art. 34); anyone else nothing (403)."""
    if principal.has(*READ_ALL):
        return query
    require_role(principal, *READ_ALL, Role.DEPARTMENT)
    return query.where(
        or_(
            col(UsageReport.holder) == principal.department,
            col(UsageReport.provider) == principal.department,
        )
    )


async def list_reports(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    grant_id: str | None = None,
    from_: Any = None,
    to: Any = None,
) -> Page[UsageReportPublic]:
    period = Period.between(from_, to)
    query = _visible(principal, select(UsageReport)).where(
        *period.conditions(col(UsageReport.filed_at))
    )
    if grant_id is not None:
        query = query.where(col(UsageReport.grant_id) == grant_id)
    return await keyset_page(
        session,
        query,
        key=UsageReport.seq,  # type: ignore[arg-type]
        page=in_arrival_order(page),
        to_public=lambda report: UsageReportPublic.model_validate(report, from_attributes=True),
        cursor_of=lambda report: report.seq,
    )


async def remind_missing_reports(session: AsyncSession, as_of: date) -> dict[str, Any]:
    """Sweep: a grant with data calls and no usage report since them for the configured period
    is reminded once per period (event ``UsageReportDue``) (Art. 34)."""
    period = timedelta(days=settings_of(session).report_reminder_days)
    calls = (
        await session.execute(
            select(
                col(UsageRecord.basis_id),
                func.min(col(UsageRecord.called_at)),
                func.max(col(UsageRecord.called_at)),
                func.count(),
            )
            .where(col(UsageRecord.basis) == UsageBasis.GRANT.value)
            .group_by(col(UsageRecord.basis_id))
        )
    ).all()
    reported: dict[str, datetime] = dict(
        (
            await session.execute(
                select(col(UsageReport.grant_id), func.max(col(UsageReport.filed_at))).group_by(
                    col(UsageReport.grant_id)
                )
            )
        )
        .tuples()
        .all()
    )
    reminded: list[str] = []
    for grant_id, first, last, count in calls:
        last_report = reported.get(grant_id)
        if last_report is not None and last <= last_report:
            continue  # nothing called since the last report
        since = last_report or first
        if since.date() + period > as_of:
            continue
        grant = await get_for_update(session, GrantView, grant_id)
        if grant is None or (grant.reminded_on is not None and grant.reminded_on + period > as_of):
            continue
        grant.reminded_on = as_of
        await record_event(
            session,
            UsageReportDue(
                grant_id=grant.id,
                holder=grant.holder,
                provider=grant.provider,
                first_called_at=first,
                calls=count,
            ),
            subject=grant.id,
            department=grant.holder,
        )
        reminded.append(grant.id)
    return {"reminded": sorted(reminded)}
