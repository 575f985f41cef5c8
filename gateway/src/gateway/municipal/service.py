"""What the console and the data centre see of the adapters, and the few things they may do."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gateway.municipal.models import (
    ChainPush,
    DecisionReturn,
    Delivery,
    DeliveryStatus,
    HandbackBatch,
    OpenDataApplication,
)
from gateway.municipal.schemas import (
    ApplicationPublic,
    ChainPushPublic,
    DecisionPublic,
    HandbackPublic,
)
from pdp_kit.auth import Principal, Role, require_role
from pdp_kit.db import get_for_update, utcnow
from pdp_kit.errors import Conflict, NotFound
from pdp_kit.pagination import Page, PageParams, keyset_page

#: Who watches the link to the city: the bureau, the data centre that runs it, ops.
WATCHERS = (Role.BUREAU, Role.DATACENTER, Role.OPS)

P = TypeVar("P", bound=BaseModel)

VIEWS: dict[str, tuple[type[Delivery], Any, type[BaseModel]]] = {
    "chain-pushes": (ChainPush, ChainPush.idempotency_key, ChainPushPublic),
    "applications": (OpenDataApplication, OpenDataApplication.id, ApplicationPublic),
    "decisions": (DecisionReturn, DecisionReturn.id, DecisionPublic),
    "handbacks": (HandbackBatch, HandbackBatch.id, HandbackPublic),
}


class PushNotRetryable(Conflict):
    code, title = "push-not-retryable", "该上链记录无需重试"


async def list_deliveries(
    session: AsyncSession,
    *,
    view: str,
    status: DeliveryStatus | None,
    page: PageParams,
    principal: Principal,
) -> Page[Any]:
    require_role(principal, *WATCHERS)
    model, key, public = VIEWS[view]
    query = select(model)
    if status is not None:
        query = query.where(col(model.status) == status)
    return await keyset_page(
        session,
        query,
        key=key,
        page=page,
        to_public=public.model_validate,
        cursor_of=lambda row: getattr(row, key.key),
    )


async def retry_push(session: AsyncSession, *, key: str, principal: Principal) -> ChainPushPublic:
    """Send a refused or waiting push again now (data centre, bureau; Art. 11)."""
    require_role(principal, Role.DATACENTER, Role.BUREAU)
    push = await get_for_update(session, ChainPush, key)
    if push is None:
        raise NotFound(f"没有上链记录 {key}")
    if push.status not in (DeliveryStatus.PENDING, DeliveryStatus.REFUSED):
        raise PushNotRetryable(f"上链记录处于 {push.status} 状态")
    push.status = DeliveryStatus.PENDING
    push.next_attempt_at = utcnow()
    push.failure_reported = False
    await session.flush()
    return ChainPushPublic.model_validate(push)
