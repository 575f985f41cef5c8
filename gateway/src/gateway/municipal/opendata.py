"""Open-data platform adapter (市公共数据开放平台, Art. 24).

Interface:

- :func:`pull_applications` reads ``GET {PDP_MUNICIPAL_URL}/open-data/applications?after=`` and
  keeps each application once (by the city's id) as an :class:`OpenDataApplication`;
- :func:`forward_due` posts each to opening, ``POST /api/opening/applications`` (CONTRACT.md,
  Opening: ``{listing_id, applicant, scenario, materials}``) on opening's own URL as the client
  ``municipal-open-data`` (role ``municipal``), with ``Idempotency-Key: municipal:<id>``; 201 keeps
  opening's id; a 4xx keeps the reason and returns the application to the city (``returned``);
  anything else is retried with backoff;
- :func:`return_decision` queues a decision (``approved``, ``rejected`` or ``returned``, with the
  reason and, on approval, the access details) and :func:`return_due` posts it to
  ``POST {PDP_MUNICIPAL_URL}/open-data/applications/{id}/decision``, retried the same way.
  It is called for each of opening's decision events (``application.approved``, ``.refused``,
  ``.returned``: the ``when_application_*`` handlers below, wired in ``gateway.subscriptions``), and
  still by hand through ``POST /api/gateway/municipal/applications/{id}/decision`` (data centre,
  bureau). An event names the city's id (``municipal_id``, from the ``Idempotency-Key``); an
  application the city did not send (posted to opening directly) is not returned anywhere.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from gateway.municipal.client import MUNICIPAL_OPEN_DATA_CLIENT, MunicipalClient, PlatformClient
from gateway.municipal.delivery import Backoff, attempt, claim_due, settle
from gateway.municipal.feeds import problems, pull_feed
from gateway.municipal.models import DecisionReturn, DeliveryStatus, OpenDataApplication
from gateway.municipal.schemas import DecisionIn
from pdp_contracts.opening import ApplicationApproved, ApplicationRefused, ApplicationReturned
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.db import get_for_update, utcnow
from pdp_kit.errors import NotFound
from pdp_kit.events.envelope import Event

#: What opening takes from the city's application: CONTRACT.md's four, and the applicant's credit
#: declarations and requested period where the city sent them (a listing may require the first).
FIELDS_FOR_OPENING = (
    "listing_id",
    "applicant",
    "scenario",
    "materials",
    "credit_declarations",
    "valid_until",
)
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "listing_id": str,
    "applicant": dict,
    "scenario": str,
}


async def _store(session: AsyncSession, item: dict[str, Any]) -> bool:
    if await session.get(OpenDataApplication, str(item.get("id"))[:64]) is not None:
        return False
    problem = problems(item, REQUIRED)
    row = OpenDataApplication(id=str(item.get("id"))[:64], body=item)
    if problem:
        row.status, row.last_error = DeliveryStatus.REFUSED, problem
    session.add(row)
    return True


async def pull_applications(
    sessionmaker: async_sessionmaker[AsyncSession], municipal: MunicipalClient, *, limit: int
) -> int:
    return await pull_feed(
        sessionmaker,
        municipal,
        feed="applications",
        path="/open-data/applications",
        limit=limit,
        store=_store,
    )


async def forward_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    platform: PlatformClient,
    *,
    now: datetime,
    backoff: Backoff,
    limit: int,
) -> int:
    """Post every due application to opening; return how many it took."""
    forwarded = 0
    rows = await claim_due(sessionmaker, OpenDataApplication, now=now, backoff=backoff, limit=limit)
    for claimed in rows:
        outcome = await attempt(
            platform.call(
                "opening",
                "POST",
                "/api/opening/applications",
                client_id=MUNICIPAL_OPEN_DATA_CLIENT,
                role=Role.MUNICIPAL.value,
                idempotency_key=f"municipal:{claimed.id}",
                json={
                    name: claimed.body[name] for name in FIELDS_FOR_OPENING if name in claimed.body
                },
            ),
            target="开放服务",
        )
        async with sessionmaker() as session, session.begin():
            row = await get_for_update(session, OpenDataApplication, claimed.id)
            if row is None or row.status != DeliveryStatus.PENDING:
                continue
            if settle(row, outcome, now=now, backoff=backoff):
                row.opening_id = str(outcome.answer.get("id") or "") or None
                forwarded += 1
            elif outcome.final:
                # The city hears at once that the district could not take it (Art. 24).
                returned = DecisionIn(decision="returned", reason=row.last_error)
                await _queue(session, row.id, returned)
    return forwarded


async def _queue(session: AsyncSession, application_id: str, data: DecisionIn) -> DecisionReturn:
    key = f"{application_id}:{data.decision}"
    existing = await session.get(DecisionReturn, key)
    if existing is not None:
        return existing
    body = {**data.model_dump(mode="json", exclude_none=True), "decided_at": utcnow().isoformat()}
    row = DecisionReturn(id=key, application_id=application_id, body=body)
    session.add(row)
    await session.flush()
    return row


async def return_decision(
    session: AsyncSession, *, application_id: str, data: DecisionIn, principal: Principal
) -> DecisionReturn:
    """Queue a decision for the city (data centre or bureau; later opening's events). The same
    decision twice is queued once."""
    require_role(principal, Role.DATACENTER, Role.BUREAU)
    if await session.get(OpenDataApplication, application_id) is None:
        raise NotFound(f"没有来自市开放平台的申请 {application_id}")
    return await _queue(session, application_id, data)


async def return_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    municipal: MunicipalClient,
    *,
    now: datetime,
    backoff: Backoff,
    limit: int,
) -> int:
    returned = 0
    for claimed in await claim_due(
        sessionmaker, DecisionReturn, now=now, backoff=backoff, limit=limit
    ):
        outcome = await attempt(
            municipal.call(
                "POST",
                f"/open-data/applications/{claimed.application_id}/decision",
                idempotency_key=claimed.id,
                json=claimed.body,
            ),
            target="市开放平台",
        )
        async with sessionmaker() as session, session.begin():
            row = await get_for_update(session, DecisionReturn, claimed.id)
            if row is not None and row.status == DeliveryStatus.PENDING:
                returned += settle(row, outcome, now=now, backoff=backoff)
    return returned


async def _city_application(
    session: AsyncSession, municipal_id: str | None, opening_id: str
) -> OpenDataApplication | None:
    if municipal_id:
        found = await session.get(OpenDataApplication, municipal_id)
        if found is not None:
            return found
    return (
        await session.scalars(
            select(OpenDataApplication).where(col(OpenDataApplication.opening_id) == opening_id)
        )
    ).first()


async def _return_to_city(
    session: AsyncSession, municipal_id: str | None, opening_id: str, data: DecisionIn
) -> None:
    city = await _city_application(session, municipal_id, opening_id)
    if city is not None:
        await _queue(session, city.id, data)


async def when_application_approved_return_it(session: AsyncSession, event: Event) -> None:
    approved = event.payload(ApplicationApproved)
    access = {
        "listing_id": approved.listing_id,
        "client_id": approved.client_id,
        "scenario": approved.scenario,
        "valid_from": approved.valid_from.isoformat(),
        "valid_until": approved.valid_until.isoformat(),
        "data_path": f"/api/opening/listings/{approved.listing_id}/data",
        "usage_report_due_on": (
            approved.usage_report_due_on.isoformat() if approved.usage_report_due_on else None
        ),
    }
    decision = DecisionIn(decision="approved", access=access)
    await _return_to_city(session, approved.municipal_id, approved.id, decision)


async def when_application_refused_return_it(session: AsyncSession, event: Event) -> None:
    refused = event.payload(ApplicationRefused)
    decision = DecisionIn(decision="rejected", reason=refused.reason[:500])
    await _return_to_city(session, refused.municipal_id, refused.id, decision)


async def when_application_returned_return_it(session: AsyncSession, event: Event) -> None:
    """Incomplete materials (Art. 24): everything missing, in one notice."""
    returned = event.payload(ApplicationReturned)
    reason = "申请材料不全，请一次性补正：" + "；".join(returned.missing)
    decision = DecisionIn(decision="returned", reason=reason[:500])
    await _return_to_city(session, returned.municipal_id, returned.id, decision)
