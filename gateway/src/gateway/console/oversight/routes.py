"""平台运行状况, 审计查询, 部门考核 (issue #13). Each route parses, asks its module, renders."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from gateway.console.auth import CurrentStaff
from gateway.console.oversight import audit, health, scorecards
from gateway.console.oversight.charts import health_charts, trend_chart
from gateway.console.pages import render
from gateway.console.views.routes import page_url
from gateway.console.views.service import Listing, department, department_names
from pdp_kit.errors import DomainError

router = APIRouter(prefix="/console", include_in_schema=False)

Text = Annotated[str, Query(max_length=200)]
Cursor = Annotated[str, Query(max_length=1000)]


@router.get("/health")
async def health_page(request: Request, staff: CurrentStaff) -> Response:
    """Each service and the broker up or down, with what each one's ``/metrics`` says."""
    try:
        platform = await health.platform_health(request.app, staff=staff)
    except DomainError as refused:
        return render(
            request, "health.html", staff=staff, error=refused.detail, status_code=refused.status
        )
    return render(
        request,
        "health.html",
        staff=staff,
        services=[health.service_row(service) for service in platform.services],
        consumers=health.consumer_rows(platform),
        broker=health.BROKER_LABELS[platform.broker],
        broker_up=platform.broker == "up",
        charts=health_charts(platform),
    )


@router.get("/audit")
async def audit_page(
    request: Request,
    staff: CurrentStaff,
    department_code: Annotated[str, Query(alias="department", max_length=100)] = "",
    start: Text = "",
    end: Text = "",
    type_: Annotated[str, Query(alias="type", max_length=200)] = "",
    subject: Text = "",
    resource_id: Text = "",
    provider: Text = "",
    grant_id: Text = "",
    events_cursor: Cursor = "",
    usage_cursor: Cursor = "",
    check: Annotated[bool, Query()] = False,
) -> Response:
    """The journal and the usage records, searched with audit's filters; the integrity check
    when asked for (``check=1``)."""
    search = audit.AuditSearch(
        department=department_code.strip(),
        start=start.strip(),
        end=end.strip(),
        type=type_.strip(),
        subject=subject.strip(),
        resource_id=resource_id.strip(),
        provider=provider.strip(),
        grant_id=grant_id.strip(),
    )
    context: dict[str, Any] = {"search": search, "checked": check}
    try:
        journal_query, usage_query = search.journal_query(), search.usage_query()
    except DomainError as invalid:
        return render(
            request, "audit.html", staff=staff, error=invalid.detail, status_code=400, **context
        )
    events, usage, names, integrity = await asyncio.gather(
        audit.read_audit_list(
            request, staff, "/api/audit/events", {**journal_query, "cursor": events_cursor}
        ),
        audit.read_audit_list(
            request, staff, "/api/audit/usage-records", {**usage_query, "cursor": usage_cursor}
        ),
        department_names(request, staff),
        audit.check_integrity(request, staff) if check else _nothing(),
    )
    fields = search.fields()
    return render(
        request,
        "audit.html",
        staff=staff,
        events=[audit.event_row(item, names) for item in events.items],
        events_error=events.error,
        events_next=_next(events, fields, "events_cursor"),
        usage=[audit.usage_row(item, names) for item in usage.items],
        usage_error=usage.error,
        usage_next=_next(usage, fields, "usage_cursor"),
        first_url=page_url("/console/audit", **fields) if events_cursor or usage_cursor else None,
        check_url=page_url("/console/audit", **fields, check="1"),
        integrity=integrity,
        **context,
    )


@router.get("/scorecards")
async def scorecards_page(
    request: Request,
    staff: CurrentStaff,
    period: Annotated[str, Query(max_length=7, description="考核期：YYYY 或 YYYY-MM")] = "",
) -> Response:
    """Each department's scorecard for the period, and its score over the periods before."""
    period = period.strip() or scorecards.this_month()
    try:
        scorecards.periods_up_to(period)
    except DomainError as invalid:
        return render(
            request,
            "scorecards.html",
            staff=staff,
            period=period,
            error=invalid.detail,
            status_code=invalid.status,
        )
    trend, names = await asyncio.gather(
        scorecards.scorecard_trend(request, staff, period=period),
        department_names(request, staff),
    )
    return render(
        request,
        "scorecards.html",
        staff=staff,
        period=period,
        trend=trend,
        measures=scorecards.MEASURES,
        named={code: department(names, code) for code in trend.scores},
        chart=trend_chart(trend, names),
    )


async def _nothing() -> None:
    return None


def _next(listing: Listing, fields: dict[str, str], cursor: str) -> str | None:
    if not listing.next_cursor:
        return None
    return page_url("/console/audit", **fields, **{cursor: listing.next_cursor})
