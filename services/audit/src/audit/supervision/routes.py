from typing import Annotated

from fastapi import APIRouter, Query, Response

from audit.export import csv_response, scorecards_csv
from audit.supervision import scorecards, service
from audit.supervision.schemas import (
    NoticeCreate,
    NoticePublic,
    OrderClose,
    OrderCreate,
    OrderPublic,
    Scorecards,
)
from pdp_kit.auth import CurrentPrincipal
from pdp_kit.db import SessionDep, TransactionDep

router = APIRouter(tags=["supervision"])
#: A year, or a year and a month: documented, so callers and fuzzers know the shape.
PERIOD_PATTERN = r"^[12][0-9]{3}(-(0[1-9]|1[0-2]))?$"


@router.post("/notices", response_model=NoticePublic, status_code=201)
async def issue_notice(
    session: SessionDep, principal: CurrentPrincipal, body: NoticeCreate
) -> NoticePublic:
    """Notify a department's violation (通报, Art. 35). Bureau only."""
    return await service.issue_notice(session, principal=principal, body=body)


@router.get("/notices", response_model=list[NoticePublic])
async def list_notices(session: SessionDep, principal: CurrentPrincipal) -> list[NoticePublic]:
    """Violation notices: all for the bureau, cyberspace office and assessor; a department its
    own."""
    return await service.list_notices(session, principal=principal)


@router.get("/notices/export.csv", response_class=Response)
async def export_notices(session: SessionDep, principal: CurrentPrincipal) -> Response:
    """The same notices as CSV."""
    rows = await service.list_notices(session, principal=principal)
    return csv_response(NoticePublic, rows, filename="notices.csv")


@router.get("/notices/{notice_id}", response_model=NoticePublic)
async def get_notice(
    session: SessionDep, principal: CurrentPrincipal, notice_id: str
) -> NoticePublic:
    return await service.get_notice(session, principal=principal, notice_id=notice_id)


@router.post("/rectification-orders", response_model=OrderPublic, status_code=201)
async def order_rectification(
    session: SessionDep, principal: CurrentPrincipal, body: OrderCreate
) -> OrderPublic:
    """Order a department to rectify by a date (Art. 35). Bureau only."""
    return await service.order_rectification(session, principal=principal, body=body)


@router.get("/rectification-orders", response_model=list[OrderPublic])
async def list_orders(session: SessionDep, principal: CurrentPrincipal) -> list[OrderPublic]:
    """Rectification orders: all for the bureau, cyberspace office and assessor; a department
    its own. `overdue` is set by the sweep once the deadline passed with the order open."""
    return await service.list_orders(session, principal=principal)


@router.get("/rectification-orders/export.csv", response_class=Response)
async def export_orders(session: SessionDep, principal: CurrentPrincipal) -> Response:
    """The same orders as CSV."""
    rows = await service.list_orders(session, principal=principal)
    return csv_response(OrderPublic, rows, filename="rectification-orders.csv")


@router.get("/rectification-orders/{order_id}", response_model=OrderPublic)
async def get_order(session: SessionDep, principal: CurrentPrincipal, order_id: str) -> OrderPublic:
    return await service.get_order(session, principal=principal, order_id=order_id)


@router.post("/rectification-orders/{order_id}/close", response_model=OrderPublic)
async def close_order(
    session: SessionDep, principal: CurrentPrincipal, order_id: str, body: OrderClose
) -> OrderPublic:
    """Close an order with the rectification's outcome. Bureau only."""
    return await service.close_order(session, principal=principal, order_id=order_id, body=body)


@router.get("/scorecards", response_model=Scorecards)
async def get_scorecards(
    session: TransactionDep,
    principal: CurrentPrincipal,
    period: Annotated[
        str, Query(description="考核期：YYYY 或 YYYY-MM（上海时间）", pattern=PERIOD_PATTERN)
    ],
) -> Scorecards:
    """Each department's supervision figures for a period, computed from the journal (Art. 34,
    35): catalogue chained, change obligations in time, data fresh, share replies in time, open
    list kept, usage reports filed. Bureau, cyberspace office and assessor; a department its
    own."""
    return await scorecards.scorecards(session, principal=principal, period=period)


@router.get("/scorecards/export.csv", response_class=Response)
async def export_scorecards(
    session: TransactionDep,
    principal: CurrentPrincipal,
    period: Annotated[str, Query(description="考核期：YYYY 或 YYYY-MM", pattern=PERIOD_PATTERN)],
) -> Response:
    """The scorecards as CSV: one row per department, each measure's score and figures."""
    cards = await scorecards.scorecards(session, principal=principal, period=period)
    return scorecards_csv(cards)
