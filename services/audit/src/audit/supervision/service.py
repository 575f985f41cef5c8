"""Violation notices (通报) and rectification orders (Art. 35): the bureau writes and closes, the
department reads its own, the cyberspace office and the assessor read everything."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from audit.supervision.models import RectificationOrder, ViolationNotice
from audit.supervision.schemas import (
    NoticeCreate,
    NoticePublic,
    OrderClose,
    OrderCreate,
    OrderPublic,
)
from pdp_contracts.audit import (
    RectificationClosed,
    RectificationOrdered,
    RectificationOverdue,
    ViolationNotified,
)
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.db import get_for_update
from pdp_kit.errors import Conflict, NotFound
from pdp_kit.events.outbox import record_event
from pdp_kit.sweeps import today_in_shanghai

READ_ALL = (Role.BUREAU, Role.CYBERSPACE, Role.ASSESSOR)


class NoticeNotFound(NotFound):
    code, title = "notice-not-found", "通报不存在"


class OrderNotFound(NotFound):
    code, title = "order-not-found", "整改通知不存在"


class OrderClosed(Conflict):
    code, title = "order-closed", "整改通知已结束"


def _visible(principal: Principal, query: Select[Any], department: Any) -> Select[Any]:
    if principal.has(*READ_ALL):
        return query
    require_role(principal, *READ_ALL, Role.DEPARTMENT)
    return query.where(department == principal.department)


def _may_read(principal: Principal, department: str) -> bool:
    return principal.has(*READ_ALL) or principal.acts_for(department)


async def issue_notice(
    session: AsyncSession, *, principal: Principal, body: NoticeCreate
) -> NoticePublic:
    require_role(principal, Role.BUREAU)
    notice = ViolationNotice(
        id=str(uuid.uuid4()), issued_by=principal.client_id, **body.model_dump()
    )
    session.add(notice)
    await record_event(
        session,
        ViolationNotified(id=notice.id, department=notice.department, title=notice.title),
        subject=notice.id,
        actor=principal.client_id,
        department=notice.department,
    )
    await session.flush()
    return NoticePublic.model_validate(notice)


async def list_notices(session: AsyncSession, *, principal: Principal) -> list[NoticePublic]:
    query = _visible(principal, select(ViolationNotice), col(ViolationNotice.department))
    notices = await session.scalars(query.order_by(col(ViolationNotice.issued_at)))
    return [NoticePublic.model_validate(n) for n in notices]


async def get_notice(
    session: AsyncSession, *, principal: Principal, notice_id: str
) -> NoticePublic:
    require_role(principal, *READ_ALL, Role.DEPARTMENT)
    notice = await session.get(ViolationNotice, notice_id)
    if notice is None or not _may_read(principal, notice.department):
        raise NoticeNotFound(f"通报 {notice_id} 不存在")
    return NoticePublic.model_validate(notice)


async def order_rectification(
    session: AsyncSession, *, principal: Principal, body: OrderCreate
) -> OrderPublic:
    require_role(principal, Role.BUREAU)
    if body.notice_id is not None:
        notice = await session.get(ViolationNotice, body.notice_id)
        if notice is None or notice.department != body.department:
            raise NoticeNotFound(f"通报 {body.notice_id} 不存在或不属于该部门")
    order = RectificationOrder(
        id=str(uuid.uuid4()), ordered_by=principal.client_id, **body.model_dump()
    )
    session.add(order)
    await record_event(
        session,
        RectificationOrdered(
            id=order.id, department=order.department, notice_id=order.notice_id, due_on=order.due_on
        ),
        subject=order.id,
        actor=principal.client_id,
        department=order.department,
    )
    await session.flush()
    return OrderPublic.model_validate(order)


async def list_orders(session: AsyncSession, *, principal: Principal) -> list[OrderPublic]:
    query = _visible(principal, select(RectificationOrder), col(RectificationOrder.department))
    orders = await session.scalars(query.order_by(col(RectificationOrder.ordered_at)))
    return [OrderPublic.model_validate(o) for o in orders]


async def get_order(session: AsyncSession, *, principal: Principal, order_id: str) -> OrderPublic:
    require_role(principal, *READ_ALL, Role.DEPARTMENT)
    order = await session.get(RectificationOrder, order_id)
    if order is None or not _may_read(principal, order.department):
        raise OrderNotFound(f"整改通知 {order_id} 不存在")
    return OrderPublic.model_validate(order)


async def close_order(
    session: AsyncSession, *, principal: Principal, order_id: str, body: OrderClose
) -> OrderPublic:
    require_role(principal, Role.BUREAU)
    order = await get_for_update(session, RectificationOrder, order_id)
    if order is None:
        raise OrderNotFound(f"整改通知 {order_id} 不存在")
    if order.status == "closed":
        raise OrderClosed("该整改通知已结束")
    order.status, order.closed_by = "closed", principal.client_id
    order.closed_on, order.closing_note = today_in_shanghai(), body.note
    await record_event(
        session,
        RectificationClosed(
            id=order.id,
            department=order.department,
            closed_on=order.closed_on,
            overdue=order.overdue,
        ),
        subject=order.id,
        actor=principal.client_id,
        department=order.department,
    )
    await session.flush()
    return OrderPublic.model_validate(order)


async def flag_overdue_orders(session: AsyncSession, as_of: date) -> dict[str, Any]:
    """Sweep: an open order past its deadline is flagged overdue, once, with an event."""
    due = await session.scalars(
        select(col(RectificationOrder.id)).where(
            col(RectificationOrder.status) == "open",
            col(RectificationOrder.overdue).is_(False),
            col(RectificationOrder.due_on) < as_of,
        )
    )
    flagged = []
    for order_id in list(due):
        order = await get_for_update(session, RectificationOrder, order_id)
        if order is None or order.overdue or order.status != "open":
            continue
        order.overdue = True
        await record_event(
            session,
            RectificationOverdue(id=order.id, department=order.department, due_on=order.due_on),
            subject=order.id,
            department=order.department,
        )
        flagged.append(order.id)
    return {"overdue": flagged}
